#!/usr/bin/env python3
"""Parses iCalendar text on stdin with the icalendar package (a real parser, strict about folding and escaping) and
prints what a calendar client would read, as JSON: the method, the calendar's name and each event."""
import json
import sys

import icalendar

text = sys.stdin.buffer.read()
calendar = icalendar.Calendar.from_ical(text)
events = []
for event in calendar.walk("VEVENT"):
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND")
    events.append({
        "uid": str(event.get("UID")),
        "sequence": int(event.get("SEQUENCE", 0)),
        "status": str(event.get("STATUS", "")),
        "summary": str(event.get("SUMMARY", "")),
        "description": str(event.get("DESCRIPTION", "")),
        "location": str(event.get("LOCATION", "")),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "all_day": not hasattr(start, "hour"),
        "organizer": str(event.get("ORGANIZER", "")),
        "attendees": [str(a) for a in (event.get("ATTENDEE") if isinstance(event.get("ATTENDEE"), list) else [event.get("ATTENDEE")] if event.get("ATTENDEE") else [])],
    })
# every content line is at most 75 octets and ends in CRLF
lines = text.split(b"\r\n")
long_lines = [len(line) for line in lines if len(line) > 75]
print(json.dumps({
    "method": str(calendar.get("METHOD", "")),
    "name": str(calendar.get("X-WR-CALNAME", "")),
    "events": events,
    "bare_newlines": text.count(b"\n") != text.count(b"\r\n"),
    "long_lines": long_lines,
}))

#!/usr/bin/env python3
"""Reads every message a mail test captured (NNNN.eml in DIR) with Python's email package, and prints what the test
checks as one JSON array: the headers, the MIME tree (content types), the text and HTML bodies, each attachment (name,
type, content), and each calendar part read back with icalendar (method, summary, start, end, uid, sequence, status,
attendees). A message the email package finds defects in lists them.

  mail-read.py DIR
"""
import email
import email.policy
import json
import os
import sys

import icalendar


def tree(part):
    if part.is_multipart():
        return {"type": part.get_content_type(), "parts": [tree(child) for child in part.iter_parts()]}
    return {"type": part.get_content_type()}


def read(path):
    with open(path, "rb") as file:
        message = email.message_from_binary_file(file, policy=email.policy.default)
    result = {
        "file": os.path.basename(path),
        "headers": {key: str(value) for key, value in message.items()},
        "tree": tree(message),
        "defects": [type(defect).__name__ for part in message.walk() for defect in part.defects],
        "attachments": [],
        "calendars": [],
    }
    envelope = path[:-4] + ".json"
    if os.path.exists(envelope):
        with open(envelope) as file:
            result["envelope"] = json.load(file)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    result["text"] = text.get_content() if text else None
    result["html"] = html.get_content() if html else None
    for part in message.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "text/calendar":
            calendar = icalendar.Calendar.from_ical(part.get_content())
            for event in calendar.walk("VEVENT"):
                result["calendars"].append({
                    "method": str(calendar.get("METHOD", "")),
                    "content_type_method": part.get_param("method"),
                    "summary": str(event.get("SUMMARY", "")),
                    "start": event.decoded("DTSTART").isoformat() if event.get("DTSTART") else None,
                    "end": event.decoded("DTEND").isoformat() if event.get("DTEND") else None,
                    "uid": str(event.get("UID", "")),
                    "sequence": int(event.get("SEQUENCE", 0)),
                    "status": str(event.get("STATUS", "")),
                    "attendees": [str(a) for a in (event.get("ATTENDEE") if isinstance(event.get("ATTENDEE"), list) else [event.get("ATTENDEE")] if event.get("ATTENDEE") else [])],
                })
        elif part.get_filename():
            content = part.get_content()
            if isinstance(content, bytes):  # application/json and other non-text types come back as bytes
                content = content.decode("utf-8")
            result["attachments"].append({"filename": part.get_filename(), "type": part.get_content_type(), "content": content})
    return result


def main():
    directory = sys.argv[1]
    names = sorted(name for name in os.listdir(directory) if name.endswith(".eml"))
    print(json.dumps([read(os.path.join(directory, name)) for name in names]))


if __name__ == "__main__":
    main()

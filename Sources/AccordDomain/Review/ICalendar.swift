import Foundation

/// One event of a calendar feed or invitation.
public struct CalendarEvent: Sendable, Equatable {
    public var uid: String
    /// Raised on every change, so clients replace their copy.
    public var sequence: Int
    public var start: Date
    public var end: Date
    public var summary: String
    public var description: String
    public var location: String
    public var cancelled: Bool
    /// When the event was last changed (`DTSTAMP`).
    public var stamp: Date
    /// An all-day event on this day (a notice deadline): written as dates, not instants.
    public var allDay: LocalDate?
    /// The organiser's e-mail address, and the attendees' names and addresses (an invitation names them).
    public var organizer: String?
    public var attendees: [Attendee]

    public struct Attendee: Sendable, Equatable {
        public var name: String
        public var email: String

        public init(name: String, email: String) {
            self.name = name
            self.email = email
        }
    }

    public init(
        uid: String, sequence: Int, start: Date, end: Date, summary: String, description: String = "", location: String = "", cancelled: Bool = false,
        stamp: Date, allDay: LocalDate? = nil, organizer: String? = nil, attendees: [Attendee] = []
    ) {
        self.uid = uid
        self.sequence = sequence
        self.start = start
        self.end = end
        self.summary = summary
        self.description = description
        self.location = location
        self.cancelled = cancelled
        self.stamp = stamp
        self.allDay = allDay
        self.organizer = organizer
        self.attendees = attendees
    }
}

/// iCalendar (RFC 5545) text: a subscribable feed (no METHOD), an invitation (METHOD:REQUEST) or a cancellation
/// (METHOD:CANCEL). Times are written in UTC; text is escaped; lines are folded at 75 octets without splitting a
/// character; lines end in CRLF.
public enum ICalendar {
    public enum Method: String, Sendable {
        case request = "REQUEST"
        case cancel = "CANCEL"
    }

    public static func document(_ events: [CalendarEvent], name: String, method: Method? = nil) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Accord//Review governance//EN", "CALSCALE:GREGORIAN"]
        if let method { lines.append("METHOD:\(method.rawValue)") }
        lines.append("X-WR-CALNAME:\(Self.escape(name))")
        for event in events {
            lines += ["BEGIN:VEVENT", "UID:\(Self.escape(event.uid))", "SEQUENCE:\(max(0, event.sequence))", "DTSTAMP:\(Self.utc(event.stamp))"]
            if let day = event.allDay, let next = day.adding(days: 1) {
                lines += ["DTSTART;VALUE=DATE:\(Self.date(day))", "DTEND;VALUE=DATE:\(Self.date(next))"]
            } else {
                lines += ["DTSTART:\(Self.utc(event.start))", "DTEND:\(Self.utc(event.end))"]
            }
            lines.append("SUMMARY:\(Self.escape(event.summary))")
            if let organizer = event.organizer, Self.isAddress(organizer) { lines.append("ORGANIZER:mailto:\(organizer)") }
            for attendee in event.attendees where Self.isAddress(attendee.email) {
                lines.append("ATTENDEE;CN=\(Self.parameter(attendee.name));ROLE=REQ-PARTICIPANT:mailto:\(attendee.email)")
            }
            if !event.description.isEmpty { lines.append("DESCRIPTION:\(Self.escape(event.description))") }
            if !event.location.isEmpty { lines.append("LOCATION:\(Self.escape(event.location))") }
            lines.append("STATUS:\(event.cancelled || method == .cancel ? "CANCELLED" : "CONFIRMED")")
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261202T100000Z`.
    static func utc(_ date: Date) -> String {
        let text = RFC3339.format(date)  // 2026-12-02T10:00:00Z (fractions only when present)
        let digits = text.prefix(19).filter { $0 != "-" && $0 != ":" }
        return digits + "Z"
    }

    /// `20261202`.
    static func date(_ day: LocalDate) -> String { day.description.filter { $0 != "-" } }

    /// An address that can stand in a `mailto:` URI as it is: no spaces, quotes, separators or control characters.
    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@")
        return parts.count == 2 && text.count <= 254
            && text.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 32 && !"\"<>,;:\\()[] ".unicodeScalars.contains($0) }
    }

    /// A parameter value (a name): quoted, with the characters a quoted value cannot hold left out.
    static func parameter(_ text: String) -> String {
        "\"" + text.filter { $0 != "\"" && !$0.isNewline && $0.unicodeScalars.allSatisfy { $0.value >= 32 } } + "\""
    }

    /// Backslash, semicolon, comma and newlines escaped as RFC 5545 asks of TEXT values.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\n", "\r\n": result += "\\n"
            case "\r": continue
            default: result.append(character)
            }
        }
        return result
    }

    /// A content line folded into lines of at most 75 octets, continuations starting with one space; a multi-byte
    /// character is never split.
    static func fold(_ line: String) -> String {
        var lines: [String] = []
        var current = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            let limit = lines.isEmpty ? 75 : 74  // a continuation's leading space is one of its 75
            if octets + size > limit {
                lines.append(current)
                current = ""
                octets = 0
            }
            current.append(character)
            octets += size
        }
        lines.append(current)
        return lines.enumerated().map { $0.offset == 0 ? $0.element : " " + $0.element }.joined(separator: "\r\n")
    }
}

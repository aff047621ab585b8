import Foundation

/// A message in Internet Message Format (RFC 5322) with MIME parts (RFC 2045–2049): the text and, where there is one,
/// the HTML as `multipart/alternative`; an invitation's `text/calendar` part beside them (RFC 6047), and attachments
/// around all of it in `multipart/mixed`. Every body part is base64 in lines of 76, so no line is ever too long and a
/// dot at the start of a line cannot end the transfer; header text outside ASCII is an RFC 2047 encoded word, and no
/// header can be split by a line break in a subject or a name.
public struct MIMEMessage: Sendable {
    public var from: (address: String, name: String)
    public var to: (address: String, name: String)
    public var subject: String
    public var date: Date
    /// The left part of the Message-ID; the sender's domain is added.
    public var messageToken: String
    public var text: String
    public var html: String?
    public var calendar: String?
    public var attachments: [MailAttachment]
    /// Where a digest or a notification can be stopped (`List-Unsubscribe`).
    public var preferencesLink: String?

    public init(
        from: (address: String, name: String), to: (address: String, name: String), subject: String, date: Date, messageToken: String, text: String,
        html: String? = nil, calendar: String? = nil, attachments: [MailAttachment] = [], preferencesLink: String? = nil
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageToken = messageToken
        self.text = text
        self.html = html
        self.calendar = calendar
        self.attachments = attachments
        self.preferencesLink = preferencesLink
    }

    public var messageID: String { "<\(self.messageToken)@\(MailAddress.domain(of: self.from.address))>" }

    /// The whole message, lines ended by CRLF.
    public func rendered() -> String {
        var headers = [
            "From: \(Self.mailbox(self.from.address, self.from.name))",
            "To: \(Self.mailbox(self.to.address, self.to.name))",
            "Subject: \(Self.headerText(self.subject))",
            "Date: \(Self.date(self.date))",
            "Message-ID: \(self.messageID)",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
        ]
        if let link = self.preferencesLink { headers.append("List-Unsubscribe: <\(Self.oneLine(link))>") }
        var body = self.alternative(boundary: self.boundary("alt"))
        if let calendar = self.calendar {
            // the calendar part beside the text, as mail clients expect an invitation (multipart/mixed, inline)
            let method = Self.calendarMethod(calendar)
            let mixed = self.boundary("cal")
            body = Self.multipart(
                "mixed", boundary: mixed,
                parts: [body, Self.part(contentType: "text/calendar; charset=utf-8; method=\(method)", content: calendar)])
        }
        if !self.attachments.isEmpty {
            let mixed = self.boundary("mix")
            body = Self.multipart(
                "mixed", boundary: mixed,
                parts: [body] + self.attachments.map { Self.part(contentType: $0.contentType, content: $0.content, filename: $0.filename) })
        }
        return (headers + [body]).joined(separator: "\r\n")
    }

    func alternative(boundary: String) -> String {
        let text = Self.part(contentType: "text/plain; charset=utf-8", content: self.text)
        guard let html = self.html else { return text }
        return Self.multipart("alternative", boundary: boundary, parts: [text, Self.part(contentType: "text/html; charset=utf-8", content: html)])
    }

    func boundary(_ name: String) -> String { "accord-\(name)-\(self.messageToken.filter { $0.isLetter || $0.isNumber })" }

    /// A part's headers, a blank line and its content in base64; an attachment names its file.
    static func part(contentType: String, content: String, filename: String? = nil) -> String {
        var lines = ["Content-Type: \(Self.oneLine(contentType))", "Content-Transfer-Encoding: base64"]
        if let filename {
            let name = Self.oneLine(filename).replacingOccurrences(of: "\"", with: "'")
            lines.append("Content-Disposition: attachment; filename=\"\(name)\"")
        }
        return (lines + ["", Self.base64Lines(Data(content.utf8))]).joined(separator: "\r\n")
    }

    static func multipart(_ subtype: String, boundary: String, parts: [String]) -> String {
        var lines = ["Content-Type: multipart/\(subtype); boundary=\"\(boundary)\"", ""]
        for part in parts { lines += ["--\(boundary)", part] }
        lines.append("--\(boundary)--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func base64Lines(_ data: Data) -> String {
        let encoded = data.base64EncodedString()
        var lines: [Substring] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(encoded[index..<end])
            index = end
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `Name <address>`, the name quoted or encoded as it needs.
    static func mailbox(_ address: String, _ name: String) -> String {
        let name = Self.oneLine(name)
        guard !name.isEmpty else { return "<\(address)>" }
        if name.unicodeScalars.allSatisfy({ $0.isASCII }) {
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\" <\(address)>"
        }
        return "\(Self.encodedWords(name)) <\(address)>"
    }

    /// Header text: ASCII as it is, anything else as UTF-8 encoded words of at most 75 characters.
    static func headerText(_ text: String) -> String {
        let line = Self.oneLine(text)
        return line.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) && line.count <= 900 ? line : Self.encodedWords(line)
    }

    /// `=?UTF-8?B?…?=` words, split between characters, folded onto continuation lines.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk = ""
        for character in text {
            if (chunk + String(character)).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// Line breaks and other controls become spaces: nothing a person typed can start a header of its own.
    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : Character($0) })
    }

    /// The METHOD of an iCalendar object (REQUEST when it names none).
    static func calendarMethod(_ calendar: String) -> String {
        for line in calendar.split(whereSeparator: \.isNewline) where line.hasPrefix("METHOD:") {
            let method = line.dropFirst("METHOD:".count).trimmingCharacters(in: .whitespaces)
            if !method.isEmpty && method.allSatisfy({ $0.isLetter }) { return method }
        }
        return "REQUEST"
    }

    /// RFC 5322's date: `Mon, 07 Dec 2026 14:30:00 +0000`.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let day = days[((parts.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((parts.month ?? 1) - 1 + 12) % 12]
        let clock = String(format: "%02d:%02d:%02d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
        return "\(day), \(String(format: "%02d", parts.day ?? 1)) \(month) \(String(format: "%04d", parts.year ?? 1970)) \(clock) +0000"
    }
}

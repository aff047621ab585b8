import AccordDomain
import AccordStorage
import Foundation
import Logging

/// Where mail points and where captured mail goes: the server's public address (`ACCORD_PUBLIC_URL`, for the links in
/// every message) and the capture folder (`ACCORD_MAIL_CAPTURE_DIR`).
public struct MailOptions: Sendable {
    public var publicURL: String
    public var captureDirectory: URL
    /// The name given in EHLO.
    public var heloName: String

    public init(publicURL: String, captureDirectory: URL, heloName: String = "accord.localdomain") {
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.captureDirectory = captureDirectory
        self.heloName = heloName
    }

    public static let standard = MailOptions(
        publicURL: "http://127.0.0.1:8080", captureDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".data/mail"))
}

/// Sends the outbox: claims due messages (leased for ten minutes, `SKIP LOCKED`), puts each in MIME form with the
/// links and the footer, and hands them to the relay in one SMTP session (or writes them to the capture folder). A
/// message the relay accepted is sent; a 4xx reply or no connection retries with backoff (`MailBackoff`); a 5xx reply
/// gives it up at once, and a message given up on is shown to admins with the relay's words.
public struct MailDeliveryJob: Job {
    let repositories: Repositories
    let options: MailOptions
    let logger: Logger
    static let batch = 50

    public init(repositories: Repositories, options: MailOptions, logger: Logger = Logger(label: "accord.mail")) {
        self.repositories = repositories
        self.options = options
        self.logger = logger
    }

    public var name: String { "mail-delivery" }
    public var purpose: String { "Sends the outbox through the SMTP relay (or to the capture folder), with retries and backoff." }
    public var interval: Duration { .seconds(15) }

    public func run(now: Date) async throws -> JobReport {
        let (settings, password) = try await self.repositories.mail.relay()
        guard settings.mode != .off else { return .idle }
        let due = try await self.repositories.mail.claimDue(limit: Self.batch, now: now, leaseUntil: now.addingTimeInterval(600))
        guard !due.isEmpty else { return .idle }
        let messages = due.map { self.compose($0, settings: settings) }
        let outcomes: [SMTPClient.Failure?]
        switch settings.mode {
        case .capture: outcomes = self.capture(zip(due, messages).map { ($0.id, $1) })
        case .smtp:
            let client = SMTPClient(
                relay: .init(
                    host: settings.host, port: settings.port, security: settings.security, username: settings.username, password: password,
                    verifyCertificate: settings.verifyCertificate, timeout: .seconds(settings.timeoutSeconds + 10 * due.count)),
                heloName: self.options.heloName)
            outcomes = await client.send(zip(due, messages).map { SMTPClient.Envelope(from: settings.senderAddress, to: $0.toAddress, data: $1) })
        case .off: return .idle
        }
        var sent = 0
        for (message, outcome) in zip(due, outcomes) {
            switch outcome {
            case nil:
                sent += 1
                try await self.repositories.mail.recordAttempt(id: message.id, at: now, error: nil, retryAt: nil)
            case .transient(let reason)?:
                try await self.repositories.mail.recordAttempt(
                    id: message.id, at: now, error: reason, retryAt: MailBackoff.retry(after: message.attempts + 1, from: now))
            case .permanent(let reason)?:
                try await self.repositories.mail.recordAttempt(id: message.id, at: now, error: reason, retryAt: nil)
            }
        }
        AccordMetrics.mailSent(sent, failed: due.count - sent)
        return JobReport(items: due.count, summary: settings.mode == .capture ? "\(sent) of \(due.count) messages captured" : "\(sent) of \(due.count) messages sent")
    }

    /// The message as it goes out: the queued text with its link and the footer, its HTML form (with the queued HTML
    /// fragment, a pack's tables, after the text), and the calendar part or attachments it carries.
    func compose(_ message: MailRepository.Due, settings: MailSettings) -> String {
        let link = message.link.map { self.options.publicURL + $0 }
        let preferences = self.options.publicURL + "/account/mail"
        var text = message.text
        if let link { text += "\n\nOpen in Accord: \(link)" }
        let footer =
            message.kind.isContractual
            ? "This is a contractual notice from Accord; it is sent whatever your mail settings say."
            : message.userID == nil ? "Sent by Accord." : "Sent by Accord. Choose what you receive by mail: \(preferences)"
        text += "\n\n-- \n\(footer)\n"
        let html = MailHTML.page(text: message.text, fragment: message.html, link: link, footer: footer)
        return MIMEMessage(
            from: (settings.senderAddress, settings.senderName), to: (message.toAddress, message.toName), subject: message.subject, date: message.createdAt,
            messageToken: message.messageToken, text: text, html: html, calendar: message.calendar, attachments: message.attachments,
            preferencesLink: message.userID == nil || message.kind.isContractual ? nil : preferences
        ).rendered()
    }

    /// Writes each message to the capture folder as `<id>.eml`.
    func capture(_ messages: [(Int64, String)]) -> [SMTPClient.Failure?] {
        do {
            try FileManager.default.createDirectory(at: self.options.captureDirectory, withIntermediateDirectories: true)
        } catch {
            return messages.map { _ in .transient("the capture folder \(self.options.captureDirectory.path) cannot be made") }
        }
        return messages.map { id, message in
            let file = self.options.captureDirectory.appendingPathComponent("\(id).eml")
            do {
                try Data(message.utf8).write(to: file, options: .atomic)
                self.logger.info("mail captured, not sent", metadata: ["file": "\(file.path)"])
                return nil
            } catch {
                return .transient("the message cannot be written to \(file.path)")
            }
        }
    }
}

/// The HTML form of a message: its paragraphs escaped, then the HTML fragment queued with it (built from escaped text
/// only), the link as a button, the footer small.
enum MailHTML {
    static func page(text: String, fragment: String? = nil, link: String?, footer: String) -> String {
        let paragraphs = text.components(separatedBy: "\n\n").map { "<p>\(Self.escaped($0).replacingOccurrences(of: "\n", with: "<br>"))</p>" }.joined()
        let button = link.map { "<p><a href=\"\(Self.escaped($0))\" style=\"display:inline-block;padding:8px 14px;background:#1d4ed8;color:#fff;text-decoration:none;border-radius:4px\">Open in Accord</a></p>" } ?? ""
        return """
            <!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:15px;color:#111;max-width:640px">\
            \(paragraphs)\(fragment ?? "")\(button)<hr><p style="font-size:12px;color:#555">\(Self.escaped(footer))</p></body></html>
            """
    }

    /// A table for mail clients: inline styles only, every cell escaped.
    static func table(_ columns: [String], _ rows: [[String]]) -> String {
        let cell = "style=\"border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top\""
        let head = columns.map { "<th \(cell)>\(Self.escaped($0))</th>" }.joined()
        let body = rows.map { row in "<tr>" + row.map { "<td \(cell)>\(Self.escaped($0))</td>" }.joined() + "</tr>" }.joined()
        return "<table style=\"border-collapse:collapse;font-size:13px;margin:8px 0 16px\"><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table>"
    }

    static func escaped(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

/// Queues each daily digest: the people who take one and have unread items newer than their last get one message
/// listing them (what waits on them first), at the first run after `hour` o'clock UTC, at most once a day.
public struct MailDigestJob: Job {
    let repositories: Repositories
    /// The hour (UTC) digests go out.
    let hour: Int

    public init(repositories: Repositories, hour: Int = 7) {
        self.repositories = repositories
        self.hour = hour
    }

    public var name: String { "mail-digest" }
    public var purpose: String { "Queues each person's daily digest of unread inbox items, for those who chose one." }
    public var interval: Duration { .seconds(600) }

    public func run(now: Date) async throws -> JobReport {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let today = calendar.date(bySettingHour: self.hour, minute: 0, second: 0, of: now) else { return .idle }
        // before today's hour the digest of yesterday's hour is the one due
        let slot = now >= today ? today : today.addingTimeInterval(-86_400)
        var total = 0
        while true {
            let queued = try await self.repositories.mail.takeDigests(since: slot, now: now, limit: 100) { Self.digest($0) }
            total += queued
            if queued < 100 { break }
        }
        return total == 0 ? .idle : JobReport(items: total, summary: total == 1 ? "1 digest queued" : "\(total) digests queued")
    }

    static func digest(_ due: MailRepository.DigestDue) -> MailDraft {
        let waiting = due.items.filter(\.toAct)
        let count = due.items.count
        var lines = ["\(count) unread item\(count == 1 ? "" : "s") in your Accord inbox\(waiting.isEmpty ? "" : ", \(waiting.count) waiting on you"):", ""]
        for item in due.items.prefix(50) {
            lines.append("\(item.toAct ? "• To act: " : "• ")\(item.title)")
        }
        if count > 50 { lines.append("… and \(count - 50) more.") }
        return MailDraft(
            kind: .digest, userID: due.userID, toAddress: due.email, toName: due.name,
            subject: "Accord digest: \(count) unread item\(count == 1 ? "" : "s")\(waiting.isEmpty ? "" : ", \(waiting.count) waiting on you")",
            text: lines.joined(separator: "\n"), link: "/inbox")
    }
}

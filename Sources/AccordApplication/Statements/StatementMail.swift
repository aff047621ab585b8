import AccordDomain
import AccordStorage
import Foundation

/// A statement by mail when it is issued: to the agreement's recipients (the customer's people the RACI names, the
/// vendor's contacts), each with the signed file, its Markdown and CSV attached. Contractual: nobody's mail settings
/// stop it. Its figures, credits and decisions are what both parties read on the page.
enum StatementMail {
    static func mails(_ statement: IssuedStatement, recipients: [(userID: Int64?, email: String, name: String, vendorID: Int64?)]) throws -> [MailDraft] {
        let reading = try StatementReading(statement)
        var lines = [
            "The statement of \(reading.title) for \(reading.month) is issued\(statement.revision > 1 ? " (revision \(statement.revision), replacing the one issued before)" : "").",
            "",
            "Breaches: \(reading.breaches). Credits owed: \(reading.hasCredits ? reading.credits.joined(separator: ", ") + ", owed without a claim" : "none").",
            "",
        ]
        lines += reading.objectives.map { "\($0.name): \($0.attainment) against an SLA of \($0.target), \($0.status); credit \($0.credit)" }
        lines += [
            "",
            "It is signed (Ed25519, key \(reading.keyID)); the signed file is attached with its Markdown and CSV. SHA-256 \(reading.sha256).",
        ]
        let html = MailHTML.table(
            ["Objective", "SLA", "Attainment", "Status", "Credit owed"], reading.objectives.map { [$0.name, $0.target, $0.attainment, $0.status, $0.credit] })
        let attachments = [
            MailAttachment(filename: statement.fileName(ext: "json"), contentType: "application/json", content: statement.file),
            MailAttachment(filename: statement.fileName(ext: "md"), contentType: "text/markdown; charset=utf-8", content: reading.markdown),
            MailAttachment(filename: statement.fileName(ext: "csv"), contentType: "text/csv; charset=utf-8", content: reading.csv),
        ]
        return recipients.filter { MailAddress.isValid($0.email) }.map { recipient in
            MailDraft(
                kind: .statement, userID: recipient.userID, toAddress: recipient.email, toName: recipient.name,
                subject: "Statement: \(reading.title), \(reading.month)\(statement.revision > 1 ? " (revision \(statement.revision))" : "")",
                text: lines.joined(separator: "\n"), html: html, link: "/statements/\(statement.id)", attachments: attachments,
                dedupeKey: "statement:\(statement.id)")
        }
    }
}

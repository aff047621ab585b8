import AccordDomain
import AccordStorage
import Foundation

/// An admin's view of mail: the relay's settings, the outbox with what failed, a test message, a retry.
public struct MailAdministration: Sendable {
    let change: Change
    let options: MailOptions
    var repositories: Repositories { self.change.repositories }

    /// Where links in mail point, and where captured mail is written.
    public var publicURL: String { self.options.publicURL }
    public var captureDirectory: String { self.options.captureDirectory.path }

    public func settings() async throws -> MailSettings {
        try await self.repositories.mail.settings()
    }

    /// Writes the settings, audited without the password (the audit line says only whether one is set).
    public func update(_ draft: MailSettingsDraft, actor: AuditActor) async throws -> MailSettings {
        try draft.validate().throwIfAny()
        return try await self.change.run(actor: actor) { repositories, now in
            let (before, after) = try await repositories.mail.write(draft, at: now)
            return (after, [.audit(AuditRecord(action: "update", entity: "mail_settings", entityID: 1, before: before, after: after))])
        }
    }

    /// Queues a test message to the admin; the delivery job sends it on its next run (or `deliverNow` at once).
    public func sendTest(to user: User, actor: AuditActor) async throws -> Int64 {
        try await self.change.run(actor: actor) { repositories, now in
            let draft = MailDraft(
                kind: .test, userID: user.id, toAddress: user.email, toName: user.name, subject: "Accord test message",
                text: "This is a test message from Accord, asked for by \(user.name). If you read it, mail from Accord reaches you.",
                link: "/admin/mail")
            guard let id = try await repositories.mail.enqueue(draft, at: now) else {
                throw RuleViolation("Mail is off: choose SMTP or capture first, then send a test message.")
            }
            return (id, [.audit(AuditRecord(action: "test", entity: "mail_settings", entityID: 1, after: ["to": user.email]))])
        }
    }

    public func outbox(failedOnly: Bool, page: PageRequest) async throws -> PageOf<OutboxMessage> {
        try await self.repositories.mail.list(failedOnly: failedOnly, page: page)
    }

    public func counts() async throws -> (queued: Int, sent: Int, failed: Int) {
        try await self.repositories.mail.counts()
    }

    /// Puts a message given up on back in the queue.
    public func retry(id: Int64, actor: AuditActor) async throws -> OutboxMessage {
        try await self.change.run(actor: actor) { repositories, now in
            let message = try await repositories.mail.retry(id: id, at: now)
            return (message, [.audit(AuditRecord(action: "retry", entity: "mail_message", entityID: id, after: message))])
        }
    }

    /// Runs the delivery job once now (the test button does not wait a quarter of a minute).
    public func deliverNow() async throws -> JobReport {
        try await MailDeliveryJob(repositories: self.repositories, options: self.options).run(now: self.change.clock())
    }
}

/// Each person's choice for their inbox items by mail.
public struct MailPreferences: Sendable {
    let change: Change

    public func get(userID: Int64) async throws -> InboxMail {
        try await self.change.repositories.mail.preference(userID: userID)
    }

    public func set(userID: Int64, _ preference: InboxMail, actor: AuditActor) async throws -> InboxMail {
        try await self.change.run(actor: actor) { repositories, now in
            let before = try await repositories.mail.preference(userID: userID)
            let after = try await repositories.mail.setPreference(userID: userID, preference, at: now)
            return (after, [.audit(AuditRecord(action: "update", entity: "mail_preference", entityID: userID, before: ["inbox_mail": before.rawValue], after: ["inbox_mail": after.rawValue]))])
        }
    }
}

extension UseCases {
    public var mail: MailAdministration { MailAdministration(change: self.change, options: self.mailOptions) }
    public var mailPreferences: MailPreferences { MailPreferences(change: self.change) }
}

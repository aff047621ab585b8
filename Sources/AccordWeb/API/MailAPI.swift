import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/mail/…` (admins): the relay's settings (the password is written, never read), a test message, the outbox
/// and a retry of a message given up on. `/api/v1/me/mail`: the caller's own choice for their inbox items.
struct MailAPI {
    let dependencies: AppDependencies
    var mail: MailAdministration { self.dependencies.useCases.mail }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("mail/settings", use: self.getSettings)
        group.put("mail/settings", use: self.putSettings)
        group.post("mail/test", use: self.postTest)
        group.get("mail/outbox", use: self.getOutbox)
        group.post("mail/outbox/:id/retry", use: self.postRetry)
        group.get("me/mail", use: self.getPreference)
        group.put("me/mail", use: self.putPreference)
    }

    struct Preference: Codable {
        var inboxMail: InboxMail

        enum CodingKeys: String, CodingKey { case inboxMail = "inbox_mail" }
    }

    struct Queued: Encodable {
        var id: Int64
    }

    @Sendable func getSettings(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        return JSON.response(try await self.mail.settings())
    }

    @Sendable func putSettings(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        var request = request
        let input = try await request.json(context: context)
        return JSON.response(try await self.mail.update(try DraftParsing.mailSettings(input), actor: context.actor))
    }

    @Sendable func postTest(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser(.administer)
        return JSON.response(Queued(id: try await self.mail.sendTest(to: user, actor: context.actor)), status: .accepted)
    }

    @Sendable func getOutbox(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        var errors = ValidationErrors()
        let failed = request.query("failed")
        if let failed, failed != "true" && failed != "false" { errors.add("failed", "failed is true or false.") }
        try errors.throwIfAny()
        return JSON.response(ListEnvelope(try await self.mail.outbox(failedOnly: failed == "true", page: try request.apiPage())) { $0 })
    }

    @Sendable func postRetry(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        return JSON.response(try await self.mail.retry(id: try context.id(), actor: context.actor))
    }

    @Sendable func getPreference(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        return JSON.response(Preference(inboxMail: try await self.dependencies.useCases.mailPreferences.get(userID: user.id)))
    }

    @Sendable func putPreference(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        var request = request
        let input = try await request.json(context: context)
        var reader = InputReader(input)
        let choice = reader.choice("inbox_mail", label: "inbox_mail", as: InboxMail.self)
        try reader.errors.throwIfAny()
        guard let choice else { throw ValidationErrors([FieldError("inbox_mail", "inbox_mail is immediate, digest or off.")]) }
        return JSON.response(Preference(inboxMail: try await self.dependencies.useCases.mailPreferences.set(userID: user.id, choice, actor: context.actor)))
    }
}

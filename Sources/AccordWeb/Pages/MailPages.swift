import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Mail (admins): the relay's settings, a test message, the outbox with what could not be sent and a retry. And each
/// person's own choice of how their inbox items reach them by mail.
struct MailPages {
    let dependencies: AppDependencies
    var mail: MailAdministration { self.dependencies.useCases.mail }
    var renderer: PageRenderer { self.dependencies.renderer }

    struct AdminView {
        var chrome: Chrome
        var form: FormState
        var modes: [Choice]
        var securities: [Choice]
        var verifyChoices: [Choice]
        var passwordSet: Bool
        var isOff: Bool
        var isCapture: Bool
        var captureDirectory: String
        var publicURL: String
        var queued: Int
        var sent: Int
        var failed: Int
        var failedOnly: Bool
        var messages: [Line]
        var isEmpty: Bool
        var pager: Pager

        struct Line {
            var id: Int64
            var created: String
            var kind: String
            var to: String
            var subject: String
            var state: String
            var isFailed: Bool
            var attempts: Int
            var detail: String
        }
    }

    struct PreferenceView {
        var chrome: Chrome
        var choices: [Choice]
        var email: String
        var mailOff: Bool
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("admin/mail", use: self.getMail)
        router.post("admin/mail", use: self.postMail)
        router.post("admin/mail/test", use: self.postTest)
        router.post("admin/mail/outbox/:id/retry", use: self.postRetry)
        router.get("account/mail", use: self.getPreference)
        router.post("account/mail", use: self.postPreference)
    }

    @Sendable func getMail(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let settings = try await self.mail.settings()
        return try await self.page(request, context, settings: settings, state: FormState(values: settings.formValues))
    }

    @Sendable func postMail(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let settings = try await self.mail.settings()
        return try await submitForm(request, context: context, render: { state in
            var state = state
            state.values["password"] = nil
            return try await self.page(request, context, settings: settings, state: state)
        }) { input in
            _ = try await self.mail.update(try DraftParsing.mailSettings(input), actor: context.actor)
            return Redirect.to("/admin/mail", notice: .updated)
        }
    }

    @Sendable func postTest(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser(.administer)
        var request = request
        _ = try await request.form(context: context)
        do {
            _ = try await self.mail.sendTest(to: user, actor: context.actor)
            _ = try await self.mail.deliverNow()
        } catch let rule as RuleViolation {
            let settings = try await self.mail.settings()
            return try await self.page(request, context, settings: settings, state: FormState(values: settings.formValues, conflict: rule.message))
        }
        return Redirect.to("/admin/mail", notice: .mailTested)
    }

    @Sendable func postRetry(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        var request = request
        _ = try await request.form(context: context)
        _ = try await self.mail.retry(id: try context.id(), actor: context.actor)
        return Redirect.to("/admin/mail", notice: .mailRetried)
    }

    func page(_ request: Request, _ context: AccordRequestContext, settings: MailSettings, state: FormState) async throws -> Response {
        let failedOnly = request.query("failed") == "true"
        let list = try await self.mail.outbox(failedOnly: failedOnly, page: try request.page())
        let counts = try await self.mail.counts()
        let zone = TimeZone.gmt
        let lines = list.items.map { message in
            AdminView.Line(
                id: message.id, created: Stamp.format(message.createdAt, zone), kind: message.kind.rawValue, to: message.toAddress, subject: message.subject,
                state: Self.state(message, zone: zone), isFailed: message.state == .failed, attempts: message.attempts, detail: message.lastError ?? "")
        }
        let mode = state.values["mode"] ?? settings.mode.rawValue
        let view = AdminView(
            chrome: Chrome(title: "Mail", context: context, notice: request.notice), form: state,
            modes: MailMode.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: mode == $0.rawValue) },
            securities: MailSecurity.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: (state.values["security"] ?? "starttls") == $0.rawValue) },
            verifyChoices: [
                Choice(value: "true", label: "Check the relay's certificate", selected: state.values["verify_certificate"] != "false"),
                Choice(value: "false", label: "Do not check it (a relay with its own certificate)", selected: state.values["verify_certificate"] == "false"),
            ],
            passwordSet: settings.passwordSet, isOff: settings.mode == .off, isCapture: settings.mode == .capture, captureDirectory: self.mail.captureDirectory,
            publicURL: self.mail.publicURL, queued: counts.queued, sent: counts.sent, failed: counts.failed, failedOnly: failedOnly, messages: lines,
            isEmpty: lines.isEmpty, pager: Pager(list, path: "/admin/mail", query: [("failed", failedOnly ? "true" : nil)]))
        return self.renderer.response(view, template: "mail/admin", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }

    static func state(_ message: OutboxMessage, zone: TimeZone) -> String {
        switch message.state {
        case .sent: "sent \(message.sentAt.map { Stamp.format($0, zone) } ?? "")"
        case .failed: "not sent: given up \(message.gaveUpAt.map { Stamp.format($0, zone) } ?? "")"
        case .queued:
            message.attempts == 0 ? "queued" : "retrying \(message.nextAttemptAt.map { Stamp.format($0, zone) } ?? "") (attempt \(message.attempts + 1))"
        }
    }

    @Sendable func getPreference(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        return try await self.preferencePage(request, context, user: user, chosen: try await self.dependencies.useCases.mailPreferences.get(userID: user.id))
    }

    @Sendable func postPreference(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        var request = request
        let input = try await request.form(context: context)
        var reader = InputReader(input)
        guard let choice = reader.choice("inbox_mail", label: "Inbox items by mail", as: InboxMail.self) else {
            throw ValidationErrors([FieldError("inbox_mail", "Choose how your inbox items reach you by mail.")])
        }
        _ = try await self.dependencies.useCases.mailPreferences.set(userID: user.id, choice, actor: context.actor)
        return Redirect.to("/account/mail", notice: .updated)
    }

    func preferencePage(_ request: Request, _ context: AccordRequestContext, user: User, chosen: InboxMail) async throws -> Response {
        let settings = try await self.mail.settings()
        let view = PreferenceView(
            chrome: Chrome(title: "Mail", context: context, notice: request.notice),
            choices: InboxMail.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == chosen) }, email: user.email,
            mailOff: settings.mode == .off)
        return self.renderer.response(view, template: "mail/preference")
    }
}

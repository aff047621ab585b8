import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Outbound webhooks: endpoints of the organisation (every event) or of one vendor (that vendor's events only), each
/// with its signing secret and the log of its deliveries. Contract managers manage every endpoint; a vendor's users
/// manage their vendor's.
struct WebhookPages {
    let dependencies: AppDependencies

    struct Line {
        var id: Int64
        var url: String
        var scope: String
        var description: String?
        var active: Bool
    }

    struct ListView {
        var chrome: Chrome
        var webhooks: [Line]
        var isEmpty: Bool
        var vendors: [Choice]
        var isVendor: Bool
        var form: FormState
    }

    struct DeliveryLine {
        var id: Int64
        var event: String
        var created: String
        var state: String
        var attempts: Int
        var lastStatus: String
        var lastError: String
        var next: String
    }

    struct ShowView {
        var chrome: Chrome
        var webhook: Line
        /// Only in the answer that created or rotated it: the secret is never read back.
        var secret: String?
        var deliveries: [DeliveryLine]
        var isEmpty: Bool
        var pager: Pager
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("webhooks", use: self.getWebhooks)
        router.post("webhooks", use: self.postWebhooks)
        router.get("webhooks/:id", use: self.getWebhook)
        router.post("webhooks/:id/rotate-secret", use: self.postWebhookRotateSecret)
        for (action, active) in [("enable", true), ("disable", false)] {
            router.post("webhooks/:id/\(action)") { _, context in
                _ = try await self.dependencies.useCases.webhooks.find(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(.manageWebhooks)
                _ = try await self.dependencies.useCases.setWebhookActive(id: try context.id(), active: active, scope: context.scope, actor: context.actor)
                return Redirect.to("/webhooks/\(try context.id())", notice: .updated)
            }
        }
    }

    @Sendable func getWebhooks(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageWebhooks)
        return try await self.list(context, state: FormState(), notice: request.notice)
    }

    @Sendable func postWebhooks(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageWebhooks)
        return try await submitForm(request, context: context, render: { try await self.list(context, state: $0, notice: nil) }) { input in
            let registered = try await self.create(input, context: context)
            return try await self.show(registered.webhook, secret: registered.secret, request: request, context: context, status: .created)
        }
    }

    @Sendable func getWebhook(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageWebhooks)
        let webhook = try await self.dependencies.useCases.webhooks.find(id: try context.id(), scope: context.scope)
        return try await self.show(webhook, secret: nil, request: request, context: context)
    }

    @Sendable func postWebhookRotateSecret(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.dependencies.useCases.webhooks.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageWebhooks)
        let rotated = try await self.dependencies.useCases.webhookRegistration.rotateSecret(id: try context.id(), scope: context.scope, actor: context.actor)
        return try await self.show(rotated.webhook, secret: rotated.secret, request: request, context: context)
    }

    /// An endpoint and its deliveries; `secret` only in the answer that created or rotated it, never stored in a cache.
    func show(
        _ webhook: Webhook, secret: String?, request: Request, context: AccordRequestContext, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let page = try await self.dependencies.useCases.webhooks.deliveries(
            webhookID: webhook.id, page: secret == nil ? try request.page() : PageRequest(), scope: context.scope)
        let view = ShowView(
                chrome: Chrome(title: "Webhook \(webhook.id)", context: context, notice: secret == nil ? request.notice : nil), webhook: Self.line(webhook),
                secret: secret,
                deliveries: page.items.map {
                    DeliveryLine(
                        id: $0.id, event: $0.event, created: Stamp.format($0.createdAt, .gmt), state: $0.state, attempts: $0.attempts,
                        lastStatus: $0.lastStatus.map(String.init) ?? "—",
                        // the log keeps "refused by policy", "no answer" or the answer's status, never the network's words
                        lastError: $0.lastError ?? "",
                        next: $0.deliveredAt == nil && $0.gaveUpAt == nil ? Stamp.format($0.nextAttemptAt, .gmt) : "—")
                }, isEmpty: page.items.isEmpty, pager: Pager(page, path: "/webhooks/\(webhook.id)", query: []))
        var response = self.dependencies.renderer.response(view, template: "webhooks/show", status: status)
        if secret != nil { response.headers[.cacheControl] = "no-store" }
        return response
    }

    /// A vendor's user adds endpoints for its own vendor only, whatever the form says.
    func create(_ input: Input, context: AccordRequestContext) async throws -> WebhookRegistration.Registered {
        let user = try context.requireUser(.manageWebhooks)
        var reader = InputReader(input)
        let chosen = reader.id("vendor_id", label: "Vendor")
        try reader.errors.throwIfAny()
        let scope = try context.scope
        let vendor = scope.vendorID ?? chosen
        return try await self.dependencies.useCases.webhookRegistration.register(
            WebhookDraft(vendorID: vendor, url: input.text("url") ?? "", description: input.text("description") ?? ""), role: user.role,
            scope: scope, actor: context.actor)
    }

    static func line(_ webhook: Webhook) -> Line {
        Line(
            id: webhook.id, url: webhook.url, scope: webhook.vendorName.map { "\($0)'s events" } ?? "Every event of the organisation",
            description: webhook.description.nonEmpty, active: webhook.active)
    }

    private func list(_ context: AccordRequestContext, state: FormState, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let webhooks = try await self.dependencies.useCases.webhooks.list(scope: context.scope)
        let vendors = user.role == .vendor ? [] : try await self.dependencies.useCases.vendors.all(scope: context.scope)
        let view = ListView(
            chrome: Chrome(title: "Webhooks", context: context, notice: notice), webhooks: webhooks.map(Self.line), isEmpty: webhooks.isEmpty,
            vendors: vendors.map { Choice(value: "\($0.id)", label: $0.name, selected: state.values["vendor_id"] == "\($0.id)") },
            isVendor: user.role == .vendor, form: state)
        return self.dependencies.renderer.response(
            view, template: "webhooks/list", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

/// `/api/v1/webhooks`: the same endpoints and delivery logs.
struct WebhookAPI {
    let dependencies: AppDependencies

    struct Created: Encodable {
        var webhook: Webhook
        var secret: String

        func encode(to encoder: any Encoder) throws {
            try self.webhook.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(self.secret, forKey: .secret)
        }

        enum Keys: String, CodingKey { case secret }
    }

    /// An answer carrying a secret is never kept by a cache.
    static func once(_ response: Response) -> Response {
        var response = response
        response.headers[.cacheControl] = "no-store"
        return response
    }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("webhooks", use: self.getWebhooks2)
        group.post("webhooks", use: self.postWebhooks2)
        group.get("webhooks/:id", use: self.getWebhook2)
        group.post("webhooks/:id/rotate-secret", use: self.postWebhookRotateSecret2)
        group.get("webhooks/:id/deliveries", use: self.getWebhookDeliveries)
        for (action, active) in [("enable", true), ("disable", false)] {
            group.post("webhooks/:id/\(action)") { _, context in
                _ = try await self.dependencies.useCases.webhooks.find(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(.manageWebhooks)
                return JSON.response(
                    try await self.dependencies.useCases.setWebhookActive(id: try context.id(), active: active, scope: context.scope, actor: context.actor))
            }
        }
    }

    @Sendable func getWebhooks2(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageWebhooks)
        return JSON.response(ItemsEnvelope(items: try await self.dependencies.useCases.webhooks.list(scope: context.scope)))
    }

    @Sendable func postWebhooks2(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageWebhooks)
        var request = request
        let input = try await request.json(context: context)
        let registered = try await WebhookPages(dependencies: self.dependencies).create(input, context: context)
        return Self.once(JSON.response(Created(webhook: registered.webhook, secret: registered.secret), status: .created))
    }

    @Sendable func getWebhook2(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageWebhooks)
        return JSON.response(try await self.dependencies.useCases.webhooks.find(id: try context.id(), scope: context.scope))
    }

    @Sendable func postWebhookRotateSecret2(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.dependencies.useCases.webhooks.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageWebhooks)
        let rotated = try await self.dependencies.useCases.webhookRegistration.rotateSecret(id: try context.id(), scope: context.scope, actor: context.actor)
        return Self.once(JSON.response(Created(webhook: rotated.webhook, secret: rotated.secret)))
    }

    @Sendable func getWebhookDeliveries(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageWebhooks)
        let page = try await self.dependencies.useCases.webhooks.deliveries(webhookID: try context.id(), page: request.apiPage(), scope: context.scope)
        return JSON.response(ListEnvelope(page) { $0 })
    }
}

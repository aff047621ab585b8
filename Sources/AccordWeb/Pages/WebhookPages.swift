import AccordApplication
import AccordDomain
import AccordStorage
import Foundation
import Hummingbird

/// Outbound webhooks: endpoints of the organisation (every event) or of one vendor (that vendor's events only), each
/// with its signing secret and the log of its deliveries. Contract managers manage every endpoint; a vendor's users
/// manage their vendor's.
struct WebhookPages {
    let dependencies: AppDependencies
    var repositories: Repositories { self.dependencies.repositories }

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
        var secret: String
        var deliveries: [DeliveryLine]
        var isEmpty: Bool
        var pager: Pager
    }

    static func mayManage(_ role: Role) -> Bool { role == .vendor || role.canManageContracts }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("webhooks") { request, context in
            _ = try context.requireUser(Self.mayManage)
            return try await self.list(context, state: FormState(), notice: request.notice)
        }
        router.post("webhooks") { request, context in
            _ = try context.requireUser(Self.mayManage)
            return try await submitForm(request, context: context, render: { try await self.list(context, state: $0, notice: nil) }) { input in
                let webhook = try await self.create(input, context: context)
                return Redirect.to("/webhooks/\(webhook.id)", notice: .created)
            }
        }
        router.get("webhooks/:id") { request, context in
            _ = try context.requireUser(Self.mayManage)
            let webhook = try await self.repositories.webhooks.find(id: try context.id(), scope: context.scope)
            let page = try await self.repositories.webhooks.deliveries(webhookID: webhook.id, page: try request.page(), scope: context.scope)
            let isVendor = try context.scope.vendorID != nil
            let view = ShowView(
                chrome: Chrome(title: "Webhook \(webhook.id)", context: context, notice: request.notice), webhook: Self.line(webhook),
                secret: try await self.repositories.webhooks.secret(id: webhook.id, scope: context.scope),
                deliveries: page.items.map {
                    DeliveryLine(
                        id: $0.id, event: $0.event, created: Stamp.format($0.createdAt, .gmt), state: $0.state, attempts: $0.attempts,
                        lastStatus: $0.lastStatus.map(String.init) ?? "—",
                        // a vendor's user reads that an attempt failed, not what the server's network said
                        lastError: !isVendor ? $0.lastError ?? "" : ($0.lastError == nil ? "" : "not delivered"),
                        next: $0.deliveredAt == nil && $0.gaveUpAt == nil ? Stamp.format($0.nextAttemptAt, .gmt) : "—")
                }, isEmpty: page.items.isEmpty, pager: Pager(page, path: "/webhooks/\(webhook.id)", query: []))
            return self.dependencies.renderer.response(view, template: "webhooks/show")
        }
        for (action, active) in [("enable", true), ("disable", false)] {
            router.post("webhooks/:id/\(action)") { _, context in
                _ = try await self.repositories.webhooks.find(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(Self.mayManage)
                _ = try await self.repositories.webhooks.setActive(id: try context.id(), active: active, scope: context.scope, actor: context.actor)
                return Redirect.to("/webhooks/\(try context.id())", notice: .updated)
            }
        }
    }

    /// A vendor's user adds endpoints for its own vendor only, whatever the form says.
    func create(_ input: Input, context: AccordRequestContext) async throws -> Webhook {
        var reader = InputReader(input)
        let chosen = reader.id("vendor_id", label: "Vendor")
        try reader.errors.throwIfAny()
        let scope = try context.scope
        let vendor = scope.vendorID ?? chosen
        return try await self.repositories.webhooks.create(
            WebhookDraft(vendorID: vendor, url: input.text("url") ?? "", description: input.text("description") ?? ""), secret: WebhookSignature.newSecret(),
            scope: scope, actor: context.actor)
    }

    static func line(_ webhook: Webhook) -> Line {
        Line(
            id: webhook.id, url: webhook.url, scope: webhook.vendorName.map { "\($0)'s events" } ?? "Every event of the organisation",
            description: webhook.description.nonEmpty, active: webhook.active)
    }

    private func list(_ context: AccordRequestContext, state: FormState, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let webhooks = try await self.repositories.webhooks.list(scope: context.scope)
        let vendors = user.role == .vendor ? [] : try await self.repositories.vendors.all(scope: context.scope)
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
    var repositories: Repositories { self.dependencies.repositories }

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

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("webhooks") { _, context in
            _ = try context.requireUser(WebhookPages.mayManage)
            return JSON.response(ItemsEnvelope(items: try await self.repositories.webhooks.list(scope: context.scope)))
        }
        group.post("webhooks") { request, context in
            _ = try context.requireUser(WebhookPages.mayManage)
            var request = request
            let input = try await request.json(context: context)
            let webhook = try await WebhookPages(dependencies: self.dependencies).create(input, context: context)
            return JSON.response(
                Created(webhook: webhook, secret: try await self.repositories.webhooks.secret(id: webhook.id, scope: context.scope)), status: .created)
        }
        group.get("webhooks/:id") { _, context in
            _ = try context.requireUser(WebhookPages.mayManage)
            let webhook = try await self.repositories.webhooks.find(id: try context.id(), scope: context.scope)
            return JSON.response(Created(webhook: webhook, secret: try await self.repositories.webhooks.secret(id: webhook.id, scope: context.scope)))
        }
        group.get("webhooks/:id/deliveries") { request, context in
            _ = try context.requireUser(WebhookPages.mayManage)
            let page = try await self.repositories.webhooks.deliveries(webhookID: try context.id(), page: request.apiPage(), scope: context.scope)
            let isVendor = try context.scope.vendorID != nil
            return JSON.response(
                ListEnvelope(page) { delivery in
                    var delivery = delivery
                    // a vendor's user reads that an attempt failed, not what the server's network said
                    if isVendor, delivery.lastError != nil { delivery.lastError = "not delivered" }
                    return delivery
                })
        }
        for (action, active) in [("enable", true), ("disable", false)] {
            group.post("webhooks/:id/\(action)") { _, context in
                _ = try await self.repositories.webhooks.find(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(WebhookPages.mayManage)
                return JSON.response(
                    try await self.repositories.webhooks.setActive(id: try context.id(), active: active, scope: context.scope, actor: context.actor))
            }
        }
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// Adding a webhook endpoint and rotating its secret. The endpoint's host is resolved and judged on the addresses it
/// gives (`OutboundGuard`): a vendor's endpoint must be public; the organisation's may name an internal receiver on the
/// admin's allow-list (`ACCORD_WEBHOOK_ALLOW`), and only an admin may register one. Delivery decides again on the
/// address it connects to, since a name may resolve elsewhere later. The secret is returned here, once.
public struct WebhookRegistration: Sendable {
    let repositories: Repositories
    let outbound: OutboundGuard

    public init(repositories: Repositories, outbound: OutboundGuard) {
        self.repositories = repositories
        self.outbound = outbound
    }

    /// An endpoint with the secret it signs with, shown to its creator once.
    public struct Registered: Sendable {
        public var webhook: Webhook
        public var secret: String
    }

    public func register(_ draft: WebhookDraft, role: Role, scope: AccessScope, actor: AuditActor) async throws -> Registered {
        try draft.validate().throwIfAny()
        try await self.vet(url: draft.url.trimmingCharacters(in: .whitespacesAndNewlines), forVendor: draft.vendorID != nil, role: role)
        let secret = WebhookSignature.newSecret()
        let webhook = try await Change(repositories: self.repositories, clock: { Date() }).run(actor: actor) { repositories, _ in
            let created = try await repositories.webhooks.insert(draft, secret: secret, scope: scope, actor: actor)
            return (created, [.audit(AuditRecord(action: "create", entity: "webhook", entityID: created.id, after: created))])
        }
        return Registered(webhook: webhook, secret: secret)
    }

    public func rotateSecret(id: Int64, scope: AccessScope, actor: AuditActor) async throws -> Registered {
        let secret = WebhookSignature.newSecret()
        // the audit line records the rotation, never the secret (a webhook's JSON leaves it out)
        let webhook = try await Change(repositories: self.repositories, clock: { Date() }).run(actor: actor) { repositories, _ in
            let before = try await repositories.webhooks.lock(id: id, scope: scope)
            let after = try await repositories.webhooks.writeSecret(id: id, secret)
            return (after, [.audit(AuditRecord(action: "rotate_secret", entity: "webhook", entityID: id, before: before, after: after))])
        }
        return Registered(webhook: webhook, secret: secret)
    }

    /// Refuses an address the policy refuses. A host that resolves to nothing now is accepted: its deliveries are judged
    /// when they are sent.
    func vet(url: String, forVendor: Bool, role: Role) async throws {
        let refusal = "The endpoint must be a public address, not this machine or a private network."
        guard let host = OutboundGuard.host(of: url) else { return }
        if WebhookDraft.namesLocalHost(host) { throw ValidationErrors([FieldError("url", refusal)]) }
        let addresses = await self.outbound.resolve(host)
        switch self.outbound.policy.decide(addresses, allowListApplies: !forVendor) {
        case .refused:
            throw ValidationErrors([FieldError("url", refusal)])
        case .connect where !forVendor && role != .admin && self.outbound.policy.needsAllowList(addresses):
            throw ValidationErrors([FieldError("url", "Only an admin may add an endpoint on an internal address the allow-list names.")])
        case .connect, .unresolved:
            return
        }
    }
}

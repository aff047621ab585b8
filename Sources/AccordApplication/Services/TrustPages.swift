import AccordDomain
import AccordStorage
import Crypto
import Foundation

/// Services' public trust pages: a contract manager publishes one per service (its address, whether it names the
/// vendors); anyone reads a published page without signing in.
public struct TrustPages: Sendable {
    let change: Change
    var repositories: Repositories { self.change.repositories }

    /// The service's settings, or what publishing it would start from.
    public func settings(serviceID: Int64, scope: AccessScope) async throws -> TrustSettings {
        let service = try await self.repositories.services.find(id: serviceID, scope: scope)
        return try await self.repositories.trust.settings(serviceID: service.id) ?? .unpublished(serviceID: service.id, name: service.name)
    }

    /// Publishes, moves or withdraws the service's page; audited.
    public func save(serviceID: Int64, _ draft: TrustSettingsDraft, expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor) async throws -> TrustSettings {
        let service = try await self.repositories.services.find(id: serviceID, scope: scope)
        try draft.validate().throwIfAny()
        return try await self.change.run(actor: actor) { repositories, now in
            let (before, after) = try await repositories.trust.write(serviceID: service.id, draft, expected: expectedRowVersion, actor: actor, now: now)
            return (after, [.audit(AuditRecord(action: before == nil ? "create" : "update", entity: "trust_page", entityID: service.id, before: before, after: after))])
        }
    }

    /// The published page at `slug`, as of now; nil when no service publishes one there.
    public func page(slug: String) async throws -> TrustPage? {
        guard TrustSettingsDraft.isValidSlug(slug), let (settings, service) = try await self.repositories.trust.published(slug: slug) else { return nil }
        return try await self.build(settings, service: service)
    }

    /// What the service's page shows (or would, once published) with its current settings: for the settings form.
    public func preview(serviceID: Int64, scope: AccessScope) async throws -> TrustPage {
        let service = try await self.repositories.services.find(id: serviceID, scope: scope)
        return try await self.build(try await self.settings(serviceID: serviceID, scope: scope), service: service.name)
    }

    func build(_ settings: TrustSettings, service: String) async throws -> TrustPage {
        let now = self.change.clock()
        let rows = try await self.repositories.trust.periods(serviceID: settings.serviceID, now: now, limit: TrustPage.periods)
        // vendors are numbered as suppliers in the order of their agreements, unless the page names them
        var suppliers: [Int64: Int] = [:]
        var lines: [TrustPage.Line] = []
        var current: Int64?
        for row in rows {
            if current != row.seriesID {
                current = row.seriesID
                var provider = "The service"
                if let vendor = row.vendorID {
                    if suppliers[vendor] == nil { suppliers[vendor] = suppliers.count + 1 }
                    provider = settings.namesVendors ? (row.vendorName ?? "A supplier") : "Supplier \(suppliers[vendor] ?? 0)"
                }
                // the series' id stays internal: the feed's key is a digest of it
                let key = SHA256.hash(data: Data("accord-trust-series-\(row.seriesID)".utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
                lines.append(TrustPage.Line(key: key, provider: provider, objective: row.objective, periods: []))
            }
            let credit: TrustPage.CreditState =
                switch row.creditStatus {
                case "issued": .issued
                case "waived": .waived
                case .some: .pending
                case .none: .none
                }
            lines[lines.count - 1].periods.append(
                TrustPage.Period(
                    start: row.start, end: row.end, label: Figures.period(start: row.start, end: row.end, zone: TimeZone(identifier: row.timeZone) ?? .gmt),
                    attainment: row.attainment, slaTarget: row.slaTarget, status: row.status, credit: credit, revisedAt: row.computedAt))
        }
        return TrustPage(service: service, slug: settings.slug, generatedAt: now, lines: lines)
    }
}

extension UseCases {
    public var trustPages: TrustPages { TrustPages(change: self.change) }
}

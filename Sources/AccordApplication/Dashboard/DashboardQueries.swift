import AccordDomain
import AccordStorage
import Foundation

/// The dashboard's rows of objectives in force (their current period so far), filtered, sorted and counted; rows are
/// computed when their data changes (`DashboardRows`), pages read them as they are.
public struct DashboardQueries: Sendable {
    let repositories: Repositories

    /// The keys of one page of rows: a page reads whole rows only for those it has not shown as they are now.
    public func pageKeys(
        _ filter: DashboardFilter, sort: DashboardSort, page: PageRequest, scope: AccessScope, internalFiguresOf shared: Set<Int64>? = nil
    ) async throws -> [DashboardRowKey] {
        try await self.repositories.dashboardRows.pageKeys(filter, sort: sort, page: page, scope: scope, internalFiguresOf: shared)
    }

    /// Whole rows of these series, by series.
    public func rows(seriesIDs: [Int64], scope: AccessScope) async throws -> [Int64: DashboardRow] {
        try await self.repositories.dashboardRows.rows(seriesIDs: seriesIDs, scope: scope)
    }

    /// How many rows of each status the filter finds, and how many have an alert firing.
    public func counts(_ filter: DashboardFilter, scope: AccessScope, internalFiguresOf shared: Set<Int64>? = nil) async throws -> DashboardCounts {
        try await self.repositories.dashboardRows.counts(filter, scope: scope, internalFiguresOf: shared)
    }

    /// Matches rows to the objectives in force now (new objectives, versions that took effect).
    public func match(now: Date) async throws {
        _ = try await DashboardRows(repositories: self.repositories).match(now: now)
    }

    /// Rows of these series computed afresh, for a page that shows them beside the stored ones.
    public func refreshed(seriesIDs: [Int64], now: Date) async throws -> [PortfolioReport.Row] {
        try await DashboardRows(repositories: self.repositories).refreshed(seriesIDs: seriesIDs, now: now)
    }
}

/// Webhook endpoints and their deliveries.
public struct WebhookQueries: Sendable {
    let repositories: Repositories

    public func list(scope: AccessScope) async throws -> [Webhook] {
        try await self.repositories.webhooks.list(scope: scope)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Webhook {
        try await self.repositories.webhooks.find(id: id, scope: scope)
    }

    public func deliveries(webhookID: Int64, page: PageRequest, scope: AccessScope) async throws -> PageOf<WebhookDelivery> {
        try await self.repositories.webhooks.deliveries(webhookID: webhookID, page: page, scope: scope)
    }
}

/// An endpoint is switched off (nothing more is sent to it) or on again.
public struct SetWebhookActive: Sendable {
    let change: Change

    public func callAsFunction(id: Int64, active: Bool, scope: AccessScope, actor: AuditActor) async throws -> Webhook {
        try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.webhooks.lock(id: id, scope: scope)
            let after = try await repositories.webhooks.writeActive(id: id, active)
            return (after, [.audit(AuditRecord(action: active ? "enable" : "disable", entity: "webhook", entityID: id, before: before, after: after))])
        }
    }
}

extension UseCases {
    public var dashboard: DashboardQueries { DashboardQueries(repositories: self.repositories) }
    public var webhooks: WebhookQueries { WebhookQueries(repositories: self.repositories) }
    public var setWebhookActive: SetWebhookActive { SetWebhookActive(change: Change(repositories: self.repositories, clock: self.clock)) }
}

import AccordDomain
import AccordStorage
import Foundation
import Logging

/// Keeps the dashboard's rows current, at a cost that follows what changed: an ingest refreshes the rows of the series
/// it wrote; the `dashboard-rows` job refreshes rows whose series changed otherwise (exclusions, recomputes, alerts,
/// closing), whose period ended, or whose outlook has not been recomputed for a while; and a change of agreements,
/// versions, objectives or vendors matches the rows to the objectives in force again.
public struct DashboardRows: Sendable {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// How long a row's outlook (which moves with time, data or not) may stand before it is recomputed.
    public static let outlookLifetime: TimeInterval = 60 * 60
    /// Rows refreshed in one go.
    public static let batch = 500

    /// Computes and stores the rows of these series (those no longer in force are removed).
    @discardableResult
    public func refresh(seriesIDs: [Int64], now: Date) async throws -> Int {
        try await self.refreshed(seriesIDs: seriesIDs, now: now).count
    }

    /// As `refresh`, answering the portfolio rows the stored rows were computed from (their current periods).
    public func refreshed(seriesIDs: [Int64], now: Date) async throws -> [PortfolioReport.Row] {
        guard !seriesIDs.isEmpty else { return [] }
        // the versions are read first: a change committed while the rows are computed leaves them stale, to be redone
        let versions = try await self.repositories.dashboardRows.versions(seriesIDs: seriesIDs)
        let rows = try await PortfolioReport(repositories: self.repositories).rows(scope: .organisation, now: now, seriesIDs: seriesIDs)
        let computed = rows.map { Self.row($0, version: versions[$0.entry.objective.seriesID] ?? 0, now: now) }
        try await self.repositories.dashboardRows.upsert(computed)
        let kept = Set(computed.map(\.seriesID))
        try await self.repositories.dashboardRows.delete(seriesIDs: seriesIDs.filter { !kept.contains($0) })
        return rows
    }

    /// Matches the rows to the objectives in force when agreements, versions or objectives changed (their triggers raise
    /// a counter) or the day changed: rows of series no longer in force go; rows that are missing or whose placement
    /// moved (`PortfolioEntry.placementKey`) are computed. Rows placed as before stay as they are: their data has not
    /// changed (an ingest or the job refreshes those), and renames rewrite their names in place.
    @discardableResult
    public func match(now: Date) async throws -> Int {
        let day = LocalDate.of(now, in: .gmt)
        if try await self.repositories.dashboardRows.isMatched(day: day) { return 0 }
        let version = try await self.repositories.dashboardRows.structureVersion()
        let entries = try await self.repositories.objectives.portfolio(scope: .organisation, today: LocalDate.of(now, in: .gmt))
        let inForce = Dictionary(entries.map { ($0.objective.seriesID, $0.placementKey) }, uniquingKeysWith: { first, _ in first })
        let present = try await self.repositories.dashboardRows.present()
        try await self.repositories.dashboardRows.delete(seriesIDs: present.keys.filter { inForce[$0] == nil })
        let ids = inForce.filter { present[$0.key] != $0.value }.keys.sorted()
        var refreshed = 0
        var start = 0
        while start < ids.count {
            let slice = Array(ids[start..<min(ids.count, start + Self.batch)])
            refreshed += try await self.refresh(seriesIDs: slice, now: now)
            start += Self.batch
        }
        try await self.repositories.dashboardRows.recordMatched(version: version, day: day)
        return refreshed
    }

    /// Refreshes stale rows: at most `limit`.
    @discardableResult
    public func refreshStale(now: Date, limit: Int = Self.batch) async throws -> Int {
        let stale = try await self.repositories.dashboardRows.stale(now: now, refreshedBefore: now.addingTimeInterval(-Self.outlookLifetime), limit: limit)
        return try await self.refresh(seriesIDs: stale, now: now)
    }

    public static func row(_ row: PortfolioReport.Row, version: Int64, now: Date) -> DashboardRow {
        let entry = row.entry
        let objective = entry.objective
        let current = row.current
        let status: DashboardRow.Status =
            if current.slaStatus == .noData {
                .noData
            } else if row.outlook?.status == .belowTarget || (row.outlook == nil && current.slaStatus == .breached) {
                .breached
            } else if row.outlook?.status == .atRisk || current.sloStatus == .breached || !row.firing.isEmpty {
                .atRisk
            } else {
                .onTrack
            }
        let projected = row.outlook?.projectedAttainment ?? current.attainment
        var stored = DashboardRow(
            seriesID: objective.seriesID, objectiveID: objective.id, agreementID: entry.placement.agreementID, vendorID: entry.vendorID,
            masterID: entry.masterID, serviceID: entry.serviceID, objectiveName: objective.name, agreementTitle: entry.agreementTitle,
            vendorName: entry.vendorName, isMaster: entry.agreementKind == .master, slaTarget: objective.slaTarget, sloTarget: objective.sloTarget,
            attainment: current.attainment, slaStatus: current.slaStatus, sloStatus: current.sloStatus, outlook: row.outlook?.status,
            projected: row.outlook?.projectedAttainment, budgetRemaining: current.budgetRemaining, firing: row.firing, history: row.history,
            status: status, shortfall: projected.map { objective.slaTarget - $0 }, sourceVersion: version,
            periodEnd: objective.window.days == nil ? row.currentSpan.end : nil, refreshedAt: now)
        stored.placement = entry.placementKey
        return stored
    }
}

/// Keeps the dashboard's rows current: matches them to the objectives in force when those change, and refreshes the
/// rows whose series changed, whose period ended or whose outlook aged. Work follows what changed: an idle portfolio
/// costs one row read and one look for stale rows per run, plus each row's outlook every hour.
public struct DashboardRowsJob: Job {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public var name: String { "dashboard-rows" }
    public var purpose: String { "Keeps the dashboard's rows current: the series whose data changed, whose period ended, or whose outlook aged." }
    public var interval: Duration { .seconds(5) }

    public func run(now: Date) async throws -> JobReport {
        let rows = DashboardRows(repositories: self.repositories)
        let matched = try await rows.match(now: now)
        let refreshed = try await rows.refreshStale(now: now)
        let total = matched + refreshed
        return total == 0 ? .idle : JobReport(items: total, summary: "\(total) dashboard rows refreshed")
    }
}

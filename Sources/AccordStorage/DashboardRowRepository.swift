import AccordDomain
import Foundation
import Logging
import PostgresNIO


/// The dashboard's rows. Reads take the caller's scope (a vendor's users see their vendor's rows only); writes come
/// from the refresh that computes them.
public struct DashboardRowRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }



    static let columns = """
        SELECT series_id, objective_id, agreement_id, vendor_id, master_id, service_id, objective_name, agreement_title, vendor_name, is_master,
               sla_target::text, slo_target::text, attainment::text, sla_status, slo_status, outlook, projected::text, budget_remaining::text,
               array_to_string(firing, chr(31)), history::text, status, shortfall::text, source_version, period_end, refreshed_at
        FROM dashboard_rows d
        """

    static func row(_ row: PostgresRow) throws -> DashboardRow? {
        let cells = row.makeRandomAccess()
        func decimal(_ index: Int) throws -> Decimal? { try cells[index].decode(String?.self).flatMap { Decimal(string: $0) } }
        // written by `upsert` as ["99.9",null,…]: read back without a JSON parser (a page reads fifty of them)
        let historyText = try cells[19].decode(String.self)
        let history = historyText.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false).compactMap { item -> Decimal?? in
            let text = item.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
            if text == "null" { return .some(nil) }
            return .some(Decimal(string: text.trimmingCharacters(in: CharacterSet(charactersIn: "\"")), locale: Locale(identifier: "en_US_POSIX")))
        }
        guard let status = DashboardRow.Status(rawValue: try cells[20].decode(String.self)) else { return nil }
        let firing = try cells[18].decode(String.self)
        return DashboardRow(
            seriesID: try cells[0].decode(Int64.self), objectiveID: try cells[1].decode(Int64.self), agreementID: try cells[2].decode(Int64.self),
            vendorID: try cells[3].decode(Int64?.self), masterID: try cells[4].decode(Int64?.self), serviceID: try cells[5].decode(Int64?.self),
            objectiveName: try cells[6].decode(String.self), agreementTitle: try cells[7].decode(String.self), vendorName: try cells[8].decode(String?.self),
            isMaster: try cells[9].decode(Bool.self), slaTarget: try decimal(10) ?? 0, sloTarget: try decimal(11) ?? 0, attainment: try decimal(12),
            slaStatus: TargetStatus(rawValue: try cells[13].decode(String.self)) ?? .noData,
            sloStatus: TargetStatus(rawValue: try cells[14].decode(String.self)) ?? .noData,
            outlook: try cells[15].decode(String?.self).flatMap(PeriodOutlook.Status.init(rawValue:)), projected: try decimal(16),
            budgetRemaining: try decimal(17), firing: firing.isEmpty ? [] : firing.split(separator: "\u{1F}").map(String.init), history: history,
            status: status, shortfall: try decimal(21), sourceVersion: try cells[22].decode(Int64.self), periodEnd: try cells[23].decode(Date?.self),
            refreshedAt: try cells[24].decode(Date.self))
    }

    /// The status a reader sees. `internalFiguresOf` nil: the stored one. Otherwise (a vendor's user) the agreements
    /// whose internal figures it sees; on the others a row is at risk only when heading below the SLA, never for the
    /// internal SLO, budget or an alert, which it may not learn of.
    static func statusExpression(internalFiguresOf shared: Set<Int64>?) -> String {
        guard let shared else { return "status" }
        return "(CASE WHEN status = 'at_risk' AND NOT (\(Self.sharing(shared))) AND NOT coalesce(projected < sla_target, FALSE) THEN 'on_track' ELSE status END)"
    }

    /// Whether a row's agreement shares its internal figures with the reader (SQL over integer ids only).
    static func sharing(_ shared: Set<Int64>, column: String = "agreement_id") -> String {
        shared.isEmpty ? "FALSE" : "\(column) IN (\(shared.sorted().map(String.init).joined(separator: ",")))"
    }

    /// A burn-rate alert firing on a row, as the reader may know of it: only on agreements sharing internal figures
    /// with a vendor's user.
    static func alerting(internalFiguresOf shared: Set<Int64>?) -> String {
        guard let shared else { return "cardinality(firing) > 0" }
        return "(cardinality(firing) > 0 AND \(Self.sharing(shared)))"
    }

    /// The `WHERE` of a scope and filter, as SQL text with integer literals and the search text bound as `$1`.
    static func condition(
        _ filter: DashboardFilter, scope: AccessScope, status: Bool = true, alerting: Bool = true, internalFiguresOf shared: Set<Int64>? = nil
    ) -> String {
        var parts = ["TRUE"]
        if let vendor = scope.vendorID { parts.append("vendor_id = \(vendor)") }
        if let vendor = filter.vendorID { parts.append("vendor_id = \(vendor)") }
        if let service = filter.serviceID { parts.append("service_id = \(service)") }
        if let agreement = filter.agreementID { parts.append("(agreement_id = \(agreement) OR master_id = \(agreement))") }
        if status, let value = filter.status { parts.append("\(Self.statusExpression(internalFiguresOf: shared)) = '\(value.rawValue)'") }
        if alerting, filter.alertingOnly { parts.append(Self.alerting(internalFiguresOf: shared)) }
        parts.append("($1::text IS NULL OR objective_name ILIKE $1 OR agreement_title ILIKE $1 OR vendor_name ILIKE $1)")
        return parts.joined(separator: " AND ")
    }

    static func pattern(_ search: String?) -> String? {
        guard let search = search?.trimmingCharacters(in: .whitespacesAndNewlines), !search.isEmpty else { return nil }
        let escaped = search.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        return "%\(escaped)%"
    }


    static func order(_ sort: DashboardSort, internalFiguresOf shared: Set<Int64>? = nil) -> String {
        // a vendor's rows are ordered by the budget only where it may see it
        let budget = shared.map { "(CASE WHEN \(Self.sharing($0, column: "d.agreement_id")) THEN d.budget_remaining END)" } ?? "d.budget_remaining"
        return switch sort {
        // the table's columns, not the text the select list casts them to under the same names
        case .risk: "d.shortfall DESC NULLS LAST, \(budget) NULLS LAST, lower(d.objective_name), d.series_id"
        case .budget: "\(budget) NULLS LAST, d.shortfall DESC NULLS LAST, lower(d.objective_name), d.series_id"
        case .name: "d.is_master DESC, lower(d.agreement_title), lower(d.objective_name), d.series_id"
        }
    }

    /// The keys of one page of rows, filtered and sorted: the page reads whole rows only for those it has not shown
    /// as they are now.
    public func pageKeys(
        _ filter: DashboardFilter, sort: DashboardSort, page: PageRequest, scope: AccessScope, internalFiguresOf shared: Set<Int64>? = nil
    ) async throws -> [DashboardRowKey] {
        var bindings = PostgresBindings()
        bindings.append(Self.pattern(filter.search))
        return try await self.database.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT d.series_id, d.refreshed_at, d.source_version FROM dashboard_rows d
                    WHERE \(Self.condition(filter, scope: scope, internalFiguresOf: shared))
                    ORDER BY \(Self.order(sort, internalFiguresOf: shared)) LIMIT \(page.size) OFFSET \(page.offset)
                    """, binds: bindings)
        ).map { row in
            let (series, refreshed, version) = try row.decode((Int64, Date, Int64).self)
            return DashboardRowKey(seriesID: series, refreshedAt: refreshed, sourceVersion: version)
        }
    }

    /// The agreements with rows in the scope (a vendor's: its own).
    public func agreementIDs(scope: AccessScope) async throws -> [Int64] {
        try await self.database.query(
            PostgresQuery(unsafeSQL: "SELECT DISTINCT agreement_id FROM dashboard_rows WHERE \(scope.vendorID.map { "vendor_id = \($0)" } ?? "TRUE")")
        ).map { try $0.decode(Int64.self) }
    }

    /// Whole rows of these series (a vendor's only, with a vendor scope), by series.
    public func rows(seriesIDs: [Int64], scope: AccessScope) async throws -> [Int64: DashboardRow] {
        guard !seriesIDs.isEmpty else { return [:] }
        let rows = try await self.database.query(
            PostgresQuery(
                unsafeSQL: "\(Self.columns) WHERE d.series_id = ANY($1::int8[]) \(scope.vendorID.map { "AND d.vendor_id = \($0)" } ?? "")",
                binds: { var bindings = PostgresBindings(); bindings.append(seriesIDs); return bindings }()))
        return Dictionary(try rows.compactMap(Self.row).map { ($0.seriesID, $0) }, uniquingKeysWith: { first, _ in first })
    }


    /// How many rows of each status the filter (without its status and alert choice) finds, and how many of them have
    /// an alert firing.
    public func counts(_ filter: DashboardFilter, scope: AccessScope, internalFiguresOf shared: Set<Int64>? = nil) async throws -> DashboardCounts {
        var bindings = PostgresBindings()
        bindings.append(Self.pattern(filter.search))
        let rows = try await self.database.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(Self.statusExpression(internalFiguresOf: shared)) AS seen, count(*)::int8,
                           count(*) FILTER (WHERE \(Self.alerting(internalFiguresOf: shared)))::int8 FROM dashboard_rows
                    WHERE \(Self.condition(filter, scope: scope, status: false, alerting: false)) GROUP BY seen
                    """, binds: bindings))
        var counts = DashboardCounts(byStatus: [:], alertingByStatus: [:], alerting: 0, total: 0)
        for row in rows {
            let (status, count, alerting) = try row.decode((String, Int, Int).self)
            if let status = DashboardRow.Status(rawValue: status) {
                counts.byStatus[status] = count
                counts.alertingByStatus[status] = alerting
            }
            counts.alerting += alerting
            counts.total += count
        }
        return counts
    }

    /// The current change version of each series (0 when it never changed).
    public func versions(seriesIDs: [Int64]) async throws -> [Int64: Int64] {
        guard !seriesIDs.isEmpty else { return [:] }
        return Dictionary(
            uniqueKeysWithValues: try await self.database.query(
                "SELECT series_id, version FROM series_versions WHERE series_id = ANY(\(seriesIDs)::int8[])"
            ).map { try $0.decode((Int64, Int64).self) })
    }

    /// Rows whose series changed since they were computed, whose period ended, or that were last computed before
    /// `refreshedBefore` (their outlook moves with time); at most `limit`, the stalest first.
    public func stale(now: Date, refreshedBefore: Date, limit: Int) async throws -> [Int64] {
        try await self.database.query(
            """
            SELECT d.series_id FROM dashboard_rows d LEFT JOIN series_versions v ON v.series_id = d.series_id
            WHERE d.source_version < coalesce(v.version, 0) OR d.period_end <= \(now) OR d.refreshed_at < \(refreshedBefore)
            ORDER BY d.refreshed_at LIMIT \(min(max(1, limit), 5000))
            """
        ).map { try $0.decode(Int64.self) }
    }

    /// The series and objective of every row.
    /// The stored rows' placements, by series.
    public func present() async throws -> [Int64: String] {
        Dictionary(
            uniqueKeysWithValues: try await self.database.query("SELECT series_id, placement FROM dashboard_rows").map { try $0.decode((Int64, String).self) })
    }

    public func delete(seriesIDs: [Int64]) async throws {
        guard !seriesIDs.isEmpty else { return }
        try await self.database.query("DELETE FROM dashboard_rows WHERE series_id = ANY(\(seriesIDs)::int8[])")
    }

    /// Whether the rows were matched against the current agreements, versions, objectives and vendors on `day`: one
    /// row read, so a page view can afford it.
    public func isMatched(day: LocalDate) async throws -> Bool {
        try await self.database.query(
            "SELECT matched_version = structure_version AND matched_day = \(day.description)::date FROM dashboard_state"
        ).first?.decode(Bool?.self) ?? false
    }

    /// The structure version now: read before matching, recorded after, so a change made meanwhile matches again.
    public func structureVersion() async throws -> Int64 {
        try await self.database.query("SELECT structure_version FROM dashboard_state").first?.decode(Int64.self) ?? 0
    }

    public func recordMatched(version: Int64, day: LocalDate) async throws {
        try await self.database.query("UPDATE dashboard_state SET matched_version = \(version), matched_day = \(day.description)::date")
    }

    /// Writes rows, replacing those of the same series, in one transaction.
    public func upsert(_ rows: [DashboardRow]) async throws {
        guard !rows.isEmpty else { return }
        try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            for row in rows {
                let history = "[" + row.history.map { $0.map { "\"\($0.plain)\"" } ?? "null" }.joined(separator: ",") + "]"
                try await bound.query(
                    """
                    INSERT INTO dashboard_rows (series_id, objective_id, agreement_id, vendor_id, master_id, service_id, objective_name, agreement_title,
                        vendor_name, is_master, sla_target, slo_target, attainment, sla_status, slo_status, outlook, projected, budget_remaining, firing,
                        history, status, shortfall, source_version, period_end, refreshed_at, placement)
                    VALUES (\(row.seriesID), \(row.objectiveID), \(row.agreementID), \(row.vendorID), \(row.masterID), \(row.serviceID),
                        \(row.objectiveName), \(row.agreementTitle), \(row.vendorName), \(row.isMaster), \(row.slaTarget.plain)::numeric,
                        \(row.sloTarget.plain)::numeric, \(row.attainment?.plain)::numeric, \(row.slaStatus.rawValue), \(row.sloStatus.rawValue),
                        \(row.outlook?.rawValue), \(row.projected?.plain)::numeric, \(row.budgetRemaining?.plain)::numeric, \(row.firing)::text[],
                        \(history)::jsonb, \(row.status.rawValue), \(row.shortfall?.plain)::numeric, \(row.sourceVersion), \(row.periodEnd),
                        \(row.refreshedAt), \(row.placement))
                    ON CONFLICT (series_id) DO UPDATE SET objective_id = excluded.objective_id, agreement_id = excluded.agreement_id,
                        vendor_id = excluded.vendor_id, master_id = excluded.master_id, service_id = excluded.service_id,
                        objective_name = excluded.objective_name, agreement_title = excluded.agreement_title, vendor_name = excluded.vendor_name,
                        is_master = excluded.is_master, sla_target = excluded.sla_target, slo_target = excluded.slo_target,
                        attainment = excluded.attainment, sla_status = excluded.sla_status, slo_status = excluded.slo_status,
                        outlook = excluded.outlook, projected = excluded.projected, budget_remaining = excluded.budget_remaining,
                        firing = excluded.firing, history = excluded.history, status = excluded.status, shortfall = excluded.shortfall,
                        source_version = excluded.source_version, period_end = excluded.period_end, refreshed_at = excluded.refreshed_at,
                        placement = excluded.placement
                    """)
            }
        }
    }
}

import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// What `/metrics` exposes of each objective, read in one pass from the rows the dashboard keeps current
/// (`dashboard_rows`) and the latest burn rates the alert evaluation stored: its cost grows with the number of
/// objectives, not with their history.
public struct MetricsRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct ObjectiveFigures: Sendable {
        public var objectiveID: Int64
        public var objective: String
        public var agreement: String
        public var vendor: String
        public var window: String
        public var slaTarget: Decimal
        public var sloTarget: Decimal
        public var attainment: Decimal?
        public var budgetRemaining: Decimal?
        public var firing: Int
        /// By lookback in seconds.
        public var burnRates: [(lookback: Int, rate: Decimal)]
    }

    public func objectiveFigures() async throws -> [ObjectiveFigures] {
        let rows = try await self.database.query(
            """
            SELECT d.objective_id, d.objective_name, d.agreement_title, coalesce(d.vendor_name, ''),
                   CASE o.window_kind WHEN 'rolling_days' THEN o.window_days || 'd rolling' ELSE replace(o.window_kind, '_', ' ') END,
                   d.sla_target::text, d.slo_target::text, d.attainment::text, d.budget_remaining::text, cardinality(d.firing)::int8,
                   coalesce((SELECT string_agg(b.lookback || '=' || b.burn_rate, ',' ORDER BY b.lookback)
                             FROM series_burn_rates b WHERE b.series_id = d.series_id AND b.burn_rate IS NOT NULL), '')
            FROM dashboard_rows d JOIN objectives o ON o.id = d.objective_id
            ORDER BY d.series_id
            """)
        return try rows.map { row in
            let v = try row.decode((Int64, String, String, String, String, String, String, String?, String?, Int, String).self)
            let rates = v.10.split(separator: ",").compactMap { pair -> (lookback: Int, rate: Decimal)? in
                let parts = pair.split(separator: "=")
                guard parts.count == 2, let lookback = Int(parts[0]), let rate = Decimal(string: String(parts[1])) else { return nil }
                return (lookback, rate)
            }
            return ObjectiveFigures(
                objectiveID: v.0, objective: v.1, agreement: v.2, vendor: v.3, window: v.4, slaTarget: Decimal(string: v.5) ?? 0,
                sloTarget: Decimal(string: v.6) ?? 0, attainment: v.7.flatMap { Decimal(string: $0) }, budgetRemaining: v.8.flatMap { Decimal(string: $0) },
                firing: v.9, burnRates: rates)
        }
    }
}

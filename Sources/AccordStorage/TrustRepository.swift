import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Services' public trust pages: their settings, and the closed periods they show.
public struct TrustRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = "t.service_id, t.slug, t.published, t.names_vendors, t.row_version, t.updated_at"

    static func settings(_ row: PostgresRow) throws -> TrustSettings {
        let v = try row.decode((Int64, String, Bool, Bool, Int, Date).self)
        return TrustSettings(serviceID: v.0, slug: v.1, published: v.2, namesVendors: v.3, rowVersion: v.4, updatedAt: v.5)
    }

    /// The service's settings; nil when it was never published.
    public func settings(serviceID: Int64) async throws -> TrustSettings? {
        try await self.database.query("SELECT \(unescaped: Self.columns) FROM trust_pages t WHERE t.service_id = \(serviceID)").first.map(Self.settings)
    }

    /// The published page at `slug`, with its service's name; nil when there is none (or it is not published).
    public func published(slug: String) async throws -> (TrustSettings, service: String)? {
        guard
            let row = try await self.database.query(
                "SELECT \(unescaped: Self.columns), s.name FROM trust_pages t JOIN services s ON s.id = t.service_id WHERE t.slug = \(slug) AND t.published"
            ).first
        else { return nil }
        let v = try row.decode((Int64, String, Bool, Bool, Int, Date, String).self)
        return (TrustSettings(serviceID: v.0, slug: v.1, published: v.2, namesVendors: v.3, rowVersion: v.4, updatedAt: v.5), v.6)
    }

    /// Writes the settings in the caller's transaction (a first write creates them); `expected`: the row version read
    /// with the form (0 for a page never saved). A taken address is a field error.
    public func write(serviceID: Int64, _ draft: TrustSettingsDraft, expected: Int?, actor: AuditActor, now: Date) async throws -> (before: TrustSettings?, after: TrustSettings) {
        let before = try await self.database.query("SELECT \(unescaped: Self.columns) FROM trust_pages t WHERE t.service_id = \(serviceID) FOR UPDATE").first
            .map(Self.settings)
        if let expected, expected != (before?.rowVersion ?? 0) {
            throw EditConflict(entity: "trust page", changedBy: "another user", changedAt: before?.updatedAt ?? now, currentRowVersion: before?.rowVersion ?? 0)
        }
        do {
            let row = try await self.database.query(
                """
                INSERT INTO trust_pages AS t (service_id, slug, published, names_vendors, updated_at, updated_by)
                VALUES (\(serviceID), \(draft.slug), \(draft.published), \(draft.namesVendors), \(now), \(actor.userID))
                ON CONFLICT (service_id) DO UPDATE SET slug = excluded.slug, published = excluded.published, names_vendors = excluded.names_vendors,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by, row_version = t.row_version + 1
                    WHERE \(expected)::int4 IS NULL OR t.row_version = \(expected)::int4
                RETURNING \(unescaped: Self.columns)
                """
            ).first
            // another first save got in between: what was read is no longer what is there
            guard let row else { throw EditConflict(entity: "trust page", changedBy: "another user", changedAt: now, currentRowVersion: 1) }
            return (before, try Self.settings(row))
        } catch {
            throw mapUniqueViolation(error, constraint: "trust_pages_slug_key", field: "slug", message: "Another service's trust page is at /trust/\(draft.slug).")
        }
    }

    /// One closed period of an objective of the service's agreements in force, the latest revision of each.
    public struct PeriodRow: Sendable {
        public var agreementID: Int64
        public var vendorID: Int64?
        public var vendorName: String?
        public var seriesID: Int64
        public var objective: String
        public var timeZone: String
        public var start: Date
        public var end: Date
        public var attainment: Decimal?
        public var slaTarget: Decimal
        public var status: TargetStatus
        /// The credit of the period, if any: computed, approved, issued or waived.
        public var creditStatus: String?
        /// When the period's latest revision was computed.
        public var computedAt: Date
    }

    /// The last `limit` closed periods (ended by `now`) of each objective of the service's active agreements, the
    /// master's first, then the vendors' by agreement; newest period first within each.
    public func periods(serviceID: Int64, now: Date, limit: Int) async throws -> [PeriodRow] {
        let rows = try await self.database.query(
            """
            WITH objectives_in_force AS (
                SELECT DISTINCT ON (r.series_id) r.series_id, a.id AS agreement_id, a.kind, a.vendor_id, vn.name AS vendor_name, a.time_zone, o.name
                FROM agreements a
                JOIN agreement_versions v ON v.agreement_id = a.id
                JOIN objectives o ON o.version_id = v.id
                JOIN period_results r ON r.objective_id = o.id
                LEFT JOIN vendors vn ON vn.id = a.vendor_id
                WHERE a.service_id = \(serviceID) AND a.status = 'active'
                ORDER BY r.series_id, r.period_start DESC, r.revision DESC
            ), latest AS (
                SELECT DISTINCT ON (r.series_id, r.period_start) r.series_id, r.period_start, r.period_end, r.attainment, r.sla_target, r.sla_status,
                       r.computed_at
                FROM period_results r WHERE r.series_id IN (SELECT series_id FROM objectives_in_force) AND r.period_end <= \(now)
                ORDER BY r.series_id, r.period_start, r.revision DESC
            ), ranked AS (
                SELECT l.*, row_number() OVER (PARTITION BY l.series_id ORDER BY l.period_start DESC) AS n FROM latest l
            )
            SELECT f.agreement_id, f.vendor_id, f.vendor_name, f.series_id, f.name, f.time_zone, k.period_start, k.period_end, k.attainment::text,
                   k.sla_target::text, k.sla_status,
                   (SELECT c.status FROM credits c WHERE c.series_id = k.series_id AND c.period_start = k.period_start
                    ORDER BY c.revision DESC, c.id DESC LIMIT 1), k.computed_at
            FROM ranked k JOIN objectives_in_force f ON f.series_id = k.series_id
            WHERE k.n <= \(min(max(1, limit), 24))
            ORDER BY (f.kind = 'master') DESC, f.agreement_id, f.series_id, k.period_start DESC
            """)
        return try rows.map { row in
            let v = try row.decode((Int64, Int64?, String?, Int64, String, String, Date, Date, String?, String, String, String?, Date).self)
            return PeriodRow(
                agreementID: v.0, vendorID: v.1, vendorName: v.2, seriesID: v.3, objective: v.4, timeZone: v.5, start: v.6, end: v.7,
                attainment: v.8.flatMap { Decimal(string: $0) }, slaTarget: Decimal(string: v.9) ?? 0, status: TargetStatus(rawValue: v.10) ?? .noData,
                creditStatus: v.11, computedAt: v.12)
        }
    }
}

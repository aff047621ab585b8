import AccordStorage
import PostgresNIO

/// A fingerprint of every application table, to prove that a refused request changed nothing.
public struct DatabaseSnapshot: Equatable, Sendable, CustomStringConvertible {
    public var tables: [String: String]

    static let tableNames = [
        "vendors", "vendor_contacts", "services", "calendars", "agreements", "agreement_versions", "objectives", "users", "audit_log",
        "measurement_batches", "measurements", "measurement_hours", "idempotency_keys", "exclusions", "ticket_events", "ticket_outcomes",
        "period_results", "breaches", "credits", "alert_states", "alert_events", "recompute_requests",
    ]

    public static func take(_ database: Database) async throws -> DatabaseSnapshot {
        var tables: [String: String] = [:]
        for table in Self.tableNames {
            let rows = try await database.query(
                "SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), 'empty') FROM \(unescaped: table) t")
            tables[table] = try rows.first!.decode(String.self)
        }
        return DatabaseSnapshot(tables: tables)
    }

    public var description: String { self.tables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.prefix(8))" }.joined(separator: " ") }
}

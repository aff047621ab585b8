import AccordDomain
import Foundation
import PostgresNIO

/// The decision columns claims and disputes share (status, who decided, when, why, and the row version a decision
/// moves), written one way for both.
enum DecisionRows {
    /// The tables whose rows are decided; a table name never comes from input.
    static let tables: Set<String> = ["exclusion_claims", "disputes"]

    static func record<Status>(_ decision: Decision<Status>, table: String, id: Int64, actor: AuditActor, now: Date, on database: Database) async throws {
        precondition(Self.tables.contains(table), "not a decided table: \(table)")
        try await database.query(
            """
            UPDATE \(unescaped: table) SET status = \(decision.status.rawValue), decided_by = \(actor.userID), decided_at = \(now),
                decision_reason = \(decision.reason), row_version = row_version + 1
            WHERE id = \(id)
            """)
    }
}

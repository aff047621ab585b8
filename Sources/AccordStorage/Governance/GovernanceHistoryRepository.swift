import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// The steps of claims, disputes, root-cause analyses and actions as both parties read them. Written in the
/// transaction of each step; read only after the caller found the subject through its scope.
/// The history each governance record (claim, dispute, RCA, action, proposal) shows its parties.
public struct GovernanceHistoryRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Appends a line, in the caller's transaction when the repository is bound to one.
    public func append(_ subject: GovernanceSubject, id: Int64, action: String, note: String, actor: AuditActor) async throws {
        let logger = self.database.logger
        try await self.database.transaction { connection in
            try await Self.record(subject, id: id, action: action, note: note, actor: actor, on: connection, logger: logger)
        }
    }

    static func record(
        _ subject: GovernanceSubject, id: Int64, action: String, note: String = "", actor: AuditActor, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.rows(
            """
            INSERT INTO governance_events (subject_kind, subject_id, actor_user_id, actor_name, actor_vendor_id, action, note)
            VALUES (\(subject.rawValue), \(id), \(actor.userID), coalesce((SELECT name FROM users WHERE id = \(actor.userID)::int8), \(actor.label)),
                (SELECT vendor_id FROM users WHERE id = \(actor.userID)::int8), \(action), \(note))
            """, logger: logger)
    }

    static func list(_ subject: GovernanceSubject, id: Int64, on database: Database) async throws -> [HistoryEntry] {
        try await database.query(
            """
            SELECT at, actor_name, actor_vendor_id, action, note FROM governance_events
            WHERE subject_kind = \(subject.rawValue) AND subject_id = \(id) ORDER BY at, id
            """
        ).map { row in
            let (at, actor, vendorID, action, note) = try row.decode((Date, String, Int64?, String, String).self)
            return HistoryEntry(at: at, actor: actor, actorVendorID: vendorID, action: action, note: note)
        }
    }
}

import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Writes and reads the append-only audit trail. Writes join the caller's transaction, so a change and its
/// audit line commit together.
public struct AuditRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func json(_ value: (any Encodable)?) throws -> String? {
        guard let value else { return nil }
        return String(decoding: try Self.encoder.encode(value), as: UTF8.self)
    }

    /// Appends one entry on `connection`.
    static func record(
        on connection: PostgresConnection, logger: Logger, actor: AuditActor, action: String, entity: String, entityID: Int64?,
        before: (any Encodable)? = nil, after: (any Encodable)? = nil
    ) async throws {
        let beforeJSON = try Self.json(before)
        let afterJSON = try Self.json(after)
        let id = entityID.map(String.init)
        try await connection.rows(
            """
            INSERT INTO audit_log (actor_id, actor_label, action, entity, entity_id, address, before, after)
            VALUES (\(actor.userID), \(actor.label), \(action), \(entity), \(id), \(actor.address), \(beforeJSON)::jsonb, \(afterJSON)::jsonb)
            """, logger: logger)
    }

    /// Appends one entry in a transaction of its own (sign-in events).
    public func record(actor: AuditActor, action: String, entity: String, entityID: Int64?, after: (any Encodable & Sendable)? = nil) async throws {
        let logger = self.database.logger
        try await self.database.transaction { connection in
            try await Self.record(on: connection, logger: logger, actor: actor, action: action, entity: entity, entityID: entityID, after: after)
        }
    }

    public func list(filter: AuditFilter, page: PageRequest) async throws -> PageOf<AuditEntry> {
        let entity = filter.entity?.nilIfEmpty
        let action = filter.action?.nilIfEmpty
        let actor = filter.actor?.nilIfEmpty.map { "%\($0)%" }
        let from = filter.from?.description
        let to = filter.to?.description
        let rows = try await self.database.query(
            """
            SELECT id, at, actor_id, actor_label, action, entity, entity_id, address, before::text AS before, after::text AS after,
                   count(*) OVER () AS total
            FROM audit_log
            WHERE (\(entity)::text IS NULL OR entity = \(entity))
              AND (\(action)::text IS NULL OR action = \(action))
              AND (\(actor)::text IS NULL OR actor_label ILIKE \(actor))
              AND (\(from)::date IS NULL OR at >= \(from)::date)
              AND (\(to)::date IS NULL OR at < \(to)::date + 1)
            ORDER BY at DESC, id DESC LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        let entries = try rows.map { row in
            let cells = row.makeRandomAccess()
            return AuditEntry(
                id: try cells.value("id"), at: try cells.value("at"), actorID: try cells.value("actor_id"),
                actorLabel: try cells.value("actor_label"), action: try cells.value("action"), entity: try cells.value("entity"),
                entityID: try cells.value("entity_id"), address: try cells.value("address"), before: try cells.value("before"),
                after: try cells.value("after"))
        }
        return PageOf(items: entries, total: total, request: page)
    }

    /// The entity names that appear in the trail, for the filter menu.
    public func entities() async throws -> [String] {
        try await self.database.query("SELECT DISTINCT entity FROM audit_log ORDER BY entity").map { try $0.decode(String.self) }
    }
}

extension String {
    var nilIfEmpty: String? {
        let trimmed = self.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }
}

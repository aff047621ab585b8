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
        // the vendor the entry concerns, so an admin can filter the trail by vendor: from the record when it names one,
        // else from the entity it is about
        let numericID = entityID
        try await connection.rows(
            """
            INSERT INTO audit_log (actor_id, actor_label, action, entity, entity_id, address, before, after, vendor_id)
            VALUES (\(actor.userID), \(actor.label), \(action), \(entity), \(id), \(actor.address), \(beforeJSON)::jsonb, \(afterJSON)::jsonb,
                coalesce(
                    (\(afterJSON)::jsonb ->> 'vendorID')::bigint, (\(beforeJSON)::jsonb ->> 'vendorID')::bigint,
                    CASE \(entity)::text
                        WHEN 'vendor' THEN \(numericID)::int8
                        WHEN 'agreement' THEN (SELECT vendor_id FROM agreements WHERE id = \(numericID)::int8)
                        WHEN 'objective' THEN (SELECT a.vendor_id FROM objectives o JOIN agreement_versions v ON v.id = o.version_id
                            JOIN agreements a ON a.id = v.agreement_id WHERE o.id = \(numericID)::int8)
                        WHEN 'exclusion' THEN (SELECT a.vendor_id FROM exclusions x JOIN objectives o ON o.id = x.objective_id
                            JOIN agreement_versions v ON v.id = o.version_id JOIN agreements a ON a.id = v.agreement_id WHERE x.id = \(numericID)::int8)
                        WHEN 'credit' THEN (SELECT vendor_id FROM credits WHERE id = \(numericID)::int8)
                        WHEN 'period' THEN (SELECT a.vendor_id FROM objectives o JOIN agreement_versions v ON v.id = o.version_id
                            JOIN agreements a ON a.id = v.agreement_id WHERE o.series_id = \(numericID)::int8 LIMIT 1)
                        WHEN 'user' THEN (SELECT vendor_id FROM users WHERE id = \(numericID)::int8)
                    END))
            """, logger: logger)
    }

    /// Appends one record, in the caller's transaction when the repository is bound to one.
    public func append(_ record: AuditRecord, actor: AuditActor) async throws {
        let logger = self.database.logger
        try await self.database.transaction { connection in
            try await Self.record(
                on: connection, logger: logger, actor: actor, action: record.action, entity: record.entity, entityID: record.entityID, before: record.before,
                after: record.after)
        }
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
        let vendor = filter.vendorID
        let rows = try await self.database.query(
            """
            SELECT id, at, actor_id, actor_label, action, entity, entity_id, address, before::text AS before, after::text AS after, vendor_id,
                   count(*) OVER () AS total
            FROM audit_log
            WHERE (\(entity)::text IS NULL OR entity = \(entity))
              AND (\(action)::text IS NULL OR action = \(action))
              AND (\(actor)::text IS NULL OR actor_label ILIKE \(actor))
              AND (\(from)::date IS NULL OR at >= \(from)::date)
              AND (\(to)::date IS NULL OR at < \(to)::date + 1)
              AND (\(vendor)::int8 IS NULL OR vendor_id = \(vendor))
            ORDER BY at DESC, id DESC LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        let entries = try rows.map { row in
            let cells = row.makeRandomAccess()
            return AuditEntry(
                id: try cells.value("id"), at: try cells.value("at"), actorID: try cells.value("actor_id"),
                actorLabel: try cells.value("actor_label"), action: try cells.value("action"), entity: try cells.value("entity"),
                entityID: try cells.value("entity_id"), address: try cells.value("address"), before: try cells.value("before"),
                after: try cells.value("after"), vendorID: try cells.value("vendor_id"))
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

import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Business services. A vendor user's scope sees only the services its own agreements cover.
public struct ServiceRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = "s.id, s.name, s.description, s.owner, s.row_version, s.updated_at"

    static func service(_ row: PostgresRow) throws -> Service {
        let cells = row.makeRandomAccess()
        return Service(
            id: try cells.value("id"), name: try cells.value("name"), description: try cells.value("description"),
            owner: try cells.value("owner"), rowVersion: try cells.value("row_version"), updatedAt: try cells.value("updated_at"))
    }

    public func list(search: String?, page: PageRequest, scope: AccessScope) async throws -> PageOf<Service> {
        let pattern = search?.nilIfEmpty.map { "%\($0)%" }
        let rows = try await self.database.query(
            """
            SELECT \(unescaped: Self.columns), count(*) OVER () AS total FROM services s
            WHERE \(visibleTo: scope, when: "EXISTS (SELECT 1 FROM agreements a WHERE a.service_id = s.id AND a.vendor_id = $vendor)")
              AND (\(pattern)::text IS NULL OR s.name ILIKE \(pattern) OR s.description ILIKE \(pattern) OR s.owner ILIKE \(pattern))
            ORDER BY lower(s.name), s.id LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        return PageOf(items: try rows.map(Self.service), total: total, request: page)
    }

    public func all() async throws -> [Service] {
        try await self.database.query("SELECT \(unescaped: Self.columns) FROM services s ORDER BY lower(s.name)").map(Self.service)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Service {
        let rows = try await self.database.query(
            """
            SELECT \(unescaped: Self.columns) FROM services s WHERE s.id = \(id)
              AND \(visibleTo: scope, when: "EXISTS (SELECT 1 FROM agreements a WHERE a.service_id = s.id AND a.vendor_id = $vendor)")
            """)
        guard let row = rows.first else { throw NotFound("service") }
        return try Self.service(row)
    }

    static func lock(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Service {
        let rows = try await connection.rows("SELECT \(unescaped: Self.columns) FROM services s WHERE s.id = \(id) FOR UPDATE", logger: logger)
        guard let row = rows.first else { throw NotFound("service") }
        return try Self.service(row)
    }

    public func create(_ draft: ServiceDraft, scope: AccessScope, actor: AuditActor) async throws -> Service {
        try draft.validate().throwIfAny()
        guard scope == .organisation else { throw NotFound("service") }
        let logger = self.database.logger
        do {
            return try await self.database.transaction { connection in
                let id = try await connection.rows(
                    """
                    INSERT INTO services (name, description, owner, updated_by)
                    VALUES (\(draft.name.trimmed), \(draft.description), \(draft.owner.trimmed), \(actor.userID)) RETURNING id
                    """, logger: logger
                ).first!.decode(Int64.self)
                let service = try await Self.lock(id: id, on: connection, logger: logger)
                try await AuditRepository.record(
                    on: connection, logger: logger, actor: actor, action: "create", entity: "service", entityID: id, after: service)
                return service
            }
        } catch {
            throw mapUniqueViolation(
                error, constraint: "services_name_key", field: "name", message: "A service named \(draft.name.trimmed) already exists.")
        }
    }

    public func update(id: Int64, _ draft: ServiceDraft, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws -> Service {
        try draft.validate().throwIfAny()
        guard scope == .organisation else { throw NotFound("service") }
        let logger = self.database.logger
        do {
            return try await self.database.transaction { connection in
                let before = try await Self.lock(id: id, on: connection, logger: logger)
                guard before.rowVersion == expectedRowVersion else {
                    throw try await editConflict(entity: "service", table: "services", id: id, on: connection, logger: logger)
                }
                try await connection.rows(
                    """
                    UPDATE services SET name = \(draft.name.trimmed), description = \(draft.description), owner = \(draft.owner.trimmed),
                        row_version = row_version + 1, updated_at = now(), updated_by = \(actor.userID)
                    WHERE id = \(id)
                    """, logger: logger)
                let after = try await Self.lock(id: id, on: connection, logger: logger)
                try await AuditRepository.record(
                    on: connection, logger: logger, actor: actor, action: "update", entity: "service", entityID: id, before: before, after: after)
                return after
            }
        } catch {
            throw mapUniqueViolation(
                error, constraint: "services_name_key", field: "name", message: "A service named \(draft.name.trimmed) already exists.")
        }
    }

    public func delete(id: Int64, scope: AccessScope, actor: AuditActor) async throws {
        guard scope == .organisation else { throw NotFound("service") }
        let logger = self.database.logger
        do {
            try await self.database.transaction { connection in
                let before = try await Self.lock(id: id, on: connection, logger: logger)
                try await connection.rows("DELETE FROM services WHERE id = \(id)", logger: logger)
                try await AuditRepository.record(
                    on: connection, logger: logger, actor: actor, action: "delete", entity: "service", entityID: id, before: before)
            }
        } catch  where error.sqlState == "23503" {
            throw RuleViolation("Agreements still cover this service: delete or move them before deleting the service.")
        }
    }
}

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

    /// Inserts a service in the caller's transaction and reads it back; a taken name is a field error.
    public func insert(_ draft: ServiceDraft, actor: AuditActor) async throws -> Service {
        do {
            let id = try await self.database.query(
                """
                INSERT INTO services (name, description, owner, updated_by)
                VALUES (\(draft.name.trimmed), \(draft.description), \(draft.owner.trimmed), \(actor.userID)) RETURNING id
                """
            ).first.map { try $0.decode(Int64.self) }
            guard let id else { throw NotFound("service") }
            return try await self.lock(id: id)
        } catch {
            throw Self.taken(error, name: draft.name)
        }
    }

    /// The service, locked for a change in the caller's transaction.
    public func lock(id: Int64) async throws -> Service {
        let logger = self.database.logger
        return try await self.database.transaction { connection in try await Self.lock(id: id, on: connection, logger: logger) }
    }

    public func conflict(id: Int64) async throws -> EditConflict {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            try await editConflict(entity: "service", table: "services", id: id, on: connection, logger: logger)
        }
    }

    /// Writes a service locked in the caller's transaction and reads it back.
    public func write(id: Int64, _ draft: ServiceDraft, actor: AuditActor) async throws -> Service {
        do {
            try await self.database.query(
                """
                UPDATE services SET name = \(draft.name.trimmed), description = \(draft.description), owner = \(draft.owner.trimmed),
                    row_version = row_version + 1, updated_at = now(), updated_by = \(actor.userID)
                WHERE id = \(id)
                """)
        } catch {
            throw Self.taken(error, name: draft.name)
        }
        return try await self.lock(id: id)
    }

    /// Deletes a service; one agreements still cover is refused.
    public func remove(id: Int64) async throws {
        do {
            try await self.database.query("DELETE FROM services WHERE id = \(id)")
        } catch where error.sqlState == "23503" {
            throw RuleViolation("Agreements still cover this service: delete or move them before deleting the service.")
        }
    }

    static func taken(_ error: any Error, name: String) -> any Error {
        mapUniqueViolation(error, constraint: "services_name_key", field: "name", message: "A service named \(name.trimmed) already exists.")
    }
}

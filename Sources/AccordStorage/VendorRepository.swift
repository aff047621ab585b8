import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Vendors, scoped: a vendor user's scope sees only its own vendor.
public struct VendorRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns =
        "v.id, v.name, v.description, v.website, to_char(v.probation_until, 'YYYY-MM-DD') AS probation_until, v.row_version, v.updated_at"

    static func vendor(_ row: PostgresRow) throws -> Vendor {
        let cells = row.makeRandomAccess()
        return Vendor(
            id: try cells.value("id"), name: try cells.value("name"), description: try cells.value("description"),
            website: try cells.value("website"), probationUntil: try cells.date("probation_until"), rowVersion: try cells.value("row_version"),
            updatedAt: try cells.value("updated_at"))
    }

    public func list(search: String?, page: PageRequest, scope: AccessScope) async throws -> PageOf<Vendor> {
        let pattern = search?.nilIfEmpty.map { "%\($0)%" }
        let rows = try await self.database.query(
            """
            SELECT \(unescaped: Self.columns), count(*) OVER () AS total FROM vendors v
            WHERE \(visibleTo: scope, vendor: "v.id")
              AND (\(pattern)::text IS NULL OR v.name ILIKE \(pattern) OR v.description ILIKE \(pattern))
            ORDER BY lower(v.name), v.id LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        return PageOf(items: try rows.map(Self.vendor), total: total, request: page)
    }

    /// Every vendor in scope, by name, for choosing one in a form.
    public func all(scope: AccessScope) async throws -> [Vendor] {
        try await self.database.query(
            """
            SELECT \(unescaped: Self.columns) FROM vendors v
            WHERE \(visibleTo: scope, vendor: "v.id") ORDER BY lower(v.name)
            """
        ).map(Self.vendor)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Vendor {
        let rows = try await self.database.query(
            "SELECT \(unescaped: Self.columns) FROM vendors v WHERE v.id = \(id) AND \(visibleTo: scope, vendor: "v.id")")
        guard let row = rows.first else { throw NotFound("vendor") }
        return try Self.vendor(row)
    }

    static func find(id: Int64, scope: AccessScope, on connection: PostgresConnection, logger: Logger) async throws -> Vendor {
        let rows = try await connection.rows(
            """
            SELECT \(unescaped: Self.columns) FROM vendors v
            WHERE v.id = \(id) AND \(visibleTo: scope, vendor: "v.id") FOR UPDATE
            """, logger: logger)
        guard let row = rows.first else { throw NotFound("vendor") }
        return try Self.vendor(row)
    }

    /// Inserts a vendor in the caller's transaction and reads it back; a taken name is a field error.
    public func insert(_ draft: VendorDraft, actor: AuditActor) async throws -> Vendor {
        do {
            let id = try await self.database.query(
                """
                INSERT INTO vendors (name, description, website, probation_until, updated_by)
                VALUES (\(draft.name.trimmed), \(draft.description), \(draft.website), \(draft.probationUntil?.description)::date, \(actor.userID))
                RETURNING id
                """
            ).first.map { try $0.decode(Int64.self) }
            guard let id else { throw NotFound("vendor") }
            return try await self.find(id: id, scope: .organisation)
        } catch {
            throw Self.taken(error, name: draft.name)
        }
    }

    /// The vendor, locked for a change in the caller's transaction.
    public func lock(id: Int64, scope: AccessScope) async throws -> Vendor {
        let logger = self.database.logger
        return try await self.database.transaction { connection in try await Self.find(id: id, scope: scope, on: connection, logger: logger) }
    }

    /// Who changed the vendor last and its row version now: the conflict an edit of an older version meets.
    public func conflict(id: Int64) async throws -> EditConflict {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            try await editConflict(entity: "vendor", table: "vendors", id: id, on: connection, logger: logger)
        }
    }

    /// Writes a vendor locked in the caller's transaction and reads it back.
    public func write(id: Int64, _ draft: VendorDraft, actor: AuditActor) async throws -> Vendor {
        do {
            try await self.database.query(
                """
                UPDATE vendors SET name = \(draft.name.trimmed), description = \(draft.description), website = \(draft.website),
                    probation_until = \(draft.probationUntil?.description)::date, row_version = row_version + 1,
                    updated_at = now(), updated_by = \(actor.userID)
                WHERE id = \(id)
                """)
        } catch {
            throw Self.taken(error, name: draft.name)
        }
        return try await self.find(id: id, scope: .organisation)
    }

    /// Deletes a vendor; one still referred to by agreements or user accounts is refused.
    public func remove(id: Int64) async throws {
        do {
            try await self.database.query("DELETE FROM vendors WHERE id = \(id)")
        } catch where error.sqlState == "23503" {
            throw RuleViolation("This vendor still has agreements or user accounts: end or move them before deleting the vendor.")
        }
    }

    static func taken(_ error: any Error, name: String) -> any Error {
        mapUniqueViolation(error, constraint: "vendors_name_key", field: "name", message: "A vendor named \(name.trimmed) already exists.")
    }
}

extension String {
    var trimmed: String { self.trimmingCharacters(in: .whitespacesAndNewlines) }
}

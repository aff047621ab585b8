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
            WHERE (\(scope.vendorID)::int8 IS NULL OR v.id = \(scope.vendorID))
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
            WHERE (\(scope.vendorID)::int8 IS NULL OR v.id = \(scope.vendorID)) ORDER BY lower(v.name)
            """
        ).map(Self.vendor)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Vendor {
        let rows = try await self.database.query(
            "SELECT \(unescaped: Self.columns) FROM vendors v WHERE v.id = \(id) AND (\(scope.vendorID)::int8 IS NULL OR v.id = \(scope.vendorID))")
        guard let row = rows.first else { throw NotFound("vendor") }
        return try Self.vendor(row)
    }

    static func find(id: Int64, scope: AccessScope, on connection: PostgresConnection, logger: Logger) async throws -> Vendor {
        let rows = try await connection.rows(
            """
            SELECT \(unescaped: Self.columns) FROM vendors v
            WHERE v.id = \(id) AND (\(scope.vendorID)::int8 IS NULL OR v.id = \(scope.vendorID)) FOR UPDATE
            """, logger: logger)
        guard let row = rows.first else { throw NotFound("vendor") }
        return try Self.vendor(row)
    }

    public func create(_ draft: VendorDraft, scope: AccessScope, actor: AuditActor) async throws -> Vendor {
        try draft.validate().throwIfAny()
        guard scope == .organisation else { throw NotFound("vendor") }
        let logger = self.database.logger
        do {
            return try await self.database.transaction { connection in
                let rows = try await connection.rows(
                    """
                    INSERT INTO vendors (name, description, website, probation_until, updated_by)
                    VALUES (\(draft.name.trimmed), \(draft.description), \(draft.website), \(draft.probationUntil?.description)::date, \(actor.userID))
                    RETURNING id
                    """, logger: logger)
                let id = try rows.first!.decode(Int64.self)
                let vendor = try await Self.find(id: id, scope: scope, on: connection, logger: logger)
                try await AuditRepository.record(
                    on: connection, logger: logger, actor: actor, action: "create", entity: "vendor", entityID: id, after: vendor)
                return vendor
            }
        } catch {
            throw mapUniqueViolation(
                error, constraint: "vendors_name_key", field: "name", message: "A vendor named \(draft.name.trimmed) already exists.")
        }
    }

    public func update(id: Int64, _ draft: VendorDraft, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws -> Vendor {
        try draft.validate().throwIfAny()
        let logger = self.database.logger
        do {
            return try await self.database.transaction { connection in
                let before = try await Self.find(id: id, scope: scope, on: connection, logger: logger)
                guard before.rowVersion == expectedRowVersion else {
                    throw try await editConflict(entity: "vendor", table: "vendors", id: id, on: connection, logger: logger)
                }
                try await connection.rows(
                    """
                    UPDATE vendors SET name = \(draft.name.trimmed), description = \(draft.description), website = \(draft.website),
                        probation_until = \(draft.probationUntil?.description)::date, row_version = row_version + 1,
                        updated_at = now(), updated_by = \(actor.userID)
                    WHERE id = \(id)
                    """, logger: logger)
                let after = try await Self.find(id: id, scope: scope, on: connection, logger: logger)
                try await AuditRepository.record(
                    on: connection, logger: logger, actor: actor, action: "update", entity: "vendor", entityID: id, before: before, after: after)
                return after
            }
        } catch {
            throw mapUniqueViolation(
                error, constraint: "vendors_name_key", field: "name", message: "A vendor named \(draft.name.trimmed) already exists.")
        }
    }

    public func delete(id: Int64, scope: AccessScope, actor: AuditActor) async throws {
        guard scope == .organisation else { throw NotFound("vendor") }
        let logger = self.database.logger
        do {
            try await self.database.transaction { connection in
                let before = try await Self.find(id: id, scope: scope, on: connection, logger: logger)
                try await connection.rows("DELETE FROM vendors WHERE id = \(id)", logger: logger)
                try await AuditRepository.record(
                    on: connection, logger: logger, actor: actor, action: "delete", entity: "vendor", entityID: id, before: before)
            }
        } catch  where error.sqlState == "23503" {
            throw RuleViolation("This vendor still has agreements or user accounts: end or move them before deleting the vendor.")
        }
    }
}

extension String {
    var trimmed: String { self.trimmingCharacters(in: .whitespacesAndNewlines) }
}

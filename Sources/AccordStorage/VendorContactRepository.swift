import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// People at a vendor. A contact is reached only through its vendor, and the vendor through the caller's scope.
public struct VendorContactRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = "c.id, c.vendor_id, c.name, c.email, c.phone, c.title, c.row_version, c.updated_at"

    static func contact(_ row: PostgresRow) throws -> VendorContact {
        let cells = row.makeRandomAccess()
        return VendorContact(
            id: try cells.value("id"), vendorID: try cells.value("vendor_id"), name: try cells.value("name"), email: try cells.value("email"),
            phone: try cells.value("phone"), title: try cells.value("title"), rowVersion: try cells.value("row_version"),
            updatedAt: try cells.value("updated_at"))
    }

    public func list(vendorID: Int64, scope: AccessScope) async throws -> [VendorContact] {
        try await self.database.query(
            """
            SELECT \(unescaped: Self.columns) FROM vendor_contacts c
            WHERE c.vendor_id = \(vendorID) AND (\(scope.vendorID)::int8 IS NULL OR c.vendor_id = \(scope.vendorID))
            ORDER BY lower(c.name), c.id
            """
        ).map(Self.contact)
    }

    public func find(id: Int64, vendorID: Int64, scope: AccessScope) async throws -> VendorContact {
        let rows = try await self.database.query(
            """
            SELECT \(unescaped: Self.columns) FROM vendor_contacts c
            WHERE c.id = \(id) AND c.vendor_id = \(vendorID) AND (\(scope.vendorID)::int8 IS NULL OR c.vendor_id = \(scope.vendorID))
            """)
        guard let row = rows.first else { throw NotFound("contact") }
        return try Self.contact(row)
    }

    static func find(id: Int64, vendorID: Int64, scope: AccessScope, on connection: PostgresConnection, logger: Logger) async throws -> VendorContact
    {
        let rows = try await connection.rows(
            """
            SELECT \(unescaped: Self.columns) FROM vendor_contacts c
            WHERE c.id = \(id) AND c.vendor_id = \(vendorID) AND (\(scope.vendorID)::int8 IS NULL OR c.vendor_id = \(scope.vendorID))
            FOR UPDATE
            """, logger: logger)
        guard let row = rows.first else { throw NotFound("contact") }
        return try Self.contact(row)
    }

    public func create(vendorID: Int64, _ draft: VendorContactDraft, scope: AccessScope, actor: AuditActor) async throws -> VendorContact {
        try draft.validate().throwIfAny()
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            // The parent is looked up through the caller's scope, so a forged vendor id is refused as not found.
            _ = try await VendorRepository.find(id: vendorID, scope: scope, on: connection, logger: logger)
            let rows = try await connection.rows(
                """
                INSERT INTO vendor_contacts (vendor_id, name, email, phone, title, updated_by)
                VALUES (\(vendorID), \(draft.name.trimmed), \(draft.email.trimmed), \(draft.phone.trimmed), \(draft.title.trimmed), \(actor.userID))
                RETURNING id
                """, logger: logger)
            let id = try rows.first!.decode(Int64.self)
            let contact = try await Self.find(id: id, vendorID: vendorID, scope: scope, on: connection, logger: logger)
            try await AuditRepository.record(
                on: connection, logger: logger, actor: actor, action: "create", entity: "vendor_contact", entityID: id, after: contact)
            return contact
        }
    }

    public func update(
        id: Int64, vendorID: Int64, _ draft: VendorContactDraft, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor
    ) async throws -> VendorContact {
        try draft.validate().throwIfAny()
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let before = try await Self.find(id: id, vendorID: vendorID, scope: scope, on: connection, logger: logger)
            guard before.rowVersion == expectedRowVersion else {
                throw try await editConflict(entity: "contact", table: "vendor_contacts", id: id, on: connection, logger: logger)
            }
            try await connection.rows(
                """
                UPDATE vendor_contacts SET name = \(draft.name.trimmed), email = \(draft.email.trimmed), phone = \(draft.phone.trimmed),
                    title = \(draft.title.trimmed), row_version = row_version + 1, updated_at = now(), updated_by = \(actor.userID)
                WHERE id = \(id)
                """, logger: logger)
            let after = try await Self.find(id: id, vendorID: vendorID, scope: scope, on: connection, logger: logger)
            try await AuditRepository.record(
                on: connection, logger: logger, actor: actor, action: "update", entity: "vendor_contact", entityID: id, before: before, after: after)
            return after
        }
    }

    public func delete(id: Int64, vendorID: Int64, scope: AccessScope, actor: AuditActor) async throws {
        let logger = self.database.logger
        try await self.database.transaction { connection in
            let before = try await Self.find(id: id, vendorID: vendorID, scope: scope, on: connection, logger: logger)
            try await connection.rows("DELETE FROM vendor_contacts WHERE id = \(id)", logger: logger)
            try await AuditRepository.record(
                on: connection, logger: logger, actor: actor, action: "delete", entity: "vendor_contact", entityID: id, before: before)
        }
    }
}

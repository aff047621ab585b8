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
            WHERE c.vendor_id = \(vendorID) AND \(visibleTo: scope, vendor: "c.vendor_id")
            ORDER BY lower(c.name), c.id
            """
        ).map(Self.contact)
    }

    public func find(id: Int64, vendorID: Int64, scope: AccessScope) async throws -> VendorContact {
        let rows = try await self.database.query(
            """
            SELECT \(unescaped: Self.columns) FROM vendor_contacts c
            WHERE c.id = \(id) AND c.vendor_id = \(vendorID) AND \(visibleTo: scope, vendor: "c.vendor_id")
            """)
        guard let row = rows.first else { throw NotFound("contact") }
        return try Self.contact(row)
    }

    static func find(id: Int64, vendorID: Int64, scope: AccessScope, on connection: PostgresConnection, logger: Logger) async throws -> VendorContact
    {
        let rows = try await connection.rows(
            """
            SELECT \(unescaped: Self.columns) FROM vendor_contacts c
            WHERE c.id = \(id) AND c.vendor_id = \(vendorID) AND \(visibleTo: scope, vendor: "c.vendor_id")
            FOR UPDATE
            """, logger: logger)
        guard let row = rows.first else { throw NotFound("contact") }
        return try Self.contact(row)
    }

    /// Inserts a contact of a vendor the scope reads (a forged vendor id is not found) in the caller's transaction.
    public func insert(vendorID: Int64, _ draft: VendorContactDraft, scope: AccessScope, actor: AuditActor) async throws -> VendorContact {
        _ = try await VendorRepository(database: self.database).lock(id: vendorID, scope: scope)
        let id = try await self.database.query(
            """
            INSERT INTO vendor_contacts (vendor_id, name, email, phone, title, updated_by)
            VALUES (\(vendorID), \(draft.name.trimmed), \(draft.email.trimmed), \(draft.phone.trimmed), \(draft.title.trimmed), \(actor.userID))
            RETURNING id
            """
        ).first.map { try $0.decode(Int64.self) }
        guard let id else { throw NotFound("contact") }
        return try await self.find(id: id, vendorID: vendorID, scope: scope)
    }

    /// The contact, locked for a change in the caller's transaction.
    public func lock(id: Int64, vendorID: Int64, scope: AccessScope) async throws -> VendorContact {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            try await Self.find(id: id, vendorID: vendorID, scope: scope, on: connection, logger: logger)
        }
    }

    public func conflict(id: Int64) async throws -> EditConflict {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            try await editConflict(entity: "contact", table: "vendor_contacts", id: id, on: connection, logger: logger)
        }
    }

    /// Writes a contact locked in the caller's transaction and reads it back.
    public func write(id: Int64, vendorID: Int64, _ draft: VendorContactDraft, actor: AuditActor) async throws -> VendorContact {
        try await self.database.query(
            """
            UPDATE vendor_contacts SET name = \(draft.name.trimmed), email = \(draft.email.trimmed), phone = \(draft.phone.trimmed),
                title = \(draft.title.trimmed), row_version = row_version + 1, updated_at = now(), updated_by = \(actor.userID)
            WHERE id = \(id)
            """)
        return try await self.find(id: id, vendorID: vendorID, scope: .organisation)
    }

    public func remove(id: Int64) async throws {
        try await self.database.query("DELETE FROM vendor_contacts WHERE id = \(id)")
    }
}

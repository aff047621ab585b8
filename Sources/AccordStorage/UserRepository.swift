import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// User accounts. Passwords arrive already hashed; this type never sees a plain password.
public struct UserRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = "u.id, u.email, u.name, u.role, u.vendor_id, u.disabled"

    static func user(_ row: PostgresRow) throws -> User {
        let cells = row.makeRandomAccess()
        return User(
            id: try cells.value("id"), email: try cells.value("email"), name: try cells.value("name"),
            role: Role(rawValue: try cells.value("role")) ?? .viewer, vendorID: try cells.value("vendor_id"), disabled: try cells.value("disabled"))
    }

    public func find(id: Int64) async throws -> User? {
        try await self.database.query("SELECT \(unescaped: Self.columns) FROM users u WHERE u.id = \(id)").first.map(Self.user)
    }

    /// The header shows "99+" past this many unread items, so a neglected inbox costs no more to count than a tidy one.
    public static let unreadShown = 100

    /// The account and its unread inbox items (counted up to `unreadShown`), in one query: what every page's header needs.
    public func findWithUnread(id: Int64) async throws -> (User, Int)? {
        guard
            let row = try await self.database.query(
                """
                SELECT \(unescaped: Self.columns),
                       (SELECT count(*)::int8 FROM (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL
                                                    LIMIT \(Self.unreadShown)) AS shown) AS unread
                FROM users u WHERE u.id = \(id)
                """
            ).first
        else { return nil }
        return (try Self.user(row), try row.makeRandomAccess().value("unread", as: Int.self))
    }

    /// The account and its password hash, for signing in.
    public func credentials(email: String) async throws -> (User, String)? {
        let rows = try await self.database.query(
            "SELECT \(unescaped: Self.columns), u.password_hash FROM users u WHERE lower(u.email) = lower(\(email.trimmed))")
        guard let row = rows.first else { return nil }
        return (try Self.user(row), try row.makeRandomAccess().value("password_hash"))
    }

    public func list(search: String?, page: PageRequest) async throws -> PageOf<User> {
        let pattern = search?.nilIfEmpty.map { "%\($0)%" }
        let rows = try await self.database.query(
            """
            SELECT \(unescaped: Self.columns), count(*) OVER () AS total FROM users u
            WHERE (\(pattern)::text IS NULL OR u.email ILIKE \(pattern) OR u.name ILIKE \(pattern))
            ORDER BY lower(u.name), u.id LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        return PageOf(items: try rows.map(Self.user), total: total, request: page)
    }

    /// Inserts an account in the caller's transaction (`draft.password` is ignored: `passwordHash` is stored); a vendor
    /// that does not exist and a taken email are field errors.
    public func insert(_ draft: UserDraft, passwordHash: String, actor: AuditActor) async throws -> User {
        var errors = draft.validate()
        if let vendorID = draft.vendorID, try await self.database.query("SELECT 1 FROM vendors WHERE id = \(vendorID)").isEmpty {
            errors.add("vendor_id", "Choose an existing vendor.")
        }
        try errors.throwIfAny()
        guard let role = draft.role else { throw ValidationErrors([FieldError("role", "Choose a role.")]) }
        do {
            guard
                let row = try await self.database.query(
                    """
                    INSERT INTO users (email, name, role, vendor_id, password_hash, updated_by)
                    VALUES (\(draft.email.trimmed), \(draft.name.trimmed), \(role.rawValue), \(draft.vendorID), \(passwordHash), \(actor.userID))
                    RETURNING \(unescaped: Self.columns.replacingOccurrences(of: "u.", with: ""))
                    """
                ).first
            else { throw NotFound("user") }
            return try Self.user(row)
        } catch {
            throw mapUniqueViolation(
                error, constraint: "users_email_key", field: "email", message: "An account with email \(draft.email.trimmed) already exists.")
        }
    }

    /// The account, locked for a change in the caller's transaction.
    public func lock(id: Int64) async throws -> User {
        guard let row = try await self.database.query("SELECT \(unescaped: Self.columns) FROM users u WHERE id = \(id) FOR UPDATE").first else {
            throw NotFound("user")
        }
        return try Self.user(row)
    }

    /// Disables or enables an account locked in the caller's transaction; a disabled account's sessions end with it.
    public func writeDisabled(id: Int64, _ disabled: Bool, actor: AuditActor) async throws {
        try await self.database.query(
            "UPDATE users SET disabled = \(disabled), row_version = row_version + 1, updated_at = now(), updated_by = \(actor.userID) WHERE id = \(id)")
        if disabled { try await self.database.query("DELETE FROM sessions WHERE user_id = \(id)") }
    }
}

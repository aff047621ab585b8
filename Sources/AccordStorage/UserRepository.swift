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

    /// Creates an account. `draft.password` is ignored: `passwordHash` is stored instead.
    public func create(_ draft: UserDraft, passwordHash: String, actor: AuditActor) async throws -> User {
        var errors = draft.validate()
        let logger = self.database.logger
        do {
            return try await self.database.transaction { connection in
                if let vendorID = draft.vendorID, try await connection.rows("SELECT 1 FROM vendors WHERE id = \(vendorID)", logger: logger).isEmpty {
                    errors.add("vendor_id", "Choose an existing vendor.")
                }
                try errors.throwIfAny()
                let row = try await connection.rows(
                    """
                    INSERT INTO users (email, name, role, vendor_id, password_hash, updated_by)
                    VALUES (\(draft.email.trimmed), \(draft.name.trimmed), \(draft.role!.rawValue), \(draft.vendorID), \(passwordHash), \(actor.userID))
                    RETURNING \(unescaped: Self.columns.replacingOccurrences(of: "u.", with: ""))
                    """, logger: logger
                ).first!
                let user = try Self.user(row)
                try await AuditRepository.record(
                    on: connection, logger: logger, actor: actor, action: "create", entity: "user", entityID: user.id, after: user)
                return user
            }
        } catch {
            throw mapUniqueViolation(
                error, constraint: "users_email_key", field: "email", message: "An account with email \(draft.email.trimmed) already exists.")
        }
    }

    public func setDisabled(id: Int64, disabled: Bool, actor: AuditActor) async throws -> User {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            guard
                let beforeRow = try await connection.rows(
                    "SELECT \(unescaped: Self.columns) FROM users u WHERE id = \(id) FOR UPDATE", logger: logger
                ).first
            else { throw NotFound("user") }
            let before = try Self.user(beforeRow)
            try await connection.rows(
                "UPDATE users SET disabled = \(disabled), row_version = row_version + 1, updated_at = now(), updated_by = \(actor.userID) WHERE id = \(id)",
                logger: logger)
            if disabled { try await connection.rows("DELETE FROM sessions WHERE user_id = \(id)", logger: logger) }
            var after = before
            after.disabled = disabled
            try await AuditRepository.record(
                on: connection, logger: logger, actor: actor, action: disabled ? "disable" : "enable", entity: "user", entityID: id,
                before: before, after: after)
            return after
        }
    }
}

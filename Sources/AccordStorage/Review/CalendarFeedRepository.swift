import AccordDomain
import Crypto
import Foundation
import Logging
import PostgresNIO

/// Per-user calendar feeds: a secret URL a calendar client subscribes to. Only the SHA-256 of the secret is kept; a
/// new secret replaces (and so revokes) the old one, and revoking removes it.
public struct CalendarFeedRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Issues a new secret for `userID`, revoking any earlier one, and returns it; it cannot be read back later.
    public func issue(userID: Int64, actor: AuditActor, now: Date) async throws -> String {
        let secret = "cal_\(SecureToken.make())"
        let hash = SessionStore.hash(secret)
        try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            try await bound.query(
                """
                INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (\(userID), \(hash), \(now))
                ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at
                """)
            try await AuditRepository.record(
                on: connection, logger: bound.logger, actor: actor, action: "issue", entity: "calendar_feed", entityID: userID,
                after: ["user_id": "\(userID)"])
        }
        return secret
    }

    public func revoke(userID: Int64, actor: AuditActor) async throws {
        try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let removed = try await bound.query("DELETE FROM calendar_feeds WHERE user_id = \(userID) RETURNING user_id")
            if !removed.isEmpty {
                try await AuditRepository.record(
                    on: connection, logger: bound.logger, actor: actor, action: "revoke", entity: "calendar_feed", entityID: userID,
                    after: ["user_id": "\(userID)"])
            }
        }
    }

    /// When the user's current feed secret was issued, if there is one.
    public func issuedAt(userID: Int64) async throws -> Date? {
        try await self.database.query("SELECT created_at FROM calendar_feeds WHERE user_id = \(userID)").first?.decode(Date.self)
    }

    /// The enabled user a presented secret belongs to.
    public func user(forSecret secret: String) async throws -> User? {
        guard secret.hasPrefix("cal_"), (8...200).contains(secret.count) else { return nil }
        let rows = try await self.database.query(
            """
            SELECT \(unescaped: UserRepository.columns) FROM calendar_feeds f JOIN users u ON u.id = f.user_id
            WHERE f.token_hash = \(SessionStore.hash(secret)) AND NOT u.disabled
            """)
        return try rows.first.map(UserRepository.user)
    }
}

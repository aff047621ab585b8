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

    /// Stores the SHA-256 of a new secret for `userID`, replacing (and so revoking) any earlier one; the secret itself
    /// is the caller's to show once.
    public func store(secret: String, userID: Int64, now: Date) async throws {
        try await self.database.query(
            """
            INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (\(userID), \(SessionStore.hash(secret)), \(now))
            ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at
            """)
    }

    /// Removes the user's feed; whether there was one.
    public func remove(userID: Int64) async throws -> Bool {
        !(try await self.database.query("DELETE FROM calendar_feeds WHERE user_id = \(userID) RETURNING user_id").isEmpty)
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

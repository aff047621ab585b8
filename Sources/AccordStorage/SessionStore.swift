import AccordDomain
import Crypto
import Foundation
import Logging
import PostgresNIO

/// Server-side sessions in PostgreSQL, so several replicas share them. Only a hash of the session id is stored.
public struct SessionStore: Sendable {
    let database: Database
    let policy: SessionPolicy

    public init(database: Database, policy: SessionPolicy = .standard) {
        self.database = database
        self.policy = policy
    }

    /// The hex SHA-256 of a secret or a request, as stored.
    public static func hash(_ id: String) -> String {
        SHA256.hash(data: Data(id.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Starts a session and returns its id (for the cookie) and its CSRF token. Expired sessions are purged by a job.
    public func create(userID: Int64, now: Date) async throws -> (id: String, csrfToken: String) {
        let id = SecureToken.make()
        let csrf = SecureToken.make()
        let idle = self.policy.expiry(createdAt: now, lastSeen: now)
        let absolute = now.addingTimeInterval(self.policy.absoluteTimeout)
        try await self.database.query(
            """
            INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, idle_expires_at, absolute_expires_at)
            VALUES (\(Self.hash(id)), \(userID), \(csrf), \(now), \(now), \(idle), \(absolute))
            """)
        return (id, csrf)
    }

    /// How often a session's use is written: a request within this long of the last recorded use writes nothing.
    public static let useRecordInterval: TimeInterval = 60

    /// Finds a live session and extends its idle timeout, never past the absolute one. The extension is written at
    /// most once a minute (`useRecordInterval`), so most requests only read; the idle timeout therefore runs from the
    /// last recorded use, up to a minute before the last request.
    public func touch(id: String, now: Date) async throws -> StoredSession? {
        let hash = Self.hash(id)
        let rows = try await self.database.query(
            """
            SELECT user_id, csrf_token, last_seen_at FROM sessions
            WHERE id_hash = \(hash) AND idle_expires_at > \(now) AND absolute_expires_at > \(now)
            """)
        guard let row = rows.first else { return nil }
        let (userID, csrf, lastSeen) = try row.decode((Int64, String, Date).self)
        if now.timeIntervalSince(lastSeen) >= Self.useRecordInterval {
            let idle = now.addingTimeInterval(self.policy.idleTimeout)
            try await self.database.query(
                """
                UPDATE sessions SET last_seen_at = \(now), idle_expires_at = least(\(idle), absolute_expires_at)
                WHERE id_hash = \(hash) AND last_seen_at < \(now)
                """)
        }
        return StoredSession(userID: userID, csrfToken: csrf)
    }

    public func delete(id: String) async throws {
        try await self.database.query("DELETE FROM sessions WHERE id_hash = \(Self.hash(id))")
    }

    /// Removes up to `limit` expired sessions, skipping rows another runner holds; returns how many.
    @discardableResult
    public func purgeExpired(now: Date, limit: Int = 1000) async throws -> Int {
        try await self.database.query(
            """
            WITH gone AS (
                DELETE FROM sessions WHERE id_hash IN (
                    SELECT id_hash FROM sessions WHERE idle_expires_at <= \(now) OR absolute_expires_at <= \(now)
                    LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING 1)
            SELECT count(*)::int8 FROM gone
            """
        ).first.map { try $0.decode(Int64.self) }.map(Int.init) ?? 0
    }
}

import AccordDomain
import Crypto
import Foundation
import Logging
import PostgresNIO

/// A signed-in browser session as the server holds it.
public struct StoredSession: Sendable, Equatable {
    public var userID: Int64
    public var csrfToken: String
}

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

    /// Starts a session and returns its id (for the cookie) and its CSRF token. Expired sessions are purged on the way.
    public func create(userID: Int64, now: Date) async throws -> (id: String, csrfToken: String) {
        let id = SecureToken.make()
        let csrf = SecureToken.make()
        let idle = self.policy.expiry(createdAt: now, lastSeen: now)
        let absolute = now.addingTimeInterval(self.policy.absoluteTimeout)
        try await self.database.query("DELETE FROM sessions WHERE idle_expires_at <= \(now)")
        try await self.database.query(
            """
            INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, idle_expires_at, absolute_expires_at)
            VALUES (\(Self.hash(id)), \(userID), \(csrf), \(now), \(now), \(idle), \(absolute))
            """)
        return (id, csrf)
    }

    /// Finds a live session and extends its idle timeout, never past the absolute one.
    public func touch(id: String, now: Date) async throws -> StoredSession? {
        let idle = now.addingTimeInterval(self.policy.idleTimeout)
        let rows = try await self.database.query(
            """
            UPDATE sessions SET last_seen_at = \(now), idle_expires_at = least(\(idle), absolute_expires_at)
            WHERE id_hash = \(Self.hash(id)) AND idle_expires_at > \(now) AND absolute_expires_at > \(now)
            RETURNING user_id, csrf_token
            """)
        guard let row = rows.first else { return nil }
        let (userID, csrf) = try row.decode((Int64, String).self)
        return StoredSession(userID: userID, csrfToken: csrf)
    }

    public func delete(id: String) async throws {
        try await self.database.query("DELETE FROM sessions WHERE id_hash = \(Self.hash(id))")
    }

    /// Removes every expired session; returns how many.
    @discardableResult
    public func purgeExpired(now: Date) async throws -> Int {
        try await self.database.query("WITH gone AS (DELETE FROM sessions WHERE idle_expires_at <= \(now) RETURNING 1) SELECT count(*) FROM gone")
            .first!.decode(Int.self)
    }
}

/// Random, URL-safe secrets for session ids, CSRF tokens and API tokens.
public enum SecureToken {
    public static func make(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let raw = (0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(raw).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares two secrets without an early exit, so timing does not reveal how much matched.
    public static func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
        return difference == 0
    }
}

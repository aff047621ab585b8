import AccordDomain
import Foundation
import PostgresNIO

/// Stripe's idempotency semantics for API writes, per user and key:
/// the first request claims the key; a retry with the same body gets the first response and stores nothing new;
/// the same key with another body is refused; a retry while the first is still running gets a conflict.
/// Server errors release the key so that a retry can run again. Keys are kept for 24 hours.
public struct IdempotencyStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public enum Claim: Sendable, Equatable {
        /// This request owns the key: run it, then `finish`.
        case claimed
        /// A finished request with the same key and body: answer with its response.
        case replay(status: Int, body: String)
        /// The first request with this key is still running.
        case inProgress
        /// The key was used with a different body.
        case mismatch
    }

    public static let lifetime: TimeInterval = 86_400

    public func claim(userID: Int64, key: String, requestHash: String, now: Date) async throws -> Claim {
        try await self.database.query(
            "DELETE FROM idempotency_keys WHERE user_id = \(userID) AND key = \(key) AND created_at < \(now.addingTimeInterval(-Self.lifetime))")
        let inserted = try await self.database.query(
            """
            INSERT INTO idempotency_keys (user_id, key, request_hash, state, created_at) VALUES (\(userID), \(key), \(requestHash), 'running', \(now))
            ON CONFLICT (user_id, key) DO NOTHING RETURNING 1
            """)
        if !inserted.isEmpty { return .claimed }
        guard
            let row = try await self.database.query(
                "SELECT request_hash, state, status_code, response FROM idempotency_keys WHERE user_id = \(userID) AND key = \(key)"
            ).first
        else {
            return try await self.claim(userID: userID, key: key, requestHash: requestHash, now: now)
        }
        let (hash, state, status, body) = try row.decode((String, String, Int?, String?).self)
        if hash != requestHash { return .mismatch }
        if state == "running" { return .inProgress }
        return .replay(status: status ?? 200, body: body ?? "")
    }

    public func finish(userID: Int64, key: String, status: Int, body: String) async throws {
        try await self.database.query(
            "UPDATE idempotency_keys SET state = 'done', status_code = \(status), response = \(body) WHERE user_id = \(userID) AND key = \(key)")
    }

    public func release(userID: Int64, key: String) async throws {
        try await self.database.query("DELETE FROM idempotency_keys WHERE user_id = \(userID) AND key = \(key) AND state = 'running'")
    }
}

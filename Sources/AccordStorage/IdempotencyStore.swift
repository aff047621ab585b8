import AccordDomain
import Foundation
import PostgresNIO

/// Stripe's idempotency semantics for API writes, per user and key: the first request with a key runs; a retry with
/// the same body gets the first response and stores nothing new; the same key with another body is refused. Keys are
/// kept for 24 hours.
///
/// The claim lives in the transaction that does the work: it commits with the work and its response, or vanishes with
/// it when the work fails or the process dies mid-way, so no claim outlives its work. A retry that arrives while the
/// first is still running waits for it (on the key's row), then replays its response or, if it failed, runs itself.
public struct IdempotencyStore: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public enum Outcome: Sendable, Equatable {
        /// This request ran the work; its response is stored with the key.
        case ran(status: Int, body: String)
        /// A finished request with the same key and body: answer with its response.
        case replay(status: Int, body: String)
        /// The key was used with a different body.
        case mismatch
    }

    public static let lifetime: TimeInterval = 86_400

    /// Runs `work` under the key, in one transaction with the claim; `work` is given the database bound to that
    /// transaction and returns the status and body to keep. A `work` that throws leaves no trace of the key.
    public func run(
        userID: Int64, key: String, requestHash: String, now: Date, work: (Database) async throws -> (status: Int, body: String)
    ) async throws -> Outcome {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            try await connection.rows(
                """
                DELETE FROM idempotency_keys WHERE user_id = \(userID) AND key = \(key)
                    AND (created_at < \(now.addingTimeInterval(-Self.lifetime)) OR state = 'running')
                """, logger: logger)
            // waits here while another transaction holds the same key, then finds its row (or, if it failed, none)
            let inserted = try await connection.rows(
                """
                INSERT INTO idempotency_keys (user_id, key, request_hash, state, created_at) VALUES (\(userID), \(key), \(requestHash), 'running', \(now))
                ON CONFLICT (user_id, key) DO NOTHING RETURNING 1
                """, logger: logger)
            if !inserted.isEmpty {
                let (status, body) = try await work(self.database.bound(to: connection))
                try await connection.rows(
                    """
                    UPDATE idempotency_keys SET state = 'done', status_code = \(status), response = \(body)
                    WHERE user_id = \(userID) AND key = \(key)
                    """, logger: logger)
                return .ran(status: status, body: body)
            }
            guard
                let row = try await connection.rows(
                    "SELECT request_hash, status_code, response FROM idempotency_keys WHERE user_id = \(userID) AND key = \(key)", logger: logger
                ).first
            else { throw RuleViolation("A request with this Idempotency-Key was running at the same time; retry shortly.") }
            let (hash, status, body) = try row.decode((String, Int?, String?).self)
            if hash != requestHash { return .mismatch }
            return .replay(status: status ?? 200, body: body ?? "")
        }
    }

    /// Deletes keys older than their lifetime, at most `limit`, skipping rows another runner holds: after a day a retry
    /// with the same key runs as a new request, and the keys of a live feed (one batch a minute per objective) do not
    /// pile up on disk.
    public func purgeExpired(now: Date, limit: Int = 1000) async throws -> Int {
        try await self.database.query(
            """
            WITH gone AS (
                DELETE FROM idempotency_keys WHERE (user_id, key) IN (
                    SELECT user_id, key FROM idempotency_keys WHERE created_at < \(now.addingTimeInterval(-Self.lifetime))
                    ORDER BY created_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING 1)
            SELECT count(*)::int8 FROM gone
            """
        ).first.map { try $0.decode(Int64.self) }.map(Int.init) ?? 0
    }
}

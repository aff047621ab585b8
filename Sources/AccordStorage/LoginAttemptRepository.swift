import AccordDomain
import Foundation
import PostgresNIO

/// Recent sign-in failures per account and address, for `LoginThrottle`, and who is being slowed down now.
public struct LoginAttemptRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The failures of `email` from `address`, and of `address` over all accounts, since `since`.
    public func recentFailures(email: String, address: String, since: Date) async throws -> (pair: [Date], address: [Date]) {
        let pair = try await self.database.query(
            "SELECT at FROM login_attempts WHERE lower(email) = lower(\(email)) AND address = \(address) AND NOT succeeded AND at > \(since) ORDER BY at"
        ).map { try $0.decode(Date.self) }
        let byAddress = try await self.database.query(
            "SELECT at FROM login_attempts WHERE address = \(address) AND NOT succeeded AND at > \(since) ORDER BY at"
        ).map { try $0.decode(Date.self) }
        return (pair, byAddress)
    }

    public func record(email: String, address: String, succeeded: Bool, at: Date) async throws {
        try await self.database.query(
            "INSERT INTO login_attempts (email, address, succeeded, at) VALUES (\(email.trimmed.lowercased()), \(address), \(succeeded), \(at))")
        if succeeded {
            // a successful sign-in clears that account's failure streak from that address
            try await self.database.query(
                "DELETE FROM login_attempts WHERE lower(email) = lower(\(email)) AND address = \(address) AND NOT succeeded")
        }
    }

    /// Removes up to `limit` sign-in attempts recorded before `before`, skipping rows another runner holds; returns how many.
    @discardableResult
    public func purge(before: Date, limit: Int = 1000) async throws -> Int {
        try await self.database.query(
            """
            WITH gone AS (
                DELETE FROM login_attempts WHERE ctid IN (
                    SELECT ctid FROM login_attempts WHERE at < \(before) LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING 1)
            SELECT count(*)::int8 FROM gone
            """
        ).first.map { try $0.decode(Int64.self) }.map(Int.init) ?? 0
    }


    /// Every account and address with failures in the throttle's window, the most failures first, with their wait.
    public func throttled(throttle: LoginThrottle, now: Date, limit: Int = 100) async throws -> [ThrottledSignIn] {
        let since = now.addingTimeInterval(-throttle.window)
        let rows = try await self.database.query(
            """
            SELECT email, address, count(*)::int8, max(at) FROM login_attempts WHERE NOT succeeded AND at > \(since)
            GROUP BY email, address ORDER BY count(*) DESC, max(at) DESC LIMIT \(limit)
            """)
        return try rows.map { row in
            let (email, address, failures, last) = try row.decode((String, String, Int64, Date).self)
            return ThrottledSignIn(
                email: email, address: address, failures: Int(failures), lastFailure: last,
                blockedUntil: throttle.pairBlockedUntil(failures: Int(failures), last: last, now: now))
        }
    }
}

import AccordDomain
import Foundation
import PostgresNIO

/// Recent sign-in failures per account and per address, for `LoginThrottle`.
public struct LoginAttemptRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func recentFailures(email: String, address: String, since: Date) async throws -> (account: [Date], address: [Date]) {
        let account = try await self.database.query(
            "SELECT at FROM login_attempts WHERE lower(email) = lower(\(email)) AND NOT succeeded AND at > \(since) ORDER BY at"
        ).map { try $0.decode(Date.self) }
        let byAddress = try await self.database.query(
            "SELECT at FROM login_attempts WHERE address = \(address) AND NOT succeeded AND at > \(since) ORDER BY at"
        ).map { try $0.decode(Date.self) }
        return (account, byAddress)
    }

    public func record(email: String, address: String, succeeded: Bool, at: Date) async throws {
        try await self.database.query(
            "INSERT INTO login_attempts (email, address, succeeded, at) VALUES (\(email.trimmed.lowercased()), \(address), \(succeeded), \(at))")
        if succeeded {
            // A successful sign-in clears the account's failure streak.
            try await self.database.query("DELETE FROM login_attempts WHERE lower(email) = lower(\(email)) AND NOT succeeded")
        }
    }
}

import AccordDomain
import AccordStorage
import Foundation
import Logging
import ServiceLifecycle

/// Where the server's database is and who it signs in as: the one storage type the composition root (the command line,
/// the web layer's `buildApplication`, the tests) passes through to `Backend` without reaching into storage.
public typealias DatabaseSettings = AccordStorage.DatabaseSettings

/// The database behind the use cases, as the server starts it: its connection pool (a service the server runs), its
/// schema migrated and checked, and the use cases over it.
public struct Backend: Sendable {
    let database: Database
    let migrations: [Migration]
    /// The role the server signs in as, granted its rights after a migration by the schema's owner.
    let serverRole: String

    public init(settings: DatabaseSettings, schemaDirectory: URL, logger: Logger) throws {
        self.database = Database(settings: settings, logger: logger)
        self.serverRole = settings.username
        self.migrations = try Migration.load(from: schemaDirectory)
    }

    /// The connection pool, run beside the HTTP server for the life of the process.
    public var service: any ServiceLifecycle.Service { self.database.client }

    /// Applies pending migrations: as the schema's owner when one is configured (the server's own role has no DDL
    /// rights; it is granted its rights afterwards), else as the server's role. Returns the names applied.
    @discardableResult
    public func migrate(owner: DatabaseSettings?, logger: Logger) async throws -> [String] {
        if let owner {
            return try await MigrationRunner.migrate(settings: owner, serverRole: self.serverRole, migrations: self.migrations, logger: logger)
        }
        return try await MigrationRunner(database: self.database, migrations: self.migrations).migrate()
    }

    /// Applies pending migrations on a connection of their own (`accord migrate`), signed in as `settings`.
    public static func migrate(settings: DatabaseSettings, serverRole: String?, schemaDirectory: URL, logger: Logger) async throws -> [String] {
        try await MigrationRunner.migrate(
            settings: settings, serverRole: serverRole, migrations: try Migration.load(from: schemaDirectory), logger: logger)
    }

    /// The names of the migrations this binary knows that the database has not applied (readiness).
    public func pendingMigrations() async throws -> [String] {
        try await MigrationRunner(database: self.database, migrations: self.migrations).pending().map(\.name)
    }

    /// Twelve rows from one query: what the dashboard benchmark's baseline page renders (`ACCORD_DIAGNOSTICS=1`).
    public func baselineRows() async throws -> [(number: Int, label: String)] {
        try await self.database.query(
            "SELECT n, to_char(date '2026-01-01' + (n - 1) * interval '1 month', 'Mon YYYY') FROM generate_series(1, 12) AS n"
        ).map { row in try row.decode((Int, String).self) }
    }

    public func useCases(
        clock: @escaping @Sendable () -> Date, logger: Logger, ingestReach: IngestReach, outbound: OutboundGuard,
        pullSettle: TimeInterval = PullPlan.settleLag
    ) -> UseCases {
        UseCases(
            repositories: Repositories(database: self.database), clock: clock, logger: logger, ingestReach: ingestReach, outbound: outbound,
            pullSettle: pullSettle)
    }
}

/// What went wrong below the use cases, as the answer to a request needs to know it.
public enum BackendFailure: Sendable, Equatable {
    /// The input could not be stored as given (too long, out of range, a character the database refuses): 422.
    case invalidValue(String)
    /// Another change got there first (a unique key, a deadlock, a serialization failure): 409, retry.
    case conflict(String)
    /// The database is unreachable, shutting down or out of connections, before anything was done: 503, retry later.
    case unavailable
    /// The connection died while the request used it: whether a change was stored is unknown.
    case connectionLost
    /// Any other database error: a fault of the server's.
    case unexpected

    /// The failure `error` is, or nil when it is not the database's.
    public static func classify(_ error: any Error) -> BackendFailure? {
        switch DatabaseFailure.classify(error) {
        case .invalidValue(let message)?: .invalidValue(message)
        case .conflict(let message)?: .conflict(message)
        case .unavailable?: .unavailable
        case .connectionLost?: .connectionLost
        case .unexpected?: .unexpected
        case nil: nil
        }
    }
}

/// What a write run under an `Idempotency-Key` answers.
public enum IdempotentOutcome: Sendable, Equatable {
    /// This request ran the work; its answer is kept with the key.
    case ran(status: Int, body: String)
    /// A finished request with the same key and body: its answer again.
    case replay(status: Int, body: String)
    /// The key was used with a different body.
    case mismatch
}

extension UseCases {
    /// Runs `work` under an idempotency key, in one transaction with the key's claim: `work` gets the use cases bound to
    /// that transaction and returns the status and body to keep (see `IdempotencyStore` for the rules).
    public func idempotently(
        userID: Int64, key: String, requestHash: String, _ work: (UseCases) async throws -> (status: Int, body: String)
    ) async throws -> IdempotentOutcome {
        let outcome = try await self.repositories.idempotency.run(userID: userID, key: key, requestHash: requestHash, now: self.clock()) {
            database in try await work(self.within(database))
        }
        switch outcome {
        case .ran(let status, let body): return .ran(status: status, body: body)
        case .replay(let status, let body): return .replay(status: status, body: body)
        case .mismatch: return .mismatch
        }
    }

    /// A digest of a request, to tell a replay from another body under the same key.
    public static func requestHash(_ text: String) -> String { SessionStore.hash(text) }
}

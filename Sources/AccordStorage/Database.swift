import AccordDomain
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The connection pool and the logger every repository shares.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// Where the pool connects, and as whom.
    public let settings: DatabaseSettings
    /// On a copy bound to one connection (`bound(to:)`): every query runs on it and `transaction` joins the transaction
    /// already open on it, so work done while holding a connection never waits for a second one from the pool.
    let connection: PostgresConnection?
    /// Bounds how long an operation waits for a free connection (`DatabaseSettings.connectionWait`).
    let gate: ConnectionGate

    public init(settings: DatabaseSettings, logger: Logger) {
        var configuration: PostgresClient.Configuration
        switch settings.endpoint {
        case .tcp(let host, let port):
            configuration = .init(
                host: host, port: port, username: settings.username, password: settings.password,
                database: settings.database, tls: .disable)
        case .socket(let path):
            configuration = .init(unixSocketPath: path, username: settings.username, password: settings.password, database: settings.database)
        }
        configuration.options.maximumConnections = settings.maximumConnections
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(3)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
        self.settings = settings
        self.connection = nil
        self.gate = ConnectionGate(permits: settings.maximumConnections, timeout: settings.connectionWait)
    }

    private init(bound connection: PostgresConnection, to database: Database) {
        self.client = database.client
        self.logger = database.logger
        self.settings = database.settings
        self.connection = connection
        self.gate = database.gate
    }

    /// This database as seen from inside a transaction on `connection`: reads see the transaction's own writes and
    /// locks, and nothing leases another connection from the pool.
    public func bound(to connection: PostgresConnection) -> Database {
        Database(bound: connection, to: self)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. Waits for a connection
    /// no longer than `DatabaseSettings.connectionWait` (then `DatabaseBusy`), as `query` does: a transaction begun as
    /// the database goes away is answered, not left waiting for the pool's breaker.
    public func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        if let connection = self.connection { return try await body(connection) }
        try await self.gate.acquire()
        defer { self.gate.release() }
        return try await withoutActuallyEscaping(body) { body in
            let work = TransactionBody(run: body)
            return try await self.leased { client, logger, leased in
                try await client.withConnection { connection in
                    try leased.take()
                    return try await Self.inTransaction(on: connection, logger: logger, work.run)
                }
            }
        }
    }

    /// BEGIN, the body, then COMMIT, or ROLLBACK when the body throws (its error is what the caller gets). Every
    /// statement goes through `PostgresConnection.rows`, which refuses a closed connection instead of waiting on it; a
    /// COMMIT the database never answered fails with the connection's error (`DatabaseFailure.connectionLost`).
    static func inTransaction<Result>(
        on connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await connection.rows("BEGIN", logger: logger)
        let value: Result
        do {
            value = try await body(connection)
        } catch {
            if !connection.isClosed { _ = try? await connection.rows("ROLLBACK", logger: logger) }
            throw error
        }
        do {
            try await connection.rows("COMMIT", logger: logger)
        } catch {
            if !connection.isClosed { _ = try? await connection.rows("ROLLBACK", logger: logger) }
            throw error
        }
        return value
    }

    /// Runs `operation` (which leases a connection and calls `Lease.take()` before using it) and gives up with
    /// `DatabaseBusy` when no connection came within the configured wait. The pool's own wait for a connection to a
    /// database that is down runs to its breaker (about a minute). Exactly one side wins: a connection that arrives
    /// after the wait ran out is handed back unused, so "busy" always means nothing was done.
    private func leased<Result: Sendable>(
        _ operation: @escaping @Sendable (PostgresClient, Logger, Lease) async throws -> Result
    ) async throws -> Result {
        let (client, logger, wait) = (self.client, self.logger, self.settings.connectionWait)
        let leased = Lease()
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await operation(client, logger, leased) }
            group.addTask {
                try await Task.sleep(for: wait)
                if leased.expire() { throw DatabaseBusy() }
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let result = next { return result }
            }
            throw CancellationError()
        }
    }

    /// Runs `body` in a savepoint of the transaction this database is bound to: what it wrote is undone when it throws,
    /// and the transaction goes on. Returns its result, or the error it threw.
    public func savepoint<Result: Sendable>(_ name: String, _ body: () async throws -> Result) async throws -> Swift.Result<Result, any Error> {
        precondition(self.connection != nil, "a savepoint is taken inside a transaction")
        try await self.query("SAVEPOINT \(unescaped: name)")
        do {
            let result = try await body()
            try await self.query("RELEASE SAVEPOINT \(unescaped: name)")
            return .success(result)
        } catch {
            try await self.query("ROLLBACK TO SAVEPOINT \(unescaped: name)")
            return .failure(error)
        }
    }

    @discardableResult
    public func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        if let connection = self.connection { return try await connection.rows(query, logger: self.logger) }
        try await self.gate.acquire()
        defer { self.gate.release() }
        // every request's first query (authentication) answers 503 in seconds when the database is down
        return try await self.leased { client, logger, leased in
            try await client.withConnection { connection in
                try leased.take()
                return try await connection.rows(query, logger: logger)
            }
        }
    }
}

extension PostgresConnection {
    /// Runs one statement and collects its rows. A connection the database has closed is refused before anything is
    /// written to it: PostgresNIO would queue the statement on a channel that no longer reads, and it would never be
    /// answered (a request that caught the first failure and went on would wait until its client hung up).
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        if self.isClosed { throw ConnectionLost() }
        return try await self.query(query, logger: logger).collect()
    }
}

/// The connection a transaction runs on was closed by the database (it stopped or restarted): the transaction cannot
/// go on, and whether it committed is for the caller to find out. Answered 503 with `Retry-After`.
public struct ConnectionLost: Error, Sendable, Equatable {
    public init() {}
}

extension PostgresRandomAccessRow {
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }

    func date(_ column: String) throws -> LocalDate? {
        guard let text = try self[column].decode(String?.self) else { return nil }
        return LocalDate(text)
    }

    func decimal(_ column: String) throws -> Decimal {
        Decimal(string: try self[column].decode(String.self), locale: Locale(identifier: "en_US_POSIX")) ?? 0
    }
}

extension Decimal {
    /// The plain decimal text PostgreSQL's numeric input accepts.
    var sqlText: String { NSDecimalNumber(decimal: self).description(withLocale: Locale(identifier: "en_US_POSIX")) }
}

/// A transaction's body carried into the task that leases its connection. It runs there once, while the caller
/// awaits the result (`withoutActuallyEscaping`), so it is never used from two places at once.
private struct TransactionBody<Result>: @unchecked Sendable {
    let run: (PostgresConnection) async throws -> Result
}

/// Whether an operation got its connection from the pool before its wait ran out: exactly one of `take` and `expire`
/// wins.
final class Lease: Sendable {
    private enum State { case waiting, leased, expired }
    private let state = Mutex(State.waiting)

    /// Called with a connection in hand, before anything is sent: throws `DatabaseBusy` when the wait already ran out.
    func take() throws {
        let won = self.state.withLock { state -> Bool in
            guard state == .waiting else { return false }
            state = .leased
            return true
        }
        if !won { throw DatabaseBusy() }
    }

    /// Called when the wait runs out: true when no connection was taken (the operation will do nothing).
    func expire() -> Bool {
        self.state.withLock { state in
            guard state == .waiting else { return false }
            state = .expired
            return true
        }
    }
}

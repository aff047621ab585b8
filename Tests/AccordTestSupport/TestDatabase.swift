import AccordStorage
import Foundation
import Logging
import PostgresNIO

/// Gives each test a database of its own, copied from a migrated template (`CREATE DATABASE … TEMPLATE …`),
/// on the throwaway cluster that `scripts/test` starts. Tests therefore run in parallel without sharing rows.
///
/// As in production, the schema belongs to an owner role that runs the migrations, and tests connect as the server's
/// role, which may read and write rows but not change the schema or the audit trail's history.
public enum TestDatabase {
    static let templateName = "accord_template"
    /// The role that owns the schema and runs migrations.
    public static let ownerRole = "accord_owner"
    /// The role the server connects as.
    public static let serverRole = "accord_app"

    public static let root: URL = {
        if let root = ProcessInfo.processInfo.environment["ACCORD_ROOT"] { return URL(fileURLWithPath: root, isDirectory: true) }
        // Tests/AccordTestSupport/TestDatabase.swift → the package root.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    public static let logger: Logger = {
        var logger = Logger(label: "accord-test")
        logger.logLevel = .error
        return logger
    }()

    static let serverSettings: DatabaseSettings = {
        guard let url = ProcessInfo.processInfo.environment["ACCORD_TEST_DATABASE_URL"],
            var settings = DatabaseSettings(url: url, maximumConnections: 2)
        else {
            fatalError("ACCORD_TEST_DATABASE_URL is not set: run the suite with scripts/test, which starts a throwaway PostgreSQL cluster.")
        }
        // the whole suite shares this cluster on two cores: databases are copied one at a time, and a test may wait
        // its turn far longer than a server should (tests of the wait itself set their own)
        settings.connectionWait = .seconds(600)
        return settings
    }()

    /// A pool on the `postgres` maintenance database, for CREATE and DROP DATABASE.
    static let admin: Database = {
        let database = Database(settings: Self.serverSettings.with(database: "postgres"), logger: Self.logger)
        Task.detached { await database.client.run() }
        return database
    }()

    static let template = Task<Void, any Error> {
        for role in [Self.ownerRole, Self.serverRole] {
            try await Self.admin.query(
                """
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(unescaped: role)') THEN
                        CREATE ROLE \(unescaped: role) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
                    END IF;
                END $$
                """)
        }
        try await Self.admin.query("DROP DATABASE IF EXISTS \(unescaped: Self.templateName)")
        try await Self.admin.query("CREATE DATABASE \(unescaped: Self.templateName) OWNER \(unescaped: Self.ownerRole)")
        try await MigrationRunner.migrate(
            settings: Self.serverSettings.with(database: Self.templateName).with(username: Self.ownerRole), serverRole: Self.serverRole,
            migrations: try Migration.load(from: Self.root.appendingPathComponent("schema")), logger: Self.logger)
    }

    /// Settings for a new database copied from the migrated template, signed in as the server's role; drop it with
    /// `drop(_:)`.
    public static func create() async throws -> DatabaseSettings {
        try await Self.template.value
        let name = "test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await Self.admin.query("CREATE DATABASE \(unescaped: name) OWNER \(unescaped: Self.ownerRole) TEMPLATE \(unescaped: Self.templateName)")
        var settings = Self.serverSettings.with(database: name).with(username: Self.serverRole)
        settings.maximumConnections = 4
        return settings
    }

    /// The same database signed in as the schema's owner, for tests that change the schema themselves.
    public static func owner(_ settings: DatabaseSettings) -> DatabaseSettings { settings.with(username: Self.ownerRole) }

    /// Runs `body` with a started pool signed in as the schema's owner on the database of `settings`.
    public static func asOwner<T: Sendable>(_ settings: DatabaseSettings, _ body: @Sendable (Database) async throws -> T) async throws -> T {
        try await Self.withPool(Self.owner(settings), body)
    }

    /// Runs `body` with a started pool for `settings`.
    public static func withPool<T: Sendable>(_ settings: DatabaseSettings, _ body: @Sendable (Database) async throws -> T) async throws -> T {
        let database = Database(settings: settings, logger: Self.logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            return try await body(database)
        }
    }

    public static func drop(_ settings: DatabaseSettings) async {
        _ = try? await Self.admin.query("DROP DATABASE IF EXISTS \(unescaped: settings.database) WITH (FORCE)")
    }

    /// Runs `body` with a started pool on a fresh database, then drops the database.
    public static func withDatabase<T: Sendable>(_ body: @Sendable (Database) async throws -> T) async throws -> T {
        let settings = try await Self.create()
        let database = Database(settings: settings, logger: Self.logger)
        do {
            let result = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await database.client.run() }
                defer { group.cancelAll() }
                return try await body(database)
            }
            await Self.drop(settings)
            return result
        } catch {
            await Self.drop(settings)
            throw error
        }
    }
}

extension PostgresConnection {
    /// Waits (up to ten seconds) until some session of this database is blocked on a lock: the request under test has
    /// reached the row this connection holds.
    public func waitForLockWaiter(logger: Logger = TestDatabase.logger) async throws {
        for _ in 0..<400 {
            let waiting = try await self.query(
                "SELECT count(*)::int8 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", logger: logger
            ).collect().first?.decode(Int64.self) ?? 0
            if waiting > 0 { return }
            try await Task.sleep(for: .milliseconds(25))
        }
    }
}

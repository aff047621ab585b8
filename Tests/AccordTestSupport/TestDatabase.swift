import AccordStorage
import Foundation
import Logging
import PostgresNIO

/// Gives each test a database of its own, copied from a migrated template (`CREATE DATABASE … TEMPLATE …`),
/// on the throwaway cluster that `scripts/test` starts. Tests therefore run in parallel without sharing rows.
public enum TestDatabase {
    static let templateName = "accord_template"

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
            let settings = DatabaseSettings(url: url, maximumConnections: 2)
        else {
            fatalError("ACCORD_TEST_DATABASE_URL is not set: run the suite with scripts/test, which starts a throwaway PostgreSQL cluster.")
        }
        return settings
    }()

    /// A pool on the `postgres` maintenance database, for CREATE and DROP DATABASE.
    static let admin: Database = {
        let database = Database(settings: Self.serverSettings.with(database: "postgres"), logger: Self.logger)
        Task.detached { await database.client.run() }
        return database
    }()

    static let template = Task<Void, any Error> {
        try await Self.admin.query("DROP DATABASE IF EXISTS \(unescaped: Self.templateName)")
        try await Self.admin.query("CREATE DATABASE \(unescaped: Self.templateName)")
        let database = Database(settings: Self.serverSettings.with(database: Self.templateName), logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            try await MigrationRunner(database: database, migrations: try Migration.load(from: Self.root.appendingPathComponent("schema"))).migrate()
            group.cancelAll()
        }
    }

    /// Settings for a new database copied from the migrated template; drop it with `drop(_:)`.
    public static func create() async throws -> DatabaseSettings {
        try await Self.template.value
        let name = "test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await Self.admin.query("CREATE DATABASE \(unescaped: name) TEMPLATE \(unescaped: Self.templateName)")
        var settings = Self.serverSettings.with(database: name)
        settings.maximumConnections = 4
        return settings
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

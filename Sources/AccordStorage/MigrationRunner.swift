import Foundation
import Logging
import PostgresNIO

/// One numbered file in `schema/`.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String

    /// Loads `NNNN_name.sql` files from `directory`, in order.
    public static func load(from directory: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        return try files.map { file in
            guard let version = Int(file.prefix { $0.isNumber }) else {
                throw MigrationError("Migration file \(file) must start with its number, e.g. 0001_name.sql.")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: version, name: String(file.dropLast(4)), sql: sql)
        }
    }
}

public struct MigrationError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Applies pending migrations in order, each in its own transaction, under an advisory lock so that
/// several replicas starting together migrate once.
public struct MigrationRunner: Sendable {
    static let lockKey: Int64 = 0x4143_434F_5244  // "ACCORD"
    let database: Database
    let migrations: [Migration]

    public init(database: Database, migrations: [Migration]) {
        self.database = database
        self.migrations = migrations
    }

    /// Applies what is pending and returns the names applied.
    @discardableResult
    public func migrate() async throws -> [String] {
        let logger = self.database.logger
        let migrations = self.migrations
        return try await self.database.client.withConnection { connection in
            try await connection.rows("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                try await connection.rows(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                let applied = Set(try await Self.appliedVersions(on: connection, logger: logger))
                var names: [String] = []
                for migration in migrations where !applied.contains(migration.version) {
                    try await connection.withTransaction(logger: logger) { connection in
                        for statement in SQLScript.statements(in: migration.sql) {
                            try await connection.rows(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.rows(
                            "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))", logger: logger)
                    }
                    logger.info("applied migration \(migration.name)")
                    names.append(migration.name)
                }
                try await connection.rows("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return names
            } catch {
                _ = try? await connection.rows("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    /// Migrations known to this binary but not yet applied to the database.
    public func pending() async throws -> [Migration] {
        let exists = try await self.database.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        guard try exists.first?.decode(Bool.self) == true else { return self.migrations }
        let applied = Set(try await self.database.query("SELECT version FROM schema_migrations").map { try $0.decode(Int.self) })
        return self.migrations.filter { !applied.contains($0.version) }
    }

    static func appliedVersions(on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.rows("SELECT version FROM schema_migrations", logger: logger).map { try $0.decode(Int.self) }
    }
}

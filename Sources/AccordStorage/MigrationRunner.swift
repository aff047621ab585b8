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

    /// Applies what is pending and returns the names applied. With `serverRole`, the role the server connects as is
    /// then given what it needs and no more: reading and writing rows, but only INSERT and SELECT on the audit trail,
    /// no DDL (the schema's owner runs the migrations), and partitions only through `accord_create_measurement_partition`.
    @discardableResult
    public func migrate(grantingTo serverRole: String? = nil) async throws -> [String] {
        let logger = self.database.logger
        let migrations = self.migrations
        return try await self.database.client.withConnection { connection in
            try await connection.rows("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger)
            do {
                // a role without DDL rights may still run this when nothing is pending: create only what is missing
                let exists = try await connection.rows("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
                if try exists.first?.decode(Bool.self) != true {
                    try await connection.rows(
                        """
                        CREATE TABLE schema_migrations (
                            version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                        """, logger: logger)
                }
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
                if let serverRole {
                    for statement in Self.grants(to: serverRole) { try await connection.rows(PostgresQuery(unsafeSQL: statement), logger: logger) }
                }
                try await connection.rows("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                return names
            } catch {
                _ = try? await connection.rows("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger)
                throw error
            }
        }
    }

    /// What the server's role may do: rows of every table, never the audit trail's history, sequences, the partition
    /// function. Repeated after every migration run, so tables added later are covered.
    static func grants(to role: String) -> [String] {
        let name = "\"" + role.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return [
            "GRANT USAGE ON SCHEMA public TO \(name)",
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(name)",
            "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM \(name)",
            "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM \(name)",
            "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO \(name)",
            "GRANT EXECUTE ON FUNCTION accord_create_measurement_partition(date) TO \(name)",
            "GRANT EXECUTE ON FUNCTION accord_summarise_measurement_month(date, bigint[]) TO \(name)",
        ]
    }

    /// Applies pending migrations on a connection of their own, signed in with `settings` (the schema's owner), then
    /// grants the server's role (`serverRole`, when it is another role) its rights. Returns the names applied.
    public static func migrate(
        settings: DatabaseSettings, serverRole: String?, migrations: [Migration], logger: Logger
    ) async throws -> [String] {
        var settings = settings
        settings.maximumConnections = 1
        let database = Database(settings: settings, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            let grantee = serverRole.flatMap { $0 == settings.username ? nil : $0 }
            return try await MigrationRunner(database: database, migrations: migrations).migrate(grantingTo: grantee)
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

import AccordStorage
import AccordTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("Migrations")
struct MigrationTests {
    static var migrations: [Migration] { get throws { try Migration.load(from: TestDatabase.root.appendingPathComponent("schema")) } }

    @Test func migrationFilesAreNumberedInOrderAndOpenWithAPurpose() throws {
        let migrations = try Self.migrations
        #expect(migrations.map(\.version) == Array(1...migrations.count))
        for migration in migrations {
            #expect(migration.sql.hasPrefix("-- "), "\(migration.name) should open with a one-line purpose comment")
        }
    }

    @Test func twoRunnersAtOnceApplyEachMigrationOnce() async throws {
        // setup: an empty database, not the migrated template
        let settings = try await TestDatabase.create()
        let admin = Database(settings: settings, logger: TestDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.client.run() }
            // an empty schema, as on a new installation
            try await admin.query("DROP SCHEMA public CASCADE")
            try await admin.query("CREATE SCHEMA public")
            // MUT: two replicas start together
            let migrations = try Self.migrations
            let runner = MigrationRunner(database: admin, migrations: migrations)
            async let first = runner.migrate()
            async let second = runner.migrate()
            let applied = try await first + second
            // validation
            #expect(applied.count == migrations.count)
            #expect(try await runner.pending().isEmpty)
            let rows = try await admin.query("SELECT count(*) FROM schema_migrations").first!.decode(Int.self)
            #expect(rows == migrations.count)
            #expect(try await runner.migrate().isEmpty)
            group.cancelAll()
        }
        await TestDatabase.drop(settings)
    }

    @Test func scriptsSplitOnlyBetweenStatements() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE a (x text DEFAULT 'a;b');
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'no; never'; END;
            $$;
            INSERT INTO a VALUES ('it''s; fine')
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 3)
        #expect(statements[1].hasSuffix("$$"))
        #expect(statements[2] == "INSERT INTO a VALUES ('it''s; fine')")
    }

    @Test func databaseURLsReadTCPAndSockets() throws {
        let tcp = try #require(DatabaseSettings(url: "postgres://app:s%40cret@db.internal:6432/accord"))
        #expect(tcp.endpoint == .tcp(host: "db.internal", port: 6432))
        #expect(tcp.password == "s@cret")
        #expect(tcp.database == "accord")
        let socket = try #require(DatabaseSettings(url: "postgres://accord@/accord?host=/tmp/pg&port=5433"))
        #expect(socket.endpoint == .socket(path: "/tmp/pg/.s.PGSQL.5433"))
        #expect(DatabaseSettings(url: "mysql://x@y/z") == nil)
    }
}

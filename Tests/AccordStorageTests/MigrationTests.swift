import AccordDomain
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
        let admin = Database(settings: TestDatabase.owner(settings), logger: TestDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await admin.client.run() }
            // an empty schema, as on a new installation (the schema's owner runs migrations)
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

@Suite("Database roles")
struct DatabaseRoleTests {
    @Test func theServersRoleCannotRewriteHistoryOrChangeTheSchema() async throws {
        try await TestDatabase.withDatabase { database in
            // setup: an audit entry written the way the application writes them
            let repositories = Repositories(database: database)
            _ = try await repositories.vendors.create(VendorDraft(name: "Audited"), scope: .organisation, actor: .system)
            #expect(database.settings.username == TestDatabase.serverRole)
            // MUT + validation: each is refused by PostgreSQL for the server's role
            for statement in [
                "UPDATE audit_log SET actor_label = 'someone else'", "DELETE FROM audit_log", "TRUNCATE audit_log",
                "ALTER TABLE audit_log DISABLE TRIGGER ALL", "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete",
                "DROP TRIGGER audit_log_no_update_delete ON audit_log", "SET session_replication_role = replica", "DROP TABLE audit_log",
                "CREATE TABLE scratch (x int)", "ALTER TABLE vendors ADD COLUMN x int", "CREATE TABLE measurements_y2300m01 PARTITION OF measurements FOR VALUES FROM ('2300-01-01') TO ('2300-02-01')",
                "SELECT accord_create_measurement_partition('2300-01-01')", "SELECT accord_create_measurement_partition('1960-01-01')",
                "INSERT INTO schema_migrations (version, name) VALUES (999, 'sneaky')",
            ] {
                await #expect(throws: PSQLError.self, "\(statement)") { try await database.query(PostgresQuery(unsafeSQL: statement)) }
            }
            // what it may do: read and append to the audit trail, and create a partition in range through the function
            let entries = try await database.query("SELECT count(*)::int8 FROM audit_log").first!.decode(Int64.self)
            #expect(entries == 1)
            try await database.query(
                "INSERT INTO audit_log (actor_label, action, entity) VALUES ('test', 'probe', 'vendor')")
            try await database.query("SELECT accord_create_measurement_partition(date_trunc('month', now())::date)")
            let owner = try await database.query(
                "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'audit_log'").first!.decode(String.self)
            #expect(owner == TestDatabase.ownerRole)
        }
    }
}

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
            let audited = try await repositories.vendors.insert(VendorDraft(name: "Audited"), actor: .system)
            try await repositories.audit.append(AuditRecord(action: "create", entity: "vendor", entityID: audited.id, after: audited), actor: .system)
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

    /// `statement` is refused for lack of privilege (42501: the triggers' refusal, or not owning the table), not for
    /// any other reason.
    static func expectRefused(_ statement: String, on database: Database) async {
        do {
            try await database.query(PostgresQuery(unsafeSQL: statement))
            Issue.record("\(statement) was not refused")
        } catch let error as PSQLError {
            #expect(error.serverInfo?[.sqlState] == "42501", "\(statement): \(String(reflecting: error))")
        } catch {
            Issue.record("\(statement): \(error)")
        }
    }

    @Test func whatIsSignedOrFrozenCannotChangeForTheServersRole() async throws {
        try await TestDatabase.withDatabase { database in
            // setup: an RCA written, its parts and evidence, then accepted — all as the server's role writes them
            let repositories = Repositories(database: database)
            let vendor = try await repositories.vendors.insert(VendorDraft(name: "Signer"), actor: .system)
            let rca = try #require(
                try await database.query("INSERT INTO rcas (title, due_on, status) VALUES ('Outage', '2026-12-01', 'in_progress') RETURNING id").first?
                    .decode(Int64.self))
            try await database.query("INSERT INTO rca_parties (rca_id, vendor_id, share, signed_hash) VALUES (\(rca), \(vendor.id), 100, 'h')")
            try await database.query("INSERT INTO rca_timeline (rca_id, at, text) VALUES (\(rca), now(), 'Paged')")
            try await database.query("INSERT INTO rca_factors (rca_id, category, description) VALUES (\(rca), 'capacity', 'Too small')")
            try await database.query(
                """
                INSERT INTO evidence_files (subject_kind, subject_id, file_name, content_type, size, sha256, content)
                VALUES ('rca', \(rca), 'log.txt', 'text/plain', 2, 'x', '\\x6869')
                """)
            try await database.query("UPDATE rcas SET root_cause = 'A full disk', content_hash = 'h', status = 'accepted', accepted_at = now() WHERE id = \(rca)")
            #expect(database.settings.username == TestDatabase.serverRole)

            // MUT + validation: each change of the signed content is refused by PostgreSQL
            for statement in [
                "UPDATE rcas SET root_cause = 'A full disk\\n' WHERE id = \(rca)", "UPDATE rcas SET content_hash = 'other' WHERE id = \(rca)",
                "UPDATE rcas SET status = 'in_progress' WHERE id = \(rca)", "DELETE FROM rcas WHERE id = \(rca)",
                "UPDATE rca_parties SET signed_hash = 'forged' WHERE rca_id = \(rca)", "UPDATE rca_parties SET share = 50 WHERE rca_id = \(rca)",
                "INSERT INTO rca_parties (rca_id) VALUES (\(rca))", "DELETE FROM rca_parties WHERE rca_id = \(rca)",
                "INSERT INTO rca_timeline (rca_id, at, text) VALUES (\(rca), now(), 'Later')", "UPDATE rca_timeline SET text = 'Edited' WHERE rca_id = \(rca)",
                "DELETE FROM rca_timeline WHERE rca_id = \(rca)", "UPDATE rca_factors SET description = 'Edited' WHERE rca_id = \(rca)",
                "DELETE FROM rca_factors WHERE rca_id = \(rca)",
                "INSERT INTO evidence_files (subject_kind, subject_id, file_name, content_type, size, sha256, content) VALUES ('rca', \(rca), 'late.txt', 'text/plain', 1, 'y', '\\x68')",
                "DELETE FROM evidence_files WHERE subject_kind = 'rca'", "UPDATE evidence_files SET content = '\\x6868', sha256 = 'z'",
                "ALTER TABLE rcas DISABLE TRIGGER rcas_final", "DROP TRIGGER rca_timeline_final ON rca_timeline",
                "ALTER TABLE review_packs DISABLE TRIGGER ALL",
            ] {
                await Self.expectRefused(statement, on: database)
            }
            // what may still happen: a removed person's or vendor's reference becomes NULL, and the customer closes it
            try await database.query("UPDATE rca_parties SET signed_by = NULL WHERE rca_id = \(rca)")
            try await database.query("UPDATE rca_timeline SET author_user_id = NULL, author_vendor_id = NULL WHERE rca_id = \(rca)")
            try await database.query("UPDATE rca_factors SET responsible_vendor_id = NULL WHERE rca_id = \(rca)")
            try await database.query("UPDATE rcas SET status = 'closed', closed_at = now(), row_version = row_version + 1 WHERE id = \(rca)")
            await #expect(throws: PSQLError.self) { try await database.query("UPDATE rcas SET closed_at = now() + interval '1 day' WHERE id = \(rca)") }

            // setup: a meeting whose minutes lock, with an item and a frozen pack
            let series = try #require(
                try await database.query(
                    """
                    INSERT INTO review_series (title, tier, scope_kind, vendor_id, recurrence, time_zone, start_minute, duration_minutes, pre_read_days, starts_on)
                    VALUES ('Monthly', 'tactical', 'vendor', \(vendor.id), '{}', 'UTC', 600, 60, 1, '2026-11-01') RETURNING id
                    """
                ).first?.decode(Int64.self))
            let meeting = try #require(
                try await database.query(
                    """
                    INSERT INTO review_meetings (series_id, day, starts_at, ends_at, pack_due_at, notes)
                    VALUES (\(series), '2026-11-05', '2026-11-05T10:00:00Z', '2026-11-05T11:00:00Z', '2026-11-04T10:00:00Z', '[{"item":"a","text":"b"}]')
                    RETURNING id
                    """
                ).first?.decode(Int64.self))
            try await database.query(
                "INSERT INTO review_items (meeting_id, series_id, kind, text, status, raised_on) VALUES (\(meeting), \(series), 'question', 'Why?', 'open', '2026-11-05')")
            try await database.query(
                "INSERT INTO review_packs (meeting_id, revision, snapshot, sha256) VALUES (\(meeting), 1, '{}', repeat('0', 64))")
            try await database.query("UPDATE review_meetings SET locked_at = now(), minutes_hash = 'm' WHERE id = \(meeting)")
            for statement in [
                "UPDATE review_meetings SET notes = '[]' WHERE id = \(meeting)", "UPDATE review_meetings SET minutes_hash = 'forged' WHERE id = \(meeting)",
                "UPDATE review_meetings SET locked_at = NULL WHERE id = \(meeting)", "DELETE FROM review_meetings WHERE id = \(meeting)",
                "UPDATE review_items SET text = 'Edited' WHERE meeting_id = \(meeting)", "DELETE FROM review_items WHERE meeting_id = \(meeting)",
                "INSERT INTO review_items (meeting_id, series_id, kind, text, status, raised_on) VALUES (\(meeting), \(series), 'question', 'Late', 'open', '2026-11-06')",
                "UPDATE review_packs SET snapshot = '[]'", "DELETE FROM review_packs", "UPDATE review_meetings SET day = '2026-11-06' WHERE id = \(meeting)",
                "UPDATE rca_factors SET responsible_vendor_id = \(vendor.id) WHERE rca_id = \(rca)",
            ] {
                await Self.expectRefused(statement, on: database)
            }
            // an open item of locked minutes is still decided later
            try await database.query("UPDATE review_items SET status = 'decided', outcome = 'Because', closed_on = '2026-12-01' WHERE meeting_id = \(meeting)")
            try await database.query("UPDATE review_meetings SET sequence = sequence + 1 WHERE id = \(meeting)")
        }
    }
}

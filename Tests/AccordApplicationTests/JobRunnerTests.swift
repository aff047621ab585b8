import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import PostgresNIO
import Testing

/// A job a test registers: it claims rows of its own table with `FOR UPDATE SKIP LOCKED`, ten at a time, and marks
/// each one done by its runner.
struct MarkRowsJob: Job {
    let database: Database
    let runner: String
    var name: String { "mark-rows" }
    var purpose: String { "Marks test rows done." }
    var interval: Duration { .seconds(60) }

    func run(now: Date) async throws -> JobReport {
        var done = 0
        while true {
            let claimed = try await self.database.transaction { connection in
                let ids = try await connection.query(
                    "SELECT id FROM test_work WHERE done_count = 0 ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED", logger: self.database.logger
                ).collect().map { try $0.decode(Int.self) }
                for id in ids {
                    try await connection.query(
                        "UPDATE test_work SET done_count = done_count + 1, done_by = \(self.runner) WHERE id = \(id)", logger: self.database.logger)
                }
                // hold the claim a moment, so the other runner's runs overlap this one
                try await connection.query("SELECT pg_sleep(0.002)", logger: self.database.logger)
                return ids.count
            }
            done += claimed
            if claimed == 0 { break }
        }
        return JobReport(items: done, summary: "\(done) rows marked")
    }
}

struct FailingJob: Job {
    var name: String { "always-fails" }
    var purpose: String { "Fails." }
    var interval: Duration { .seconds(60) }

    struct Broken: Error, CustomStringConvertible {
        var description: String { "the feed is unreachable" }
    }

    func run(now: Date) async throws -> JobReport { throw Broken() }
}

@Suite("Job runner")
struct JobRunnerTests {
    static let now = RFC3339.parse("2026-12-15T00:00:00Z")!

    static func runner(_ database: Database, jobs: [any Job], name: String) -> JobRunner {
        JobRunner(jobs: jobs, store: JobRepository(database: database), clock: { Self.now }, logger: TestDatabase.logger, runnerName: name)
    }

    @Test func aJobRegisteredInATestDoesEachPieceOfWorkOnceWithTwoRunners() async throws {
        try await TestDatabase.withDatabase { database in
            // setup: 300 rows of work in a table of the job's own (created by the schema's owner), and two runners
            // (two replicas) with the job registered
            try await TestDatabase.asOwner(database.settings) { owner in
                try await owner.query("CREATE TABLE test_work (id int PRIMARY KEY, done_count int NOT NULL DEFAULT 0, done_by text)")
                try await owner.query("GRANT SELECT, INSERT, UPDATE ON test_work TO \(unescaped: TestDatabase.serverRole)")
            }
            try await database.query("INSERT INTO test_work (id) SELECT generate_series(1, 300)")
            let first = Self.runner(database, jobs: [MarkRowsJob(database: database, runner: "first")], name: "first")
            let second = Self.runner(database, jobs: [MarkRowsJob(database: database, runner: "second")], name: "second")
            try await first.register()
            try await second.register()
            // MUT: both take the scheduled slot at the same moment, and both are run by hand three times at once
            async let scheduledA = first.runDue()
            async let scheduledB = second.runDue()
            async let byHandA = [first.runNow(named: "mark-rows"), first.runNow(named: "mark-rows"), first.runNow(named: "mark-rows")]
            async let byHandB = [second.runNow(named: "mark-rows"), second.runNow(named: "mark-rows"), second.runNow(named: "mark-rows")]
            let scheduled = try await scheduledA + scheduledB
            let byHand = try await byHandA + byHandB
            // validation: one runner took the slot; every row was marked exactly once, and the runs' reports add up to it
            #expect(scheduled.count == 1)
            let (rows, once, byBoth) = try await database.query(
                "SELECT count(*)::int8, count(*) FILTER (WHERE done_count = 1)::int8, count(DISTINCT done_by)::int8 FROM test_work"
            ).first!.decode((Int64, Int64, Int64).self)
            #expect(rows == 300)
            #expect(once == 300)
            #expect(byBoth >= 1)
            #expect((scheduled + byHand).compactMap(\.report?.items).reduce(0, +) == 300)
            let record = try await JobRepository(database: database).find(name: "mark-rows")
            #expect(record.runs == 7)
            #expect(record.failures == 0)
            #expect(record.lastOutcome == "succeeded")
            #expect(record.lastSummary?.hasSuffix("rows marked") == true)
            // a slot taken is not taken again before the job's interval has passed
            #expect(try await first.runDue().isEmpty)
            #expect(try await second.runDue().isEmpty)
        }
    }

    @Test func aFailingRunIsRecordedWithItsErrorAndTheRunnerGoesOn() async throws {
        try await TestDatabase.withDatabase { database in
            // setup
            let runner = Self.runner(database, jobs: [FailingJob()], name: "only")
            try await runner.register()
            // MUT
            let runs = try await runner.runDue()
            // validation
            #expect(runs.count == 1)
            #expect(runs.first?.succeeded == false)
            let record = try await JobRepository(database: database).find(name: "always-fails")
            #expect(record.lastOutcome == "failed")
            #expect(record.lastError == "the feed is unreachable")
            #expect(record.failures == 1)
            #expect(record.nextDueAt == Self.now.addingTimeInterval(60))
            await #expect(throws: NotFound.self) { try await runner.runNow(named: "no-such-job") }
        }
    }

    @Test func theSessionPurgeJobDeletesExpiredSessionsOnly() async throws {
        try await TestDatabase.withDatabase { database in
            // setup: one session started 13 hours ago (past the absolute timeout), one just now
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            let old = try await repositories.sessions.create(userID: world.viewer.id, now: Self.now.addingTimeInterval(-13 * 3600))
            let live = try await repositories.sessions.create(userID: world.viewer.id, now: Self.now)
            // and two failed sign-ins: one two days old, one from the last hour (the throttle still reads it)
            try await repositories.loginAttempts.record(email: "x@example.com", address: "a", succeeded: false, at: Self.now.addingTimeInterval(-2 * 86_400))
            try await repositories.loginAttempts.record(email: "x@example.com", address: "a", succeeded: false, at: Self.now.addingTimeInterval(-600))
            // MUT
            let report = try await SessionPurgeJob(repositories: repositories).run(now: Self.now)
            // validation
            #expect(report.items == 2)
            #expect(report.summary == "1 expired session deleted, 1 old sign-in attempt")
            #expect(try await repositories.loginAttempts.recentFailures(email: "x@example.com", address: "a", since: .distantPast).pair.count == 1)
            #expect(try await repositories.sessions.touch(id: old.id, now: Self.now) == nil)
            #expect(try await repositories.sessions.touch(id: live.id, now: Self.now)?.userID == world.viewer.id)
        }
    }

    @Test func theKeyPurgeJobDeletesKeysPastTheirDayOnly() async throws {
        try await TestDatabase.withDatabase { database in
            // setup: a key used 25 hours ago and one an hour ago
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            for (key, age) in [("old-batch", 25.0 * 3600), ("new-batch", 3600)] {
                _ = try await repositories.idempotency.run(
                    userID: world.analyst.id, key: key, requestHash: "h", now: Self.now.addingTimeInterval(-age), work: { _ in (201, "{}") })
            }
            // MUT
            let report = try await KeyPurgeJob(repositories: repositories).run(now: Self.now)
            // validation: the old key is gone (its retry runs afresh), the recent one still replays
            #expect(report.items == 1 && report.summary == "1 expired idempotency key deleted")
            let old = try await repositories.idempotency.run(
                userID: world.analyst.id, key: "old-batch", requestHash: "other", now: Self.now, work: { _ in (201, "again") })
            #expect(old == .ran(status: 201, body: "again"))
            let recent = try await repositories.idempotency.run(
                userID: world.analyst.id, key: "new-batch", requestHash: "h", now: Self.now, work: { _ in (201, "never") })
            #expect(recent == .replay(status: 201, body: "{}"))
            #expect(try await KeyPurgeJob(repositories: repositories).run(now: Self.now).items == 0)
        }
    }
}

import AccordDomain
import Foundation
import Logging
import PostgresNIO


/// The `jobs` table: which runner takes each scheduled slot of a job, and what each job's last run did.
///
/// A slot is taken by moving `next_due_at` forward in one conditional UPDATE, so of several runners polling the same
/// database exactly one starts a job's run for a slot. The work itself is claimed by the job (its own rows, with
/// `FOR UPDATE SKIP LOCKED`), so a run started on demand beside a scheduled one still does each piece of work once.
public struct JobRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = """
        name, interval_seconds, next_due_at, last_started_at, last_finished_at, last_duration_ms, last_outcome, last_summary,
        last_error, last_runner, runs, failures
        """

    /// Adds the jobs this process runs (due now when new) and keeps their intervals current.
    public func register(_ jobs: [(name: String, intervalSeconds: Int)], now: Date) async throws {
        for job in jobs {
            try await self.database.query(
                """
                INSERT INTO jobs (name, interval_seconds, next_due_at) VALUES (\(job.name), \(job.intervalSeconds), \(now))
                ON CONFLICT (name) DO UPDATE SET interval_seconds = excluded.interval_seconds
                """)
        }
    }

    /// Takes the slot due at or before `now` for `name`: nil when another runner took it (or none is due), with the
    /// time the next slot is due so the caller can wait for it without asking again.
    public func takeSlot(name: String, now: Date) async throws -> (taken: Bool, nextDueAt: Date?) {
        let taken = try await self.database.query(
            """
            UPDATE jobs SET next_due_at = \(now) + make_interval(secs => interval_seconds)
            WHERE name = \(name) AND next_due_at <= \(now) RETURNING next_due_at
            """)
        if let row = taken.first { return (true, try row.decode(Date.self)) }
        let next = try await self.database.query("SELECT next_due_at FROM jobs WHERE name = \(name)").first
        return (false, try next?.decode(Date.self))
    }

    /// Records that a run finished (or failed), how long it took and what it said.
    public func recordRun(
        name: String, startedAt: Date, finishedAt: Date, durationMs: Int64, succeeded: Bool, summary: String?, error: String?, runner: String
    ) async throws {
        try await self.database.query(
            """
            UPDATE jobs SET last_started_at = \(startedAt), last_finished_at = \(finishedAt), last_duration_ms = \(durationMs),
                last_outcome = \(succeeded ? "succeeded" : "failed"), last_summary = \(summary), last_error = \(error),
                last_runner = \(runner), runs = runs + 1, failures = failures + \(succeeded ? 0 : 1)
            WHERE name = \(name)
            """)
    }

    public func list() async throws -> [JobRecord] {
        try await self.database.query("SELECT \(unescaped: Self.columns) FROM jobs ORDER BY name").map(Self.record)
    }

    public func find(name: String) async throws -> JobRecord {
        guard let row = try await self.database.query("SELECT \(unescaped: Self.columns) FROM jobs WHERE name = \(name)").first else {
            throw NotFound("job")
        }
        return try Self.record(row)
    }

    static func record(_ row: PostgresRow) throws -> JobRecord {
        let v = try row.decode((String, Int, Date, Date?, Date?, Int64?, String?, String?, String?, String?, Int64, Int64).self)
        return JobRecord(
            name: v.0, intervalSeconds: v.1, nextDueAt: v.2, lastStartedAt: v.3, lastFinishedAt: v.4, lastDurationMs: v.5, lastOutcome: v.6,
            lastSummary: v.7, lastError: v.8, lastRunner: v.9, runs: v.10, failures: v.11)
    }
}

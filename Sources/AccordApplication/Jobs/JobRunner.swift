import AccordDomain
import AccordStorage
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs every registered job on its schedule, in every server process, and records each run in `jobs`.
///
/// Each job's slots are taken through the database (`JobRepository.takeSlot`), so with several replicas one of them
/// starts each scheduled run; a run started on demand (`run(named:)`, the admin page, `accord jobs run`) needs no slot.
/// The work inside a run is claimed by the job itself, so each piece is done once whoever runs it. Between slots a
/// runner asks the database nothing: it remembers when each job is next due.
public struct JobRunner: ServiceLifecycle.Service, Sendable {
    public let jobs: [any Job]
    let store: JobRepository
    let clock: @Sendable () -> Date
    let logger: Logger
    let tick: Duration
    /// Names this runner in the record of each run (host and process).
    let runnerName: String
    private let nextDue = NextDue()

    public init(
        jobs: [any Job], store: JobRepository, clock: @escaping @Sendable () -> Date, logger: Logger, tick: Duration = .seconds(1),
        runnerName: String = JobRunner.defaultName
    ) {
        precondition(Set(jobs.map(\.name)).count == jobs.count, "job names must be unique")
        self.jobs = jobs
        self.store = store
        self.clock = clock
        self.logger = logger
        self.tick = tick
        self.runnerName = runnerName
    }

    public static var defaultName: String { "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)" }

    public func job(named name: String) -> (any Job)? { self.jobs.first { $0.name == name } }

    /// Adds the jobs to the `jobs` table (due now when new).
    public func register() async throws {
        try await self.store.register(self.jobs.map { ($0.name, $0.interval.wholeSeconds) }, now: self.clock())
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var registered = false
            while !Task.isCancelled {
                do {
                    if !registered {
                        try await self.register()
                        registered = true
                    }
                    _ = try await self.runDue()
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("job runner tick failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                do {
                    try await Task.sleep(for: self.tick)
                } catch {
                    return  // shutting down: the sleep was cancelled
                }
            }
        }
    }

    /// Runs every job whose slot is due and that this runner takes; returns the runs.
    @discardableResult
    public func runDue() async throws -> [JobRun] {
        var runs: [JobRun] = []
        for job in self.jobs {
            let now = self.clock()
            guard self.nextDue.isDue(job.name, now: now) else { continue }
            let (taken, next) = try await self.store.takeSlot(name: job.name, now: now)
            self.nextDue.set(job.name, next ?? now.addingTimeInterval(TimeInterval(job.interval.wholeSeconds)))
            if taken { runs.append(try await self.perform(job)) }
        }
        return runs
    }

    /// Runs one job now, whatever its schedule (the admin page and `accord jobs run NAME`).
    public func run(named name: String) async throws -> JobRun {
        guard let job = self.job(named: name) else { throw NotFound("job") }
        return try await self.perform(job)
    }

    /// Runs every job once now, in order, whatever their schedules.
    @discardableResult
    public func runAll() async throws -> [JobRun] {
        var runs: [JobRun] = []
        for job in self.jobs { runs.append(try await self.perform(job)) }
        return runs
    }

    /// Runs a job and records the run; a failing job is recorded as failed, not thrown (cancellation is thrown).
    func perform(_ job: any Job) async throws -> JobRun {
        let startedAt = self.clock()
        let started = ContinuousClock.now
        var run = JobRun(job: job.name, startedAt: startedAt, duration: .zero, report: nil, error: nil)
        do {
            run.report = try await job.run(now: startedAt)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            run.error = String(describing: error)
            self.logger.error("job failed", metadata: ["job": "\(job.name)", "error": "\(String(reflecting: error))"])
        }
        run.duration = ContinuousClock.now - started
        AccordMetrics.jobRan(job.name, succeeded: run.succeeded, duration: run.duration)
        try await self.store.recordRun(
            name: job.name, startedAt: startedAt, finishedAt: startedAt.addingTimeInterval(Double(run.duration.milliseconds) / 1000),
            durationMs: run.duration.milliseconds, succeeded: run.succeeded, summary: run.report?.summary, error: run.error, runner: self.runnerName)
        if let report = run.report, report.items > 0 {
            self.logger.info("job ran", metadata: ["job": "\(job.name)", "summary": "\(report.summary)"])
        }
        return run
    }
}

/// When each job is next due, as this runner last heard from the database.
private final class NextDue: Sendable {
    private let dates = Mutex<[String: Date]>([:])

    func isDue(_ name: String, now: Date) -> Bool { self.dates.withLock { ($0[name] ?? .distantPast) <= now } }

    func set(_ name: String, _ date: Date) { self.dates.withLock { $0[name] = date } }
}

/// A job this process runs, with the record of its last run (nil until it has run anywhere).
public struct JobOverview: Sendable, Encodable {
    public var name: String
    public var purpose: String
    public var intervalSeconds: Int
    public var lastRun: JobRecord?
}

extension JobRunner {
    /// Every job of this runner with its recorded state, in the runner's order.
    public func overview() async throws -> [JobOverview] {
        let records = Dictionary(try await self.store.list().map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return self.jobs.map { JobOverview(name: $0.name, purpose: $0.purpose, intervalSeconds: $0.interval.wholeSeconds, lastRun: records[$0.name]) }
    }

    /// Runs one job now on behalf of a person (the admin page, the API, `accord jobs run`): registered first, so the
    /// run is recorded even on a database no runner has started on yet.
    public func runNow(named name: String) async throws -> JobRun {
        guard self.job(named: name) != nil else { throw NotFound("job") }
        try await self.register()
        return try await self.run(named: name)
    }
}

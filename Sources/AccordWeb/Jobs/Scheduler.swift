import AccordDomain
import AccordStorage
import Foundation
import Logging
import ServiceLifecycle

/// Closes ended periods, carries out recompute requests and evaluates burn-rate alerts, every second.
///
/// Safe with several replicas on one database: each job claims its rows with `FOR UPDATE SKIP LOCKED`, so a series is
/// worked on by one replica at a time, and a period's first revision is inserted once (its key refuses a second).
public struct Scheduler: ServiceLifecycle.Service, Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date
    let logger: Logger
    let interval: Duration
    /// How often each series' alerts are evaluated.
    static let alertInterval: TimeInterval = 60
    static let batch = 20

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date, logger: Logger, interval: Duration = .seconds(1)) {
        self.repositories = repositories
        self.clock = clock
        self.logger = logger
        self.interval = interval
    }

    var judge: PeriodJudge { PeriodJudge(repositories: self.repositories) }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var ticks = 0
            while !Task.isCancelled {
                do {
                    if ticks % 30 == 0 { try await self.repositories.periodRecords.syncSchedule() }
                    _ = try await self.runOnce()
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("scheduler tick failed", metadata: ["error": "\(String(reflecting: error))"])
                }
                ticks += 1
                do {
                    try await Task.sleep(for: self.interval)
                } catch {
                    return  // shutting down: the sleep was cancelled
                }
            }
        }
    }

    /// What one pass did.
    public struct Pass: Sendable {
        public var closed: [PeriodRecord] = []
        public var revised: [PeriodRevision] = []
        public var alertChanges = 0
    }

    /// One pass of every job: closing until nothing is due, then recomputing, then alerts.
    @discardableResult
    public func runOnce() async throws -> Pass {
        var pass = Pass()
        let now = self.clock()
        let judge = self.judge
        while true {
            let closed = try await self.repositories.periodRecords.closeDuePeriods(now: now, limit: Self.batch) { series, closedThrough in
                try await judge.closePlan(seriesID: series, closedThrough: closedThrough, now: now)
            }
            pass.closed += closed
            if closed.isEmpty { break }
        }
        pass.revised = try await self.recompute(now: now)
        pass.alertChanges = try await self.repositories.periodRecords.evaluateAlerts(now: now, every: Self.alertInterval, limit: 50) { series in
            try await judge.alerts(seriesID: series, now: now)
        }.count
        if !pass.closed.isEmpty || !pass.revised.isEmpty {
            self.logger.info("periods recorded", metadata: ["closed": "\(pass.closed.count)", "revised": "\(pass.revised.count)"])
        }
        return pass
    }

    /// Carries out pending recompute requests (late data, exclusions); an ingest calls this before answering, so a
    /// closed period's figure is current when the 2xx arrives.
    @discardableResult
    public func recompute(now: Date? = nil) async throws -> [PeriodRevision] {
        let now = now ?? self.clock()
        let judge = self.judge
        var revised: [PeriodRevision] = []
        while true {
            let (claimed, revisions) = try await self.repositories.periodRecords.recomputeRequested(limit: 100, actor: .system) { series, spans in
                try await judge.judge(seriesID: series, spans: spans, now: now)
            }
            revised += revisions
            if claimed == 0 { break }
        }
        return revised
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// Records every period that ended as revision 1, with its breach and credit. Claims due series in
/// `series_schedule` with `FOR UPDATE SKIP LOCKED`; a period's key refuses a second revision 1.
public struct PeriodClosingJob: Job {
    let repositories: Repositories
    static let batch = 20

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public var name: String { "period-closing" }
    public var purpose: String { "Records each period that ended, with its breach and credit." }
    public var interval: Duration { .seconds(10) }

    public func run(now: Date) async throws -> JobReport {
        try await self.repositories.periodRecords.syncSchedule()
        var closed = 0
        while true {
            let recorded = try await self.repositories.periodRecords.closeDuePeriods(
                now: now, limit: Self.batch,
                plan: { bound, series, closedThrough in
                    try await PeriodJudge(repositories: bound).closePlan(seriesID: series, closedThrough: closedThrough, now: now)
                },
                recorded: { bound, figures, record in try await PeriodFollowUp.follow(figures, record: record, on: bound) })
            closed += recorded.count
            if recorded.isEmpty { break }
        }
        return JobReport(items: closed, summary: closed == 1 ? "1 period closed" : "\(closed) periods closed")
    }
}

/// Carries out recompute requests left by late data and exclusions (`PeriodRecompute`); the requests are claimed with
/// `FOR UPDATE SKIP LOCKED`.
public struct RecomputeJob: Job {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public var name: String { "recompute" }
    public var purpose: String { "Records new revisions of closed periods that late data or exclusions changed." }
    public var interval: Duration { .seconds(5) }

    public func run(now: Date) async throws -> JobReport {
        let revised = try await PeriodRecompute(repositories: self.repositories).run(now: now).count
        return JobReport(items: revised, summary: revised == 1 ? "1 period revised" : "\(revised) periods revised")
    }
}

/// Computes ticket timers again from each ticket's whole history when the rules that judge them change (once, after
/// an upgrade that queued every ticket series), then has the periods they touch recomputed.
public struct TicketReplayJob: Job {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public var name: String { "ticket-replay" }
    public var purpose: String { "Computes ticket timers again when the rules that judge them change (queued by an upgrade)." }
    public var interval: Duration { .seconds(60) }

    public func run(now: Date) async throws -> JobReport {
        var series = 0
        var tickets = 0
        while let replayed = try await self.repositories.tickets.replayNext(now: now) {
            series += 1
            tickets += replayed
        }
        return JobReport(items: tickets, summary: series == 0 ? "nothing to replay" : "\(tickets) \(tickets == 1 ? "ticket" : "tickets") of \(series) series replayed")
    }
}

/// Evaluates the burn-rate alerts of each series once a minute and records every change of state; due series are
/// claimed in `series_schedule` with `FOR UPDATE SKIP LOCKED`.
public struct AlertEvaluationJob: Job {
    let repositories: Repositories
    /// How often a series' alerts are evaluated when no data arrives (its windows slide with time): every five
    /// minutes while one fires (so it resolves promptly), every sixty otherwise. New data makes them due at once, so
    /// the work follows what changed.
    static let whileFiring: TimeInterval = 300
    static let whileQuiet: TimeInterval = 3600

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public var name: String { "alert-evaluation" }
    public var purpose: String {
        "Evaluates burn-rate alerts of series with new data, and of the others every 5 (firing) or 60 minutes; records changes of state."
    }
    public var interval: Duration { .seconds(10) }

    public func run(now: Date) async throws -> JobReport {
        var changes = 0
        while true {
            let (claimed, changed) = try await self.repositories.periodRecords.evaluateAlerts(
                now: now, firingEvery: Self.whileFiring, quietEvery: Self.whileQuiet, limit: 50
            ) {
                try await PeriodJudge(repositories: $0).alerts(seriesID: $1, now: now)
            }
            changes += changed.count
            if claimed == 0 { break }
        }
        return JobReport(items: changes, summary: changes == 1 ? "1 alert changed state" : "\(changes) alerts changed state")
    }
}

/// Deletes expired sessions and sign-in attempts older than a day (the throttle looks back an hour), a thousand at a
/// time, skipping rows another runner holds.
public struct SessionPurgeJob: Job {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public var name: String { "session-purge" }
    public var purpose: String { "Deletes expired sign-in sessions and sign-in attempts older than a day." }
    public var interval: Duration { .seconds(900) }

    public func run(now: Date) async throws -> JobReport {
        var purged = 0
        while true {
            let gone = try await self.repositories.sessions.purgeExpired(now: now, limit: 1000)
            purged += gone
            if gone < 1000 { break }
        }
        var attempts = 0
        while true {
            let gone = try await self.repositories.loginAttempts.purge(before: now.addingTimeInterval(-86_400), limit: 1000)
            attempts += gone
            if gone < 1000 { break }
        }
        let sessions = purged == 1 ? "1 expired session deleted" : "\(purged) expired sessions deleted"
        let old = attempts == 1 ? "1 old sign-in attempt" : "\(attempts) old sign-in attempts"
        return JobReport(items: purged + attempts, summary: attempts == 0 ? sessions : "\(sessions), \(old)")
    }
}

/// Deletes idempotency keys past their lifetime (24 hours), a thousand at a time, skipping rows another runner holds.
public struct KeyPurgeJob: Job {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public var name: String { "idempotency-purge" }
    public var purpose: String { "Deletes Idempotency-Key records older than 24 hours; a retry after that runs as a new request." }
    public var interval: Duration { .seconds(900) }

    public func run(now: Date) async throws -> JobReport {
        var purged = 0
        while true {
            let gone = try await self.repositories.idempotency.purgeExpired(now: now, limit: 1000)
            purged += gone
            if gone < 1000 { break }
        }
        return JobReport(items: purged, summary: purged == 1 ? "1 expired idempotency key deleted" : "\(purged) expired idempotency keys deleted")
    }
}

/// The jobs every server process runs.
public enum StandardJobs {
    public static func all(
        repositories: Repositories, outbound: OutboundGuard = OutboundGuard(), pullSettle: TimeInterval = PullPlan.settleLag, mail: MailOptions = .standard,
        rawRetentionDays: Int = RawRetention.defaultDays
    ) -> [any Job] {
        [
            PeriodClosingJob(repositories: repositories), RecomputeJob(repositories: repositories), AlertEvaluationJob(repositories: repositories),
            SessionPurgeJob(repositories: repositories), KeyPurgeJob(repositories: repositories), TicketReplayJob(repositories: repositories), WebhookDeliveryJob(repositories: repositories, outbound: outbound),
            GovernanceRemindersJob(repositories: repositories), ReviewMeetingsJob(repositories: repositories),
            DashboardRowsJob(repositories: repositories), SourcePullJob(repositories: repositories, settle: pullSettle),
            MailDeliveryJob(repositories: repositories, options: mail), MailDigestJob(repositories: repositories),
            StatementJob(repositories: repositories), RawRetentionJob(repositories: repositories, days: rawRetentionDays),
            LineageCompactionJob(repositories: repositories),
        ]
    }
}

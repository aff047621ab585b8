import AccordDomain
import Foundation
import Logging
import PostgresNIO





/// Recorded periods, breaches, credits and alert state, and the claims that let several scheduler replicas share one database.
public struct PeriodRecordRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let lockNamespace: Int32 = 0x5052  // "PR"

    static let recordColumns = """
        series_id, period_start, period_end, revision, objective_id, version_number, sla_target::text, slo_target::text,
        coalesce(good_exact, good::text), coalesce(valid_exact, valid::text), attainment::text, sla_status, slo_status, budget_consumed::text, reason, computed_at
        """

    static func record(_ row: PostgresRow) throws -> PeriodRecord {
        let v = try row.decode(
            (Int64, Date, Date, Int, Int64, Int, String, String, String, String, String?, String, String, String?, String, Date).self)
        return PeriodRecord(
            seriesID: v.0, periodStart: v.1, periodEnd: v.2, revision: v.3, objectiveID: v.4, versionNumber: v.5,
            slaTarget: Decimal(string: v.6) ?? 0, sloTarget: Decimal(string: v.7) ?? 0, good: Fraction(text: v.8) ?? 0,
            valid: Fraction(text: v.9) ?? 0, attainment: v.10.flatMap { Decimal(string: $0) }, slaStatus: TargetStatus(rawValue: v.11) ?? .noData,
            sloStatus: TargetStatus(rawValue: v.12) ?? .noData, budgetConsumed: v.13.flatMap { Decimal(string: $0) }, reason: v.14,
            computedAt: v.15)
    }

    // MARK: - Reading

    /// Every revision of the recorded periods of a series inside `[from, to)`, oldest revision first.
    public func records(seriesID: Int64, from: Date, to: Date) async throws -> [PeriodRecord] {
        try await self.database.query(
            """
            SELECT \(unescaped: Self.recordColumns) FROM period_results
            WHERE series_id = \(seriesID) AND period_start < \(to) AND period_end > \(from)
            ORDER BY period_start, revision
            """
        ).map(Self.record)
    }

    /// The latest revision of every recorded period of these series inside `[from, to)`, in one query.
    public func latestRecords(seriesIDs: [Int64], from: Date, to: Date) async throws -> [PeriodRecord] {
        guard !seriesIDs.isEmpty else { return [] }
        return try await self.database.query(
            """
            SELECT DISTINCT ON (series_id, period_start) \(unescaped: Self.recordColumns) FROM period_results
            WHERE series_id = ANY(\(seriesIDs)::int8[]) AND period_start < \(to) AND period_end > \(from)
            ORDER BY series_id, period_start, revision DESC
            """
        ).map(Self.record)
    }

    /// The rules firing for each of these series, as the alert job last recorded them.
    public func firingRules(seriesIDs: [Int64]) async throws -> [Int64: [String]] {
        guard !seriesIDs.isEmpty else { return [:] }
        let rows = try await self.database.query(
            "SELECT series_id, rule FROM alert_states WHERE firing AND series_id = ANY(\(seriesIDs)::int8[]) ORDER BY series_id, rule")
        var result: [Int64: [String]] = [:]
        for row in rows {
            let (series, rule) = try row.decode((Int64, String).self)
            result[series, default: []].append(rule)
        }
        return result
    }

    /// The vendor's current breaches of periods starting since `since`. `internalFiguresOf` nil counts every breach (the
    /// customer's people); otherwise (a vendor's user) SLA breaches, and breaches of the internal SLO only for the
    /// agreements given, which share the customer's internal figures.
    public func breachCount(vendorID: Int64, since: Date, internalFiguresOf shared: Set<Int64>? = nil) async throws -> Int {
        let sharing = shared.map { Array($0) }
        return try await self.database.query(
            """
            SELECT count(*)::int8 FROM breaches b JOIN objectives o ON o.id = b.objective_id JOIN agreement_versions av ON av.id = o.version_id
            WHERE b.vendor_id = \(vendorID) AND b.current AND b.period_start >= \(since)
              AND (\(sharing)::int8[] IS NULL OR b.severity = 'sla' OR av.agreement_id = ANY(\(sharing)::int8[]))
            """
        ).first!.decode(Int64.self).asInt
    }

    // MARK: - Change stamps

    /// Marks a series changed inside the caller's transaction: the dashboard's row of it is computed again, and its
    /// alerts are due at once (without changes they are looked at every ten minutes).
    static func touch(seriesID: Int64, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.rows(
            """
            INSERT INTO series_versions (series_id, version) VALUES (\(seriesID), nextval('series_version_seq'))
            ON CONFLICT (series_id) DO UPDATE SET version = excluded.version
            """, logger: logger)
        try await connection.rows(
            "UPDATE series_schedule SET alerts_due_at = '-infinity' WHERE series_id = \(seriesID) AND alerts_due_at > '-infinity'", logger: logger)
    }

    // MARK: - Requests

    /// Asks for the closed periods of a series overlapping `span` to be recomputed; nothing is asked while none is closed there.
    static func requestRecompute(seriesID: Int64, span: DateInterval, reason: String, on connection: PostgresConnection, logger: Logger) async throws
    {
        try await connection.rows(
            """
            INSERT INTO recompute_requests (series_id, span_start, span_end, reason)
            SELECT series_id, \(span.start), \(span.end), \(reason) FROM series_schedule
            WHERE series_id = \(seriesID) AND closed_through > \(span.start)
            """, logger: logger)
    }

    // MARK: - Jobs

    /// Adds every series with an active version to the schedule.
    public func syncSchedule() async throws {
        try await self.database.query(
            """
            INSERT INTO series_schedule (series_id)
            SELECT DISTINCT o.series_id FROM objectives o JOIN agreement_versions av ON av.id = o.version_id WHERE av.state = 'active'
            ON CONFLICT (series_id) DO NOTHING
            """)
    }

    /// What closing a series found: the periods that ended, and when to look again.
    public struct ClosePlan: Sendable {
        public var ended: [PeriodFigures]
        public var nextCloseAt: Date

        public init(ended: [PeriodFigures], nextCloseAt: Date) {
            self.ended = ended
            self.nextCloseAt = nextCloseAt
        }
    }

    /// Claims up to `limit` series due for closing (rows other replicas hold are skipped), records revision 1 of every
    /// period that ended, and returns the periods recorded. `plan` reads through the repositories it is given, bound to
    /// the claiming transaction's connection; `recorded` follows each new record up (its breach, credit, announcements)
    /// on the same connection.
    public func closeDuePeriods(
        now: Date, limit: Int, plan: @Sendable (_ repositories: Repositories, _ seriesID: Int64, _ closedThrough: Date?) async throws -> ClosePlan,
        recorded follow: @Sendable (_ repositories: Repositories, _ figures: PeriodFigures, _ record: PeriodRecord) async throws -> Void
    ) async throws -> [PeriodRecord] {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let due = try await connection.rows(
                """
                SELECT series_id, closed_through FROM series_schedule WHERE next_close_at <= \(now)
                ORDER BY next_close_at, series_id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """, logger: logger
            ).map { try $0.decode((Int64, Date?).self) }
            var recorded: [PeriodRecord] = []
            for (series, closedThrough) in due {
                let planned = try await plan(Repositories(database: self.database.bound(to: connection)), series, closedThrough)
                for figures in planned.ended {
                    if let record = try await Self.insert(
                        figures, seriesID: series, revision: 1, reason: "close", on: connection, logger: logger)
                    {
                        try await follow(Repositories(database: self.database.bound(to: connection)), figures, record)
                        recorded.append(record)
                    }
                }
                if !planned.ended.isEmpty { try await Self.touch(seriesID: series, on: connection, logger: logger) }
                let through = planned.ended.map(\.span.end).max() ?? closedThrough
                try await connection.rows(
                    """
                    UPDATE series_schedule SET closed_through = \(through), next_close_at = \(planned.nextCloseAt) WHERE series_id = \(series)
                    """, logger: logger)
            }
            return recorded
        }
    }

    /// Takes up to `limit` recompute requests (others' claims are skipped) and records a new revision of every closed
    /// period whose figures changed; `recorded` follows each revision up on the same connection. Returns how many
    /// requests it took and the revisions made.
    public func recomputeRequested(
        limit: Int,
        judge: @Sendable (_ repositories: Repositories, _ seriesID: Int64, _ spans: [DateInterval]) async throws -> [PeriodFigures],
        recorded follow: @Sendable (_ repositories: Repositories, _ figures: PeriodFigures, _ revision: PeriodRevision) async throws -> Void
    ) async throws -> (claimed: Int, revisions: [PeriodRevision]) {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let requests = try await connection.rows(
                """
                DELETE FROM recompute_requests WHERE id IN (
                    SELECT id FROM recompute_requests ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING series_id, span_start, span_end, reason
                """, logger: logger
            ).map { try $0.decode((Int64, Date, Date, String).self) }
            var revisions: [PeriodRevision] = []
            for series in Set(requests.map(\.0)).sorted() {
                let mine = requests.filter { $0.0 == series }
                // closing and recomputing one series never interleave
                try await connection.rows("SELECT 1 FROM series_schedule WHERE series_id = \(series) FOR UPDATE", logger: logger)
                let from = mine.map(\.1).min()!
                let to = mine.map(\.2).max()!
                let latest = try await connection.rows(
                    """
                    SELECT DISTINCT ON (period_start) \(unescaped: Self.recordColumns) FROM period_results
                    WHERE series_id = \(series) AND period_start < \(to) AND period_end > \(from)
                    ORDER BY period_start, revision DESC
                    """, logger: logger
                ).map(Self.record).filter { record in
                    mine.contains { $0.1 < record.periodEnd && $0.2 > record.periodStart }
                }
                guard !latest.isEmpty else { continue }
                let figures = try await judge(
                    Repositories(database: self.database.bound(to: connection)), series,
                    latest.map { DateInterval(start: $0.periodStart, end: $0.periodEnd) })
                for (before, figures) in zip(latest, figures) where !figures.sameFigures(as: before) {
                    let reason = mine.first { $0.1 < before.periodEnd && $0.2 > before.periodStart }?.3 ?? "late_data"
                    guard
                        let after = try await Self.insert(
                            figures, seriesID: series, revision: before.revision + 1, reason: reason, on: connection, logger: logger)
                    else { continue }
                    try await connection.rows(
                        "UPDATE breaches SET current = false WHERE series_id = \(series) AND period_start = \(before.periodStart)", logger: logger)
                    let revision = PeriodRevision(before: before, after: after)
                    try await follow(Repositories(database: self.database.bound(to: connection)), figures, revision)
                    revisions.append(revision)
                    try await Self.touch(seriesID: series, on: connection, logger: logger)
                }
            }
            return (requests.count, revisions)
        }
    }

    /// Inserts one revision; nil when it already exists (another replica got there first).
    static func insert(
        _ figures: PeriodFigures, seriesID: Int64, revision: Int, reason: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> PeriodRecord? {
        let judged = figures.judgement
        return try await connection.rows(
            """
            INSERT INTO period_results (series_id, period_start, revision, period_end, objective_id, version_number, sla_target, slo_target,
                good, valid, good_exact, valid_exact, attainment, sla_status, slo_status, budget_consumed, reason)
            VALUES (\(seriesID), \(figures.span.start), \(revision), \(figures.span.end), \(figures.objectiveID), \(figures.versionNumber),
                \(figures.slaTarget.description)::numeric, \(figures.sloTarget.description)::numeric,
                \(Precision.shown(judged.counts.good).description)::numeric, \(Precision.shown(judged.counts.valid).description)::numeric,
                \(judged.counts.good.description), \(judged.counts.valid.description), \(judged.attainment?.description)::numeric, \(judged.slaStatus.rawValue),
                \(judged.sloStatus.rawValue), \(judged.budgetConsumed?.description)::numeric, \(reason))
            ON CONFLICT DO NOTHING
            RETURNING \(unescaped: Self.recordColumns)
            """, logger: logger
        ).first.map(Self.record)
    }

    /// Records the breach a period revision carries (in the caller's transaction); its id, or nil when it was recorded
    /// already (another replica got there first).
    public func insertBreach(_ severity: BreachSeverity, of record: PeriodRecord, attainment: Decimal, vendorID: Int64?) async throws -> Int64? {
        let target = severity == .sla ? record.slaTarget : record.sloTarget
        return try await self.database.query(
            """
            INSERT INTO breaches (series_id, objective_id, vendor_id, period_start, period_end, revision, severity, attainment, target, good, valid)
            VALUES (\(record.seriesID), \(record.objectiveID), \(vendorID), \(record.periodStart), \(record.periodEnd), \(record.revision),
                \(severity.rawValue), \(attainment.description)::numeric, \(target.description)::numeric, \(Precision.shown(record.good).description)::numeric,
                \(Precision.shown(record.valid).description)::numeric)
            ON CONFLICT DO NOTHING
            RETURNING id
            """
        ).first?.decode(Int64.self)
    }

    /// Whether another current breach of the series fell in the `within - 1` closed periods before `periodStart`.
    public func isRepeatBreach(seriesID: Int64, breachID: Int64, periodStart: Date, within: Int) async throws -> Bool {
        try await !self.database.query(
            """
            SELECT 1 FROM breaches b WHERE b.series_id = \(seriesID) AND b.current AND b.id <> \(breachID)
              AND b.period_start IN (SELECT DISTINCT period_start FROM period_results WHERE series_id = \(seriesID)
                                     AND period_start < \(periodStart) ORDER BY period_start DESC LIMIT \(max(0, within - 1)))
            """
        ).isEmpty
    }

    /// What a breach's follow-up names: the objective's agreement, its kind, title and zone, and the objective's name.
    public func breachContext(objectiveID: Int64) async throws -> (agreementID: Int64, kind: String, title: String, timeZone: String, objective: String)? {
        try await self.database.query(
            """
            SELECT a.id, a.kind, a.title, a.time_zone, o.name FROM objectives o JOIN agreement_versions av ON av.id = o.version_id
            JOIN agreements a ON a.id = av.agreement_id WHERE o.id = \(objectiveID)
            """
        ).first?.decode((Int64, String, String, String, String).self)
    }

    // MARK: - Alerts

    /// One rule's evaluation for a series.
    public struct AlertEvaluation: Sendable {
        public var objectiveID: Int64
        public var rule: String
        public var severity: String
        public var firing: Bool
        public var longBurn: Decimal?
        public var shortBurn: Decimal?
        /// The lookbacks the two burn rates are over, in seconds.
        public var longWindow: Int
        public var shortWindow: Int

        public init(
            objectiveID: Int64, rule: String, severity: String, firing: Bool, longBurn: Decimal?, shortBurn: Decimal?, longWindow: Int = 0,
            shortWindow: Int = 0
        ) {
            self.objectiveID = objectiveID
            self.rule = rule
            self.severity = severity
            self.firing = firing
            self.longBurn = longBurn
            self.shortBurn = shortBurn
            self.longWindow = longWindow
            self.shortWindow = shortWindow
        }
    }

    /// Claims up to `limit` series whose alerts are due, evaluates them and records every change of state. Returns how
    /// many series it claimed and the changes.
    public func evaluateAlerts(
        now: Date, firingEvery: TimeInterval, quietEvery: TimeInterval, limit: Int,
        evaluate: @Sendable (_ repositories: Repositories, _ seriesID: Int64) async throws -> [AlertEvaluation]
    ) async throws -> (claimed: Int, changes: [(seriesID: Int64, evaluation: AlertEvaluation)]) {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let due = try await connection.rows(
                """
                SELECT series_id FROM series_schedule WHERE alerts_due_at <= \(now)
                ORDER BY alerts_due_at, series_id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """, logger: logger
            ).map { try $0.decode(Int64.self) }
            var changes: [(Int64, AlertEvaluation)] = []
            for series in due {
                let states = try await connection.rows("SELECT rule, firing FROM alert_states WHERE series_id = \(series)", logger: logger)
                    .map { try $0.decode((String, Bool).self) }
                let known = Dictionary(states, uniquingKeysWith: { first, _ in first })
                let evaluations = try await evaluate(Repositories(database: self.database.bound(to: connection)), series)
                let interval = evaluations.contains(where: \.firing) ? firingEvery : quietEvery
                var rates: [Int: Decimal?] = [:]
                for evaluation in evaluations {
                    if evaluation.longWindow > 0 { rates[evaluation.longWindow] = evaluation.longBurn }
                    if evaluation.shortWindow > 0 { rates[evaluation.shortWindow] = evaluation.shortBurn }
                }
                for (lookback, rate) in rates {
                    try await connection.rows(
                        """
                        INSERT INTO series_burn_rates (series_id, lookback, burn_rate, evaluated_at)
                        VALUES (\(series), \(lookback), \(rate?.description)::numeric, \(now))
                        ON CONFLICT (series_id, lookback) DO UPDATE SET burn_rate = excluded.burn_rate, evaluated_at = excluded.evaluated_at
                        """, logger: logger)
                }
                for evaluation in evaluations where (known[evaluation.rule] ?? false) != evaluation.firing {
                    try await connection.rows(
                        """
                        INSERT INTO alert_states (series_id, rule, firing, changed_at) VALUES (\(series), \(evaluation.rule), \(evaluation.firing), \(now))
                        ON CONFLICT (series_id, rule) DO UPDATE SET firing = excluded.firing, changed_at = excluded.changed_at
                        """, logger: logger)
                    try await connection.rows(
                        """
                        INSERT INTO alert_events (series_id, objective_id, rule, severity, state, at, long_burn, short_burn)
                        VALUES (\(series), \(evaluation.objectiveID), \(evaluation.rule), \(evaluation.severity),
                            \(evaluation.firing ? "firing" : "resolved"), \(now), \(evaluation.longBurn?.description)::numeric,
                            \(evaluation.shortBurn?.description)::numeric)
                        """, logger: logger)
                    changes.append((series, evaluation))
                    try await Self.touch(seriesID: series, on: connection, logger: logger)
                }
                try await connection.rows(
                    "UPDATE series_schedule SET alerts_due_at = \(now.addingTimeInterval(interval)) WHERE series_id = \(series)", logger: logger)
            }
            return (due.count, changes.map { (seriesID: $0.0, evaluation: $0.1) })
        }
    }


    public func alertEvents(seriesID: Int64, limit: Int = 50) async throws -> [AlertEvent] {
        try await self.database.query(
            """
            SELECT rule, severity, state, at, long_burn::text, short_burn::text FROM alert_events
            WHERE series_id = \(seriesID) ORDER BY at DESC, id DESC LIMIT \(limit)
            """
        ).map { row in
            let v = try row.decode((String, String, String, Date, String?, String?).self)
            return AlertEvent(
                rule: v.0, severity: v.1, state: v.2, at: v.3, longBurn: v.4.flatMap { Decimal(string: $0) },
                shortBurn: v.5.flatMap { Decimal(string: $0) })
        }
    }


    public func breaches(seriesID: Int64) async throws -> [BreachRow] {
        try await self.database.query(
            """
            SELECT id, period_start, period_end, revision, severity, attainment::text, target::text, good::text, valid::text, recorded_at
            FROM breaches WHERE series_id = \(seriesID) AND current ORDER BY period_start DESC
            """
        ).map { row in
            let v = try row.decode((Int64, Date, Date, Int, String, String, String, String, String, Date).self)
            return BreachRow(
                id: v.0, periodStart: v.1, periodEnd: v.2, revision: v.3, severity: v.4, attainment: Decimal(string: v.5) ?? 0,
                target: Decimal(string: v.6) ?? 0, good: Decimal(string: v.7) ?? 0, valid: Decimal(string: v.8) ?? 0, recordedAt: v.9)
        }
    }
}

extension Int64 {
    var asInt: Int { Int(self) }
}

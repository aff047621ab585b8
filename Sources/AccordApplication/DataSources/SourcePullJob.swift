import AccordDomain
import AccordStorage
import Crypto
import Foundation

/// Pulls ratio objectives' buckets from their data sources: for each due series (one claim each, leased, so several
/// replicas never pull the same steps), the settled steps after its watermark, chunked to Prometheus's point limit.
/// Each chunk is stored as an ordinary batch, with its lineage, in the transaction that moves the watermark; a failure
/// stores nothing, is shown where the source and the objective are, and is retried with backoff. A series without a
/// successful pull for longer than its source's threshold is announced to its RACI once.
public struct SourcePullJob: Job {
    let repositories: Repositories
    /// How long after a step ends it is pulled, so the monitoring system has all its samples.
    let settle: TimeInterval

    public init(repositories: Repositories, settle: TimeInterval = PullPlan.settleLag) {
        self.repositories = repositories
        self.settle = settle
    }

    public var name: String { "source-pull" }
    public var purpose: String { "Pulls ratio objectives' measurements from their data sources (Prometheus)." }
    public var interval: Duration { .seconds(30) }

    /// Chunks one claim pulls before it lets others have a turn (11,000 steps each: a week of minutes).
    static let chunksPerClaim = 8
    static let claimsPerRun = 100
    /// How long a claim is held: longer than a claim's chunks take at their timeouts.
    static let lease: TimeInterval = 8 * 2 * 120 + 60

    public func run(now: Date) async throws -> JobReport {
        var stored = 0
        var pulled = 0
        var failed = 0
        while pulled + failed < Self.claimsPerRun,
            let claim = try await self.repositories.dataSources.claimDue(now: now, settle: self.settle, lease: Self.lease)
        {
            do {
                stored += try await self.pull(claim, now: now)
                pulled += 1
            } catch let failure as PullFailure {
                failed += 1
                try await self.repositories.dataSources.recordFailure(
                    seriesID: claim.pull.seriesID, message: failure.message, at: now, retryAfter: PullPlan.retryDelay(failures: claim.pull.failures + 1))
            }
        }
        let stale = try await self.announceStale(now: now)
        guard pulled + failed + stale > 0 else { return .idle }
        var summary = "\(stored) buckets pulled for \(pulled) objective\(pulled == 1 ? "" : "s")"
        if failed > 0 { summary += ", \(failed) failed" }
        if stale > 0 { summary += ", \(stale) announced stale" }
        return JobReport(items: pulled + failed, summary: summary)
    }

    /// Pulls a claimed series' settled steps, chunk by chunk; returns the buckets stored.
    func pull(_ claim: DataSourceRepository.ClaimedPull, now: Date) async throws -> Int {
        try await PrometheusClient.session(for: claim.source) { client in try await self.pull(claim, with: client, now: now) }
    }

    func pull(_ claim: DataSourceRepository.ClaimedPull, with client: PrometheusClient, now: Date) async throws -> Int {
        let pull = claim.pull
        var watermark = pull.watermark
        var stored = 0
        for _ in 0..<Self.chunksPerClaim {
            guard let span = PullPlan.next(watermark: watermark, stepSeconds: pull.stepSeconds, now: now, settle: self.settle) else { break }
            let goodAnswer = try await client.queryRange(pull.goodQuery, span: span, stepSeconds: pull.stepSeconds)
            let validAnswer = try await client.queryRange(pull.validQuery, span: span, stepSeconds: pull.stepSeconds)
            let answered = try PrometheusAnswer.buckets(
                good: try PrometheusAnswer.points(goodAnswer, query: pull.goodQuery), valid: try PrometheusAnswer.points(validAnswer, query: pull.validQuery),
                span: span, stepSeconds: pull.stepSeconds)
            let lineage = PullLineage(
                source: claim.source.name, sourceID: claim.source.id, goodQuery: pull.goodQuery, validQuery: pull.validQuery, from: span.start, to: span.end,
                stepSeconds: pull.stepSeconds, sha256: SHA256.hash(data: goodAnswer + validAnswer).map { String(format: "%02x", $0) }.joined())
            var buckets: [MeasurementBucket] = []
            do {
                try await self.repositories.database.transaction { connection in
                    let bound = Repositories(database: self.repositories.database.bound(to: connection))
                    let stored = try await bound.dataSources.storedStarts(seriesID: pull.seriesID, source: PullLineage.sourceLabel(claim.source.name), span: span)
                    buckets = answered.filter { !stored.contains($0.start) }
                    if !buckets.isEmpty {
                        _ = try await bound.measurements.ingest(
                            objectiveID: pull.objectiveID, source: PullLineage.sourceLabel(claim.source.name), buckets: buckets, scope: .organisation,
                            sender: BatchSender(userID: nil, credential: "pull"), pulled: try lineage.json())
                    }
                    try await bound.dataSources.advance(seriesID: pull.seriesID, from: watermark, to: span.end, at: now)
                }
            } catch let errors as ValidationErrors {
                throw PullFailure("The pulled steps were refused: \(errors.errors.prefix(3).map(\.message).joined(separator: " "))")
            } catch let rule as RuleViolation {
                throw PullFailure(rule.message)
            }
            stored += buckets.count
            AccordMetrics.rowsStored(buckets.count, kind: "buckets", via: "pull")
            watermark = span.end
        }
        try await self.repositories.dataSources.release(seriesID: pull.seriesID)
        // late data: the closed periods the pulled steps fall in are recorded again now
        if stored > 0 { try await PeriodRecompute(repositories: self.repositories).run(now: now) }
        return stored
    }

    /// Announces each series whose data is stale past its source's threshold, once until it succeeds again.
    func announceStale(now: Date) async throws -> Int {
        try await Change(repositories: self.repositories, clock: { now }).run(actor: AuditActor(userID: nil, label: "source-pull job")) { repositories, _ in
            let stale = try await repositories.dataSources.claimStale(now: now)
            let effects: [Effect] = stale.map { item in
                .announce(item.pull.staleAnnouncement(objective: item.objective, agreementID: item.agreementID, staleMinutes: item.staleMinutes, now: now))
            }
            return (stale.count, effects)
        }
    }
}

/// Where a pulled batch came from, kept with it: the source, the two queries, the steps and the SHA-256 of the two
/// answers as they arrived (good's, then valid's).
struct PullLineage: Codable, Sendable {
    var source: String
    var sourceID: Int64
    var goodQuery: String
    var validQuery: String
    var from: Date
    var to: Date
    var stepSeconds: Int
    var sha256: String

    enum CodingKeys: String, CodingKey {
        case source
        case sourceID = "source_id"
        case goodQuery = "good_query"
        case validQuery = "valid_query"
        case from, to
        case stepSeconds = "step_seconds"
        case sha256
    }

    /// The measurements' source for a data source's pulls.
    static func sourceLabel(_ name: String) -> String { String("prometheus: \(name)".prefix(200)) }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

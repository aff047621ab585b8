import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

/// Pulling an objective's buckets from a real Prometheus server: counters written as OpenMetrics, built into a TSDB
/// with promtool, served on a loopback port; the counts the test computes itself are what Accord stores.
@Suite("Pull from Prometheus")
struct SourcePullTests {
    /// 1 to 11 November 2026, one sample a minute.
    static let start = RFC3339.parse("2026-11-01T00:00:00Z")!
    static let days = 10
    /// No samples from 3 November 12:00 to 12:10: the steps around it are gaps, not zeros.
    static let gap = DateInterval(start: RFC3339.parse("2026-11-03T12:00:00Z")!, duration: 600)

    struct Sample {
        var at: Int64
        var good: Int64
        var valid: Int64
    }

    /// Cumulative counters, sampled on each minute (none in the gap).
    static func samples() -> [Sample] {
        var random = SeededRandom(seed: 7)
        var good: Int64 = 0
        var valid: Int64 = 0
        var samples: [Sample] = []
        let first = Int64(Self.start.timeIntervalSince1970)
        for minute in 0...(Self.days * 1440) {
            let at = first + Int64(minute) * 60
            let instant = Date(timeIntervalSince1970: Double(at))
            let ok = Int64(random.next(100))
            let failed = Int64(random.next(4))
            good += ok
            valid += ok + failed
            if Self.gap.contains(instant) && instant != Self.gap.end { continue }
            samples.append(Sample(at: at, good: good, valid: valid))
        }
        return samples
    }

    static func openMetrics(_ samples: [Sample]) -> String {
        var text = "# TYPE test_good counter\n"
        for sample in samples { text += "test_good_total \(sample.good) \(sample.at)\n" }
        text += "# TYPE test_valid counter\n"
        for sample in samples { text += "test_valid_total \(sample.valid) \(sample.at)\n" }
        return text + "# EOF\n"
    }

    /// What `increase(…[1m])` gives at each step end: the difference of the samples at its two ends, where both exist.
    static func expectedBuckets(_ samples: [Sample], through end: Date) -> [Int64: (good: Int64, valid: Int64)] {
        let byTime = Dictionary(uniqueKeysWithValues: samples.map { ($0.at, $0) })
        var buckets: [Int64: (good: Int64, valid: Int64)] = [:]
        for sample in samples where Double(sample.at) <= end.timeIntervalSince1970 {
            guard let previous = byTime[sample.at - 60] else { continue }
            buckets[sample.at - 60] = (sample.good - previous.good, sample.valid - previous.valid)
        }
        return buckets
    }

    @Test func aBackfillIsPulledInChunksAndCatchesUpAfterPrometheusWasAwayWithNoDuplicateAndNoGap() async throws {
        let samples = Self.samples()
        let prometheus = try PrometheusServer(openMetrics: Self.openMetrics(samples))
        try await prometheus.start()
        try await TestDatabase.withDatabase { database in
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            let job = SourcePullJob(repositories: repositories)
            // eight days in: more steps than Prometheus answers at once (11,000), so the backfill takes two chunks
            let firstRun = Self.start.addingTimeInterval(8 * 86_400 + PullPlan.settleLag)
            let useCases = UseCases(repositories: repositories, clock: { firstRun }, logger: TestDatabase.logger)
            let source = try await useCases.createDataSource(DataSourceDraft(name: "Metrics", baseURL: prometheus.baseURL + "/"), actor: .system)
            _ = try await useCases.setPull.set(
                objectiveID: world.objectiveA.id,
                SeriesPullDraft(
                    sourceID: source.id, goodQuery: "sum(increase(test_good_total[1m]))", validQuery: "sum(increase(test_valid_total[1m]))",
                    stepSeconds: 60, pullFrom: Self.start),
                scope: .organisation, actor: .system)

            // MUT: the first run backfills eight days
            let first = try await job.run(now: firstRun)
            #expect(first.items == 1)
            let eightDays = Self.start.addingTimeInterval(8 * 86_400)
            try await Self.expectStored(Self.expectedBuckets(samples, through: eightDays), series: world.objectiveA.seriesID, database: database)
            var pull = try #require(try await repositories.dataSources.pull(seriesID: world.objectiveA.seriesID))
            #expect(pull.watermark == eightDays)
            #expect(pull.lastError.isEmpty)

            // Prometheus goes away: nothing is stored, the error is kept, the watermark stays
            prometheus.stop()
            let awayRun = Self.start.addingTimeInterval(Double(Self.days) * 86_400 + PullPlan.settleLag)
            let away = try await job.run(now: awayRun)
            #expect(away.summary.contains("1 failed"))
            pull = try #require(try await repositories.dataSources.pull(seriesID: world.objectiveA.seriesID))
            #expect(pull.watermark == eightDays)
            #expect(pull.lastError.contains("No answer from Metrics"))
            #expect(pull.failures == 1)
            #expect(try await useCases.dataSources.find(id: source.id).lastError?.contains("No answer") == true)
            // two days without a success, past the source's hour: the customer's people hear of it once, the vendor not
            let stale = try await database.query(
                "SELECT u.vendor_id, n.title FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.event = 'data.stale'"
            ).map { try $0.decode((Int64?, String).self) }
            #expect(!stale.isEmpty && stale.allSatisfy { $0.0 == nil && $0.1.contains("minutes behind") })
            _ = try await job.run(now: awayRun.addingTimeInterval(60))
            #expect(try await database.query("SELECT count(*)::int8 FROM notifications WHERE event = 'data.stale'").first?.decode(Int64.self) == Int64(stale.count))
            try await Self.expectStored(Self.expectedBuckets(samples, through: eightDays), series: world.objectiveA.seriesID, database: database)

            // it comes back: after the backoff the job catches up, every step once
            try await prometheus.start()
            let backRun = awayRun.addingTimeInterval(60 + PullPlan.retryDelay(failures: 2))
            let back = try await job.run(now: backRun)
            #expect(back.items == 1)
            let end = Self.start.addingTimeInterval(Double(Self.days) * 86_400)
            try await Self.expectStored(Self.expectedBuckets(samples, through: end), series: world.objectiveA.seriesID, database: database)
            pull = try #require(try await repositories.dataSources.pull(seriesID: world.objectiveA.seriesID))
            // every settled step is asked for: those after the data are gaps, so the watermark passes its end
            #expect(pull.watermark == PullPlan.aligned(backRun.addingTimeInterval(-PullPlan.settleLag - 59), stepSeconds: 60))
            #expect(pull.lastError.isEmpty && pull.failures == 0)
            #expect(try await job.run(now: backRun).items == 0)

            // the period's figure is the sum the test computed; each pulled batch says where it came from
            let expected = Self.expectedBuckets(samples, through: end).values
            let counts = try await repositories.measurements.counts(
                seriesID: world.objectiveA.seriesID, sliKind: .ratio, spans: [DateInterval(start: Self.start, end: end)], now: backRun)
            #expect(counts.first?.good == Fraction(expected.map(\.good).reduce(0, +)))
            #expect(counts.first?.valid == Fraction(expected.map(\.valid).reduce(0, +)))
            let lineage = try await database.query(
                "SELECT pulled->>'source', pulled->>'good_query', length(pulled->>'sha256') FROM measurement_batches WHERE series_id = \(world.objectiveA.seriesID)"
            ).map { try $0.decode((String?, String?, Int?).self) }
            #expect(lineage.count == 3)
            #expect(lineage.allSatisfy { $0.0 == "Metrics" && $0.1 == "sum(increase(test_good_total[1m]))" && $0.2 == 64 })

            // pointed back a day: the steps pulled again are already stored, so nothing is stored twice and nothing refused
            let later = UseCases(repositories: repositories, clock: { backRun }, logger: TestDatabase.logger)
            _ = try await later.setPull.set(
                objectiveID: world.objectiveA.id,
                SeriesPullDraft(
                    sourceID: source.id, goodQuery: "sum(increase(test_good_total[1m]))", validQuery: "sum(increase(test_valid_total[1m]))",
                    stepSeconds: 60, pullFrom: Self.start.addingTimeInterval(9 * 86_400)),
                scope: .organisation, actor: .system)
            let again = try await job.run(now: backRun)
            #expect(again.items == 1 && !again.summary.contains("failed"), "\(again.summary)")
            try await Self.expectStored(Self.expectedBuckets(samples, through: end), series: world.objectiveA.seriesID, database: database)
        }
        prometheus.stop()
    }

    /// The series holds exactly `expected`: one bucket per step, none twice, the gap's steps absent.
    static func expectStored(_ expected: [Int64: (good: Int64, valid: Int64)], series: Int64, database: Database) async throws {
        let rows = try await database.query(
            "SELECT extract(epoch FROM bucket_start)::int8, good, valid FROM measurements WHERE series_id = \(series) ORDER BY bucket_start"
        ).map { try $0.decode((Int64, Int64, Int64).self) }
        #expect(rows.count == expected.count)
        #expect(Set(rows.map(\.0)).count == rows.count)
        let mismatched = rows.filter { row in expected[row.0].map { $0.good != row.1 || $0.valid != row.2 } ?? true }
        #expect(mismatched.isEmpty, "first mismatch: \(mismatched.first.map { "\($0)" } ?? "")")
        let gapStep = Int64(Self.gap.start.timeIntervalSince1970) + 120
        #expect(expected[gapStep] == nil)
    }
}

/// A small deterministic generator, so the test's counters are the same every run.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next(_ bound: Int) -> Int {
        self.state = self.state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((self.state >> 33) % UInt64(bound))
    }
}

import AccordDomain
import AccordTestSupport
import Foundation
import Testing

@testable import AccordStorage

/// The counts of a span read through the hourly rollup (whole hours) and the measurements (edges) are exactly the sums
/// of the buckets starting in it, whatever the zone, the bucket sizes and the span.
@Suite("Counting a span from the rollup")
struct SpanCountingTests {
    @Test func aSpanIsSplitIntoWholeHoursAndEdges() {
        let at = { (text: String) in RFC3339.parse(text)! }
        let kolkata = MeasurementRepository.SpanReading(DateInterval(start: at("2025-03-31T18:30:00Z"), end: at("2025-04-30T18:30:00Z")))
        #expect(kolkata.hours == DateInterval(start: at("2025-03-31T19:00:00Z"), end: at("2025-04-30T18:00:00Z")))
        #expect(kolkata.edges == [
            DateInterval(start: at("2025-03-31T18:30:00Z"), end: at("2025-03-31T19:00:00Z")),
            DateInterval(start: at("2025-04-30T18:00:00Z"), end: at("2025-04-30T18:30:00Z")),
        ])
        let aligned = MeasurementRepository.SpanReading(DateInterval(start: at("2025-04-01T00:00:00Z"), end: at("2025-05-01T00:00:00Z")))
        #expect(aligned.hours == DateInterval(start: at("2025-04-01T00:00:00Z"), end: at("2025-05-01T00:00:00Z")))
        #expect(aligned.edges.isEmpty)
        let short = MeasurementRepository.SpanReading(DateInterval(start: at("2025-04-01T10:10:00Z"), end: at("2025-04-01T11:20:00Z")))
        #expect(short.hours == nil)
        #expect(short.edges == [DateInterval(start: at("2025-04-01T10:10:00Z"), end: at("2025-04-01T11:20:00Z"))])
    }

    /// Property (fixed seed): random buckets of mixed sizes from two sources, read over calendar months in random zones
    /// of the tz database, rolling windows ending at random instants and arbitrary spans.
    @Test func theRollupPathAgreesWithADirectSumOverTheBuckets() async throws {
        try await TestDatabase.withDatabase { database in
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            var generator = SeededGenerator(state: 20_261_202)
            func next(_ bound: Int) -> Int { Int((generator.next() >> 20) % UInt64(bound)) }
            let sizes: [TimeInterval] = [1, 37, 60, 300, 420, 900, 1800, 3600, 5400, 86_400]
            let dataStart = RFC3339.parse("2026-02-24T00:00:00Z")!.timeIntervalSince1970
            let dataEnd = RFC3339.parse("2026-03-06T00:00:00Z")!.timeIntervalSince1970
            var all: [MeasurementBucket] = []
            for source in ["probe-a", "probe-b"] {
                var cursor = dataStart + Double(next(3600))
                var buckets: [MeasurementBucket] = []
                while cursor < dataEnd {
                    let size = sizes[next(sizes.count)]
                    let valid = Int64(next(1000))
                    buckets.append(
                        MeasurementBucket(
                            start: Date(timeIntervalSince1970: cursor), end: Date(timeIntervalSince1970: cursor + size),
                            good: valid == 0 ? 0 : Int64(next(Int(valid) + 1)), valid: valid))
                    cursor += size + Double(next(3) == 0 ? next(700) : 0)
                }
                for chunk in stride(from: 0, to: buckets.count, by: 2000) {
                    _ = try await repositories.measurements.ingest(
                        objectiveID: world.objectiveA.id, source: source, buckets: Array(buckets[chunk..<min(chunk + 2000, buckets.count)]),
                        scope: .organisation, sender: BatchSender(userID: nil, credential: "test"))
                }
                all += buckets
            }
            // approved exclusions over random stretches (some covering part of a bucket, some whole buckets)
            var excluded: [DateInterval] = []
            for _ in 0..<12 {
                let start = Date(timeIntervalSince1970: dataStart + Double(next(Int(dataEnd - dataStart))) + Double(next(1000)) / 1000)
                excluded.append(DateInterval(start: start, duration: Double(1 + next(6 * 3600))))
            }
            for span in excluded {
                _ = try await repositories.exclusions.create(
                    objectiveID: world.objectiveA.id, ExclusionDraft(kind: .plannedMaintenance, reason: "Property", startsAt: span.start, endsAt: span.end),
                    scope: .organisation, actor: .system)
            }
            // as stored (PostgreSQL keeps microseconds; the instants read back are the ones that count)
            let spansExcluded = try await ExclusionRepository(database: database).approvedSpans(
                seriesID: world.objectiveA.seriesID, from: Date(timeIntervalSince1970: dataStart - 86_400), to: Date(timeIntervalSince1970: dataEnd + 86_400))
            #expect(spansExcluded.spans.count >= 6)
            func direct(_ span: DateInterval) -> EventCounts {
                all.filter { $0.start >= span.start && $0.start < span.end }.counts(excluding: spansExcluded)
            }
            let zones = TimeZone.knownTimeZoneIdentifiers
            var spans: [DateInterval] = []
            for _ in 0..<60 {
                // the calendar month of a random zone around the data's month boundary
                let zone = try #require(TimeZone(identifier: zones[next(zones.count)]))
                let calendar = PeriodCalendar(window: .calendarMonth, timeZone: zone)
                let march = calendar.period(containing: RFC3339.parse("2026-03-02T12:00:00Z")!)
                spans += [march, calendar.period(containing: march.start.addingTimeInterval(-1))]
                // a rolling window of 1–7 days ending at a random second
                let end = Date(timeIntervalSince1970: dataStart + Double(next(Int(dataEnd - dataStart) + 86_400)))
                spans.append(DateInterval(start: end.addingTimeInterval(-Double(1 + next(7)) * 86_400), end: end))
                // an arbitrary span of a few seconds to a few days
                let start = dataStart - 3600 + Double(next(Int(dataEnd - dataStart)))
                spans.append(DateInterval(start: Date(timeIntervalSince1970: start), duration: Double(1 + next(4 * 86_400))))
            }
            let counted = try await repositories.measurements.counts(
                seriesID: world.objectiveA.seriesID, sliKind: .ratio, spans: spans, now: Date(timeIntervalSince1970: dataEnd + 86_400))
            for (span, count) in zip(spans, counted) {
                #expect(count == direct(span), "span \(span)")
            }
            #expect(counted.contains { $0.valid > 0 })
        }
    }

    /// The rollup is cut on UTC hours even when the database's sessions run in a half-hour zone (date_trunc follows
    /// the session's zone), so whole hours and edges never count a bucket twice.
    @Test func theRollupIsCutOnUTCHoursWhateverTheSessionsZone() async throws {
        let settings = try await TestDatabase.create()
        do {
            try await TestDatabase.asOwner(settings) { owner in
                try await owner.query("ALTER DATABASE \(unescaped: settings.database) SET timezone TO 'Asia/Kolkata'")
            }
            try await TestDatabase.withPool(settings) { database in
                let repositories = Repositories(database: database)
                let world = try await World.seed(repositories)
                let start = RFC3339.parse("2026-03-02T10:00:00Z")!
                let buckets = (0..<24).map { index in
                    MeasurementBucket(
                        start: start.addingTimeInterval(Double(index) * 300), end: start.addingTimeInterval(Double(index + 1) * 300), good: 1, valid: 1)
                }
                _ = try await repositories.measurements.ingest(
                    objectiveID: world.objectiveA.id, source: "probe", buckets: buckets, scope: .organisation,
                    sender: BatchSender(userID: nil, credential: "test"))
                let offsets = try await database.query(
                    "SELECT DISTINCT (extract(epoch FROM hour)::int8 % 3600) FROM measurement_hours"
                ).map { try $0.decode(Int64.self) }
                #expect(offsets == [0])
                let counted = try await repositories.measurements.counts(
                    seriesID: world.objectiveA.seriesID, sliKind: .ratio,
                    spans: [DateInterval(start: start, duration: 7200), DateInterval(start: start.addingTimeInterval(1800), duration: 3600)],
                    now: start.addingTimeInterval(86_400))
                #expect(counted == [EventCounts(good: 24, valid: 24), EventCounts(good: 12, valid: 12)])
            }
        } catch {
            await TestDatabase.drop(settings)
            throw error
        }
        await TestDatabase.drop(settings)
    }

    /// Batches reaching a month without a partition at the same moment all land: the partition is created once and
    /// the others use it (the second caller's catalog lookup may miss the first's commit).
    @Test func concurrentBatchesIntoANewMonthAllLand() async throws {
        try await TestDatabase.withDatabase { database in
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            for month in 1...6 {
                let start = RFC3339.parse(String(format: "2019-%02d-10T00:00:00Z", month))!
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for source in 0..<6 {
                        group.addTask {
                            _ = try await repositories.measurements.ingest(
                                objectiveID: world.objectiveA.id, source: "probe-\(source)",
                                buckets: [MeasurementBucket(start: start, end: start.addingTimeInterval(60), good: 1, valid: 1)], scope: .organisation,
                                sender: BatchSender(userID: nil, credential: "test"))
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let stored = try await database.query("SELECT count(*)::int8 FROM measurements WHERE bucket_start < '2020-01-01'").first?.decode(Int64.self)
            #expect(stored == 36)
        }
    }
}

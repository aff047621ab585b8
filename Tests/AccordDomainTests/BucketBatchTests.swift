import AccordDomain
import Foundation
import Testing

@Suite("Measurement batches")
struct BucketBatchTests {
    static func row(_ number: Int, _ start: String?, _ end: String?, _ good: String?, _ valid: String?) -> RawBucketRow {
        RawBucketRow(row: number, start: start, end: end, good: good, valid: valid)
    }

    @Test func aValidBatchParsesWithOffsetsHonoured() throws {
        let buckets = try BucketBatchParser.parse([
            Self.row(1, "2026-11-01T10:00:00Z", "2026-11-01T10:01:00Z", "99", "100"),
            Self.row(2, "2026-11-01T11:01:00+01:00", "2026-11-01T11:02:00.500+01:00", "100", "100"),
        ])
        #expect(buckets.count == 2)
        #expect(buckets[1].start == RFC3339.parse("2026-11-01T10:01:00Z"))
    }

    @Test func everyProblemIsReportedWithItsRowFieldAndReason() {
        do {
            _ = try BucketBatchParser.parse([
                Self.row(1, "2026-11-01T10:00:00", "2026-11-01T10:01:00Z", "1", "1"),
                Self.row(2, "2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z", "5", "4"),
                Self.row(3, "2026-11-01T10:00:00Z", "2026-11-03T10:00:00Z", "-1", "x"),
                Self.row(4, "2026-11-04T10:00:00Z", "2026-11-04T10:05:00Z", "1", "1"),
                Self.row(5, "2026-11-04T10:04:00Z", "2026-11-04T10:06:00Z", "1", "1"),
            ])
            Issue.record("an invalid batch was accepted")
        } catch {
            let found = Set(error.errors.map { "\($0.row ?? 0):\($0.field)" })
            #expect(found == ["1:start", "2:good", "2:end", "3:end", "3:good", "3:valid", "5:start"])
            #expect(error.errors.first { $0.row == 2 && $0.field == "good" }?.message == "good (5) must not exceed valid (4).")
            #expect(error.errors.first { $0.row == 5 }?.message.contains("row 4") == true)
        }
    }

    @Test func timestampsNeedAnOffset() {
        #expect(RFC3339.parse("2026-11-01T10:00:00Z") != nil)
        #expect(RFC3339.parse("2026-11-01T10:00:00-05:00") != nil)
        #expect(RFC3339.parse("2026-11-01T10:00:00") == nil)
        #expect(RFC3339.parse("2026-11-01 10:00") == nil)
        #expect(RFC3339.parse("yesterday") == nil)
    }

    @Test func timestampsParseExactlyAndImpossibleDatesAreRefused() {
        #expect(RFC3339.parse("2026-11-01T10:00:00-05:00") == RFC3339.parse("2026-11-01T15:00:00Z"))
        #expect(RFC3339.parse("2026-11-01T10:00:00+05:30")?.timeIntervalSince1970 == 1_793_507_400)
        #expect(RFC3339.parse("2026-11-01T10:00:00.250Z")?.timeIntervalSince1970 == 1_793_527_200.25)
        #expect(RFC3339.parse("2028-02-29T00:00:00Z") != nil)
        for bad in [
            "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-01T24:00:00Z", "2026-11-01T10:00:00.Z",
            "2026-11-01T10:00:00+0500", "2026-11-01T10:00:00Zjunk", "2026-11-01X10:00:00Z",
        ] {
            #expect(RFC3339.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func parsingAndFormattingAgreeWithFoundationOverCenturies() {
        // property: for instants from 1900 to 2200 (fixed seed), our parser and formatter agree with ISO8601DateFormatter;
        // the parser refuses what lies before 1970 (Bounds)
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime]
        var state: UInt64 = 42
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let seconds = Double(Int64(state >> 31) % 9_467_280_000) - 2_208_988_800
            let instant = Date(timeIntervalSince1970: seconds)
            let text = reference.string(from: instant)
            #expect(RFC3339.format(instant) == text)
            #expect(RFC3339.parse(text) == (Bounds.contains(instant) ? instant : nil))
        }
    }

    @Test func instantsAreReadFrom1970To2200Only() {
        #expect(RFC3339.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(RFC3339.parse("1969-12-31T23:59:59Z") == nil)
        #expect(RFC3339.parse("2200-12-31T23:59:59Z") != nil)
        #expect(RFC3339.parse("2201-01-01T00:00:00Z") == nil)
        // the offset counts: this is year 10000 in UTC
        #expect(RFC3339.parse("9999-12-31T23:00:00-23:00") == nil)
        #expect(LocalDate("2200-12-31") != nil)
        #expect(LocalDate("2201-01-01") == nil)
        #expect(LocalDate("0001-01-01") == nil)
        // dates of any instant can still be taken, so `LocalDate.of` never fails
        #expect(LocalDate.of(Date(timeIntervalSince1970: 300_000_000_000), in: .gmt).year > 9999)
        #expect(PageRequest(number: Int.max, size: Int.max).offset == (Bounds.pages.upperBound - 1) * 200)
    }

    @Test func aBatchMayOnlyReachAsFarFromNowAsConfigured() {
        let now = RFC3339.parse("2026-12-02T12:00:00Z")!
        let window = IngestWindow(now: now, pastDays: 30, futureDays: 1)
        let rows = [
            Self.row(1, "2026-11-01T10:00:00Z", "2026-11-01T10:01:00Z", "1", "1"),
            Self.row(2, "2026-11-03T10:00:00Z", "2026-11-03T10:01:00Z", "1", "1"),
            Self.row(3, "2026-12-04T10:00:00Z", "2026-12-04T10:01:00Z", "1", "1"),
        ]
        do {
            _ = try BucketBatchParser.parse(rows, window: window)
            Issue.record("accepted")
        } catch {
            #expect(error.errors.map(\.row) == [1, 3])
            #expect(error.errors.first?.message.contains("30 days back") == true)
        }
    }

    @Test func aBatchWrongThroughoutReportsTheFirstHundredProblems() {
        let rows = (1...5000).map { Self.row($0, "2026-11-01T10:00:00Z", "2026-11-01T10:01:00Z", "2", "1") }
        do {
            _ = try BucketBatchParser.parse(rows)
            Issue.record("accepted")
        } catch {
            #expect(error.errors.count == 101)
            #expect(error.errors.last?.message.contains("more problems not listed") == true)
            #expect(error.errors.last?.field == "batch")
        }
    }

    /// An instant written to the millisecond or microsecond is stored as that microsecond: PostgresNIO truncates the
    /// microseconds since 2000 it computes in floating point, so the parser nudges the instant where that would lose one.
    @Test func fractionsOfASecondSurviveStorage() {
        let epoch2000 = Date(timeIntervalSince1970: 946_684_800)
        func stored(_ date: Date) -> Int64 { Int64(date.timeIntervalSince(epoch2000) * 1_000_000) }
        var state: UInt64 = 5
        for _ in 0..<5000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let micros = Int((state >> 33) % 1_000_000)
            let day = 1 + Int((state >> 13) % 28)
            let text = String(format: "2026-%02d-%02dT10:00:00.%06dZ", 1 + Int((state >> 40) % 12), day, micros)
            guard let date = RFC3339.parse(text) else {
                Issue.record("\(text) did not parse")
                continue
            }
            let whole = Int64(RFC3339.parse(String(text.prefix(19)) + "Z")!.timeIntervalSince1970) * 1_000_000
            #expect(stored(date) == whole + Int64(micros) - 946_684_800_000_000, "\(text)")
        }
        #expect(stored(RFC3339.parse("2026-11-02T10:00:00.123Z")!) % 1_000_000 == 123_000)
        // a seventh digit of 5 or more rounds up
        #expect(stored(RFC3339.parse("2026-11-02T10:00:00.1234565Z")!) % 1_000_000 == 123_457)
        #expect(stored(RFC3339.parse("1999-12-31T23:59:59.999999Z")!) == -1)
    }
}

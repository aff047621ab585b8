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
}

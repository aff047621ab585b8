import AccordDomain
import Foundation
import Testing

@testable import AccordWeb

/// A plain bucket CSV read straight into values must come to exactly what the general reading comes to: the same
/// buckets, or the same problems named by row, field and reason. Anything less plain is left to the general reading.
@Suite("Plain bucket CSVs read from their bytes")
struct PlainBucketCSVTests {
    static func plain(_ text: String) -> [BucketCells]? {
        var text = text
        return text.withUTF8 { MeasurementAPI.plainBucketCells(UnsafeRawBufferPointer($0)) }
    }

    /// Both readings of one body, each as its buckets or its problems.
    static func outcomes(_ text: String, window: IngestWindow) throws -> (fast: Result<[MeasurementBucket], ValidationErrors>?, general: Result<[MeasurementBucket], ValidationErrors>) {
        let general = Result { () throws(ValidationErrors) in try BucketBatchParser.parse(try! MeasurementAPI.csvRows(text), window: window) }
        let fast = Self.plain(text).map { cells in Result { () throws(ValidationErrors) in try BucketBatchParser.parse(cells: cells, window: window) } }
        return (fast, general)
    }

    /// Property (fixed seed): over bodies mixing good rows with every kind of mistake a row's values can make (an end
    /// before its start, a bucket over a day, good above valid, counts past the bound, rows outside the window,
    /// overlapping rows), the plain reading agrees with the general one whenever it reads the body at all.
    @Test func thePlainReadingAgreesWithTheGeneralOne() throws {
        var generator = Seeded(state: 2026)
        let window = IngestWindow(now: try #require(RFC3339.parse("2026-12-01T00:00:00Z")), pastDays: 400, futureDays: 1)
        var compared = 0
        for _ in 0..<300 {
            var lines = [Bool.random(using: &generator) ? "start,end,good,valid" : "Start, End, Good, Valid"]
            var cursor = try #require(RFC3339.parse("2026-06-01T00:00:00Z")).timeIntervalSince1970
            for _ in 0..<Int.random(in: 0..<40, using: &generator) {
                var start = cursor
                var end = cursor + 60
                var good = Int64.random(in: 0...1000, using: &generator)
                var valid = good + Int64.random(in: 0...10, using: &generator)
                switch Int.random(in: 0..<20, using: &generator) {
                case 0: end = start - 60
                case 1: end = start + 2 * 86_400
                case 2: good = valid + 1
                case 3: valid = Bounds.eventsPerBucket + 1
                case 4: start -= 500 * 86_400; end = start + 60
                case 5: start -= 30; end = start + 60  // overlaps the row before
                default: break
                }
                cursor = max(cursor, end)
                let offset = Bool.random(using: &generator) ? "Z" : "+01:00"
                func stamp(_ seconds: Double) -> String {
                    // the same instant written with a +01:00 offset: the wall time an hour later
                    offset == "Z"
                        ? RFC3339.format(Date(timeIntervalSince1970: seconds))
                        : String(RFC3339.format(Date(timeIntervalSince1970: seconds + 3600)).dropLast()) + "+01:00"
                }
                lines.append("\(stamp(start)),\(stamp(end)),\(good),\(valid)")
            }
            let newline = Bool.random(using: &generator) ? "\n" : "\r\n"
            let body = lines.joined(separator: newline) + (Bool.random(using: &generator) ? newline : "")
            let (fast, general) = try Self.outcomes(body, window: window)
            guard let fast else { continue }
            compared += 1
            switch (fast, general) {
            case (.success(let a), .success(let b)): #expect(a == b)
            case (.failure(let a), .failure(let b)): #expect(a.errors == b.errors)
            default: Issue.record("the readings disagree on \(body.prefix(200))")
            }
        }
        #expect(compared > 100)
    }

    /// What is not plain is left to the general reading, which names the problem.
    @Test func anythingElseIsLeftToTheGeneralReading() {
        let rows = "2026-11-01T10:00:00Z,2026-11-01T10:01:00Z,5,5"
        #expect(Self.plain("start,end,good,valid\n\(rows)\n")?.count == 1)
        for body in [
            "start,end,good,valid\n\"2026-11-01T10:00:00Z\",2026-11-01T10:01:00Z,5,5\n",  // quoted
            "start,end,good,valid\n2026-11-01T10:00:00Z, 2026-11-01T10:01:00Z,5,5\n",  // a space
            "start,end,good,valid\n2026-11-01T10:00:00Z,2026-11-01T10:01:00Z,5\n",  // three cells
            "start,end,good,valid\n2026-11-01T10:00:00Z,2026-11-01T10:01:00Z,5,5,6\n",  // five
            "start,end,good,valid\n2026-11-01T10:00:00,2026-11-01T10:01:00Z,5,5\n",  // no offset
            "start,end,good,valid\n2026-11-01T10:00:00Z,2026-11-01T10:01:00Z,-5,5\n",  // a sign
            "start,end,good,valid\n2026-11-01T10:00:00Z,2026-11-01T10:01:00Z,5,1234567890123456789\n",  // 19 digits
            "start,end,good,valid\n\n\(rows)\n",  // an empty line inside
            "start,end,valid,good\n\(rows)\n",  // another header
            "",
        ] {
            #expect(Self.plain(body) == nil, "\(body)")
        }
    }
}

/// A fixed-seed generator, so a failure repeats.
private struct Seeded: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        self.state = self.state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return self.state
    }
}

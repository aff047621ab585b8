import AccordDomain
import Foundation
import Testing

@testable import AccordStorage

@Suite("Overlap check of a batch against stored buckets")
struct OverlapSweepTests {
    /// Property (fixed seed): the one-pass sweep finds exactly the rows a pairwise comparison finds.
    @Test func theSweepAgreesWithPairwiseComparison() {
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func spans(count: Int) -> [(Date, Date)] {
            // non-overlapping spans of 1–10 minutes with gaps of 0–10 minutes
            var cursor = 1_800_000_000.0
            return (0..<count).map { _ in
                cursor += Double(next(11) * 60)
                let start = cursor
                cursor += Double((1 + next(10)) * 60)
                return (Date(timeIntervalSince1970: start), Date(timeIntervalSince1970: cursor))
            }
        }
        for _ in 0..<300 {
            let stored = spans(count: next(30))
            var batch = spans(count: 1 + next(30)).map { MeasurementBucket(start: $0.0, end: $0.1, good: 1, valid: 1) }
            var generator = SeededGenerator(state: UInt64(next(1_000_000)))
            batch.shuffle(using: &generator)
            let found = MeasurementRepository.overlaps(batch: batch, stored: stored).map(\.0)
            let expected = batch.enumerated().filter { _, bucket in stored.contains { $0.0 < bucket.end && $0.1 > bucket.start } }.map {
                $0.offset + 1
            }
            #expect(found == expected)
        }
    }
}

struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        self.state = self.state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return self.state
    }
}

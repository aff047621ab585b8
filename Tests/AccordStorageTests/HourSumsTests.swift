import AccordDomain
import Foundation
import Testing

@testable import AccordStorage

@Suite("The hourly rollup a batch adds, summed before it reaches the database")
struct HourSumsTests {
    /// Property (fixed seed): one pass over start-ordered buckets gives the sums a grouping by UTC hour gives.
    @Test func theSumsAgreeWithGroupingByHour() throws {
        var generator = SeededGenerator(state: 26)
        for _ in 0..<200 {
            var cursor = 1_800_000_000.0 + Double(Int.random(in: 0..<3600, using: &generator))
            let buckets = (0..<Int.random(in: 1..<400, using: &generator)).map { _ in
                let start = cursor
                cursor += Double(Int.random(in: 1...7, using: &generator) * 60)
                let valid = Int64.random(in: 0...1_000, using: &generator)
                return MeasurementBucket(
                    start: Date(timeIntervalSince1970: start), end: Date(timeIntervalSince1970: cursor),
                    good: Int64.random(in: 0...valid, using: &generator), valid: valid)
            }
            let sums = try MeasurementRepository.hourSums(buckets)
            let grouped = Dictionary(grouping: buckets) { MeasurementRepository.rollupHour($0.start) }
            #expect(sums.hours == grouped.keys.sorted())
            for (index, hour) in sums.hours.enumerated() {
                let members = grouped[hour] ?? []
                #expect(sums.goods[index] == members.reduce(0) { $0 + $1.good })
                #expect(sums.valids[index] == members.reduce(0) { $0 + $1.valid })
                #expect(Int(sums.counts[index]) == members.count)
            }
        }
    }

    /// Sums that would not fit are refused with a reason, never wrapped.
    @Test func sumsThatCannotBeHeldAreRefused() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let buckets = (0..<10).map {
            MeasurementBucket(
                start: start.addingTimeInterval(Double($0) * 60), end: start.addingTimeInterval(Double($0 + 1) * 60), good: .max / 4, valid: .max / 4)
        }
        #expect(throws: ValidationErrors.self) { try MeasurementRepository.hourSums(buckets) }
    }
}

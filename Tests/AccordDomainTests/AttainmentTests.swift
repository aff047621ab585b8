import AccordDomain
import Foundation
import Testing

@Suite("Attainment, budgets, burn rates, credits and composition")
struct AttainmentTests {
    @Test func attainmentWeighsBucketsByTheirValidEvents() throws {
        // the weighting trap: 1,000,000 valid at 99 % plus 10 valid at 0 % is ≈ 98.999 %, not the 49.5 % mean of ratios
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let buckets = [
            MeasurementBucket(start: start, end: start + 60, good: 990_000, valid: 1_000_000),
            MeasurementBucket(start: start + 60, end: start + 120, good: 0, valid: 10),
        ]
        let judgement = AttainmentCalculator.judge(buckets.counts(), slaTarget: 99, sloTarget: 99.5)
        let attainment = try #require(judgement.attainment)
        #expect(attainment > Decimal(string: "98.998")! && attainment < Decimal(string: "98.9991")!)
        #expect(judgement.slaStatus == .breached)
    }

    @Test func statusesAndBudget() throws {
        let met = AttainmentCalculator.judge(EventCounts(good: 9995, valid: 10000), slaTarget: 99.9, sloTarget: 99.95)
        #expect(met.slaStatus == .met && met.sloStatus == .met)
        #expect(met.budgetConsumed == 1)
        #expect(met.budgetRemaining == 0)
        let sloOnly = AttainmentCalculator.judge(EventCounts(good: 9992, valid: 10000), slaTarget: 99.9, sloTarget: 99.95)
        #expect(sloOnly.slaStatus == .met && sloOnly.sloStatus == .breached)
        #expect(sloOnly.budgetRemaining == Decimal(string: "-0.6"))
        let empty = AttainmentCalculator.judge(.zero, slaTarget: 99.9, sloTarget: 99.95)
        #expect(empty.slaStatus == .noData && empty.attainment == nil)
    }

    /// The SRE Workbook table for a 99.9 % SLO: each rule fires only when both windows are strictly above its factor.
    @Test(arguments: BurnRateRule.workbook)
    func workbookRulesFireOnlyAboveTheirFactorInBothWindows(rule: BurnRateRule) {
        let slo: Decimal = Decimal(string: "99.9")!
        // bad per 1,000,000 valid at exactly the factor: factor × 0.1 % → factor × 1000
        let exactly = Fraction(rule.factor * 1000)
        let below = EventCounts(good: 1_000_000 - (exactly - 1), valid: 1_000_000)
        let at = EventCounts(good: 1_000_000 - exactly, valid: 1_000_000)
        let above = EventCounts(good: 1_000_000 - (exactly + 1), valid: 1_000_000)
        #expect(BurnRate.of(at, sloTarget: slo) == rule.factor)
        #expect(!rule.fires(long: below, short: above, sloTarget: slo))
        #expect(!rule.fires(long: at, short: above, sloTarget: slo))
        #expect(!rule.fires(long: above, short: at, sloTarget: slo))
        #expect(!rule.fires(long: above, short: below, sloTarget: slo))
        #expect(rule.fires(long: above, short: above, sloTarget: slo))
    }

    @Test func theWorkbookTableHasItsWindowsAndFactors() {
        let table = BurnRateRule.workbook.map { ($0.severity, $0.factor, $0.longWindow, $0.shortWindow) }
        #expect(table.map(\.0) == [.page, .page, .ticket, .ticket])
        #expect(table.map(\.1) == [Decimal(string: "14.4")!, 6, 3, 1])
        #expect(table.map(\.2) == [3600, 21600, 86400, 259_200])
        #expect(table.map(\.3) == [300, 1800, 7200, 21600])
    }

    @Test func creditAmountsRoundHalfEvenToTheMinorUnit() {
        #expect(CreditCalculator.amount(fee: Decimal(string: "1000.25")!, percent: 10, currency: "EUR") == Decimal(string: "100.02")!)
        #expect(CreditCalculator.amount(fee: Decimal(string: "1000.35")!, percent: 10, currency: "EUR") == Decimal(string: "100.04")!)
        #expect(CreditCalculator.amount(fee: 12345, percent: 10, currency: "JPY") == 1234)
        #expect(CreditCalculator.amount(fee: 42000, percent: 30, currency: "EUR") == 12600)
    }

    @Test func serialMembersMultiplyAndParallelGroupsBackEachOtherUp() throws {
        let composed = try #require(
            Composition.compose([
                .init(dependency: .serial, availability: 0.999), .init(dependency: .parallel, group: "edge", availability: 0.99),
                .init(dependency: .parallel, group: "edge", availability: 0.98),
            ]))
        #expect(abs(composed - 0.999 * (1 - 0.01 * 0.02)) < 1e-12)
        let coverage = try #require(
            Composition.coverage(
                vendorTargets: [.init(dependency: .serial, availability: 99.9), .init(dependency: .serial, availability: 99.9)], masterTarget: 99.9))
        #expect(!coverage.isCovered)
        #expect(coverage.shortfall > 0.09 && coverage.shortfall < 0.1)
    }

    @Test func periodsAlignToMonthsAndQuartersInTheAgreementsZone() {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let instant = TicketTimerTests.instant("2026-03-31 23:30", "Europe/Berlin")
        let month = PeriodCalendar(window: .calendarMonth, timeZone: berlin).period(containing: instant)
        #expect(month.start == TicketTimerTests.instant("2026-03-01 00:00", "Europe/Berlin"))
        #expect(month.end == TicketTimerTests.instant("2026-04-01 00:00", "Europe/Berlin"))
        #expect(month.duration == 31 * 86_400 - 3600)  // the spring-forward hour
        let quarter = PeriodCalendar(window: .calendarQuarter, timeZone: berlin).period(containing: instant)
        #expect(quarter.start == TicketTimerTests.instant("2026-01-01 00:00", "Europe/Berlin"))
        let year = PeriodCalendar(window: .calendarMonth, timeZone: berlin).periods(
            from: TicketTimerTests.instant("2026-01-15 00:00", "Europe/Berlin"), to: TicketTimerTests.instant("2026-12-15 00:00", "Europe/Berlin"))
        #expect(year.count == 12)
        #expect(PeriodCalendar(window: .rollingDays(28), timeZone: berlin).periods(from: instant, to: instant + 86_400).isEmpty)
    }
}

/// Laws of attainment checked over many generated cases (a fixed seed, so failures reproduce).
@Suite("Attainment properties")
struct AttainmentPropertyTests {
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let origin = Date(timeIntervalSince1970: 1_800_000_000)

    static func buckets(_ count: Int, using generator: inout SplitMix) -> [MeasurementBucket] {
        (0..<count).map { index in
            let valid = Int64.random(in: 0...10_000, using: &generator)
            let start = Self.origin + Double(index) * 60
            return MeasurementBucket(start: start, end: start + 60, good: Int64.random(in: 0...valid, using: &generator), valid: valid)
        }
    }

    @Test func attainmentStaysBetweenZeroAndOneHundred() {
        var generator = SplitMix(state: 1)
        for _ in 0..<300 {
            let buckets = Self.buckets(Int.random(in: 1...20, using: &generator), using: &generator)
            if let attainment = AttainmentCalculator.judge(buckets.counts(), slaTarget: 99, sloTarget: 99.5).attainment {
                #expect(attainment >= 0 && attainment <= 100)
            }
        }
    }

    @Test func aGoodEventNeverLowersAttainment() {
        var generator = SplitMix(state: 2)
        for _ in 0..<300 {
            let counts = Self.buckets(Int.random(in: 1...10, using: &generator), using: &generator).counts()
            guard let before = AttainmentCalculator.judge(counts, slaTarget: 99, sloTarget: 99.5).attainment else { continue }
            let after = AttainmentCalculator.judge(counts + EventCounts(good: 1, valid: 1), slaTarget: 99, sloTarget: 99.5).attainment!
            #expect(after >= before)
        }
    }

    @Test func excludingASpanWithoutGoodEventsNeverLowersAttainment() {
        var generator = SplitMix(state: 3)
        for _ in 0..<300 {
            var buckets = Self.buckets(10, using: &generator)
            let index = Int.random(in: 0..<10, using: &generator)
            buckets[index].good = 0
            let before = buckets.counts()
            let exclusion = TimeSpans([buckets[index].span])
            let after = buckets.counts(excluding: exclusion)
            guard let was = AttainmentCalculator.judge(before, slaTarget: 99, sloTarget: 99.5).attainment,
                let now = AttainmentCalculator.judge(after, slaTarget: 99, sloTarget: 99.5).attainment
            else { continue }
            #expect(now >= was)
        }
    }

    @Test func batchesInAnyOrderGiveTheSameCounts() {
        var generator = SplitMix(state: 4)
        for _ in 0..<100 {
            let buckets = Self.buckets(30, using: &generator)
            let shuffled = buckets.shuffled(using: &generator)
            let batches = stride(from: 0, to: shuffled.count, by: 7).map { Array(shuffled[$0..<min($0 + 7, shuffled.count)]) }
            let summed = batches.map { $0.counts() }.reduce(EventCounts.zero, +)
            #expect(summed == buckets.counts())
        }
    }

    @Test func aPauseNeverMovesADeadlineEarlier() {
        var generator = SplitMix(state: 5)
        let schedule = TicketTimerTests.office("Europe/Berlin")
        for _ in 0..<100 {
            let start = Self.origin + Double(Int.random(in: 0...(30 * 86_400), using: &generator))
            let goal = Double(Int.random(in: 1...(16 * 60), using: &generator)) * 60
            let pauseStart = start + Double(Int.random(in: 0...(5 * 86_400), using: &generator))
            let pause = TimeSpans([DateInterval(start: pauseStart, duration: Double(Int.random(in: 60...(3 * 86_400), using: &generator)))])
            let plain = schedule.deadline(start: start, goal: goal)!
            let paused = schedule.deadline(start: start, goal: goal, paused: pause)!
            #expect(paused >= plain)
        }
    }

    @Test func aPartlyExcludedBucketLosesItsCoveredShareOfBoth() {
        let bucket = MeasurementBucket(start: Self.origin, end: Self.origin + 600, good: 900, valid: 1000)
        let counts = bucket.counts(excluding: TimeSpans([DateInterval(start: Self.origin + 450, end: Self.origin + 900)]))
        #expect(counts == EventCounts(good: 675, valid: 750))
    }
}

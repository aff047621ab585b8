import Foundation
import Testing

@testable import AccordDomain

@Suite("Exact arithmetic")
struct ExactArithmeticTests {
    /// Property (fixed seed): Natural agrees with 64-bit arithmetic wherever that does not overflow, and division
    /// inverts multiplication for numbers far wider than 64 bits.
    @Test func naturalsAgreeWithMachineIntegers() {
        var state: UInt64 = 42
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
        for _ in 0..<2000 {
            let a = next() >> UInt64(next() % 64)
            let b = next() >> UInt64(next() % 64)
            let (x, y) = (Natural(a), Natural(b))
            if a.addingReportingOverflow(b).overflow == false { #expect((x + y).uint64 == a + b) }
            if a.multipliedReportingOverflow(by: b).overflow == false { #expect((x * y).uint64 == a * b) }
            #expect((x < y) == (a < b))
            #expect(x.subtracting(y)?.uint64 == (a >= b ? a - b : nil))
            if b > 0 {
                let division = x.quotientAndRemainder(dividingBy: y)
                #expect(division?.quotient.uint64 == a / b && division?.remainder.uint64 == a % b)
            }
            #expect(x.description == String(a))
            #expect(Natural(digitsOf: String(a)) == x)
            // wide: (x·y·z + r) / (y·z) = x remainder r, for r < y·z
            let z = Natural(next() | 1)
            let divisor = y * z + .one
            let remainder = Natural(next() % (b == UInt64.max ? b : b + 1))
            let wide = x * divisor + remainder
            let division = wide.quotientAndRemainder(dividingBy: divisor)
            #expect(division?.quotient == x && division?.remainder == remainder)
        }
        #expect(Natural(UInt64.max) * Natural(UInt64.max) == Natural(digitsOf: "340282366920938463426481119284349108225"))
        #expect(Natural.zero.quotientAndRemainder(dividingBy: .zero) == nil)
        #expect(Natural(digitsOf: "") == nil && Natural(digitsOf: "12a") == nil)
    }

    @Test func fractionsStayExactAndRoundHalfEven() throws {
        let third = try #require(Fraction(text: "1/3"))
        #expect(third + third + third == 1)
        #expect((third * 3).isInteger)
        #expect(Fraction(text: "99.95") == Fraction(text: "1999/20"))
        #expect(Fraction(Decimal(string: "99.95")!).description == "1999/20")
        #expect(Fraction(text: "-0.5")! < 0 && -Fraction(text: "-0.5")! == Fraction(text: "1/2"))
        #expect(Fraction(text: "200/3")?.rounded(places: 12) == Decimal(string: "66.666666666667"))
        #expect(Fraction(text: "200/3")?.roundedDown(places: 12) == Decimal(string: "66.666666666666"))
        #expect(Fraction(text: "-200/3")?.roundedDown(places: 12) == Decimal(string: "-66.666666666667"))
        #expect(Fraction(text: "1/3")?.roundedUp(places: 2) == Decimal(string: "0.34"))
        #expect(Fraction(text: "-1/3")?.roundedUp(places: 2) == Decimal(string: "-0.33"))
        // half-even at the last place: 0.5 → 0, 1.5 → 2, 2.5 → 2, −2.5 → −2
        #expect([Fraction(text: "1/2")!, Fraction(text: "3/2")!, Fraction(text: "5/2")!, Fraction(text: "-5/2")!].map { $0.rounded(places: 0) } == [0, 2, 2, -2])
        #expect(Fraction(text: "1/8")?.rounded(places: 2) == Decimal(string: "0.12"))
        #expect(Fraction(text: "3/8")?.rounded(places: 2) == Decimal(string: "0.38"))
        #expect(Fraction(text: "1/0") == nil && Fraction(text: "x") == nil && Fraction(text: "1.") == nil)
        #expect(Fraction(1).divided(by: 0) == nil)
    }

    /// The example: one bucket of 99 good / 100 valid with a third of it excluded is exactly 99 %, met against
    /// 99 %, and owes no credit; a decimal computation said 98.999…9 and charged 10 %.
    @Test func aThirdExcludedIsExactlyAThird() throws {
        let start = try #require(RFC3339.parse("2026-03-10T00:00:00Z"))
        let bucket = MeasurementBucket(start: start, end: start.addingTimeInterval(300), good: 99, valid: 100)
        let counts = bucket.counts(excluding: TimeSpans([DateInterval(start: start, duration: 100)]))
        #expect(counts.good == 66)
        #expect(counts.valid.description == "200/3")
        let judged = AttainmentCalculator.judge(counts, slaTarget: 99, sloTarget: 99)
        #expect(judged.exactAttainment == 99)
        #expect(judged.attainment == 99)
        #expect(judged.slaStatus == .met && judged.sloStatus == .met)
        #expect(judged.budgetConsumed == 1 && judged.budgetRemaining == 0)
        let schedule = CreditSchedule(tiers: [CreditTier(threshold: 99, percent: 10)], capPercent: 100, probationFactor: 1)
        #expect(schedule.creditPercent(forExact: try #require(judged.exactAttainment), onProbation: false) == 0)
    }

    /// A budget overspent by a hair never reads as untouched, nor one spent exactly as overspent.
    @Test func aBudgetOverspentByAHairReadsOverspent() {
        // 99.95 % SLO; valid 10^15, bad 5·10^11 + 1: consumed 1 + 2·10^-12 → shown above 1, remaining below 0
        let counts = EventCounts(good: Fraction(Int64(999_499_999_999_999)), valid: Fraction(Int64(1_000_000_000_000_000)))
        let judged = AttainmentCalculator.judge(counts, slaTarget: Decimal(string: "99.9")!, sloTarget: Decimal(string: "99.95")!)
        #expect(judged.sloStatus == .breached)
        #expect(judged.budgetConsumed == Decimal(string: "1.000000000002"))
        let hair = EventCounts(good: Fraction(Int64(9_994_999_999_999_999)), valid: Fraction(Int64(10_000_000_000_000_000)))
        let tiny = AttainmentCalculator.judge(hair, slaTarget: Decimal(string: "99.9")!, sloTarget: Decimal(string: "99.95")!)
        #expect(tiny.budgetRemaining! < 0 && tiny.budgetConsumed! > 1)
        let exact = AttainmentCalculator.judge(EventCounts(good: 9995, valid: 10_000), slaTarget: Decimal(string: "99.9")!, sloTarget: Decimal(string: "99.95")!)
        #expect(exact.budgetRemaining == 0 && exact.sloStatus == .met)
    }

    /// A figure below its target is never shown reaching it: 98.9999999999999 % against 99 % reads 98.999999999999.
    @Test func aBreachedFigureIsNeverShownAtItsTarget() {
        let judged = AttainmentCalculator.judge(EventCounts(good: 989_999_999_999_999, valid: 1_000_000_000_000_000), slaTarget: 99, sloTarget: 99)
        #expect(judged.slaStatus == .breached)
        #expect(judged.attainment == Decimal(string: "98.999999999999"))
        let met = AttainmentCalculator.judge(EventCounts(good: 989_999_999_999_999, valid: 1_000_000_000_000_000), slaTarget: 98, sloTarget: 98)
        #expect(met.attainment == 99)
    }
}

import AccordDomain
import Foundation
import Testing

@Suite("Renegotiation candidates and renewal notices")
struct RenegotiationRulesTests {
    static func d(_ text: String) -> Decimal { Decimal(string: text)! }

    @Test func twelvePeriodsAboveTargetSuggestRaisingItHalfwayToTheMean() {
        let values: [Decimal?] = Array(repeating: Self.d("99.95"), count: 12)
        let found = RenegotiationRules.candidates(attainments: [Self.d("99.0")] + values, target: Self.d("99.9"))
        #expect(found.map(\.kind) == [.sustainedOverAchievement])
        #expect(found.first?.suggestedTarget == Self.d("99.925"))
        // eleven are not enough; a miss in between restarts the run
        #expect(RenegotiationRules.candidates(attainments: Array(values.prefix(11)), target: Self.d("99.9")).isEmpty)
        #expect(RenegotiationRules.candidates(attainments: values.prefix(6) + [Self.d("99.8")] + values.prefix(6), target: Self.d("99.9")).isEmpty)
        // the raise never passes the cap
        let perfect: [Decimal?] = Array(repeating: 100, count: 12)
        #expect(RenegotiationRules.candidates(attainments: perfect, target: Self.d("99.999")).isEmpty)
    }

    @Test func fourMissesInTwelveAskForRecalibration() {
        let values: [Decimal?] = [99, 98, 99.5, 97, 99.6, 99.7, 96, nil, 99.8, 99.9, 99.6, 99.7].map { $0.map { Decimal($0) } }
        let found = RenegotiationRules.candidates(attainments: values, target: Self.d("99.5"))
        #expect(found.map(\.kind) == [.repeatedMisses])
        #expect(found.first?.message.contains("4 of the last 11") == true)
        let three = values.map { $0 == 96 ? Decimal(99.9) : $0 }
        #expect(RenegotiationRules.candidates(attainments: three, target: Self.d("99.5")).isEmpty)
    }

    @Test func aNewObjectiveGetsItsFirstTargetFromNinePeriods() {
        let values: [Decimal?] = [98, 99, 97, 99, 98, 99, 98, 99, 98].map { Decimal($0) }
        let found = RenegotiationRules.candidates(attainments: values, target: 90, isNew: true)
        let initial = found.first { $0.kind == .initialTarget }
        #expect(initial?.suggestedTarget == 97)
        #expect(initial?.message.contains("expected level 98.333 %") == true)
        #expect(RenegotiationRules.candidates(attainments: Array(values.prefix(8)), target: 90, isNew: true).allSatisfy { $0.kind != .initialTarget })
    }

    @Test func anUnusedBudgetIsNoticed() {
        let found = RenegotiationRules.candidates(
            attainments: [], target: 99, budgetLeft: Array(repeating: Self.d("0.9"), count: 6) + [Self.d("0.7")])
        #expect(found.map(\.kind) == [.budgetUnused])
    }

    @Test func noticeDeadlinesAndTheirReminders() {
        let deadline = RenewalRules.noticeDeadline(endDate: LocalDate("2027-12-31"), noticeDays: 90)
        #expect(deadline == LocalDate("2027-10-02"))
        #expect(RenewalRules.noticeDeadline(endDate: nil, noticeDays: 90) == nil)
        let day = LocalDate("2027-10-02")!
        #expect(RenewalRules.reminder(deadline: day, today: LocalDate("2027-06-01")!) == nil)
        #expect(RenewalRules.reminder(deadline: day, today: LocalDate("2027-07-04")!) == 90)
        #expect(RenewalRules.reminder(deadline: day, today: LocalDate("2027-08-03")!) == 60)
        #expect(RenewalRules.reminder(deadline: day, today: LocalDate("2027-09-25")!) == 7)
        #expect(RenewalRules.reminder(deadline: day, today: day) == 7)
        #expect(RenewalRules.reminder(deadline: day, today: LocalDate("2027-10-03")!) == nil)
    }
}

import AccordDomain
import Foundation
import Testing

@Suite("Objective rules")
struct ObjectiveRulesTests {
    func draft(
        sla: Decimal?, slo: Decimal?, kind: SLIKind = .ratio, window: ObjectiveWindow? = .calendarMonth, goals: [PriorityGoal] = []
    ) -> ObjectiveDraft {
        ObjectiveDraft(name: "Availability", sliKind: kind, slaTarget: sla, sloTarget: slo, window: window, priorityGoals: goals)
    }

    @Test func theSLOMustBeStricterThanTheSLA() {
        #expect(self.draft(sla: 99.9, slo: 99.95).validate().isEmpty)
        let equal = self.draft(sla: 99.9, slo: 99.9).validate()
        #expect(equal.message(for: "slo_target")?.contains("must be stricter than the SLA target") == true)
        #expect(!self.draft(sla: 99.9, slo: 99.5).validate().isEmpty)
    }

    @Test(arguments: [Decimal(0), Decimal(-1), Decimal(100.01)])
    func targetsOutsideZeroToHundredAreRefused(_ target: Decimal) {
        #expect(self.draft(sla: target, slo: 99.99).validate().message(for: "sla_target") != nil)
    }

    @Test func missingTargetsAndWindowNameTheirFields() {
        let errors = self.draft(sla: nil, slo: nil, window: nil).validate()
        #expect(Set(errors.errors.map(\.field)) == ["sla_target", "slo_target", "window"])
    }

    @Test func rollingWindowsAreOneToThreeHundredSixtySixDays() {
        #expect(self.draft(sla: 99, slo: 99.5, window: .rollingDays(28)).validate().isEmpty)
        #expect(self.draft(sla: 99, slo: 99.5, window: .rollingDays(0)).validate().message(for: "window_days") != nil)
        #expect(self.draft(sla: 99, slo: 99.5, window: .rollingDays(367)).validate().message(for: "window_days") != nil)
    }

    @Test func ticketObjectivesNeedDistinctPositiveGoalsPerPriority() {
        #expect(self.draft(sla: 95, slo: 97, kind: .ticketResolution).validate().message(for: "priority_goals") != nil)
        let duplicate = self.draft(
            sla: 95, slo: 97, kind: .ticketResponse, goals: [.init(priority: "P1", goalMinutes: 30), .init(priority: "p1", goalMinutes: 60)])
        #expect(duplicate.validate().message(for: "priority_goals")?.contains("more than one goal") == true)
        let zero = self.draft(sla: 95, slo: 97, kind: .ticketResponse, goals: [.init(priority: "P1", goalMinutes: 0)])
        #expect(zero.validate().message(for: "priority_goals") != nil)
        let ratioWithGoals = self.draft(sla: 95, slo: 97, goals: [.init(priority: "P1", goalMinutes: 30)])
        #expect(ratioWithGoals.validate().message(for: "priority_goals") != nil)
    }
}

@Suite("Credit schedules")
struct CreditScheduleTests {
    static let cloud = CreditSchedule(
        tiers: [CreditTier(threshold: 99.99, percent: 10), CreditTier(threshold: 99.0, percent: 30), CreditTier(threshold: 95.0, percent: 100)],
        capPercent: 100, probationFactor: 1)

    @Test(arguments: [
        (Decimal(string: "99.995")!, Decimal(0)), (Decimal(string: "99.99")!, Decimal(0)), (Decimal(string: "99.5")!, Decimal(10)),
        (Decimal(string: "99.0")!, Decimal(10)), (Decimal(string: "98.9")!, Decimal(30)), (Decimal(string: "95.0")!, Decimal(30)),
        (Decimal(string: "94.99")!, Decimal(100)),
    ])
    func theLowestTierReachedApplies(attainment: Decimal, percent: Decimal) {
        #expect(Self.cloud.creditPercent(forAttainment: attainment, onProbation: false) == percent)
    }

    @Test func theCapThenTheProbationFactorApply() {
        let schedule = CreditSchedule(tiers: Self.cloud.tiers, capPercent: 50, probationFactor: 0.5)
        #expect(schedule.creditPercent(forAttainment: 90, onProbation: false) == 50)
        #expect(schedule.creditPercent(forAttainment: 90, onProbation: true) == 25)
        #expect(schedule.creditPercent(forAttainment: 99.5, onProbation: true) == 5)
    }

    @Test func invalidSchedulesNameTheProblem() {
        let schedule = CreditSchedule(
            tiers: [CreditTier(threshold: 99, percent: 10), CreditTier(threshold: 99, percent: 120)], capPercent: 101, probationFactor: 2)
        let errors = schedule.validate()
        #expect(errors.errors.contains { $0.message.contains("appears twice") })
        #expect(errors.errors.contains { $0.message.contains("between 0 and 100 % of the fee") })
        #expect(errors.message(for: "credit_cap_percent") != nil)
        #expect(errors.message(for: "probation_factor") != nil)
    }
}

import Foundation
import Testing

@testable import AccordDomain

/// The governance rules that need no storage: business-day due dates, RACI findings, the RCA and action flows,
/// signatures that an edit voids, root-cause statements and responsibility shares.
@Suite("Governance rules")
struct GovernanceRulesTests {
    static let berlin = BusinessCalendar(
        id: 1, name: "Berlin", timeZone: "Europe/Berlin",
        weeklyHours: (1...5).map { WeeklyHours(weekday: $0, opens: ClockTime("09:00")!, closes: ClockTime("17:00")!) },
        holidays: [
            Holiday(date: LocalDate("2026-12-24")!, name: "Christmas Eve", closedFrom: ClockTime("13:00"), closedUntil: ClockTime("24:00")),
            Holiday(date: LocalDate("2026-12-25")!, name: "Christmas"), Holiday(date: LocalDate("2026-12-28")!, name: "Closed"),
        ], rowVersion: 1, updatedAt: Date())

    /// Property: day arithmetic agrees with Foundation's calendar from 1970 to 2200.
    @Test func localDatesAddDaysAndKnowTheirWeekday() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var state: UInt64 = 11
        for _ in 0..<2000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let start = Date(timeIntervalSince1970: Double((state >> 20) % 7_200_000_000))
            let offset = Int((state >> 8) % 4000) - 2000
            let day = LocalDate.of(start, in: calendar.timeZone)
            let expected = LocalDate.of(calendar.date(byAdding: .day, value: offset, to: start)!, in: calendar.timeZone)
            #expect(day.adding(days: offset) == expected)
            #expect(day.isoWeekday == (calendar.component(.weekday, from: start) + 5) % 7 + 1)
        }
        #expect(LocalDate("2026-12-02")!.isoWeekday == 3)
    }

    @Test func dueDatesSkipWeekendsAndHolidays() {
        // opened Monday 21 Dec: five business days are 22, 23, 24 (open in the morning), 29, 30 December
        #expect(BusinessDays.adding(5, after: LocalDate("2026-12-21")!, calendar: Self.berlin) == LocalDate("2026-12-30"))
        #expect(!BusinessDays.isBusinessDay(LocalDate("2026-12-25")!, calendar: Self.berlin))
        #expect(BusinessDays.isBusinessDay(LocalDate("2026-12-24")!, calendar: Self.berlin))
        // without a calendar: Monday to Friday; opened Friday → due the next Friday
        #expect(BusinessDays.adding(5, after: LocalDate("2026-12-04")!, calendar: nil) == LocalDate("2026-12-11"))
        #expect(BusinessDays.adding(0, after: LocalDate("2026-12-05")!, calendar: nil) == LocalDate("2026-12-05"))
        // a calendar open on no day, or an absurd count, has no due date rather than a loop
        let never = BusinessCalendar(id: 2, name: "Never", timeZone: "UTC", weeklyHours: [], holidays: [], rowVersion: 1, updatedAt: Date())
        #expect(BusinessDays.adding(5, after: LocalDate("2026-12-04")!, calendar: never) == nil)
        #expect(BusinessDays.adding(100_000, after: LocalDate("2026-12-04")!, calendar: nil) == nil)
        // two part-day closures that together cover the day close it; a calendar open one day a week reaches far
        var split = Self.berlin
        split.holidays = [
            Holiday(date: LocalDate("2026-12-22")!, name: "Morning", closedFrom: ClockTime("08:00"), closedUntil: ClockTime("12:00")),
            Holiday(date: LocalDate("2026-12-22")!, name: "Afternoon", closedFrom: ClockTime("12:00"), closedUntil: ClockTime("17:00")),
        ]
        #expect(!BusinessDays.isBusinessDay(LocalDate("2026-12-22")!, calendar: split))
        #expect(BusinessDays.isBusinessDay(LocalDate("2026-12-23")!, calendar: split))
        let mondays = BusinessCalendar(
            id: 3, name: "Mondays", timeZone: "UTC", weeklyHours: [WeeklyHours(weekday: 1, opens: ClockTime("09:00")!, closes: ClockTime("10:00")!)],
            holidays: [], rowVersion: 1, updatedAt: Date())
        #expect(BusinessDays.adding(200, after: LocalDate("2026-12-04")!, calendar: mondays) != nil)
        #expect(LocalDate("2026-12-04")!.adding(days: Int.min) == nil)
    }

    static let carla = RACIParty(kind: .person, id: 1, name: "Carla Contract")
    static let ari = RACIParty(kind: .person, id: 2, name: "Ari Analyst")
    static let nora = RACIParty(kind: .vendorContact, id: 7, name: "Nora Quist")

    @Test func aRACIMatrixNamesEveryBrokenRule() {
        var assignments = GovernanceActivity.allCases.flatMap {
            [RACIAssignment(activity: $0, party: Self.carla, letter: .accountable), RACIAssignment(activity: $0, party: Self.ari, letter: .responsible)]
        }
        #expect(RACIMatrix(assignments).findings().isEmpty)
        // renegotiation decided by someone who may manage contracts (Carla, A): fine; by no one who may: a warning
        #expect(RACIMatrix(assignments).findings(mayDecide: [Self.carla.id]).isEmpty)
        let undecided = RACIMatrix(assignments).findings(mayDecide: [])
        #expect(undecided.map(\.activity) == [.renegotiation] && undecided.first?.severity == .warning)
        #expect(undecided.first?.message.contains("Ari Analyst, Carla Contract may not manage contracts") == true, "\(undecided)")
        // two A on the data feed, none on credit approval, two letters for one party on renewal, no R on disputes
        assignments.append(RACIAssignment(activity: .dataFeed, party: Self.nora, letter: .accountable))
        assignments.removeAll { $0.activity == .creditApproval && $0.letter == .accountable }
        assignments.append(RACIAssignment(activity: .renewalDecision, party: Self.ari, letter: .informed))
        assignments.removeAll { $0.activity == .disputeDecision && $0.letter == .responsible }
        let matrix = RACIMatrix(assignments)
        let findings = matrix.findings()
        #expect(findings.map(\.message).contains("Data feed has 2 accountable (A): Carla Contract, Nora Quist; keep exactly one."))
        #expect(findings.map(\.message).contains("Credit approval has no one accountable (A): give it exactly one."))
        #expect(findings.map(\.message).contains("Ari Analyst holds R and I on Renewal decision: one letter per party."))
        #expect(findings.contains { $0.severity == .warning && $0.activity == .disputeDecision })
        #expect(matrix.errors.count == 3)
        #expect(RACIMatrix(assignments + [assignments[0]]).findings() == findings)
        // RACI routes work: those responsible act, or the accountable when no one is
        #expect(matrix.actors(for: .disputeDecision) == [Self.carla])
        #expect(matrix.actors(for: .renewalDecision) == [Self.ari])
        #expect(Set(matrix.recipients(for: .dataFeed)) == [Self.carla, Self.ari, Self.nora])
    }

    @Test(arguments: RCAState.allCases)
    func everyRCAStepIsAllowedOnlyWhereTheFlowSaysSo(state: RCAState) {
        let signed = RCASignatures(parties: [Self.carla, Self.nora], contentHash: "h1", signed: [Self.carla: "h1", Self.nora: "h1"])
        let steps: [RCAStep] = [.start, .submit, .accept, .giveBack(comment: "Add the timeline of the failover."), .close]
        let allowed: [RCAState: [String: RCAState]] = [
            .requested: ["start": .inProgress], .inProgress: ["submit": .submitted], .submitted: ["accept": .accepted, "return": .returned],
            .returned: ["start": .inProgress], .accepted: ["close": .closed], .closed: [:],
        ]
        for step in steps {
            let expected = allowed[state]?[step.name]
            let result = try? RCARules.apply(step, to: state, byCustomer: true, signatures: signed)
            #expect(result == expected, "\(step.name) from \(state.rawValue)")
        }
    }

    @Test func submittingNeedsEverySignatureOnTheCurrentVersion() throws {
        var signatures = RCASignatures(parties: [Self.carla, Self.nora], contentHash: "v1")
        try signatures.sign(Self.carla)
        #expect(throws: RuleViolation.self) { try RCARules.apply(.submit, to: .inProgress, byCustomer: false, signatures: signatures) }
        try signatures.sign(Self.nora)
        #expect(try RCARules.apply(.submit, to: .inProgress, byCustomer: false, signatures: signatures) == .submitted)
        // an edit voids both signatures
        signatures.contentChanged(to: "v2")
        #expect(signatures.valid.isEmpty && signatures.missing == [Self.carla, Self.nora])
        #expect(throws: RuleViolation.self) { try RCARules.apply(.submit, to: .inProgress, byCustomer: false, signatures: signatures) }
        #expect(throws: RuleViolation.self) { try signatures.sign(Self.ari) }
        // only the customer accepts or returns, and a return needs a comment
        let complete = RCASignatures(parties: [Self.carla], contentHash: "v", signed: [Self.carla: "v"])
        #expect(throws: RuleViolation.self) { try RCARules.apply(.accept, to: .submitted, byCustomer: false, signatures: complete) }
        #expect(throws: ValidationErrors.self) { try RCARules.apply(.giveBack(comment: "  "), to: .submitted, byCustomer: true, signatures: complete) }
    }

    @Test func humanErrorAloneIsNotARootCause() {
        for statement in ["Human error", "human error.", "  Operator   error! ", "human-error", "human_error", ""] {
            var errors = ValidationErrors()
            RCARules.checkRootCause(statement, into: &errors)
            #expect(errors.message(for: "root_cause") != nil, "\(statement)")
        }
        var fine = ValidationErrors()
        RCARules.checkRootCause("A human error went unnoticed because the deploy pipeline had no canary stage.", into: &fine)
        #expect(fine.errors.isEmpty)
    }

    @Test func sharesTotalOneHundred() {
        var errors = ValidationErrors()
        RCARules.checkShares(["Northwind": 60, "Globex": 30], into: &errors)
        #expect(errors.message(for: "shares") == "Responsibility shares total 90 %: they must total 100 %.")
        var fine = ValidationErrors()
        RCARules.checkShares(["Northwind": Decimal(string: "66.5")!, "Globex": Decimal(string: "33.5")!], into: &fine)
        RCARules.checkShares([:], into: &fine)
        #expect(fine.errors.isEmpty)
        var negative = ValidationErrors()
        RCARules.checkShares(["Northwind": 110, "Globex": -10], into: &negative)
        #expect(negative.errors.count == 2)
    }

    @Test func actionsCloseWithEvidenceAndTheCustomerVerifies() throws {
        #expect(try ActionRules.apply(.start, to: .open, byCustomer: false) == .inProgress)
        #expect(throws: ValidationErrors.self) { try ActionRules.apply(.finish(evidence: " "), to: .inProgress, byCustomer: false) }
        #expect(try ActionRules.apply(.finish(evidence: "CHG-2041 merged"), to: .inProgress, byCustomer: false) == .done)
        #expect(throws: RuleViolation.self) { try ActionRules.apply(.verify, to: .done, byCustomer: false) }
        #expect(try ActionRules.apply(.verify, to: .done, byCustomer: true) == .verified)
        #expect(try ActionRules.apply(.reopen(reason: "Breached again in March"), to: .verified, byCustomer: true) == .open)
        #expect(throws: RuleViolation.self) { try ActionRules.apply(.cancel(reason: "No longer needed"), to: .done, byCustomer: true) }
        #expect(try ActionRules.apply(.cancel(reason: "Superseded by A-12"), to: .open, byCustomer: false) == .cancelled)
        #expect(ActionRules.isOverdue(state: .inProgress, due: LocalDate("2026-12-01")!, today: LocalDate("2026-12-02")!))
        #expect(!ActionRules.isOverdue(state: .done, due: LocalDate("2026-12-01")!, today: LocalDate("2026-12-02")!))
    }

    @Test func aMatrixNamesOnlyTheAgreementsPartiesAndNotTooMany() {
        let carla = RACIParty(kind: .person, id: 1, name: "Carla")
        let stranger = RACIParty(kind: .person, id: 9, name: "Stranger")
        let good = [RACIAssignment(activity: .renegotiation, party: carla, letter: .responsible)]
        #expect(RACIMatrix.check(good, candidates: [carla]).isEmpty)
        let bad = good + [RACIAssignment(activity: .renegotiation, party: stranger, letter: .accountable)]
        #expect(RACIMatrix.check(bad, candidates: [carla]).message(for: "assignments")?.hasPrefix("Row 2: person 9 is not a party") == true)
        let many = Array(repeating: good[0], count: GovernanceActivity.allCases.count * 4 * 50 + 1)
        #expect(RACIMatrix.check(many, candidates: [carla]).message(for: "assignments") == "Too many assignments.")
    }
}


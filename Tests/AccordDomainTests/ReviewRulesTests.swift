import AccordDomain
import Foundation
import Testing

/// The rules of review series, minutes and renegotiation proposals, and the what-if replay, checked by hand.
@Suite("Review series, minutes, proposals and what-if replay")
struct ReviewRulesTests {
    static func d(_ text: String) -> Decimal { Decimal(string: text)! }

    static func counts(_ good: Int64, _ valid: Int64) -> EventCounts { EventCounts(good: Fraction(good), valid: Fraction(valid)) }

    static let objective = Objective(
        id: 7, versionID: 3, seriesID: 7, name: "Availability", sliKind: .ratio, slaTarget: d("99.9"), sloTarget: d("99.95"), window: .calendarMonth,
        calendarID: nil, calendarName: nil, priorityGoals: [], exclusionKinds: [],
        credits: CreditSchedule(tiers: [CreditTier(threshold: d("99.9"), percent: 10), CreditTier(threshold: 99, percent: 25)], capPercent: 30, probationFactor: d("0.5")),
        rowVersion: 1, updatedAt: Date(timeIntervalSince1970: 0))

    @Test func aSeriesNeedsATierRuleTimeAndLengthThatFitTogether() {
        var draft = ReviewSeriesDraft(
            title: "Monthly", tier: .tactical, scope: .agreement(1), recurrence: .monthly(ordinal: 1, weekday: 3), timeZone: "Europe/Berlin",
            startTime: ClockTime("10:00"), durationMinutes: 60, startsOn: LocalDate("2026-12-01"))
        #expect(draft.validate().isEmpty)
        #expect(draft.effectivePreReadDays == 2)
        draft.recurrence = .weekly(weekday: 2, everyWeeks: 1)
        #expect(draft.validate().errors.map(\.field) == ["recurrence"])
        draft.tier = .operational
        draft.durationMinutes = 481
        draft.timeZone = "Mars/Olympus"
        draft.preReadDays = 31
        #expect(Set(draft.validate().errors.map(\.field)) == ["duration_minutes", "time_zone", "pre_read_days"])
        #expect(ReviewSeriesDraft().validate().errors.count == 7)
    }

    @Test func anActionItemNeedsAnOwnerAndADueDateFromTheMeetingOn() {
        let day = LocalDate("2026-12-02")!
        #expect(MinutesRules.check(ReviewItemDraft(kind: .action, text: "Fix it", ownerName: "Ann", dueOn: LocalDate("2026-12-09")), meetingDay: day).isEmpty)
        #expect(MinutesRules.check(ReviewItemDraft(kind: .action, text: "Fix it"), meetingDay: day).errors.map(\.field) == ["owner_name", "due_on"])
        #expect(
            MinutesRules.check(ReviewItemDraft(kind: .action, text: "Fix it", ownerName: "Ann", dueOn: LocalDate("2026-12-01")), meetingDay: day).errors
                .map(\.field) == ["due_on"])
        #expect(MinutesRules.check(ReviewItemDraft(kind: .decision, text: "Agreed"), meetingDay: day).errors.map(\.field) == ["decided_by"])
        #expect(MinutesRules.check(ReviewItemDraft(kind: .question, text: " "), meetingDay: day).errors.map(\.field) == ["text"])
        #expect(MinutesRules.check(ReviewItemDraft(kind: nil, text: "x"), meetingDay: day).errors.map(\.field) == ["kind"])
    }

    @Test func minutesLockAfterThreeBusinessDaysAndTheirHashIgnoresLaterStatus() {
        // opened on Friday 4 December 2026: Monday, Tuesday, Wednesday; locked from Thursday
        let until = MinutesRules.commentUntil(opened: LocalDate("2026-12-04")!, calendar: nil)
        #expect(until == LocalDate("2026-12-09"))
        #expect(!MinutesRules.shouldLock(commentUntil: until, today: LocalDate("2026-12-09")!))
        #expect(MinutesRules.shouldLock(commentUntil: until, today: LocalDate("2026-12-10")!))
        let meeting = ReviewMeeting(
            id: 1, seriesID: 1, day: LocalDate("2026-12-02")!, startsAt: Date(timeIntervalSince1970: 0), endsAt: Date(timeIntervalSince1970: 3600),
            packDueAt: Date(timeIntervalSince1970: 0), status: .planned, adHoc: false, reason: "", sequence: 0, updatedAt: Date(timeIntervalSince1970: 0),
            minutes: .init(attendance: [2], notes: [.init(item: "Opening", text: "Fine")]), rowVersion: 1)
        let attendees = [
            ReviewAttendee(id: 2, userID: 5, contactID: nil, name: "Carla", email: "", vendorID: nil, party: "The customer"),
            ReviewAttendee(id: 3, userID: nil, contactID: 9, name: "Nora", email: "", vendorID: 4, party: "Northwind"),
        ]
        var item = ReviewItem(
            id: 8, meetingID: 1, seriesID: 1, kind: .action, text: "Rehearse failover", partyVendorID: 4, ownerName: "Olli", ownerVendorID: 4,
            ownerParty: "Northwind", dueOn: LocalDate("2026-12-16"), status: .open, decidedBy: "", decidedAt: nil, raisedOn: LocalDate("2026-12-02")!,
            closedOn: nil, rowVersion: 1)
        let text = MinutesRules.canonicalContent(meeting: meeting, attendees: attendees, items: [item])
        #expect(
            text
                == #"{"attendance":[{"id":"2","name":"Carla","party":"The customer","present":true},{"id":"3","name":"Nora","party":"Northwind","present":false}],"#
                + #""day":"2026-12-02","format":"accord-minutes/2","items":[{"due_on":"2026-12-16","id":"8","kind":"action","#
                + #""owner_name":"Olli","owner_party":"Northwind","text":"Rehearse failover"}],"meeting_id":"1","notes":[{"item":"Opening","text":"Fine"}]}"#)
        // a newline in a note is not the same minutes as a literal backslash-n
        var escaped = meeting
        escaped.minutes.notes = [.init(item: "Opening", text: "Fine\nmore")]
        var broken = meeting
        broken.minutes.notes = [.init(item: "Opening", text: "Fine\\nmore")]
        #expect(
            MinutesRules.canonicalContent(meeting: escaped, attendees: attendees, items: [item])
                != MinutesRules.canonicalContent(meeting: broken, attendees: attendees, items: [item]))
        item.status = .done
        #expect(MinutesRules.canonicalContent(meeting: meeting, attendees: attendees, items: [item]) == text)
    }

    @Test func aProposalChangesTermsOfObjectivesInForceAfterToday() {
        let today = LocalDate("2026-12-02")!
        let current: [Int64: Objective] = [7: Self.objective]
        let good = ProposalDraft(
            title: "Relax", rationale: "Evidence", effectiveFrom: LocalDate("2027-01-01"), changes: [TermsChange(seriesID: 7, objectiveName: "", slaTarget: Self.d("99.8"))])
        #expect(ProposalRules.check(good, current: current, today: today).isEmpty)
        var bad = good
        bad.effectiveFrom = today
        bad.changes = [TermsChange(seriesID: 7, objectiveName: "", slaTarget: Self.d("99.97")), TermsChange(seriesID: 99, objectiveName: "", slaTarget: 99)]
        bad.replayPeriods = 40
        let errors = ProposalRules.check(bad, current: current, today: today).errors
        #expect(errors.map(\.field) == ["effective_from", "replay_periods", "changes[0].slo_target", "changes[1]"])
        #expect(errors[2].message.contains("stays stricter than the SLA (99.97 %)"))
        #expect(ProposalRules.check(ProposalDraft(title: "", rationale: "", effectiveFrom: nil, changes: []), current: current, today: today).errors.count == 4)
    }

    @Test func theOtherSideAcceptsRejectsOrCountersAndTheProposerWithdraws() throws {
        let proposal = RenegotiationProposal(
            id: 1, agreementID: 2, agreementTitle: "SLA", vendorID: 4, parentID: nil, meetingID: nil, status: .proposed, title: "Relax", rationale: "Why",
            effectiveFrom: LocalDate("2027-01-01")!, changes: [], replayPeriods: 12, proposedByVendorID: 4, customerAcceptedAt: nil, vendorAcceptedAt: nil,
            appliedVersion: nil, reason: "", createdAt: Date(timeIntervalSince1970: 0), rowVersion: 1)
        let customer = ProposalRules.Answerer(side: .customer, userID: 10)
        let vendor = ProposalRules.Answerer(side: .vendor, userID: 20)
        let today = LocalDate("2026-12-07")!
        func answer(_ step: ProposalRules.Step, by answerer: ProposalRules.Answerer, _ proposal: RenegotiationProposal = proposal, expected: Int? = nil) throws
            -> ProposalState
        {
            try ProposalRules.answer(proposal, step, by: answerer, today: today, now: Date(timeIntervalSince1970: 0), rowVersion: expected).next
        }
        #expect(try answer(.accept, by: customer) == .applied)
        #expect(throws: RuleViolation.self) { try answer(.accept, by: vendor) }
        #expect(throws: ValidationErrors.self) { try answer(.reject(" "), by: customer) }
        #expect(throws: ValidationErrors.self) { try answer(.reject(String(repeating: "x", count: 4001)), by: customer) }
        #expect(try answer(.reject("Too loose"), by: customer) == .rejected)
        #expect(throws: RuleViolation.self) { try answer(.withdraw, by: customer) }
        #expect(try answer(.withdraw, by: vendor) == .withdrawn)
        #expect(throws: EditConflict.self) { try answer(.withdraw, by: vendor, expected: 2) }
        try ProposalRules.counter(proposal, by: .customer)
        // terms take effect from a day still ahead
        var late = proposal
        late.effectiveFrom = today
        #expect(throws: RuleViolation.self) { try answer(.accept, by: customer, late) }
        // the RACI's deciders accept and counter for the customer; anyone of the customer may reject
        let named = ProposalRules.Answerer(side: .customer, userID: 10, deciders: [RACIParty(kind: .person, id: 11, name: "Carla")])
        #expect(throws: RuleViolation.self) { try answer(.accept, by: named) }
        #expect(try answer(.reject("No"), by: named) == .rejected)
        #expect(ProposalRules.steps(proposal, for: named) == ProposalRules.Steps(accept: false, reject: true, counter: false, withdraw: false))
        #expect(ProposalRules.steps(proposal, for: customer) == ProposalRules.Steps(accept: true, reject: true, counter: true, withdraw: false))
        #expect(ProposalRules.steps(proposal, for: vendor) == ProposalRules.Steps(accept: false, reject: false, counter: false, withdraw: true))
        var closed = proposal
        closed.status = .applied
        #expect(throws: RuleViolation.self) { try answer(.accept, by: customer, closed) }
        #expect(throws: RuleViolation.self) { try ProposalRules.counter(closed, by: .customer) }
        #expect(ProposalRules.steps(closed, for: customer) == .none)
    }

    /// Four months, fee 3,000 a month, tiers below 99.9: 10 %, below 99: 25 %, cap 30 %; the second month on probation
    /// (factor 0.5). Proposed: SLA 99.5 with one tier below 99.5: 20 %.
    ///
    /// | period | attainment | now | proposed | credit now | credit proposed |
    /// | Sep | 99.95 | met | met | 0 | 0 |
    /// | Oct | 99.6 (probation) | breached | met | 3000 × 10 % × 0.5 = 150 | 0 |
    /// | Nov | 98.5 | breached | breached | 3000 × 25 % = 750 | 3000 × 20 % = 600 |
    /// | Dec | no data | no data | no data | 0 | 0 |
    @Test func theWhatIfJudgesRecordedPeriodsUnderBothTermsExactly() {
        let start = Date(timeIntervalSince1970: 1_788_220_800)
        let periods = [
            WhatIfReplay.Period(start: start, label: "Sep", counts: Self.counts(9995, 10000), periodFee: 3000, onProbation: false),
            WhatIfReplay.Period(start: start, label: "Oct", counts: Self.counts(9960, 10000), periodFee: 3000, onProbation: true),
            WhatIfReplay.Period(start: start, label: "Nov", counts: Self.counts(985, 1000), periodFee: 3000, onProbation: false),
            WhatIfReplay.Period(start: start, label: "Dec", counts: Self.counts(0, 0), periodFee: 3000, onProbation: false),
        ]
        let current = WhatIfReplay.Terms(slaTarget: Self.d("99.9"), sloTarget: Self.d("99.95"), credits: Self.objective.credits)
        let proposed = WhatIfReplay.Terms(
            slaTarget: Self.d("99.5"), sloTarget: Self.d("99.95"),
            credits: CreditSchedule(tiers: [CreditTier(threshold: Self.d("99.5"), percent: 20)], capPercent: 30, probationFactor: Self.d("0.5")))
        let result = WhatIfReplay.run(objectiveName: "Availability", periods: periods, current: current, proposed: proposed, currency: "EUR")
        #expect(result.rows.map(\.currentStatus) == [.met, .breached, .breached, .noData])
        #expect(result.rows.map(\.proposedStatus) == [.met, .met, .breached, .noData])
        #expect(result.rows.map(\.currentCredit) == [0, 150, 750, 0])
        #expect(result.rows.map(\.proposedCredit) == [0, 0, 600, 0])
        #expect(result.currentBreaches == 2 && result.proposedBreaches == 1)
        #expect(result.currentCredits == 900 && result.proposedCredits == 600 && result.creditDifference == -300)
        #expect(result.rows.map(\.attainment) == [Self.d("99.95"), Self.d("99.6"), Self.d("98.5"), nil])
    }

    @Test func aMeetingReadsPlannedUnderWayHeldMinutesOpenOrLockedByTheClock() {
        let start = Date(timeIntervalSince1970: 10_000)
        func meeting(_ status: ReviewMeeting.Status = .planned, opened: Bool = false, locked: Bool = false) -> ReviewMeeting {
            ReviewMeeting(
                id: 1, seriesID: 1, day: LocalDate("2026-12-02")!, startsAt: start, endsAt: start.addingTimeInterval(3600), packDueAt: start, status: status,
                adHoc: false, reason: "", sequence: 0, updatedAt: start,
                minutes: .init(openedAt: opened ? start : nil, lockedAt: locked ? start.addingTimeInterval(7200) : nil), rowVersion: 1)
        }
        #expect(meeting().stateLabel(now: start.addingTimeInterval(-1)) == "planned")
        #expect(meeting().stateLabel(now: start.addingTimeInterval(60)) == "under way")
        #expect(meeting().stateLabel(now: start.addingTimeInterval(3600)) == "held")
        #expect(meeting(opened: true).stateLabel(now: start.addingTimeInterval(4000)) == "minutes open")
        #expect(meeting(opened: true, locked: true).stateLabel(now: start.addingTimeInterval(9000)) == "minutes locked")
        #expect(meeting(.cancelled).stateLabel(now: start.addingTimeInterval(-1)) == "cancelled")
    }
}

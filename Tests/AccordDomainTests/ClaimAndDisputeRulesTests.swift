import AccordDomain
import Foundation
import Testing

@Suite("Claims, disputes, evidence and inbox routing")
struct ClaimAndDisputeRulesTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    static let objectives = [
        ClaimRules.ClaimableObjective(id: 1, name: "Availability", kinds: [.plannedMaintenance, .customerCaused]),
        ClaimRules.ClaimableObjective(id: 2, name: "Latency", kinds: [.customerCaused]),
    ]

    static func draft(
        _ ids: [Int64] = [1], kind: ExclusionKind? = .plannedMaintenance, start: String = "2026-12-10T02:00:00Z", end: String = "2026-12-10T04:00:00Z",
        announced: String? = "2026-12-07T02:00:00Z", statement: String = "Database upgrade"
    ) -> ExclusionClaimDraft {
        ExclusionClaimDraft(
            objectiveIDs: ids, kind: kind, startsAt: RFC3339.parse(start), endsAt: RFC3339.parse(end), announcedAt: announced.flatMap(RFC3339.parse),
            statement: statement, evidence: "")
    }

    static let now = RFC3339.parse("2026-12-08T00:00:00Z")!

    @Test func noticeOfExactlyTheRequiredHoursIsEnoughAndASecondLessIsLate() {
        let terms = GovernanceTerms(noticeHours: 72)
        #expect(ClaimRules.check(Self.draft(), objectives: Self.objectives, terms: terms, zone: Self.utc, now: Self.now).isEmpty)
        let late = ClaimRules.check(
            Self.draft(announced: "2026-12-07T02:00:01Z"), objectives: Self.objectives, terms: terms, zone: Self.utc, now: Self.now)
        #expect(late.message(for: "announced_at")?.contains("Late notice") == true)
        #expect(late.message(for: "announced_at")?.contains("counts as downtime") == true)
        // planned maintenance without an announcement, or announced in the future, is refused
        #expect(ClaimRules.check(Self.draft(announced: nil), objectives: Self.objectives, terms: terms, zone: Self.utc, now: Self.now)
            .message(for: "announced_at") != nil)
        #expect(ClaimRules.check(Self.draft(announced: "2026-12-09T00:00:00Z"), objectives: Self.objectives, terms: terms, zone: Self.utc, now: Self.now)
            .message(for: "announced_at")?.contains("future") == true)
        // other kinds need no notice
        #expect(ClaimRules.check(Self.draft(kind: .customerCaused, announced: nil), objectives: Self.objectives, terms: terms, zone: Self.utc, now: Self.now).isEmpty)
    }

    @Test func aWindowTouchingADenyPeriodInTheAgreementsZoneIsRefused() {
        // 24–26 Dec in Berlin: from 23 Dec 23:00 UTC to 26 Dec 23:00 UTC
        let terms = GovernanceTerms(
            noticeHours: 0, denyPeriods: [DenyPeriod(from: LocalDate("2026-12-24")!, to: LocalDate("2026-12-26")!, label: "Christmas freeze")])
        func check(_ start: String, _ end: String) -> ValidationErrors {
            ClaimRules.check(
                Self.draft(start: start, end: end, announced: "2026-12-01T00:00:00Z"), objectives: Self.objectives, terms: terms, zone: Self.berlin,
                now: Self.now)
        }
        #expect(check("2026-12-23T21:00:00Z", "2026-12-23T23:00:00Z").isEmpty)  // ends as the freeze begins
        #expect(check("2026-12-23T21:00:00Z", "2026-12-23T23:00:01Z").message(for: "starts_at")?.contains("Christmas freeze") == true)
        #expect(check("2026-12-26T22:59:59Z", "2026-12-27T01:00:00Z").message(for: "starts_at") != nil)
        #expect(check("2026-12-26T23:00:00Z", "2026-12-27T01:00:00Z").isEmpty)  // starts as it ends
    }

    @Test func objectivesMustHonourTheKindAndBelongToTheTerms() {
        let terms = GovernanceTerms()
        let refused = ClaimRules.check(
            Self.draft([1, 2], announced: "2026-11-01T00:00:00Z"), objectives: Self.objectives, terms: terms, zone: Self.utc, now: Self.now)
        #expect(refused.message(for: "kind")?.contains("Latency") == true)
        #expect(ClaimRules.check(Self.draft([9]), objectives: Self.objectives, terms: terms, zone: Self.utc, now: Self.now)
            .message(for: "objective_ids")?.contains("9") == true)
        #expect(ClaimRules.check(Self.draft([]), objectives: Self.objectives, terms: terms, zone: Self.utc, now: Self.now).message(for: "objective_ids") != nil)
        #expect(ClaimRules.check(Self.draft(statement: "  "), objectives: Self.objectives, terms: terms, zone: Self.utc, now: Self.now)
            .message(for: "statement") != nil)
        #expect(ClaimRules.check(Self.draft(end: "2026-12-10T02:00:00Z"), objectives: Self.objectives, terms: terms, zone: Self.utc, now: Self.now)
            .message(for: "ends_at") != nil)
    }

    static func decide<S: DecidedStatus>(_ status: S, to next: S, reason: String = "Because", expected: Int? = nil) throws -> Decision<S> {
        try Decision.decide(from: status, to: next, reason: reason, rowVersion: 3, expected: expected, changedBy: "Carla", changedAt: Self.now)
    }

    @Test func everyClaimAndDisputeStepAllowedAndRefused() throws {
        for status in ClaimStatus.allCases {
            for next in ClaimStatus.allCases {
                let result = Result { try Self.decide(status, to: next).status }
                let allowed = status == .pending && next != .pending
                #expect((try? result.get()) == (allowed ? next : nil), "\(status) → \(next)")
            }
        }
        #expect(throws: ValidationErrors.self) { try Self.decide(ClaimStatus.pending, to: .rejected, reason: " ") }
        #expect(try Self.decide(ClaimStatus.pending, to: .approved, reason: " ") == Decision(status: .approved, reason: nil))
        #expect(throws: ValidationErrors.self) { try Self.decide(ClaimStatus.pending, to: .approved, reason: String(repeating: "x", count: 4001)) }
        for status in DisputeStatus.allCases {
            for next in DisputeStatus.allCases {
                let result = Result { try Self.decide(status, to: next).status }
                let allowed = status == .open && next != .open
                #expect((try? result.get()) == (allowed ? next : nil), "\(status) → \(next)")
            }
        }
        #expect(throws: ValidationErrors.self) { try Self.decide(DisputeStatus.open, to: .upheld, reason: "") }
        #expect(try Self.decide(DisputeStatus.open, to: .withdrawn, reason: "") == Decision(status: .withdrawn, reason: nil))
        // a decision on a row changed since it was read is a conflict, whatever the decision
        #expect(throws: EditConflict.self) { try Self.decide(DisputeStatus.open, to: .rejected, expected: 2) }
        #expect(try Self.decide(DisputeStatus.open, to: .rejected, expected: 3).reason == "Because")
        #expect(throws: RuleViolation.self) { try DisputeRules.checkRemedy(status: .open) }
        try DisputeRules.checkRemedy(status: .upheld)
    }

    @Test func aDecisionAnnouncesItselfUnlessWithdrawn() throws {
        let announcement = Announcement(
            event: .claimDecided, subjectKind: "claim", subjectID: 7, title: "Claim 7 approved", link: "/claims/7", agreementID: 1, vendorID: 2)
        let approved = try Self.decide(ClaimStatus.pending, to: .approved).effects(subject: .claim, id: 7, announcing: announcement)
        #expect(approved.count == 2)
        guard case .history(.claim, 7, "approved", "Because") = approved[0], case .announce(let sent) = approved[1] else {
            Issue.record("unexpected effects \(approved)")
            return
        }
        #expect(sent.title == "Claim 7 approved")
        let withdrawn = try Self.decide(ClaimStatus.pending, to: .withdrawn).effects(subject: .claim, id: 7, announcing: announcement)
        #expect(withdrawn.count == 1)
    }

    @Test func aDisputeIsTakenUntilTheWindowClosesAndACreditOnlyWhileNotIssued() {
        let terms = GovernanceTerms(disputeWindowDays: 30)
        let end = RFC3339.parse("2026-11-01T00:00:00Z")!
        let draft = DisputeDraft(objectiveID: 1, periodStart: RFC3339.parse("2026-10-01T00:00:00Z"), subject: .credit, statement: "Wrong", evidence: "")
        let last = end.addingTimeInterval(30 * 86_400 - 1)
        #expect(DisputeRules.check(draft, periodEnd: end, hasCredit: true, creditStatus: .computed, terms: terms, zone: Self.utc, now: last).isEmpty)
        #expect(DisputeRules.check(draft, periodEnd: end, hasCredit: true, creditStatus: .computed, terms: terms, zone: Self.utc, now: last.addingTimeInterval(1))
            .message(for: "period_start")?.contains("30 days") == true)
        #expect(DisputeRules.check(draft, periodEnd: end, hasCredit: false, creditStatus: nil, terms: terms, zone: Self.utc, now: last).message(for: "subject") != nil)
        #expect(DisputeRules.check(draft, periodEnd: end, hasCredit: true, creditStatus: .issued, terms: terms, zone: Self.utc, now: last).message(for: "subject") != nil)
        #expect(DisputeRules.check(draft, periodEnd: nil, hasCredit: false, creditStatus: nil, terms: terms, zone: Self.utc, now: last).message(for: "period_start") != nil)
    }

    @Test func evidenceIsCheckedBySizeTypeContentAndName() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]
        #expect(try EvidenceRules.check(EvidenceUpload(fileName: "graph.PNG", declaredType: "image/png", bytes: png), existing: 0).kind == .png)
        let xss = try EvidenceRules.check(EvidenceUpload(fileName: "C:\\temp\\<img src=x onerror=alert(1)>.txt", declaredType: nil, bytes: Array("x".utf8)), existing: 0)
        #expect(xss.name == "<img src=x onerror=alert(1)>.txt")  // folders dropped, the rest kept as typed; pages escape it
        func refusal(_ upload: EvidenceUpload, existing: Int = 0) -> String? {
            do {
                _ = try EvidenceRules.check(upload, existing: existing)
                return nil
            } catch let errors as ValidationErrors {
                return errors.message(for: "file")
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal(EvidenceUpload(fileName: "big.pdf", declaredType: nil, bytes: Array("%PDF-".utf8) + [UInt8](repeating: 0, count: 5 * 1024 * 1024)))?
            .contains("at most 5 MiB") == true)
        #expect(refusal(EvidenceUpload(fileName: "tool.exe", declaredType: nil, bytes: [0x4D, 0x5A]))?.contains("not an accepted type") == true)
        #expect(refusal(EvidenceUpload(fileName: "fake.png", declaredType: "image/png", bytes: Array("<html>".utf8)))?.contains("does not contain") == true)
        #expect(refusal(EvidenceUpload(fileName: "page.html", declaredType: "text/html", bytes: Array("<html>".utf8))) != nil)
        #expect(refusal(EvidenceUpload(fileName: "empty.txt", declaredType: nil, bytes: [])) != nil)
        #expect(refusal(EvidenceUpload(fileName: "bell\u{07}.txt", declaredType: nil, bytes: [65])) != nil)
        #expect(refusal(EvidenceUpload(fileName: "one.txt", declaredType: nil, bytes: [65]), existing: 20)?.contains("At most 20") == true)
    }

    @Test func inboxRoutingFollowsTheRACIKeepsVendorsApartAndSkipsTheActor() {
        let carla = RACIParty(kind: .person, id: 10, name: "Carla")
        let dan = RACIParty(kind: .person, id: 11, name: "Dan")
        let olli = RACIParty(kind: .vendorUser, id: 20, name: "Olli")
        let bea = RACIParty(kind: .vendorUser, id: 30, name: "Bea")  // another vendor's user, named by mistake
        let contact = RACIParty(kind: .vendorContact, id: 5, name: "Ann")
        let matrix = RACIMatrix([
            RACIAssignment(activity: .exclusionApproval, party: carla, letter: .accountable),
            RACIAssignment(activity: .exclusionApproval, party: dan, letter: .informed),
            RACIAssignment(activity: .exclusionApproval, party: olli, letter: .consulted),
            RACIAssignment(activity: .exclusionApproval, party: bea, letter: .informed),
            RACIAssignment(activity: .exclusionApproval, party: contact, letter: .informed),
        ])
        // a claim filed: the customer's A acts (no R), D is informed; the vendor side hears nothing
        let filed = InboxRouting.recipients(of: .claimFiled, matrix: matrix, customerUsers: [10, 11, 12], vendorUsers: [20, 21], actorUserID: 20)
        #expect(filed == [.init(userID: 10, toAct: true), .init(userID: 11, toAct: false)])
        // decided by Carla: the vendor's named user hears of it, never the other vendor's; Carla is not told of her own act
        let decided = InboxRouting.recipients(of: .claimDecided, matrix: matrix, customerUsers: [10, 11, 12], vendorUsers: [20, 21], actorUserID: 10)
        #expect(decided.map(\.userID) == [11, 20])
        // without a RACI: the contract managers and every user of the vendor
        let fallback = InboxRouting.recipients(of: .claimDecided, matrix: RACIMatrix([]), customerUsers: [10, 12], vendorUsers: [20, 21], actorUserID: 10)
        #expect(fallback.map(\.userID) == [12, 20, 21])
    }

    @Test func theDisputeWindowCountsCalendarDaysInTheAgreementsZone() {
        // September in Berlin ends at 22:00 UTC on 30 September (summer time); 30 days later is midnight of 30 October,
        // 23:00 UTC, winter time: 30 days and one hour
        let end = RFC3339.parse("2026-09-30T22:00:00Z")!
        let deadline = DisputeRules.deadline(periodEnd: end, terms: GovernanceTerms(disputeWindowDays: 30), zone: Self.berlin)
        #expect(deadline == RFC3339.parse("2026-10-30T23:00:00Z"))
    }

    @Test func sharesAreExactToTheCentAndNamesMayRepeat() {
        let names: [Int64?: String] = [nil: "The customer", 1: "Same", 2: "Same"]
        func draft(_ shares: [Int64?: Decimal]) -> RCAAnalysisDraft {
            RCAAnalysisDraft(triggerStatement: "", rootCause: "", category: nil, fiveWhys: [], shares: shares)
        }
        #expect(RCARules.check(draft([nil: 0, 1: 50, 2: 50]), partyNames: names).isEmpty)
        #expect(RCARules.check(draft([nil: Decimal(string: "33.335")!, 1: Decimal(string: "33.335")!, 2: Decimal(string: "33.33")!]), partyNames: names)
            .message(for: "shares") != nil)
        // shares of two strangers are refused, not a crash
        #expect(RCARules.check(draft([998: 50, 999: 50]), partyNames: names).message(for: "shares")?.contains("not a party") == true)
    }

    @Test func governanceTermsAreBounded() {
        #expect(GovernanceTerms.standard.validate().isEmpty)
        #expect(GovernanceTerms.standard.noticeHours == 72 && GovernanceTerms.standard.disputeWindowDays == 30 && GovernanceTerms.standard.rcaDueBusinessDays == 5)
        let bad = GovernanceTerms(
            noticeHours: -1, disputeWindowDays: 0, rcaDueBusinessDays: 61, rcaAttainmentFloor: Decimal(string: "99.1234567"), rcaRepeatWithin: 1,
            denyPeriods: [DenyPeriod(from: LocalDate("2026-12-26")!, to: LocalDate("2026-12-24")!, label: "")])
        let errors = bad.validate()
        for field in ["notice_hours", "dispute_window_days", "rca_due_business_days", "rca_attainment_floor", "rca_repeat_within", "deny_periods"] {
            #expect(errors.message(for: field) != nil, "\(field)")
        }
    }
}

import AccordDomain
import Foundation
import Testing

@Suite("Agreement and version rules")
struct AgreementRulesTests {
    static func agreement(status: AgreementStatus = .active, end: LocalDate? = nil) -> Agreement {
        Agreement(
            id: 1, kind: .vendor, title: "Hosting", serviceID: 1, serviceName: "Checkout", vendorID: 1, vendorName: "Alpha", masterID: 2,
            masterTitle: "Checkout", dependencyKind: .serial, parallelGroup: nil, fee: 100, currency: "EUR", feePeriod: .month, timeZone: "UTC",
            startDate: LocalDate("2026-01-01")!, endDate: end, renewalDate: nil, noticeDate: nil, status: status, rowVersion: 1, updatedAt: Date())
    }

    static func version(_ number: Int, from: String, state: VersionState = .active, objectives: Int = 1) -> AgreementVersion {
        AgreementVersion(
            id: Int64(number), agreementID: 1, number: number, effectiveFrom: LocalDate(from)!, state: state, note: "", activatedAt: nil,
            objectiveCount: objectives, rowVersion: 1)
    }

    @Test func aVendorSLANeedsVendorMasterAndDependency() {
        let draft = AgreementDraft(kind: .vendor, title: "Hosting", startDate: LocalDate("2026-01-01"))
        #expect(Set(draft.validate().errors.map(\.field)) == ["vendor_id", "master_id", "dependency_kind"])
        var parallel = AgreementDraft(
            kind: .vendor, title: "CDN", vendorID: 1, masterID: 2, dependencyKind: .parallel, startDate: LocalDate("2026-01-01"))
        #expect(parallel.validate().message(for: "parallel_group") != nil)
        parallel.parallelGroup = "edge"
        #expect(parallel.validate().isEmpty)
    }

    @Test func datesCurrencyAndZoneAreChecked() {
        let draft = AgreementDraft(
            kind: .master, title: "Checkout", serviceID: 1, fee: -1, currency: "eur", timeZone: "Mars/Olympus", startDate: LocalDate("2026-06-01"),
            endDate: LocalDate("2026-05-01"), noticeDate: LocalDate("2026-01-01"))
        let fields = Set(draft.validate().errors.map(\.field))
        #expect(fields == ["fee", "currency", "time_zone", "end_date", "notice_date"])
    }

    @Test func theVersionInForceIsTheLatestActiveOneEffectiveByThatDay() {
        let versions = [Self.version(1, from: "2026-01-01"), Self.version(2, from: "2026-07-01"), Self.version(3, from: "2026-10-01", state: .draft)]
        #expect(VersionRules.version(inForceOn: LocalDate("2026-06-30")!, among: versions)?.number == 1)
        #expect(VersionRules.version(inForceOn: LocalDate("2026-07-01")!, among: versions)?.number == 2)
        #expect(VersionRules.version(inForceOn: LocalDate("2026-12-01")!, among: versions)?.number == 2)
        #expect(VersionRules.version(inForceOn: LocalDate("2025-12-31")!, among: versions) == nil)
    }

    @Test func amendmentsMoveForwardOnActiveAgreementsOneDraftAtATime() {
        let versions = [Self.version(1, from: "2026-01-01")]
        #expect(VersionRules.validateAmendment(effectiveFrom: LocalDate("2026-12-01"), agreement: Self.agreement(), existing: versions).isEmpty)
        #expect(!VersionRules.validateAmendment(effectiveFrom: LocalDate("2026-01-01"), agreement: Self.agreement(), existing: versions).isEmpty)
        #expect(
            !VersionRules.validateAmendment(effectiveFrom: LocalDate("2026-12-01"), agreement: Self.agreement(status: .draft), existing: versions)
                .isEmpty)
        let pending = versions + [Self.version(2, from: "2026-06-01", state: .draft)]
        #expect(
            VersionRules.validateAmendment(effectiveFrom: LocalDate("2026-12-01"), agreement: Self.agreement(), existing: pending).message(
                for: "effective_from")?.contains("still a draft") == true)
        let ending = Self.agreement(end: LocalDate("2026-12-31"))
        #expect(!VersionRules.validateAmendment(effectiveFrom: LocalDate("2027-01-01"), agreement: ending, existing: versions).isEmpty)
    }

    @Test func onlyDraftVersionsWithObjectivesActivate() {
        #expect(VersionRules.validateActivation(of: Self.version(2, from: "2026-06-01", state: .draft)).isEmpty)
        #expect(!VersionRules.validateActivation(of: Self.version(2, from: "2026-06-01", state: .draft, objectives: 0)).isEmpty)
        #expect(!VersionRules.validateActivation(of: Self.version(2, from: "2026-06-01", state: .active)).isEmpty)
    }

    @Test func statusesMoveForwardOnly() {
        #expect(AgreementStatus.draft.allowedTransitions == [.active])
        #expect(AgreementStatus.active.allowedTransitions == [.expired, .terminated])
        #expect(AgreementStatus.terminated.allowedTransitions.isEmpty)
    }
}

import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Versions read as people say them ("in force", "scheduled (from …)", "superseded", "draft"), and an amendment form
/// that proposes a date it accepts, the second time too.
@Suite("Version states and amendment dates")
struct VersionStatesTests {
    @Test func theRulesNameEachVersionAndProposeADateAfterTheLatest() {
        let agreement = Agreement(
            id: 1, kind: .vendor, title: "SLA", serviceID: 1, serviceName: "S", vendorID: 2, vendorName: "V", masterID: 3, masterTitle: "M",
            dependencyKind: .serial, parallelGroup: nil, fee: 0, currency: "EUR", feePeriod: .month, timeZone: "UTC", startDate: LocalDate("2026-01-01")!,
            endDate: LocalDate("2027-03-15"), renewalDate: nil, noticeDate: nil, status: .active, rowVersion: 1, updatedAt: Date(timeIntervalSince1970: 0))
        func version(_ number: Int, _ from: String, _ state: VersionState) -> AgreementVersion {
            AgreementVersion(
                id: Int64(number), agreementID: 1, number: number, effectiveFrom: LocalDate(from)!, state: state, note: "", activatedAt: nil, objectiveCount: 1,
                rowVersion: 1)
        }
        let versions = [version(1, "2026-01-01", .active), version(2, "2026-06-01", .active), version(3, "2027-01-01", .active)]
        let today = LocalDate("2026-12-02")!
        #expect(versions.map { VersionRules.stateLabel($0, on: today, among: versions) } == ["superseded", "in force", "scheduled (from 2027-01-01)"])
        #expect(VersionRules.stateLabel(version(4, "2027-02-01", .draft), on: today, among: versions) == "draft")
        // the first of the month after the latest start, accepted by the amendment rules; none left before the end
        let proposed = VersionRules.proposedEffectiveDate(today: today, agreement: agreement, existing: versions)
        #expect(proposed == LocalDate("2027-02-01"))
        #expect(VersionRules.validateAmendment(effectiveFrom: proposed, agreement: agreement, existing: versions).isEmpty)
        #expect(VersionRules.proposedEffectiveDate(today: today, agreement: agreement, existing: versions + [version(4, "2027-02-01", .active)]) == LocalDate("2027-03-01"))
        #expect(VersionRules.proposedEffectiveDate(today: today, agreement: agreement, existing: versions + [version(4, "2027-03-01", .active)]) == nil)
    }

    @Test func theSecondAmendmentsDefaultIsAccepted() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let session = try await harness.session(for: world.manager)
            let path = "/agreements/\(world.agreementA.id)"
            // two amendments in a row, each with the date the form proposes
            for number in [2, 3] {
                let form = try await harness.get("\(path)/amend", as: session)
                let value = try #require(form.text.range(of: #"name="effective_from" type="date" value="(\d{4}-\d{2}-\d{2})""#, options: .regularExpression))
                let date = String(form.text[value].suffix(11).prefix(10))
                let made = try await harness.post("\(path)/versions", [("effective_from", date), ("note", "Amendment")], as: session)
                #expect(made.status == .seeOther, "amendment \(number) with the proposed \(date): \(made.status)")
                let version = try await harness.repositories.versions.find(agreementID: world.agreementA.id, number: number, scope: .organisation)
                _ = try await harness.repositories.versions.activate(
                    agreementID: world.agreementA.id, number: number, expectedRowVersion: version.rowVersion, scope: .organisation, actor: .system)
            }
            let page = try await harness.get(path, as: session).text
            #expect(page.contains("<td>in force</td>") && page.contains("scheduled (from "))
        }
    }
}

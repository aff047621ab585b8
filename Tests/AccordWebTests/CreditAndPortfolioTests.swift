import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import AccordWeb
import Foundation
import Testing

/// The credit ledger (UI, API and CSV), the portfolio dashboard, the vendor scorecard and a master's composition.
@Suite("Credits and portfolio")
struct CreditAndPortfolioTests {
    /// October below the SLA for both vendor SLAs, closed: one computed credit each.
    static func closeOctober(_ harness: Harness, goodA: Int64 = 998, goodB: Int64 = 990) async throws {
        let start = RFC3339.parse("2026-10-05T00:00:00Z")!
        for (objective, good) in [(harness.world.objectiveA.id, goodA), (harness.world.objectiveB.id, goodB)] {
            _ = try await harness.repositories.measurements.ingest(
                objectiveID: objective, source: "probe",
                buckets: [MeasurementBucket(start: start, end: start.addingTimeInterval(3600), good: good, valid: 1000)], scope: .organisation,
                sender: BatchSender(userID: harness.world.analyst.id, credential: "test"))
        }
        try await harness.repositories.periodRecords.syncSchedule()
        try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-12-15T00:00:00Z")!)
    }

    @Test func aCreditIsApprovedThenIssuedThroughTheAPIAndWaivedThroughThePage() async throws {
        try await Harness.run { harness in
            try await Self.closeOctober(harness)
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            let list = try await harness.api(.get, "/api/v1/credits?vendor_id=\(world.vendorA.id)", token: manager)
            let credit = try #require((list.json["items"] as? [[String: Any]])?.first)
            let id = try #require(credit["id"] as? Int)
            #expect(credit["amount"] as? String == "100.00", "\(list.text)")
            #expect(credit["percent"] as? Double == 10)
            #expect(credit["status"] as? String == "computed")
            // issuing before approving is refused; approving with a stale row_version conflicts
            #expect(
                try await harness.api(.post, "/api/v1/credits/\(id)/issue", token: manager, json: #"{"invoice_reference":"INV-1","row_version":1}"#)
                    .status == .conflict)
            #expect(try await harness.api(.post, "/api/v1/credits/\(id)/approve", token: manager, json: #"{"row_version":7}"#).status == .conflict)
            let approved = try await harness.api(.post, "/api/v1/credits/\(id)/approve", token: manager, json: #"{"row_version":1}"#)
            #expect(approved.json["status"] as? String == "approved")
            let blank = try await harness.api(
                .post, "/api/v1/credits/\(id)/issue", token: manager, json: #"{"invoice_reference":" ","row_version":2}"#)
            #expect(blank.status == .unprocessableContent)
            let issued = try await harness.api(
                .post, "/api/v1/credits/\(id)/issue", token: manager, json: #"{"invoice_reference":"INV-2026-10","row_version":2}"#)
            #expect(issued.json["status"] as? String == "issued")
            #expect(issued.json["invoice_reference"] as? String == "INV-2026-10")
            // a vendor user sees its credit but cannot move it; an analyst cannot either
            let vendor = try await harness.token(for: world.vendorUserA)
            #expect(try await harness.api(.get, "/api/v1/credits/\(id)", token: vendor).status == .ok)
            #expect(
                try await harness.api(.post, "/api/v1/credits/\(id)/waive", token: vendor, json: #"{"waive_reason":"x","row_version":3}"#).status
                    == .forbidden)
            // B's credit is waived in the browser: the reason is required and kept
            let session = try await harness.session(for: world.manager)
            let other = try #require(
                try await harness.repositories.credits.all(filter: .init(vendorID: world.vendorB.id), scope: .organisation).first)
            let page = try await harness.get("/credits/\(other.id)", as: session)
            #expect(page.text.contains("Approve credit") && page.text.contains("Waive credit"))
            let missing = try await harness.post("/credits/\(other.id)/waive", [("waive_reason", ""), ("row_version", "1")], as: session)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains("Say why the credit is waived"))
            let waived = try await harness.post(
                "/credits/\(other.id)/waive", [("waive_reason", "Goodwill after joint RCA"), ("row_version", "1")], as: session)
            #expect(waived.status == .seeOther)
            #expect(try await harness.repositories.credits.find(id: other.id, scope: .organisation).status == .waived)
            let audit = try await harness.database.query(
                "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE entity = 'credit'"
            ).first!.decode(String.self)
            #expect(audit == "approve,issue,waive")
            // the ledger page and its CSV export
            let ledger = try await harness.get("/credits", as: session)
            #expect(ledger.text.contains("EUR 100.00"))
            #expect(ledger.text.contains("Owed (not waived): <strong>EUR 100.00</strong>"))
            let csv = try await harness.get("/credits.csv?status=issued", as: session)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.count == 2)
            #expect(lines[0].hasPrefix("credit_id,vendor,agreement,objective,period_start"))
            #expect(lines[1].contains("Alpha Hosting,Alpha hosting SLA,Availability,2026-10-01T00:00:00Z"))
            #expect(lines[1].contains(",99.8,10,no,10,1000,EUR,100.00,issued,INV-2026-10,"))
            let api = try await harness.api(.get, "/api/v1/credits.csv", token: manager)
            #expect(api.text.split(separator: "\r\n").count == 3)
            #expect(try await harness.api(.get, "/api/v1/credits?status=owed", token: manager).status == .unprocessableContent)
        }
    }

    @Test func theLowestTierReachedIsCappedThenScaledByProbation() async throws {
        try await Harness.run { harness in
            let world = harness.world
            // vendor A on probation through 2026 with a factor of 0.5 on a new version's objective
            _ = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).editVendor(
                id: world.vendorA.id, VendorDraft(name: world.vendorA.name, probationUntil: LocalDate("2026-12-31")),
                expectedRowVersion: world.vendorA.rowVersion, scope: .organisation, actor: .system)
            let v2 = try await harness.repositories.versions.amend(
                agreementID: world.agreementA.id, effectiveFrom: LocalDate("2026-10-01"), note: "Probation terms", scope: .organisation,
                actor: .system)
            let copy = try #require(try await harness.repositories.objectives.list(versionID: v2.id, scope: .organisation).first)
            var draft = copy.draft
            draft.credits = CreditSchedule(
                tiers: [CreditTier(threshold: Decimal(string: "99.9")!, percent: 10), CreditTier(threshold: 99, percent: 25)], capPercent: 30,
                probationFactor: Decimal(string: "0.5")!)
            _ = try await harness.repositories.objectives.update(
                id: copy.id, draft, expectedRowVersion: copy.rowVersion, scope: .organisation, actor: .system)
            _ = try await harness.repositories.versions.activate(
                agreementID: world.agreementA.id, number: 2, expectedRowVersion: v2.rowVersion, scope: .organisation, actor: .system)
            // October at 98 %: the 25 % tier (under the 30 % cap), × 0.5 while on probation = 12.5 % of the 1000 EUR fee
            try await Self.closeOctober(harness, goodA: 980)
            let credit = try #require(
                try await harness.repositories.credits.all(filter: .init(vendorID: world.vendorA.id), scope: .organisation).first)
            #expect(credit.tierPercent == 25)
            #expect(credit.onProbation)
            #expect(credit.percent == Decimal(string: "12.5"))
            #expect(credit.amount == 125)
        }
    }

    @Test func theDashboardScorecardAndCompositionShowTheFigures() async throws {
        try await Harness.run { harness in
            try await Self.closeOctober(harness)
            let world = harness.world
            let session = try await harness.session(for: world.manager)
            let dashboard = try await harness.get("/dashboard", as: session)
            #expect(dashboard.status == .ok)
            #expect(dashboard.text.contains("4 objectives in force"))
            #expect(dashboard.text.contains("Alpha hosting SLA") && dashboard.text.contains("Beta payroll SLA"))
            #expect(dashboard.text.contains("class=\"spark\""))
            // October's recorded 99.8 appears in the sparkline's text alternative
            #expect(dashboard.text.contains("99.80"))
            let scorecard = try await harness.get("/vendors/\(world.vendorA.id)/scorecard", as: session)
            #expect(scorecard.text.contains("SLA met in 0 of 1 periods with data"))
            #expect(scorecard.text.contains("Computed: 1 (EUR 100.00)"))
            #expect(scorecard.text.contains("<dt>Breaches (last 12 months)</dt><dd>1</dd>"))
            let composition = try await harness.get("/agreements/\(world.masterA.id)/composition", as: session)
            #expect(composition.status == .ok)
            // one serial vendor SLA at 99.9 % cannot carry... exactly a master at 99.9 %: covered
            #expect(composition.text.contains("SLA targets compose to 99.9000 %, at least the master"))
            #expect(composition.text.contains("Alpha hosting SLA"))
            // the dashboard is cached per scope, but an acknowledged ingest shows at once
            let now = harness.clock.now
            let minute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60 - 120)
            let token = try await harness.token(for: world.analyst)
            let before = try await harness.get("/dashboard", as: session).text
            #expect(before.contains("no data"))
            let pushed = try await harness.api(
                .post, "/api/v1/objectives/\(world.objectiveA.id)/measurements", token: token,
                json:
                    #"{"source":"live","buckets":[{"start":"\#(RFC3339.format(minute))","end":"\#(RFC3339.format(minute.addingTimeInterval(60)))","good":7,"valid":8}]}"#
            )
            #expect(pushed.status == .created)
            let after = try await harness.get("/dashboard", as: session).text
            #expect(after.contains("87.500 %"))
            // a vendor SLA has no composition page
            #expect(try await harness.get("/agreements/\(world.agreementA.id)/composition", as: session).status == .conflict)
        }
    }
}

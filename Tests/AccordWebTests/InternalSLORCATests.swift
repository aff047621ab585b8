import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// A breach of the customer's internal SLO alone is the customer's: an RCA of it is not a joint RCA with the vendor
/// unless the customer shares it, and then the vendor reads it against its SLA, without the SLO or the error budget.
@Suite("RCAs of the internal SLO")
struct InternalSLORCATests {
    @Test func anRCAOfABreachOfTheInternalSLOAloneIsTheCustomersUnlessItIsShared() async throws {
        try await Harness.run(now: RFC3339.parse("2026-12-15T00:00:00Z")) { harness in
            // setup: October of vendor A's SLA at 99.9 % (SLA met, its SLO of 99.95 % missed), and of a second SLA of A at
            // 99.3 % (its SLA of 99 % met, its SLO of 99.5 % missed)
            let world = harness.world
            let edge = try await harness.ratioObjective(
                title: "Alpha edge SLA", sla: 99, slo: Decimal(string: "99.5")!, tiers: [CreditTier(threshold: 99, percent: 10)])
            let start = try #require(RFC3339.parse("2026-10-05T00:00:00Z"))
            _ = try await harness.repositories.measurements.ingest(
                objectiveID: edge.id, source: "probe",
                buckets: [MeasurementBucket(start: start, end: start.addingTimeInterval(3600), good: 993, valid: 1000)], scope: .organisation,
                sender: BatchSender(userID: world.analyst.id, credential: "test"))
            try await CreditAndPortfolioTests.closeOctober(harness, goodA: 999)
            let kept = try #require(try await harness.repositories.periodRecords.breaches(seriesID: world.objectiveA.seriesID).first)
            let edgeBreach = try #require(try await harness.repositories.periodRecords.breaches(seriesID: edge.seriesID).first)
            #expect(kept.severity == "slo" && edgeBreach.severity == "slo")
            let manager = try await harness.token(for: world.manager)
            let alpha = try await harness.token(for: world.vendorUserA)
            let alphaSession = try await harness.session(for: world.vendorUserA)
            #expect(try await harness.get("/rcas/new", as: try await harness.session(for: world.manager)).text.contains("name=\"share_with_vendors\""))

            // MUT: the customer opens one RCA as it is and shares the other with the vendor
            let ours = try await harness.api(.post, "/api/v1/rcas", token: manager, json: #"{"breach_ids":[\#(kept.id)]}"#)
            #expect(ours.status == .created, "\(ours.text)")
            let oursID = try #require(ours.json["id"] as? Int)
            let shared = try await harness.api(
                .post, "/api/v1/rcas", token: manager, json: #"{"breach_ids":[\#(edgeBreach.id)],"share_with_vendors":true}"#)
            #expect(shared.status == .created, "\(shared.text)")
            let sharedID = try #require(shared.json["id"] as? Int)

            // validation: the first is the customer's alone; the vendor neither reads it nor hears of it
            #expect((ours.json["parties"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["The customer"])
            #expect(ours.json["shared_with_vendors"] as? Bool == false)
            #expect((ours.json["title"] as? String)?.contains("SLO breach") == true)
            #expect(try await harness.api(.get, "/api/v1/rcas/\(oursID)", token: alpha).status == .notFound)
            #expect(try await harness.get("/rcas/\(oursID)/export.md", as: alphaSession).status == .notFound)
            let listed = try await harness.api(.get, "/api/v1/rcas", token: alpha)
            #expect((listed.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [sharedID], "\(listed.text)")
            let inbox = try await harness.api(.get, "/api/v1/inbox", token: alpha)
            #expect(!inbox.text.contains("/rcas/\(oursID)\"") && !inbox.text.contains("SLO"), "\(inbox.text)")

            // the shared one: the vendor is a party and reads the breach against its SLA, without the SLO or the budget
            #expect((shared.json["parties"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["The customer", "Alpha Hosting"])
            #expect(shared.json["shared_with_vendors"] as? Bool == true)
            #expect((shared.json["title"] as? String)?.contains("SLO") == false, "\(shared.json["title"] ?? "")")
            let customerView = try #require((shared.json["breaches"] as? [[String: Any]])?.first)
            #expect(customerView["severity"] as? String == "slo" && customerView["target"] as? Double == 99.5)
            #expect(!(customerView["budget_consumed"] is NSNull))
            let vendorView = try await harness.api(.get, "/api/v1/rcas/\(sharedID)", token: alpha)
            let seen = try #require((vendorView.json["breaches"] as? [[String: Any]])?.first, "\(vendorView.text)")
            #expect(seen["severity"] as? String == RCABreach.withinSLA && seen["target"] as? Double == 99)
            #expect(seen["budget_consumed"] is NSNull)
            #expect(!vendorView.text.contains("99.5") && !vendorView.text.contains("SLO"), "\(vendorView.text)")
            for path in ["/rcas/\(sharedID)", "/rcas/\(sharedID)/print", "/rcas/\(sharedID)/export.md", "/rcas", "/"] {
                let page = try await harness.get(path, as: alphaSession)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.text.contains("99.5") && !page.text.contains("SLO breach") && !page.text.contains("of the budget"), "\(path)")
            }
            #expect(try await harness.get("/rcas/\(sharedID)", as: alphaSession).text.contains("SLA met"))

            // the vendor's scorecard counts SLA breaches only; the customer's counts both
            let scorecard = "/vendors/\(world.vendorA.id)/scorecard"
            #expect(try await harness.get(scorecard, as: alphaSession).text.contains("<dt>Breaches (last 12 months)</dt><dd>0</dd>"))
            let customerCard = try await harness.get(scorecard, as: try await harness.session(for: world.manager))
            #expect(customerCard.text.contains("<dt>Breaches (last 12 months)</dt><dd>2</dd>"))
        }
    }
}

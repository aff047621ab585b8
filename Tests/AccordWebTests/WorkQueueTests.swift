import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// The staff's queue on the home page and in the API: what waits (a credit to approve, a claim to decide), whose it is
/// by the RACI, filtered by kind and to the person's own; vendors' users have their portal instead.
@Suite("Work queue")
struct WorkQueueTests {
    static let december = RFC3339.parse("2026-12-15T00:00:00Z")!

    @Test func whatWaitsIsListedWithItsAgeAndOwnerAndFiltered() async throws {
        try await Harness.run(now: Self.december) { harness in
            let world = harness.world
            // setup: October breached (a credit to approve), vendor A's claim on it (to decide); the RACI gives credit
            // approval to Dan, and names no one on exclusion approval (so the contract managers decide claims)
            try await StatementTests.ingest(harness, "2026-10-10T00:00:00Z", good: 998, valid: 1000)
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: Self.december)
            let dan = try await harness.repositories.users.insert(
                UserDraft(email: "dan@test.example", name: "Dan Deputy", role: .contractManager, vendorID: nil, password: World.password),
                passwordHash: try await World.passwordHash.value, actor: .system)
            let manager = try await harness.token(for: world.manager)
            let raci = #"{"assignments":[{"activity":"credit_approval","party_kind":"person","party_id":\#(dan.id),"letter":"A"}]}"#
            #expect(try await harness.api(.put, "/api/v1/agreements/\(world.agreementA.id)/raci", token: manager, json: raci).status == .ok)
            let start = try #require(RFC3339.parse("2026-10-10T00:00:00Z"))
            let useCases = UseCases(repositories: harness.repositories, clock: { harness.clock.now }, logger: TestDatabase.logger)
            _ = try await useCases.fileClaim(
                agreementID: world.agreementA.id,
                ExclusionClaimDraft(
                    objectiveIDs: [world.objectiveA.id], kind: .customerCaused, startsAt: start, endsAt: start.addingTimeInterval(600), announcedAt: nil,
                    statement: "Alpha claim statement", evidence: ""),
                evidence: [], scope: .vendor(world.vendorA.id), actor: AuditActor(userID: world.vendorUserA.id, label: world.vendorUserA.name))

            // MUT: Carla's home
            let carla = try await harness.session(for: world.manager)
            let home = try await harness.get("/", as: carla).text
            #expect(home.contains("Waiting on you") && home.contains("Approve the credit of EUR 100.00") && home.contains("Decide Alpha Hosting&#39;s claim"))
            // with its age, and whose it is: the claim waits since today and is hers; the credit waits since it was computed
            // (the credit was computed by the database's clock, days before the test's 15 December, however many the run date makes)
            #expect(
                home.contains("waiting since today</span> <span class=\"tag\">yours</span>")
                    && home.range(of: #"waiting [0-9]+ days?<"#, options: .regularExpression) != nil)
            // only credits
            let credits = try await harness.get("/?kind=credit", as: carla).text
            #expect(credits.contains("Approve the credit") && !credits.contains("claim: "))
            // only hers: the claim (no one named: contract managers), not the credit (Dan's)
            let mine = try await harness.get("/?mine=true", as: carla).text
            #expect(mine.contains("s claim") && !mine.contains("Approve the credit"))
            // Dan's queue has the credit as his
            let danQueue = try await harness.api(.get, "/api/v1/me/queue?mine=true", token: try await harness.token(for: dan))
            let danItems = try #require(danQueue.json["items"] as? [[String: Any]])
            #expect(danItems.contains { $0["kind"] as? String == "credit" && $0["mine"] as? Bool == true && ($0["link"] as? String)?.hasPrefix("/credits/") == true })
            // the API: kinds, a wrong kind named, vendors refused (their portal has their own queue)
            let all = try await harness.api(.get, "/api/v1/me/queue", token: manager)
            let kinds = Set(((all.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String })
            #expect(kinds.isSuperset(of: ["credit", "claim"]) && all.json["total"] as? Int == (all.json["items"] as? [Any])?.count)
            let wrong = try await harness.api(.get, "/api/v1/me/queue?kind=lunch", token: manager)
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("kind"))
            #expect(try await harness.api(.get, "/api/v1/me/queue", token: try await harness.token(for: world.vendorUserA)).status == .forbidden)
            let portal = try await harness.get("/", as: try await harness.session(for: world.vendorUserA)).text
            #expect(!portal.contains("Waiting on you") || !portal.contains("Approve the credit"))
        }
    }

    @Test func aVendorsProposalWaitsInTheQueueAndOnItsAgreementAndOnlyThoseWhoMayProposeSeeTheForm() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let alpha = try await harness.token(for: world.vendorUserA)
            let effective = try #require(LocalDate.of(harness.clock.now, in: .gmt).adding(days: 40))
            let body = """
                {"title":"Relax availability to 99.8 %","rationale":"Two months missed by a hair.","effective_from":"\(effective)",
                 "replay_periods":3,"changes":[{"series_id":\(world.objectiveA.seriesID),"sla_target":"99.8","credit_tiers":[{"threshold":"99.8","percent":"10"}]}]}
                """
            let made = try await harness.api(.post, "/api/v1/agreements/\(world.agreementA.id)/proposals", token: alpha, json: body)
            let id = try #require(made.json["id"] as? Int, "\(made.text)")
            let carla = try await harness.session(for: world.manager)
            // MUT: the queue asks Carla to answer it; the agreement's page lists it among its open proposals
            #expect(try await harness.get("/?kind=proposal", as: carla).text.contains("href=\"/proposals/\(id)\">Answer the vendor&#39;s proposal: Relax availability"))
            let agreement = try await harness.get("/agreements/\(world.agreementA.id)", as: carla).text
            #expect(agreement.contains("Open renegotiation proposals") && agreement.contains("href=\"/proposals/\(id)\""))
            // the menu reaches proposals; the form to start one is for those who may propose
            #expect(agreement.contains("<a href=\"/proposals\">Proposals</a>"))
            #expect(try await harness.get("/proposals", as: carla).text.contains("Start a proposal"))
            #expect(!(try await harness.get("/proposals", as: try await harness.session(for: world.analyst)).text.contains("Start a proposal")))
            // a favicon, where browsers look for it
            let icon = try await harness.get("/favicon.ico", as: nil)
            #expect(icon.status == .movedPermanently && icon.location == "/static/favicon.svg")
            #expect(try await harness.get("/static/favicon.svg", as: nil).status == .ok)
        }
    }
}

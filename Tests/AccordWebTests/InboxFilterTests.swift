import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// The inbox filtered by kind, vendor and unread, and items marked read in bulk, on the page and through the API; no
/// one marks another's items.
@Suite("Inbox filters")
struct InboxFilterTests {
    static func announce(_ harness: Harness, _ event: InboxEvent, title: String, agreement: Agreement, vendor: Vendor) async throws {
        try await harness.repositories.inbox.announce(
            Announcement(
                event: event, subjectKind: "claim", subjectID: 1, title: title, link: "/claims/1", agreementID: agreement.id, vendorID: vendor.id,
                dedupeKey: title),
            actor: .system, at: harness.clock.now)
    }

    @Test func itemsAreFilteredByKindVendorAndUnreadAndMarkedReadTogether() async throws {
        try await Harness.run { harness in
            let world = harness.world
            // setup: a claim of vendor A, a dispute of vendor B, a second claim of vendor A (the contract managers hear of each)
            try await Self.announce(harness, .claimFiled, title: "Alpha claim one", agreement: world.agreementA, vendor: world.vendorA)
            try await Self.announce(harness, .disputeFiled, title: "Beta dispute", agreement: world.agreementB, vendor: world.vendorB)
            try await Self.announce(harness, .claimFiled, title: "Alpha claim two", agreement: world.agreementA, vendor: world.vendorA)
            let carla = try await harness.session(for: world.manager)
            // MUT: by kind, by vendor
            let claims = try await harness.get("/inbox?kind=claims", as: carla).text
            #expect(claims.contains("Alpha claim one") && claims.contains("Alpha claim two") && !claims.contains("Beta dispute"))
            let beta = try await harness.get("/inbox?vendor_id=\(world.vendorB.id)", as: carla).text
            #expect(beta.contains("Beta dispute") && !beta.contains("Alpha claim"))
            #expect(beta.contains("<option value=\"\(world.vendorB.id)\" selected>"))
            // two ticked items marked read together; back to the same filters
            let items = try await harness.repositories.inbox.list(userID: world.manager.id, unreadOnly: true, page: PageRequest(size: 50)).items
            let alpha = items.filter { $0.title.hasPrefix("Alpha") }.map(\.id)
            #expect(alpha.count == 2)
            let marked = try await harness.post(
                "/inbox/read", alpha.map { ("ids", "\($0)") } + [("back", "/inbox?kind=claims")], as: carla)
            #expect(marked.status == .seeOther && marked.location?.hasPrefix("/inbox?kind=claims") == true)
            let unread = try await harness.get("/inbox?unread=true", as: carla).text
            #expect(unread.contains("Beta dispute") && !unread.contains("Alpha claim"))
            // nothing ticked is named; a wrong kind is named
            #expect(try await harness.post("/inbox/read", [("back", "/inbox")], as: carla).status == .unprocessableContent)
            #expect(try await harness.get("/inbox?kind=lunch", as: carla).status == .unprocessableContent)
            // the API: filters, and marking by ids; another's ids change nothing
            let token = try await harness.token(for: world.manager)
            let listed = try await harness.api(.get, "/api/v1/inbox?kind=disputes&unread=true", token: token)
            let ids = ((listed.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }
            #expect(ids.count == 1)
            let other = try await harness.token(for: world.vendorUserB)
            let stranger = try await harness.api(.post, "/api/v1/inbox/read", token: other, json: #"{"ids":[\#(ids[0])]}"#)
            #expect(stranger.status == .ok && stranger.json["marked"] as? Int == 0)
            let done = try await harness.api(.post, "/api/v1/inbox/read", token: token, json: #"{"ids":[\#(ids[0])]}"#)
            #expect(done.status == .ok && done.json["marked"] as? Int == 1)
            #expect(try await harness.api(.post, "/api/v1/inbox/read", token: token, json: #"{"ids":["x"]}"#).status == .unprocessableContent)
            #expect(try await harness.api(.get, "/api/v1/inbox?vendor_id=0", token: token).status == .unprocessableContent)
            // a vendor's user has no vendor to choose
            #expect(!(try await harness.get("/inbox", as: try await harness.session(for: world.vendorUserB)).text.contains("name=\"vendor_id\"")))
        }
    }
}

import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Refusals are recorded as security events, counted so a flood adds counts, not rows; audit entries name the vendor
/// they concern.
@Suite("Security events and the audit trail by vendor")
struct SecurityEventTests {
    @Test func refusalsAreRecordedOnceAnHourWithACount() async throws {
        try await Harness.run { harness in
            // setup
            let world = harness.world
            let vendor = try await harness.token(for: world.vendorUserA)
            let viewer = try await harness.session(for: world.viewer)
            // MUT: a vendor probing another vendor's objective fifty times, a viewer posting a form without its token,
            // a forged token, and a vendor asking for an admin route
            for _ in 0..<50 { _ = try await harness.api(.get, "/api/v1/objectives/\(world.objectiveB.id)", token: vendor) }
            _ = try await harness.post("/vendors", [("name", "x")], as: BrowserSession(cookie: viewer.cookie, csrf: ""))
            _ = try await harness.api(.get, "/api/v1/vendors", token: "acc_00000000_forged")
            _ = try await harness.api(.get, "/api/v1/users", token: vendor)
            // validation
            let events = try await harness.repositories.securityEvents.list(vendorID: nil, page: PageRequest(number: 1, size: 50)).items
            let probe = try #require(events.first { $0.kind == .notFound })
            #expect(probe.count == 50)
            #expect(probe.route == "/api/v1/objectives/{id}")
            #expect(probe.vendorID == world.vendorA.id)
            #expect(events.filter { $0.kind == .notFound }.count == 1)
            #expect(events.contains { $0.kind == .csrfRejected && $0.userID == world.viewer.id })
            #expect(events.contains { $0.kind == .invalidToken && $0.userID == nil })
            #expect(events.contains { $0.kind == .forbidden && $0.vendorID == world.vendorA.id })
            // an admin sees them, by vendor, on the page and through the API; nobody else may
            let admin = try await harness.session(for: world.admin)
            let page = try await harness.get("/security?vendor_id=\(world.vendorA.id)", as: admin)
            #expect(page.status == .ok)
            #expect(page.text.contains("outside the vendor&#39;s data") || page.text.contains("outside the vendor's data"))
            #expect(page.text.contains("50"))
            let api = try await harness.api(.get, "/api/v1/security-events?vendor_id=\(world.vendorA.id)", token: try await harness.token(for: world.admin))
            #expect((api.json["items"] as? [[String: Any]])?.allSatisfy { $0["vendor_id"] as? Int == Int(world.vendorA.id) } == true)
            #expect(try await harness.get("/security", as: viewer).status == .forbidden)
        }
    }

    @Test func aFloodOfDistinctRefusalsIsCappedPerHour() async throws {
        try await TestDatabase.withDatabase { database in
            // setup: an hour already holding the most rows it may
            let repositories = Repositories(database: database)
            let now = RFC3339.parse("2026-12-02T10:30:00Z")!
            let hour = RFC3339.parse("2026-12-02T10:00:00Z")!
            try await database.query(
                """
                INSERT INTO security_events (hour, kind, address, route, first_at, last_at)
                SELECT \(hour), 'forbidden', 'a' || n, '/r', \(now), \(now) FROM generate_series(1, \(SecurityEventRepository.rowsPerHour)) n
                """)
            // MUT: a hundred more distinct refusals
            for index in 0..<100 {
                try await repositories.securityEvents.record(
                    kind: .invalidToken, userID: nil, vendorID: nil, address: "10.0.0.\(index)", path: "/api/v1/vendors", at: now)
            }
            // validation: one overflow row counts them
            let rows = try await database.query("SELECT count(*)::int8 FROM security_events").first!.decode(Int64.self)
            #expect(rows == Int64(SecurityEventRepository.rowsPerHour) + 1)
            let overflow = try await database.query("SELECT count FROM security_events WHERE route = '*'").first!.decode(Int64.self)
            #expect(overflow == 100)
        }
    }

    @Test func auditEntriesNameTheVendorTheyConcernAndFilterByIt() async throws {
        try await Harness.run { harness in
            // setup: changes to vendor A's contact and agreement, and to vendor B
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            #expect(try await harness.api(.post, "/api/v1/vendors/\(world.vendorA.id)/contacts", token: manager, json: #"{"name":"Ann Two"}"#).status == .created)
            #expect(
                try await harness.api(.patch, "/api/v1/vendors/\(world.vendorB.id)", token: manager, json: #"{"description":"B","row_version":1}"#)
                    .status == .ok)
            // MUT
            let admin = try await harness.token(for: world.admin)
            let forA = try await harness.api(.get, "/api/v1/audit?vendor_id=\(world.vendorA.id)", token: admin)
            // validation
            let items = try #require(forA.json["items"] as? [[String: Any]])
            #expect(!items.isEmpty)
            #expect(items.allSatisfy { $0["vendor_id"] as? Int == Int(world.vendorA.id) })
            #expect(items.contains { ($0["after"] as? String)?.contains("Ann Two") == true })
            #expect(!items.contains { $0["entity_id"] as? String == "\(world.vendorB.id)" && $0["entity"] as? String == "vendor" })
            let page = try await harness.get("/audit?vendor_id=\(world.vendorA.id)", as: try await harness.session(for: world.admin))
            #expect(page.text.contains("Ann Two"))
        }
    }
}

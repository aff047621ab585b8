import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import AccordWeb

/// A service's public trust page: published by a contract manager (form and API, validated, audited), read without
/// signing in as HTML, JSON and Atom, with the closed periods against the SLA, the breaches and the credits, and
/// nothing internal; an anonymous visitor reaches nothing else from it; cached for a minute and rate-limited.
@Suite("Trust page")
struct TrustPageTests {
    static let december = RFC3339.parse("2026-12-15T00:00:00Z")!

    /// October of agreement A (vendor A's SLA under the Checkout service) at 99.8 % against its SLA of 99.9 %.
    static func october(_ harness: Harness) async throws {
        try await StatementTests.ingest(harness, "2026-10-10T00:00:00Z", good: 998, valid: 1000)
        try await harness.repositories.periodRecords.syncSchedule()
        try await TestJobs.runAll(harness.repositories, at: Self.december)
    }

    /// The feed's entries as Python's XML parser counts them (it refuses a feed that is not well-formed XML).
    static func entries(_ feed: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sys, xml.etree.ElementTree as E; print(len(E.fromstring(sys.stdin.buffer.read()).findall('{http://www.w3.org/2005/Atom}entry')))",
        ]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(feed.utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func aPublishedPageShowsTheClosedPeriodsAgainstTheSLAAndNothingInternal() async throws {
        try await Harness.run(now: Self.december) { harness in
            let world = harness.world
            try await Self.october(harness)
            let manager = try await harness.token(for: world.manager)
            let path = "/api/v1/services/\(world.serviceA.id)/trust"
            // never published: unpublished, with an address suggested from the name, and nothing at it
            let fresh = try await harness.api(.get, path, token: manager)
            #expect(fresh.status == .ok && fresh.json["slug"] as? String == "checkout" && fresh.json["published"] as? Bool == false)
            #expect(fresh.json["row_version"] as? Int == 0)
            #expect(try await harness.get("/trust/checkout", as: nil).status == .notFound)
            // bad input is refused with the field named, and changes nothing
            let bad = try await harness.api(.put, path, token: manager, json: #"{"slug":"Check Out!","published":true}"#)
            #expect(bad.status == .unprocessableContent && bad.text.contains("slug"))
            #expect(try await harness.repositories.trust.settings(serviceID: world.serviceA.id) == nil)
            // neither a vendor's user nor an analyst may publish
            for user in [world.vendorUserA, world.analyst] {
                let token = try await harness.token(for: user)
                #expect(try await harness.api(.put, path, token: token, json: #"{"slug":"checkout","published":true}"#).status == .forbidden)
            }
            // MUT: the manager publishes it
            let saved = try await harness.api(.put, path, token: manager, json: #"{"slug":"checkout","published":true,"row_version":0}"#)
            #expect(saved.status == .ok && saved.json["published"] as? Bool == true && saved.json["row_version"] as? Int == 1, "\(saved.text)")
            // a second service cannot take the address; a stale row version is a conflict
            let taken = try await harness.api(.put, "/api/v1/services/\(world.serviceB.id)/trust", token: manager, json: #"{"slug":"checkout","published":true}"#)
            #expect(taken.status == .unprocessableContent && taken.text.contains("/trust/checkout"))
            #expect(try await harness.api(.put, path, token: manager, json: #"{"slug":"checkout","published":true,"row_version":0}"#).status == .conflict)

            // the page, without signing in
            let page = try await harness.get("/trust/checkout", as: nil)
            #expect(page.status == .ok && page.headers[.cacheControl] == "public, max-age=60")
            let html = page.text
            #expect(html.contains("Checkout: service levels") && html.contains("Oct 2026") && html.contains("99.800 %") && html.contains("99.9 %"))
            #expect(html.contains("breached") && html.contains("pending") && html.contains("Supplier 1"))
            // no internal SLO (99.95), no budget or burn rate, no vendor's name, no staff, no sign-in chrome
            for needle in ["99.95", "SLO", "budget", "Budget", "burn", world.vendorA.name, "Carla", "Sign out", "/dashboard"] {
                #expect(!html.contains(needle), "the page shows \(needle)")
            }
            let json = try await harness.get("/trust/checkout.json", as: nil)
            #expect(json.status == .ok && json.headers[.contentType] == "application/json")
            let objectives = try #require(json.json["objectives"] as? [[String: Any]])
            let supplier = try #require(objectives.first { $0["provider"] as? String == "Supplier 1" })
            let october = try #require((supplier["periods"] as? [[String: Any]])?.first { $0["label"] as? String == "Oct 2026" })
            #expect(october["attainment_percent"] as? String == "99.8" && october["sla_target_percent"] as? String == "99.9")
            #expect(october["status"] as? String == "breached" && october["credit"] as? String == "pending" && supplier["breaches"] as? String == "1")
            #expect(((supplier["periods"] as? [[String: Any]]) ?? []).count <= 12)
            #expect(!json.text.contains("slo") && !json.text.contains("budget") && !json.text.contains(world.vendorA.name))
            let atom = try await harness.get("/trust/checkout.atom", as: nil)
            #expect(atom.status == .ok && atom.headers[.contentType] == "application/atom+xml; charset=utf-8")
            let feed = atom.text
            #expect(feed.hasPrefix("<?xml") && feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">") && feed.contains("Supplier 1, Availability, Oct 2026"))
            #expect(try Self.entries(feed) > 0)

            // naming the vendors shows at once (a save clears the cached page); withdrawing takes it down at once
            let named = try await harness.api(.put, path, token: manager, json: #"{"slug":"checkout","published":true,"names_vendors":true}"#)
            #expect(named.status == .ok)
            #expect(try await harness.get("/trust/checkout", as: nil).text.contains(world.vendorA.name))
            #expect(try await harness.api(.put, path, token: manager, json: #"{"slug":"checkout","published":false}"#).status == .ok)
            #expect(try await harness.get("/trust/checkout", as: nil).status == .notFound)
            // each change is audited
            let audited = try await harness.database.query("SELECT count(*)::int8 FROM audit_log WHERE entity = 'trust_page'").first?.decode(Int64.self)
            #expect(audited == 3)
        }
    }

    @Test func theFormPublishesKeepsWhatWasEnteredOnAnErrorAndIsCachedAndRateLimited() async throws {
        try await Harness.run(now: Self.december) { harness in
            let world = harness.world
            try await Self.october(harness)
            let session = try await harness.session(for: world.manager)
            let form = try await harness.get("/services/\(world.serviceA.id)/trust", as: session)
            #expect(form.status == .ok && form.text.contains("value=\"checkout\"") && form.text.contains("Not published."))
            // before publishing, the manager sees how the page names each objective
            #expect(form.text.contains("Supplier 1: Availability") && form.text.contains("The service: "))
            #expect(try await harness.get("/services/\(world.serviceA.id)", as: session).text.contains("/services/\(world.serviceA.id)/trust"))
            // a wrong address keeps what was entered and says why
            let wrong = try await harness.post(
                "/services/\(world.serviceA.id)/trust", [("slug", "-checkout"), ("published", "true"), ("row_version", "0")], as: session)
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("value=\"-checkout\"") && wrong.text.contains("lower-case letters"))
            let saved = try await harness.post(
                "/services/\(world.serviceA.id)/trust", [("slug", "checkout"), ("published", "true"), ("row_version", "0")], as: session)
            #expect(saved.status == .seeOther)
            #expect(try await harness.get("/services/\(world.serviceA.id)/trust", as: session).text.contains("/trust/checkout"))

            // built once a minute: within it the same instant is stated, after it a new one
            func stated() async throws -> String? { try await harness.get("/trust/checkout.json", as: nil).json["generated_at"] as? String }
            let first = try await stated()
            harness.clock.advance(by: 30)
            #expect(try await stated() == first)
            harness.clock.advance(by: 31)
            let later = try await stated()
            #expect(later != nil && later != first)
            // sixty requests a minute from one address; the next is told when to come back
            for _ in 0..<59 { _ = try await harness.get("/trust/checkout", as: nil) }
            let refused = try await harness.get("/trust/checkout", as: nil)
            #expect(refused.status == .tooManyRequests && Int(refused.headers[.retryAfter] ?? "") != nil, "\(refused.status)")
        }
    }

    @Test func anAnonymousVisitorReachesNothingButThePublishedPage() async throws {
        let routes = try await RouteTable.all().filter { $0.method == .get }
        try await Harness.run(now: Self.december) { harness in
            let world = harness.world
            try await Self.october(harness)
            let manager = try await harness.token(for: world.manager)
            #expect(
                try await harness.api(.put, "/api/v1/services/\(world.serviceA.id)/trust", token: manager, json: #"{"slug":"checkout","published":true}"#)
                    .status == .ok)
            // every link on the page leads to the page's own forms or the stylesheet, and each answers
            let page = try await harness.get("/trust/checkout", as: nil).text
            let links = Set(
                page.matches(of: /(?:href|src)="([^"]+)"/).map { String($0.output.1) })
            #expect(links == ["/static/accord.css", "/static/favicon.svg", "/trust/checkout.json", "/trust/checkout.atom"], "\(links)")
            for link in links { #expect(try await harness.get(link, as: nil).status == .ok, "\(link)") }
            // every other GET route, with real ids, refuses the anonymous visitor and says nothing of the service
            let publicRoutes: Set<String> = [
                "/login", "/logout", "/healthz", "/readyz", "/favicon.ico", "/api/openapi.yaml", "/diagnostics/baseline", "/statements/keys.json",
                "/trust/{slug}", "/feeds/{secret}/calendar.ics",
                // the scrape endpoint answers only its bearer token, and is not there at all without one configured
                "/metrics",
            ]
            var refused = 0
            for route in routes where !publicRoutes.contains(route.path) && !route.path.hasPrefix("/static") {
                let values = [
                    "id": "\(world.serviceA.id)", "number": "1", "contact": "\(world.contactA.id)", "start": "2026-10-01T00:00:00Z", "name": "period-closing",
                    "exclusion": "1", "ticket": "T-1", "file": "1", "kind": "exclusion",
                ]
                guard let path = RouteTable.fill(route.path, values) else {
                    Issue.record("no value for \(route)")
                    continue
                }
                let response = try await harness.get(path, as: nil)
                #expect([.unauthorized, .seeOther, .found].contains(response.status), "\(route) answered \(response.status) to an anonymous visitor")
                #expect(!response.text.contains("Checkout") && !response.text.contains("99.8"), "\(route) told an anonymous visitor something")
                refused += 1
            }
            #expect(refused > 100)
        }
    }
}

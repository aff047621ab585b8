import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

@Suite("CSRF protection on every state-changing route")
struct CSRFTests {
    static func values(for path: String, _ world: World) -> [String: String] {
        let trimmed = path.replacingOccurrences(of: "/api/v1", with: "")
        if trimmed.hasPrefix("/vendors") { return ["id": "\(world.vendorA.id)", "contact": "\(world.contactA.id)"] }
        if trimmed.hasPrefix("/services") { return ["id": "\(world.serviceA.id)"] }
        if trimmed.hasPrefix("/calendars") { return ["id": "\(world.calendarA.id)"] }
        if trimmed.hasPrefix("/agreements") { return ["id": "\(world.agreementA.id)", "number": "1"] }
        if trimmed.hasPrefix("/objectives") { return ["id": "\(world.objectiveA.id)", "start": "2026-11-01T00:00:00Z", "exclusion": "1", "ticket": "T-1"] }
        if trimmed.hasPrefix("/users") { return ["id": "\(world.viewer.id)"] }
        if trimmed.hasPrefix("/credits") { return ["id": "1"] }
        if trimmed.hasPrefix("/jobs") { return ["name": "session-purge"] }
        if trimmed.hasPrefix("/data-sources") || trimmed.hasPrefix("/admin/mail") || trimmed.hasPrefix("/mail/") { return ["id": "1"] }
        if trimmed.hasPrefix("/claims") || trimmed.hasPrefix("/disputes") || trimmed.hasPrefix("/inbox") || trimmed.hasPrefix("/rcas")
            || trimmed.hasPrefix("/actions") || trimmed.hasPrefix("/webhooks") || trimmed.hasPrefix("/reviews") || trimmed.hasPrefix("/meetings")
            || trimmed.hasPrefix("/review-items") || trimmed.hasPrefix("/proposals") || trimmed.hasPrefix("/packs")
        {
            return ["id": "1", "file": "1", "kind": "exclusion"]
        }
        return [:]
    }

    @Test func everyPostWithoutOrWithAWrongTokenIsRefusedAndChangesNothing() async throws {
        let routes = try await RouteTable.all().filter { $0.changesState && $0.path != "/login" }
        try await Harness.run { harness in
            let world = harness.world
            let session = try await harness.session(for: world.admin)
            let before = try await DatabaseSnapshot.take(harness.database)
            for route in routes {
                let path = try #require(RouteTable.fill(route.path, Self.values(for: route.path, world)), "\(route)")
                if route.isAPI {
                    // a browser session on the API needs the X-CSRF-Token header
                    var headers = HTTPFields()
                    headers[.cookie] = session.cookie
                    headers[.contentType] = "application/json"
                    let response = try await harness.client.execute(
                        uri: path, method: route.method, headers: headers, body: .init(string: #"{"name":"x","row_version":1}"#))
                    #expect(response.status == .forbidden, "\(route) without X-CSRF-Token answered \(response.status)")
                } else {
                    let missing = try await harness.post(
                        path, [("name", "x"), ("row_version", "1")], as: BrowserSession(cookie: session.cookie, csrf: ""))
                    #expect(missing.status == .forbidden, "\(route) without a token answered \(missing.status)")
                    let wrong = try await harness.post(path, [("name", "x"), ("row_version", "1")], as: session, csrf: "not-the-token")
                    #expect(wrong.status == .forbidden, "\(route) with a wrong token answered \(wrong.status)")
                    #expect(wrong.text.contains("security token"))
                }
            }
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
            // and the session still works with the right token
            #expect(try await harness.post("/vendors/\(world.vendorA.id)/contacts", [("name", "Real Person")], as: session).status == .seeOther)
        }
    }

    @Test func noRouteChangesStateOnGet() async throws {
        let routes = try await RouteTable.all().filter { $0.method == .get }
        try await Harness.run { harness in
            let session = try await harness.session(for: harness.world.admin)
            let token = try await harness.token(for: harness.world.admin)
            let before = try await DatabaseSnapshot.take(harness.database)
            for route in routes {
                guard let path = RouteTable.fill(route.path, Self.values(for: route.path, harness.world)) else { continue }
                let response =
                    route.isAPI
                    ? try await harness.api(.get, path, token: token)
                    : try await harness.get(path + (route.path.hasSuffix("/status") ? "?to=terminated" : ""), as: session)
                // readiness says 503 by design when the database is slow to answer (a loaded machine running the suite)
                #expect(response.status.code < 500 || (path == "/readyz" && response.status == .serviceUnavailable), "\(route)")
            }
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
        }
    }
}

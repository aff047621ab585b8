import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// Doors that were open: sign-in CSRF by another spelling of the path, open redirects after sign-in, and telling
/// which ids exist without signing in.
@Suite("Doors shut")
struct DoorsTests {
    @Test func everySpellingOfTheSignInPathChecksTheSignInToken() async throws {
        try await Harness.run { harness in
            // setup: a real sign-in form's cookie, but a forged token
            let form = try await harness.get("/login", as: nil)
            let cookie = try #require(form.headers[values: .setCookie].first { $0.hasPrefix("accord_login=") })
            let browser = BrowserSession(cookie: String(cookie.prefix { $0 != ";" }), csrf: "forged")
            for path in ["/login", "/login/", "//login", "/login//"] {
                // MUT
                let response = try await harness.post(path, [("email", harness.world.manager.email), ("password", World.password)], as: browser)
                // validation: refused, and nobody signed in
                #expect(response.status == .forbidden, "\(path) answered \(response.status)")
                #expect(!response.headers[values: .setCookie].contains { $0.hasPrefix("accord_session=") }, "\(path)")
            }
        }
    }

    @Test func afterSignInOnlyAPathOnThisSiteIsFollowed() {
        for hostile in [
            "/\t/evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example", "/\n/evil.example", " /x",
            "/%09/evil.example", "javascript:alert(1)",
        ] {
            let safe = SessionController.safeNext(QueryString.decode(Substring(hostile)))
            #expect(safe == "/" || (safe.hasPrefix("/") && !safe.hasPrefix("//") && !safe.contains("evil")), "\(hostile) → \(safe)")
        }
        #expect(SessionController.safeNext("/\t/evil.example/") == "/")
        #expect(SessionController.safeNext("/agreements/3?tab=versions") == "/agreements/3?tab=versions")
    }

    @Test func loadingTheSignInFormAgainKeepsTheFormOnScreenValid() async throws {
        try await Harness.run { harness in
            // setup: the form as a browser first loads it
            let first = try await harness.get("/login", as: nil)
            let cookie = try #require(first.headers[values: .setCookie].first { $0.hasPrefix("accord_login=") })
            let token = try #require(first.text.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1)
            let browser = BrowserSession(cookie: String(cookie.prefix { $0 != ";" }), csrf: String(token))
            // MUT: the browser asks for something else before signing in (a favicon, another tab), landing on the form again
            _ = try await harness.get("/favicon.ico", as: browser)
            _ = try await harness.get("/login?next=/dashboard", as: browser)
            // validation: the first form still signs in
            let response = try await harness.post("/login", [("email", harness.world.manager.email), ("password", World.password)], as: browser)
            #expect(response.status == .seeOther)
        }
    }

    @Test func theSignInFormCarriesOnlyASafeNext() async throws {
        try await Harness.run { harness in
            let form = try await harness.get("/login?next=/%09/evil.example/", as: nil)
            #expect(form.text.contains(#"name="next" value="/""#))
        }
    }

    @Test func withoutSigningInAnExistingIdAndAMissingOneLookTheSame() async throws {
        try await Harness.run { harness in
            let world = harness.world
            // MUT + validation: the API answers 401 for both; pages send both to sign in, neither says which exists
            for (existing, missing) in [
                ("/api/v1/vendors/\(world.vendorA.id)", "/api/v1/vendors/999999"),
                ("/api/v1/objectives/\(world.objectiveA.id)/periods", "/api/v1/objectives/999999/periods"),
                ("/api/v1/agreements/\(world.agreementA.id)/versions/1", "/api/v1/agreements/999999/versions/1"),
            ] {
                let a = try await harness.api(.get, existing, token: nil)
                let b = try await harness.api(.get, missing, token: nil)
                #expect(a.status == .unauthorized && b.status == .unauthorized, "\(existing) \(a.status) / \(missing) \(b.status)")
                #expect(a.text == b.text)
            }
            for (existing, missing) in [
                ("/vendors/\(world.vendorA.id)/edit", "/vendors/999999/edit"), ("/objectives/\(world.objectiveA.id)", "/objectives/999999"),
            ] {
                let a = try await harness.get(existing, as: nil)
                let b = try await harness.get(missing, as: nil)
                #expect(a.status == .seeOther && b.status == .seeOther, "\(existing) \(a.status) / \(missing) \(b.status)")
                #expect(a.location?.hasPrefix("/login") == true)
                let post = try await harness.post(existing, [("name", "x")], as: nil)
                let postMissing = try await harness.post(missing, [("name", "x")], as: nil)
                #expect(post.status == postMissing.status, "\(existing)")
            }
            // the public routes still answer
            #expect(try await harness.get("/healthz", as: nil).status == .ok)
            #expect(try await harness.get("/login", as: nil).status == .ok)
            #expect(try await harness.get("/api/openapi.yaml", as: nil).status == .ok)
        }
    }
}

/// What a vendor's user gets through the API: no master, no customer staff, no internal user ids.
@Suite("Vendor-facing shapes")
struct VendorFacingTests {
    @Test func aVendorUserSeesNeitherTheMasterNorTheCustomersPeople() async throws {
        try await Harness.run { harness in
            // setup: an exclusion made by a contract manager, a batch sent by an analyst, October recorded
            let world = harness.world
            let october = RFC3339.parse("2026-10-05T00:00:00Z")!
            _ = try await harness.repositories.measurements.ingest(
                objectiveID: world.objectiveA.id, source: "probe",
                buckets: [MeasurementBucket(start: october, end: october.addingTimeInterval(3600), good: 990, valid: 1000)], scope: .organisation,
                sender: BatchSender(userID: world.analyst.id, credential: "api_token"))
            let actor = AuditActor(userID: world.manager.id, label: "\(world.manager.name) <\(world.manager.email)>", address: "test")
            _ = try await harness.repositories.exclusions.create(
                objectiveID: world.objectiveA.id,
                ExclusionDraft(kind: .plannedMaintenance, reason: "Window", startsAt: october, endsAt: october.addingTimeInterval(600)),
                scope: .organisation, actor: actor)
            let vendor = try await harness.token(for: world.vendorUserA)
            let manager = try await harness.token(for: world.manager)
            // MUT + validation: the agreement without its master
            let agreement = try await harness.api(.get, "/api/v1/agreements/\(world.agreementA.id)", token: vendor)
            #expect(agreement.status == .ok)
            // the fields are there (the API never leaves a documented field out) and empty
            #expect(agreement.json["master_id"] is NSNull && agreement.json["master_title"] is NSNull)
            #expect(!agreement.text.contains(world.masterA.title))
            let list = try await harness.api(.get, "/api/v1/agreements", token: vendor)
            #expect(!list.text.contains(world.masterA.title) && !list.text.contains("\"master_id\":\(world.masterA.id)"))
            #expect(list.text.contains("\"master_id\":null"))
            // staff appear as the customer, and no user ids in lineage
            let exclusions = try await harness.api(.get, "/api/v1/objectives/\(world.objectiveA.id)/exclusions", token: vendor)
            #expect(!exclusions.text.contains(world.manager.name))
            #expect(exclusions.text.contains(customerLabel))
            let lineage = try await harness.api(.get, "/api/v1/objectives/\(world.objectiveA.id)/periods/2026-10-01T00:00:00Z/lineage", token: vendor)
            #expect(lineage.status == .ok)
            #expect(lineage.text.contains("\"user_id\":null") && !lineage.text.contains("\"user_id\":\(world.analyst.id)"))
            #expect(!lineage.text.contains(world.manager.name))
            let page = try await harness.get("/objectives/\(world.objectiveA.id)", as: try await harness.session(for: world.vendorUserA))
            #expect(!page.text.contains(world.manager.name))
            // the customer's own people still see everything
            let staffView = try await harness.api(.get, "/api/v1/agreements/\(world.agreementA.id)", token: manager)
            #expect(staffView.json["master_title"] as? String == world.masterA.title)
            let internalLineage = try await harness.api(
                .get, "/api/v1/objectives/\(world.objectiveA.id)/periods/2026-10-01T00:00:00Z/lineage", token: manager)
            #expect(internalLineage.text.contains("user_id"))
        }
    }
}

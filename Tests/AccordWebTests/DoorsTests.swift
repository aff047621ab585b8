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

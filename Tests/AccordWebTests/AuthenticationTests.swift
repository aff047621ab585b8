import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import AccordWeb

@Suite("Sign-in, sessions and API tokens")
struct AuthenticationTests {
    /// Fetches the sign-in form and returns its cookie and token, as a browser would.
    func loginForm(_ harness: Harness) async throws -> (cookie: String, token: String) {
        let form = try await harness.get("/login", as: nil)
        let cookie = try #require(form.headers[values: .setCookie].first { $0.hasPrefix("accord_login=") })
        let token = try #require(form.text.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1)
        return (String(cookie.prefix { $0 != ";" }), String(token))
    }

    func signIn(_ harness: Harness, email: String, password: String) async throws -> TestResponse {
        let (cookie, token) = try await self.loginForm(harness)
        return try await harness.post(
            "/login", [("email", email), ("password", password), ("next", "/agreements")], as: BrowserSession(cookie: cookie, csrf: token))
    }

    @Test func signingInSetsAHardenedSessionCookieAndAuditsIt() async throws {
        try await Harness.run { harness in
            // MUT
            let response = try await self.signIn(harness, email: harness.world.manager.email, password: World.password)
            // validation
            #expect(response.status == .seeOther)
            #expect(response.location == "/agreements")
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("accord_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"))
            let session = BrowserSession(cookie: String(cookie.prefix { $0 != ";" }), csrf: "")
            #expect(try await harness.get("/agreements", as: session).status == .ok)
            let audit = try await harness.repositories.audit.list(filter: AuditFilter(action: "login"), page: PageRequest())
            #expect(audit.items.first?.actorID == harness.world.manager.id)
        }
    }

    @Test func behindTLSTheCookieIsSecureWithTheHostPrefix() async throws {
        try await Harness.run(behindTLS: true) { harness in
            let form = try await harness.get("/login", as: nil)
            let loginCookie = try #require(form.headers[values: .setCookie].first { $0.hasPrefix("__Host-accord_login=") })
            let token = try #require(form.text.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1)
            let response = try await harness.post(
                "/login", [("email", harness.world.manager.email), ("password", World.password)],
                as: BrowserSession(cookie: String(loginCookie.prefix { $0 != ";" }), csrf: String(token)))
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("__Host-accord_session=") })
            #expect(cookie.contains("Secure"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Domain"))
        }
    }

    @Test func aWrongPasswordIsRefusedWithAClearMessageAndAudited() async throws {
        try await Harness.run { harness in
            let response = try await self.signIn(harness, email: harness.world.manager.email, password: "not the password")
            #expect(response.status == .unauthorized)
            #expect(response.text.contains("Email or password is not correct."))
            #expect(!response.headers[values: .setCookie].contains { $0.hasPrefix("accord_session=") })
            let audit = try await harness.repositories.audit.list(filter: AuditFilter(action: "login_failed"), page: PageRequest())
            #expect(audit.total == 1)
        }
    }

    @Test func repeatedFailuresSlowTheAccountFromThatAddress() async throws {
        try await Harness.run { harness in
            for _ in 0..<3 {
                _ = try await self.signIn(harness, email: harness.world.viewer.email, password: "wrong password!")
            }
            // MUT: even the right password is refused during the wait
            let blocked = try await self.signIn(harness, email: harness.world.viewer.email, password: World.password)
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.text.contains("Too many failed sign-ins"))
            // after the wait, the right password works again
            harness.clock.advance(by: 31)
            let allowed = try await self.signIn(harness, email: harness.world.viewer.email, password: World.password)
            #expect(allowed.status == .seeOther)
        }
    }

    /// Signs in from `address` as a trusted proxy forwards it.
    func signIn(_ harness: Harness, email: String, password: String, from address: String) async throws -> TestResponse {
        let (cookie, token) = try await self.loginForm(harness)
        var headers = HTTPFields()
        headers[.cookie] = cookie
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[.xForwardedFor] = "10.9.9.9, \(address)"
        let body = [("email", email), ("password", password), ("_csrf", token)].map {
            "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        }.joined(separator: "&")
        return try await harness.client.execute(uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func nobodyCanLockAnotherPersonOut() async throws {
        try await Harness.run(trustedProxies: ["local"]) { harness in
            // setup: someone at one address guesses the admin's password ten times
            let admin = harness.world.admin.email
            for _ in 0..<10 {
                harness.clock.advance(by: 1)
                _ = try await self.signIn(harness, email: admin, password: "guess!guess!", from: "203.0.113.9")
            }
            #expect(try await self.signIn(harness, email: admin, password: World.password, from: "203.0.113.9").status == .tooManyRequests)
            // MUT + validation: the admin, from their own address, signs in at once
            let own = try await self.signIn(harness, email: admin, password: World.password, from: "198.51.100.7")
            #expect(own.status == .seeOther)
            // the admin sees who is being slowed down
            let session = try await harness.session(for: harness.world.admin)
            let page = try await harness.get("/security", as: session)
            #expect(page.text.contains("203.0.113.9"))
            #expect(page.text.contains(admin))
        }
    }

    @Test func forwardedAddressesAreBelievedOnlyFromConfiguredProxies() {
        // a client that forges X-Forwarded-For straight to the server keeps its own address
        #expect(AuthenticationMiddleware.client(peer: "198.51.100.7", forwardedFor: "1.2.3.4", trusted: []) == "198.51.100.7")
        // behind a proxy, the address the proxy saw; what the client put further left is ignored
        #expect(AuthenticationMiddleware.client(peer: "10.0.0.2", forwardedFor: "1.2.3.4, 198.51.100.7", trusted: ["10.0.0.2"]) == "198.51.100.7")
        // behind two proxies, the first address neither of them is
        #expect(
            AuthenticationMiddleware.client(peer: "10.0.0.2", forwardedFor: "1.2.3.4, 198.51.100.7, 10.0.0.3", trusted: ["10.0.0.2", "10.0.0.3"])
                == "198.51.100.7")
    }

    @Test func theSignInFormRequiresItsOwnCSRFToken() async throws {
        try await Harness.run { harness in
            let (cookie, _) = try await self.loginForm(harness)
            let response = try await harness.post(
                "/login", [("email", harness.world.manager.email), ("password", World.password)], as: BrowserSession(cookie: cookie, csrf: "forged"))
            #expect(response.status == .forbidden)
        }
    }

    @Test func signingOutInvalidatesTheSessionOnTheServer() async throws {
        try await Harness.run { harness in
            let session = try await harness.session(for: harness.world.manager)
            #expect(try await harness.get("/vendors", as: session).status == .ok)
            // MUT
            let response = try await harness.post("/logout", as: session)
            // validation: the old cookie no longer works even if a client keeps sending it
            #expect(response.status == .seeOther)
            let after = try await harness.get("/vendors", as: session)
            #expect(after.status == .seeOther)
            #expect(after.location?.hasPrefix("/login") == true)
            let audit = try await harness.repositories.audit.list(filter: AuditFilter(action: "logout"), page: PageRequest())
            #expect(audit.total == 1)
        }
    }

    @Test func sessionsExpireAfterThirtyIdleMinutesAndTwelveHoursInAll() async throws {
        try await Harness.run { harness in
            let session = try await harness.session(for: harness.world.viewer)
            harness.clock.advance(by: 29 * 60)
            #expect(try await harness.get("/vendors", as: session).status == .ok)
            harness.clock.advance(by: 31 * 60)
            #expect(try await harness.get("/vendors", as: session).status == .seeOther)

            let busy = try await harness.session(for: harness.world.viewer)
            for _ in 0..<25 {
                harness.clock.advance(by: 29 * 60)
                _ = try await harness.get("/", as: busy)
            }
            // 12 h 5 min after sign-in, activity every 29 minutes does not keep the session alive
            #expect(try await harness.get("/vendors", as: busy).status == .seeOther)
        }
    }

    @Test func apiTokensAuthenticateAndBadTokensGet401() async throws {
        try await Harness.run { harness in
            let token = try await harness.token(for: harness.world.analyst)
            let me = try await harness.api(.get, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            #expect(me.json["email"] as? String == harness.world.analyst.email)
            let forged = try await harness.api(.get, "/api/v1/me", token: String(token.dropLast()) + "x")
            #expect(forged.status == .unauthorized)
            #expect(forged.errorCode == "unauthenticated")
            #expect(try await harness.api(.get, "/api/v1/vendors", token: nil).status == .unauthorized)
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await Harness.run { harness in
            for path in ["/login", "/healthz", "/vendors", "/no-such-page"] {
                let response = try await harness.get(path, as: nil)
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("frame-ancestors 'none'"))
                #expect(policy.contains("script-src 'self'"))
                #expect(!policy.contains("unsafe-inline"))
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] != nil)
            }
        }
    }

    @Test func aNextParameterCannotRedirectOffSite() {
        #expect(SessionController.safeNext("//evil.example/x") == "/")
        #expect(SessionController.safeNext("https://evil.example") == "/")
        #expect(SessionController.safeNext("/agreements/3") == "/agreements/3")
    }
}

@Suite("Static files")
struct StaticFileTests {
    @Test func theStylesheetIsServedWithoutSigningIn() async throws {
        try await Harness.run { harness in
            let response = try await harness.get("/static/accord.css", as: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(try await harness.get("/static/../schema/0001_audit_log.sql", as: nil).status != .ok)
        }
    }

    @Test func rangesPastTheEndAreRefusedAndOthersServed() async throws {
        try await Harness.run { harness in
            let whole = try await harness.get("/static/accord.css", as: nil)
            let size = whole.body.readableBytes
            func ranged(_ range: String) async throws -> TestResponse {
                try await harness.client.execute(uri: "/static/accord.css", method: .get, headers: [.range: range])
            }
            // MUT + validation: past the end, 416 naming the size; the connection is not left waiting
            for range in ["bytes=999999-", "bytes=\(size)-", "bytes=\(size)-\(size + 10)", "bytes=-0"] {
                let refused = try await ranged(range)
                #expect(refused.status == .rangeNotSatisfiable, "\(range)")
                #expect(refused.headers[.contentRange] == "bytes */\(size)", "\(range)")
            }
            let head = try await ranged("bytes=0-9")
            #expect(head.status == .partialContent && head.body.readableBytes == 10)
            let tail = try await ranged("bytes=-5")
            #expect(tail.status == .partialContent && tail.body.readableBytes == 5)
            let clamped = try await ranged("bytes=\(size - 3)-999999")
            #expect(clamped.status == .partialContent && clamped.body.readableBytes == 3)
            // several ranges, another unit or nonsense: the whole file
            for range in ["bytes=0-1,4-5", "items=0-1", "bytes=x-y", "bytes=9-2"] {
                let plain = try await ranged(range)
                #expect(plain.status == .ok && plain.body.readableBytes == size, "\(range)")
            }
        }
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Sign-in and sign-out.
struct SessionController {
    let dependencies: AppDependencies

    struct LoginView {
        var chrome: Chrome
        var loginToken: String
        var email: String
        var next: String
        var error: String?
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("login", use: self.getLogin)
        router.post("login", use: self.postLogin)
        router.post("logout", use: self.postLogout)
    }

    @Sendable func getLogin(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        if context.identity != nil { return Response.redirect(to: "/", type: .normal) }
        return self.loginForm(request, context: context, email: "", next: Self.safeNext(request.query("next")), error: nil)
    }

    @Sendable func postLogin(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.login(request, context: context)
    }

    @Sendable func postLogout(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.logout(context: context)
    }

    private var configuration: AppConfiguration { self.dependencies.configuration }

    func cookie(name: String, value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: self.configuration.behindTLS, httpOnly: true, sameSite: .strict)
    }

    /// The sign-in form with its double-submit token. A browser that already holds a token keeps it, so a second
    /// load of the form (another tab, a favicon sent to sign in) does not void the form already on screen.
    private func loginForm(
        _ request: Request, context: AccordRequestContext, email: String, next: String, error: String?, status: HTTPResponse.Status = .ok
    ) -> Response {
        let held = request.cookies[self.configuration.loginCookieName]?.value ?? ""
        let wellFormed = held.count == 43 && held.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        let token = wellFormed ? held : SecureToken.make()
        let view = LoginView(chrome: Chrome(title: "Sign in", context: context), loginToken: token, email: email, next: next, error: error)
        var response = self.dependencies.renderer.response(view, template: "login", status: status)
        response.setCookie(self.cookie(name: self.configuration.loginCookieName, value: token, maxAge: 3600))
        return response
    }

    /// Only a path on this site: it starts with one `/`, and holds no whitespace, control character or backslash
    /// (browsers drop tabs and turn `\\` into `/`, so `/\t/evil.example` would leave the site); anything else is `/`.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), next.count <= 2000 else { return "/" }
        let allowed = next.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }
        guard allowed, !next.hasPrefix("//") else { return "/" }
        return next
    }

    private func login(_ request: Request, context: AccordRequestContext) async throws -> Response {
        var request = request
        let body = String(buffer: try await request.collectBody(upTo: context.maxUploadSize))
        // sign-in CSRF: the form's token must match the cookie set with the form (double submit), checked here on the
        // matched route so that `/login/` or `//login` cannot skip it
        let presented = Input.unchecked(form: body).text("_csrf") ?? request.headers[.csrfToken] ?? ""
        let expected = request.cookies[self.configuration.loginCookieName]?.value ?? ""
        guard !expected.isEmpty, SecureToken.constantTimeEquals(Array(expected.utf8), Array(presented.utf8)) else { throw CSRFRejected() }
        let input = try Input.form(body)
        let email = input.text("email") ?? ""
        let password = input.raw("password")
        let next = Self.safeNext(input.text("next"))
        let now = self.dependencies.clock()
        var oldSession: String?
        if case .session(let oldID, _)? = context.identity?.credential { oldSession = oldID }
        let signIn = self.dependencies.useCases.signIn(hasher: self.dependencies.hasher, throttle: self.configuration.loginThrottle)
        let session: String
        switch try await signIn(email: email, password: password, address: context.remoteAddress, replacing: oldSession) {
        case .throttled(let until):
            let seconds = max(1, Int(until.timeIntervalSince(now).rounded(.up)))
            let wait = seconds < 90 ? "\(seconds) seconds" : "\(Int((Double(seconds) / 60).rounded(.up))) minutes"
            let message = "Too many failed sign-ins for this account from your network. Wait \(wait) and try again."
            return self.loginForm(request, context: context, email: email, next: next, error: message, status: .tooManyRequests)
        case .refused:
            return self.loginForm(request, context: context, email: email, next: next, error: "Email or password is not correct.", status: .unauthorized)
        case .signedIn(_, let sessionID):
            session = sessionID
        }
        var response = Response.redirect(to: next, type: .normal)
        response.setCookie(
            self.cookie(
                name: self.configuration.sessionCookieName, value: session, maxAge: Int(self.configuration.sessionPolicy.absoluteTimeout)))
        response.setCookie(self.cookie(name: self.configuration.loginCookieName, value: "", maxAge: 0))
        return response
    }

    private func logout(context: AccordRequestContext) async throws -> Response {
        if case .session(let id, _)? = context.identity?.credential {
            try await self.dependencies.useCases.signOut(sessionID: id, userID: context.identity?.user.id, actor: context.actor)
        }
        var response = Response.redirect(to: "/login", type: .normal)
        response.setCookie(self.cookie(name: self.configuration.sessionCookieName, value: "", maxAge: 0))
        return response
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Works out who is calling: an API token in `Authorization: Bearer`, or a session cookie.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AccordRequestContext
    let authentication: Authentication
    let configuration: AppConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let forwarded = request.headers[.xForwardedFor] {
            context.remoteAddress = Self.client(peer: context.remoteAddress, forwardedFor: forwarded, trusted: self.configuration.trustedProxies)
        }
        // /metrics answers to its own token (MetricsController), never to a person's session or API token
        if request.uri.path == "/metrics" { return try await next(request, context) }
        if let authorization = request.headers[.authorization] {
            let token = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces) : ""
            // a token that matches none (a guess or a forgery) is recorded as a security event
            guard let user = try await self.authentication.user(forToken: token, address: context.remoteAddress, path: request.uri.path) else {
                throw Unauthenticated()
            }
            context.identity = Identity(user: user, credential: .apiToken)
        } else if let sessionID = request.cookies[self.configuration.sessionCookieName]?.value,
            let (session, user, unread) = try await self.authentication.session(sessionID)
        {
            context.identity = Identity(user: user, credential: .session(id: sessionID, csrfToken: session.csrfToken), unread: unread)
        }
        // authenticate before any lookup: whether an id exists is nobody's business before they sign in
        if context.identity == nil, !Self.isPublic(request.uri.path) { throw Unauthenticated() }
        return try await next(request, context)
    }

    /// The client's address: the peer, unless the peer is a configured proxy — then the nearest address in
    /// `X-Forwarded-For` that is not one of the proxies (each proxy appends what it saw; what lies further left is
    /// whatever the client claimed, so only addresses the proxies vouch for are taken).
    static func client(peer: String, forwardedFor: String, trusted: Set<String>) -> String {
        guard trusted.contains(peer) else { return peer }
        var client = peer
        for hop in forwardedFor.split(separator: ",").reversed().map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard !hop.isEmpty, hop.count <= 64, hop.firstControlCharacter == nil else { break }
            client = hop
            if !trusted.contains(hop) { break }
        }
        return client
    }

    /// The routes anyone may reach: signing in and out, health, the API description, static files, the statements' public
    /// keys, published trust pages, calendar feeds (their
    /// secret is the credential) and the benchmark's baseline page. Segments as the router reads them (empty ones ignored), so `//login` is `/login`.
    static func isPublic(_ path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        switch segments.count {
        case 0: return false
        case 1: return ["login", "logout", "healthz", "readyz", "favicon.ico"].contains(segments[0])
        default:
            if segments[0] == "static" { return true }
            // the public keys monthly statements are signed with
            if segments.count == 2, segments[0] == "statements", segments[1] == "keys.json" { return true }
            // a service's published trust page (`/trust/checkout`, `.json`, `.atom`)
            if segments.count == 2, segments[0] == "trust" { return true }
            // a calendar feed: the secret in its path is the credential
            if segments.count == 3, segments[0] == "feeds", segments[2] == "calendar.ics" { return true }
            return segments.count == 2
                && ((segments[0] == "api" && segments[1] == "openapi.yaml") || (segments[0] == "diagnostics" && segments[1] == "baseline"))
        }
    }
}

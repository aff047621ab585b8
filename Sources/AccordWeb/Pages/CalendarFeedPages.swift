import AccordApplication
import AccordDomain
import Foundation
import HTTPTypes
import Hummingbird

/// Each person's calendar feed: a secret URL their calendar subscribes to (meetings they may see and, for the
/// customer's people, notice deadlines), shown once when issued; replacing it or revoking it ends the old URL.
struct CalendarFeedPages {
    let dependencies: AppDependencies

    struct View {
        var chrome: Chrome
        var issuedAt: String?
        var url: String?
    }

    struct FeedOut: Encodable {
        var active: Bool
        var issuedAt: Date?
        var url: String?

        enum CodingKeys: String, CodingKey {
            case active, url
            case issuedAt = "issued_at"
        }
    }

    /// The feed's address as this server is reached (scheme from the TLS setting, host from the request).
    func url(_ request: Request, secret: String) -> String {
        let scheme = self.dependencies.configuration.behindTLS ? "https" : "http"
        let host = request.head.authority ?? "localhost"
        let safeHost = host.allSatisfy { $0.isLetter || $0.isNumber || ".-:[]".contains($0) } ? host : "localhost"
        return "\(scheme)://\(safeHost)/feeds/\(secret)/calendar.ics"
    }

    func page(_ context: AccordRequestContext, url: String?, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let issued = try await self.dependencies.useCases.calendarFeeds.issuedAt(userID: user.id)
        let view = View(chrome: Chrome(title: "Calendar feed", context: context, notice: notice), issuedAt: issued.map { Stamp.format($0, .gmt) }, url: url)
        return self.dependencies.renderer.response(view, template: "reviews/calendar")
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("calendar", use: self.getCalendar)
        router.post("calendar/feed", use: self.postCalendarFeed)
        router.post("calendar/feed/revoke", use: self.postCalendarFeedRevoke)
        // public: the secret in the path is the credential
        router.get("feeds/:secret/calendar.ics", use: self.getFeedCalendarICS)
    }

    @Sendable func getCalendar(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.page(context, url: nil, notice: request.notice)
    }

    @Sendable func postCalendarFeed(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let secret = try await self.dependencies.useCases.calendarFeed.issue(userID: user.id, actor: context.actor)
        return try await self.page(context, url: self.url(request, secret: secret), notice: nil)
    }

    @Sendable func postCalendarFeedRevoke(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        try await self.dependencies.useCases.calendarFeed.revoke(userID: user.id, actor: context.actor)
        return Redirect.to("/calendar", notice: .deleted)
    }

    @Sendable func getFeedCalendarICS(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        guard let secret = context.parameters.get("secret"), let user = try await self.dependencies.useCases.calendarFeeds.user(forSecret: secret) else {
            throw NotFound("feed")
        }
        let scope: AccessScope = user.vendorID.map { .vendor($0) } ?? .organisation
        let text = try await self.dependencies.useCases.calendarFeeds.feed(
            scope: scope, name: "Accord reviews (\(user.name))")
        var headers = HTTPFields()
        headers[.contentType] = "text/calendar; charset=utf-8"
        headers[.cacheControl] = "private, max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func addAPIRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("calendar-feed", use: self.getCalendarFeed)
        group.post("calendar-feed", use: self.postCalendarFeed2)
        group.delete("calendar-feed", use: self.deleteCalendarFeed)
    }

    @Sendable func getCalendarFeed(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let issued = try await self.dependencies.useCases.calendarFeeds.issuedAt(userID: user.id)
        return JSON.response(FeedOut(active: issued != nil, issuedAt: issued, url: nil))
    }

    @Sendable func postCalendarFeed2(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let now = self.dependencies.clock()
        let secret = try await self.dependencies.useCases.calendarFeed.issue(userID: user.id, actor: context.actor)
        return JSON.response(FeedOut(active: true, issuedAt: now, url: self.url(request, secret: secret)), status: .created)
    }

    @Sendable func deleteCalendarFeed(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        try await self.dependencies.useCases.calendarFeed.revoke(userID: user.id, actor: context.actor)
        return Response(status: .noContent)
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Administrators: refused requests recorded as security events, on a page and through the API, filtered by vendor.
struct SecurityPages {
    let dependencies: AppDependencies

    struct Line {
        var hour: String
        var kind: String
        var who: String
        var vendor: String?
        var address: String
        var route: String
        var count: Int64
        var last: String
    }

    struct ThrottleLine {
        var email: String
        var address: String
        var failures: Int
        var last: String
        var until: String
    }

    struct ListView {
        var chrome: Chrome
        var throttled: [ThrottleLine]
        var hasThrottled: Bool
        var events: [Line]
        var isEmpty: Bool
        var vendors: [Choice]
        var pager: Pager
    }

    static let kinds: [SecurityEvent.Kind: String] = [
        .forbidden: "role not allowed", .notFound: "outside the vendor's data", .csrfRejected: "form without its token",
        .invalidToken: "unknown API token",
    ]

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("security", use: self.getSecurity)
    }

    @Sendable func getSecurity(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let vendorID = request.query("vendor_id").flatMap { Int64($0) }
        let page = try await self.dependencies.useCases.accounts.securityEvents(vendorID: vendorID, page: try request.page())
        let vendors = try await self.dependencies.useCases.vendors.all(scope: .organisation)
        let lines = page.items.map { event in
            Line(
                hour: JobPages.stamp(event.hour), kind: Self.kinds[event.kind] ?? event.kind.rawValue,
                who: event.userLabel ?? (event.route == "*" ? "many (overflow)" : "anonymous"), vendor: event.vendorName,
                address: event.address, route: event.route, count: event.count, last: JobPages.stamp(event.lastAt))
        }
        let throttled = try await self.throttled().map {
            ThrottleLine(
                email: $0.email, address: $0.address, failures: $0.failures, last: JobPages.stamp($0.lastFailure),
                until: $0.blockedUntil.map(JobPages.stamp) ?? "not waiting now")
        }
        let view = ListView(
            chrome: Chrome(title: "Security events", context: context), throttled: throttled, hasThrottled: !throttled.isEmpty,
            events: lines, isEmpty: lines.isEmpty,
            vendors: vendors.map { Choice(value: "\($0.id)", label: $0.name, selected: $0.id == vendorID) },
            pager: Pager(page, path: "/security", query: [("vendor_id", vendorID.map(String.init))]))
        return self.dependencies.renderer.response(view, template: "security/list")
    }

    /// Accounts and addresses with recent failed sign-ins, and until when each is slowed down.
    func throttled() async throws -> [ThrottledSignIn] {
        try await self.dependencies.useCases.accounts.throttled(self.dependencies.configuration.loginThrottle)
    }

    func addAPIRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("throttled-sign-ins", use: self.getThrottledSignIns)
        group.get("security-events", use: self.getSecurityEvents)
    }

    @Sendable func getThrottledSignIns(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        return JSON.response(ItemsEnvelope(items: try await self.throttled()))
    }

    @Sendable func getSecurityEvents(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let page = try await self.dependencies.useCases.accounts.securityEvents(
            vendorID: request.query("vendor_id").flatMap { Int64($0) }, page: try request.apiPage())
        return JSON.response(ListEnvelope(page) { $0 })
    }
}

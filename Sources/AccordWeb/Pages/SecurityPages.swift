import AccordDomain
import AccordStorage
import Foundation
import Hummingbird

/// Administrators: refused requests recorded as security events, on a page and through the API, filtered by vendor.
struct SecurityPages {
    let dependencies: AppDependencies
    var repositories: Repositories { self.dependencies.repositories }

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

    struct ListView {
        var chrome: Chrome
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
        router.get("security") { request, context in
            _ = try context.requireUser(\.isAdmin)
            let vendorID = request.query("vendor_id").flatMap { Int64($0) }
            let page = try await self.repositories.securityEvents.list(vendorID: vendorID, page: try request.page())
            let vendors = try await self.repositories.vendors.all(scope: .organisation)
            let lines = page.items.map { event in
                Line(
                    hour: JobPages.stamp(event.hour), kind: Self.kinds[event.kind] ?? event.kind.rawValue,
                    who: event.userLabel ?? (event.route == "*" ? "many (overflow)" : "anonymous"), vendor: event.vendorName,
                    address: event.address, route: event.route, count: event.count, last: JobPages.stamp(event.lastAt))
            }
            let view = ListView(
                chrome: Chrome(title: "Security events", context: context), events: lines, isEmpty: lines.isEmpty,
                vendors: vendors.map { Choice(value: "\($0.id)", label: $0.name, selected: $0.id == vendorID) },
                pager: Pager(page, path: "/security", query: [("vendor_id", vendorID.map(String.init))]))
            return self.dependencies.renderer.response(view, template: "security/list")
        }
    }

    func addAPIRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("security-events") { request, context in
            _ = try context.requireUser(\.isAdmin)
            let page = try await self.repositories.securityEvents.list(
                vendorID: request.query("vendor_id").flatMap { Int64($0) }, page: try request.apiPage())
            return JSON.response(ListEnvelope(page) { $0 })
        }
    }
}

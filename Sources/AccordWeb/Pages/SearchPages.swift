import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/search` and `GET /api/v1/search`: the header's search box, by name or number, within what the person may read.
struct SearchPages {
    let dependencies: AppDependencies

    struct View {
        var chrome: Chrome
        var query: String
        var searched: Bool
        var groups: [Group]
        var error: String?

        struct Group {
            var label: String
            var hits: [Line]
        }

        /// Stored fields only: templates read what a value holds, not what it computes.
        struct Line {
            var id: Int64
            var title: String
            /// Nil rather than empty: a template treats an empty text as present.
            var detail: String?
            var link: String
        }
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("search", use: self.getSearch)
    }

    func addAPIRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("search", use: self.getAPISearch)
    }

    @Sendable func getSearch(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let query = request.query("q") ?? ""
        var hits: [SearchHit] = []
        var error: String?
        do {
            hits = try await self.dependencies.useCases.search.find(query, scope: context.scope)
        } catch let invalid as ValidationErrors {
            error = invalid.errors.first?.message
        }
        let groups = SearchHit.Kind.allCases.compactMap { kind -> View.Group? in
            let found = hits.filter { $0.kind == kind }
            return found.isEmpty ? nil : View.Group(label: kind.label, hits: found.map { View.Line(id: $0.id, title: $0.title, detail: $0.detail.nonEmpty, link: $0.link) })
        }
        let view = View(
            chrome: Chrome(title: query.isEmpty ? "Search" : "Search: \(query.prefix(100))", context: context), query: String(query.prefix(100)),
            searched: !query.trimmingCharacters(in: .whitespaces).isEmpty, groups: groups, error: error)
        return self.dependencies.renderer.response(view, template: "search", status: error == nil ? .ok : .unprocessableContent)
    }

    struct Out: Encodable {
        var items: [SearchHit]
        var total: Int
    }

    @Sendable func getAPISearch(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let hits = try await self.dependencies.useCases.search.find(request.query("q") ?? "", scope: context.scope)
        return JSON.response(Out(items: hits, total: hits.count))
    }
}

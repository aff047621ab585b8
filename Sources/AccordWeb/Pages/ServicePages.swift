import AccordDomain
import AccordStorage
import Foundation
import Hummingbird

/// The business services that master SLAs cover.
struct ServicePages {
    let dependencies: AppDependencies
    var services: ServiceRepository { self.dependencies.repositories.services }
    var renderer: PageRenderer { self.dependencies.renderer }

    struct ListView {
        var chrome: Chrome
        var services: [Service]
        var search: String
        var pager: Pager
        var canManage: Bool
        var isEmpty: Bool
    }

    struct ShowView {
        var chrome: Chrome
        var service: Service
        var agreements: [Agreement]
        var canManage: Bool
    }

    struct FormView {
        var chrome: Chrome
        var heading: String
        var action: String
        var cancelURL: String
        var form: FormState
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("services") { request, context in
            let user = try context.requireUser()
            let search = request.query("q")
            let page = try await self.services.list(search: search, page: request.page(), scope: context.scope)
            let view = ListView(
                chrome: Chrome(title: "Services", context: context, notice: request.notice), services: page.items, search: search.orEmpty,
                pager: Pager(page, path: "/services", query: [("q", search)]), canManage: user.role.canManageContracts, isEmpty: page.items.isEmpty)
            return self.renderer.response(view, template: "services/list")
        }
        router.get("services/new") { _, context in
            _ = try context.requireUser(\.canManageContracts)
            return self.form(context, service: nil, state: FormState())
        }
        router.post("services") { request, context in
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.form(context: context)
            return try await saveOrRedisplay(input: input, render: { self.form(context, service: nil, state: $0) }) {
                let service = try await self.services.create(try DraftParsing.service(input), scope: context.scope, actor: context.actor)
                return Redirect.to("/services/\(service.id)", notice: .created)
            }
        }
        router.get("services/:id") { request, context in
            let user = try context.requireUser()
            let service = try await self.services.find(id: try context.id(), scope: context.scope)
            let agreements = try await self.dependencies.repositories.agreements.list(
                .init(), page: PageRequest(number: 1, size: 200), scope: context.scope)
            let view = ShowView(
                chrome: Chrome(title: service.name, context: context, notice: request.notice), service: service,
                agreements: agreements.items.filter { $0.serviceID == service.id }, canManage: user.role.canManageContracts)
            return self.renderer.response(view, template: "services/show")
        }
        router.get("services/:id/edit") { _, context in
            let service = try await self.services.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            return self.form(context, service: service, state: FormState(values: service.formValues, rowVersion: service.rowVersion))
        }
        router.post("services/:id/edit") { request, context in
            let service = try await self.services.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.form(context: context)
            return try await saveOrRedisplay(input: input, render: { state in
                var state = state
                state.rowVersion = state.rowVersion ?? Int(input.text("row_version") ?? "")
                return self.form(context, service: service, state: state)
            }) {
                _ = try await self.services.update(
                    id: service.id, try DraftParsing.service(input), expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope,
                    actor: context.actor)
                return Redirect.to("/services/\(service.id)", notice: .updated)
            }
        }
        router.get("services/:id/delete") { _, context in
            let service = try await self.services.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            let view = ConfirmView(
                chrome: Chrome(title: "Delete \(service.name)", context: context), question: "Delete the service \(service.name)?",
                detail: "A service that agreements still cover cannot be deleted.", action: "/services/\(service.id)/delete",
                cancelURL: "/services/\(service.id)", button: "Delete service")
            return self.renderer.response(view, template: "confirm")
        }
        router.post("services/:id/delete") { _, context in
            let service = try await self.services.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            try await self.services.delete(id: service.id, scope: context.scope, actor: context.actor)
            return Redirect.to("/services", notice: .deleted)
        }
    }

    private func form(_ context: AccordRequestContext, service: Service?, state: FormState) -> Response {
        let view = FormView(
            chrome: Chrome(title: service.map { "Edit \($0.name)" } ?? "New service", context: context),
            heading: service.map { "Edit \($0.name)" } ?? "New service", action: service.map { "/services/\($0.id)/edit" } ?? "/services",
            cancelURL: service.map { "/services/\($0.id)" } ?? "/services", form: state)
        return self.renderer.response(view, template: "services/form", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// The business services that master SLAs cover.
struct ServicePages {
    let dependencies: AppDependencies
    var services: ServiceQueries { self.dependencies.useCases.services }
    var useCases: UseCases { self.dependencies.useCases }
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

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("services", use: self.getServices)
        router.get("services/new", use: self.getServicesNew)
        router.post("services", use: self.postServices)
        router.get("services/:id", use: self.getService)
        router.get("services/:id/edit", use: self.getServiceEdit)
        router.post("services/:id/edit", use: self.postServiceEdit)
        router.get("services/:id/delete", use: self.getServiceDelete)
        router.post("services/:id/delete", use: self.postServiceDelete)
    }

    @Sendable func getServices(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let search = request.query("q")
        let page = try await self.services.list(search: search, page: request.page(), scope: context.scope)
        let view = ListView(
            chrome: Chrome(title: "Services", context: context, notice: request.notice), services: page.items, search: search.orEmpty,
            pager: Pager(page, path: "/services", query: [("q", search)]), canManage: user.role.may(.manageContracts), isEmpty: page.items.isEmpty)
        return self.renderer.response(view, template: "services/list")
    }

    @Sendable func getServicesNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        return self.form(context, service: nil, state: FormState())
    }

    @Sendable func postServices(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        return try await submitForm(request, context: context, render: { self.form(context, service: nil, state: $0) }) { input in
            let service = try await self.useCases.createService(try DraftParsing.service(input), scope: context.scope, actor: context.actor)
            return Redirect.to("/services/\(service.id)", notice: .created)
        }
    }

    @Sendable func getService(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let service = try await self.services.find(id: try context.id(), scope: context.scope)
        let agreements = try await self.services.agreements(serviceID: service.id, scope: context.scope)
        let view = ShowView(
            chrome: Chrome(title: service.name, context: context, notice: request.notice), service: service,
            agreements: agreements, canManage: user.role.may(.manageContracts))
        return self.renderer.response(view, template: "services/show")
    }

    @Sendable func getServiceEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let service = try await self.services.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return self.form(context, service: service, state: FormState(values: service.formValues, rowVersion: service.rowVersion))
    }

    @Sendable func postServiceEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let service = try await self.services.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return try await submitForm(request, context: context, render: { self.form(context, service: service, state: $0) }) { input in
            _ = try await self.useCases.editService(
                id: service.id, try DraftParsing.service(input), expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope,
                actor: context.actor)
            return Redirect.to("/services/\(service.id)", notice: .updated)
        }
    }

    @Sendable func getServiceDelete(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let service = try await self.services.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        let view = ConfirmView(
            chrome: Chrome(title: "Delete \(service.name)", context: context), question: "Delete the service \(service.name)?",
            detail: "A service that agreements still cover cannot be deleted.", action: "/services/\(service.id)/delete",
            cancelURL: "/services/\(service.id)", button: "Delete service")
        return self.renderer.response(view, template: "confirm")
    }

    @Sendable func postServiceDelete(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let service = try await self.services.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        try await self.useCases.deleteService(id: service.id, scope: context.scope, actor: context.actor)
        return Redirect.to("/services", notice: .deleted)
    }

    private func form(_ context: AccordRequestContext, service: Service?, state: FormState) -> Response {
        let view = EntityFormView(
            context: context, noun: "service", editing: service?.name, collection: "/services", itemURL: service.map { "/services/\($0.id)" },
            form: state)
        return self.renderer.response(view, template: "services/form", status: view.status)
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/services`.
struct ServiceAPI {
    let dependencies: AppDependencies
    var services: ServiceQueries { self.dependencies.useCases.services }
    var useCases: UseCases { self.dependencies.useCases }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("services", use: self.getServices)
        group.post("services", use: self.postServices)
        group.get("services/:id", use: self.getService)
        group.patch("services/:id", use: self.patchService)
        group.delete("services/:id", use: self.deleteService)
    }

    @Sendable func getServices(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let page = try await self.services.list(search: request.query("q"), page: request.apiPage(), scope: context.scope)
        return JSON.response(ListEnvelope(page) { $0 })
    }

    @Sendable func postServices(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        return JSON.response(
            try await self.useCases.createService(try DraftParsing.service(input), scope: context.scope, actor: context.actor), status: .created)
    }

    @Sendable func getService(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await self.services.find(id: try context.id(), scope: context.scope))
    }

    @Sendable func patchService(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let service = try await self.services.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        return JSON.response(
            try await self.useCases.editService(
                id: service.id, try DraftParsing.service(input, fallback: service.formValues),
                expectedRowVersion: try DraftParsing.rowVersion(input),
                scope: context.scope, actor: context.actor))
    }

    @Sendable func deleteService(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let service = try await self.services.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        try await self.useCases.deleteService(id: service.id, scope: context.scope, actor: context.actor)
        return Response.noContent
    }
}

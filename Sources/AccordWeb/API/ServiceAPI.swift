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
        group.get("services") { request, context in
            _ = try context.requireUser()
            let page = try await self.services.list(search: request.query("q"), page: request.apiPage(), scope: context.scope)
            return JSON.response(ListEnvelope(page) { $0 })
        }
        group.post("services") { request, context in
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.json(context: context)
            return JSON.response(
                try await self.useCases.createService(try DraftParsing.service(input), scope: context.scope, actor: context.actor), status: .created)
        }
        group.get("services/:id") { _, context in
            _ = try context.requireUser()
            return JSON.response(try await self.services.find(id: try context.id(), scope: context.scope))
        }
        group.patch("services/:id") { request, context in
            let service = try await self.services.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.json(context: context)
            return JSON.response(
                try await self.useCases.editService(
                    id: service.id, try DraftParsing.service(input, fallback: service.formValues),
                    expectedRowVersion: try DraftParsing.rowVersion(input),
                    scope: context.scope, actor: context.actor))
        }
        group.delete("services/:id") { _, context in
            let service = try await self.services.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            try await self.useCases.deleteService(id: service.id, scope: context.scope, actor: context.actor)
            return Response.noContent
        }
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/objectives/{id}/exclusions`: listed by anyone who sees the objective, created and revoked by contract managers.
struct ExclusionAPI {
    let dependencies: AppDependencies
    var exclusions: ExclusionQueries { self.dependencies.useCases.exclusions }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("objectives/:id/exclusions") { _, context in
            _ = try context.requireUser()
            return JSON.response(
                ItemsEnvelope(items: try await self.exclusions.list(objectiveID: try context.id(), scope: context.scope).map(context.facing)))
        }
        group.post("objectives/:id/exclusions") { request, context in
            let (_, placement) = try await self.dependencies.useCases.objectives.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.json(context: context)
            let agreement = try await self.dependencies.useCases.agreements.find(id: placement.agreementID, scope: context.scope)
            let draft = DraftParsing.exclusion(input, zone: TimeZone(identifier: agreement.timeZone) ?? .gmt)
            let created = try await self.dependencies.useCases.applyExclusion(
                draft, objectiveID: try context.id(), scope: context.scope, actor: context.actor)
            return JSON.response(created, status: .created)
        }
        group.get("objectives/:id/exclusions/:exclusion") { _, context in
            _ = try context.requireUser()
            return JSON.response(
                context.facing(try await self.exclusions.find(id: try context.id("exclusion"), objectiveID: try context.id(), scope: context.scope)))
        }
        group.post("objectives/:id/exclusions/:exclusion/revoke") { request, context in
            _ = try await self.exclusions.find(id: try context.id("exclusion"), objectiveID: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.json(context: context)
            let revoked = try await self.dependencies.useCases.revokeExclusion(
                id: try context.id("exclusion"), objectiveID: try context.id(), reason: input.text("reason") ?? "", scope: context.scope,
                actor: context.actor)
            return JSON.response(revoked)
        }
    }
}

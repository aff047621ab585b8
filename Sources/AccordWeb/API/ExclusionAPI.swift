import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/objectives/{id}/exclusions`: listed by anyone who sees the objective, created and revoked by contract managers.
struct ExclusionAPI {
    let dependencies: AppDependencies
    var exclusions: ExclusionQueries { self.dependencies.useCases.exclusions }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("objectives/:id/exclusions", use: self.getObjectiveExclusions)
        group.post("objectives/:id/exclusions", use: self.postObjectiveExclusions)
        group.get("objectives/:id/exclusions/:exclusion", use: self.getObjectiveExclusion)
        group.post("objectives/:id/exclusions/:exclusion/revoke", use: self.postObjectiveExclusionRevoke)
    }

    @Sendable func getObjectiveExclusions(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(
            ItemsEnvelope(items: try await self.exclusions.list(objectiveID: try context.id(), scope: context.scope).map(context.facing)))
    }

    @Sendable func postObjectiveExclusions(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (_, placement) = try await self.dependencies.useCases.objectives.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        let agreement = try await self.dependencies.useCases.agreements.find(id: placement.agreementID, scope: context.scope)
        let draft = DraftParsing.exclusion(input, zone: TimeZone(identifier: agreement.timeZone) ?? .gmt)
        let created = try await self.dependencies.useCases.applyExclusion(
            draft, objectiveID: try context.id(), scope: context.scope, actor: context.actor)
        return JSON.response(created, status: .created)
    }

    @Sendable func getObjectiveExclusion(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(
            context.facing(try await self.exclusions.find(id: try context.id("exclusion"), objectiveID: try context.id(), scope: context.scope)))
    }

    @Sendable func postObjectiveExclusionRevoke(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.exclusions.find(id: try context.id("exclusion"), objectiveID: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        let revoked = try await self.dependencies.useCases.revokeExclusion(
            id: try context.id("exclusion"), objectiveID: try context.id(), reason: input.text("reason") ?? "", scope: context.scope,
            actor: context.actor)
        return JSON.response(revoked)
    }
}

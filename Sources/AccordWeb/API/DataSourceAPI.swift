import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/data-sources` (admins) and `/api/v1/objectives/{id}/pull` (the customer's staff read it, contract managers
/// set it; a vendor's user finds no pull).
struct DataSourceAPI {
    let dependencies: AppDependencies
    var useCases: UseCases { self.dependencies.useCases }
    var sources: DataSourceQueries { self.dependencies.useCases.dataSources }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("data-sources", use: self.getDataSources)
        group.post("data-sources", use: self.postDataSources)
        group.get("data-sources/:id", use: self.getDataSource)
        group.patch("data-sources/:id", use: self.patchDataSource)
        group.get("objectives/:id/pull", use: self.getPull)
        group.put("objectives/:id/pull", use: self.putPull)
        group.delete("objectives/:id/pull", use: self.deletePull)
    }

    /// A source with the pulls that read from it.
    struct SourceOut: Encodable {
        var source: DataSource
        var pulls: [PullOut]

        func encode(to encoder: any Encoder) throws {
            try self.source.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(self.pulls, forKey: .pulls)
        }

        enum Keys: String, CodingKey { case pulls }
    }

    /// A pull with how far behind its data is.
    struct PullOut: Encodable {
        var pull: SeriesPull
        var minutesBehind: Int

        func encode(to encoder: any Encoder) throws {
            try self.pull.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(self.minutesBehind, forKey: .minutesBehind)
        }

        enum Keys: String, CodingKey { case minutesBehind }
    }

    @Sendable func getDataSources(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        return JSON.response(ItemsEnvelope(items: try await self.sources.list()))
    }

    @Sendable func postDataSources(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        var request = request
        let input = try await request.json(context: context)
        return JSON.response(try await self.useCases.createDataSource(try DraftParsing.dataSource(input), actor: context.actor), status: .created)
    }

    @Sendable func getDataSource(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let source = try await self.sources.find(id: try context.id())
        let now = self.dependencies.clock()
        let pulls = try await self.sources.pulls(sourceID: source.id).map { PullOut(pull: $0, minutesBehind: $0.minutesBehind(now: now)) }
        return JSON.response(SourceOut(source: source, pulls: pulls))
    }

    @Sendable func patchDataSource(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let source = try await self.sources.find(id: try context.id())
        var request = request
        let input = try await request.json(context: context)
        return JSON.response(
            try await self.useCases.editDataSource(
                id: source.id, try DraftParsing.dataSource(input, fallback: source.formValues), expectedRowVersion: try DraftParsing.rowVersion(input),
                actor: context.actor))
    }

    @Sendable func getPull(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        guard let pull = try await self.sources.pull(objectiveID: try context.id(), scope: context.scope) else { throw NotFound("pull") }
        return JSON.response(PullOut(pull: pull, minutesBehind: pull.minutesBehind(now: self.dependencies.clock())))
    }

    @Sendable func putPull(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.useCases.objectives.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        let pull = try await self.useCases.setPull.set(objectiveID: try context.id(), try DraftParsing.pull(input), scope: context.scope, actor: context.actor)
        return JSON.response(PullOut(pull: pull, minutesBehind: pull.minutesBehind(now: self.dependencies.clock())))
    }

    @Sendable func deletePull(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.useCases.objectives.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        try await self.useCases.setPull.remove(objectiveID: try context.id(), scope: context.scope, actor: context.actor)
        return Response.noContent
    }
}

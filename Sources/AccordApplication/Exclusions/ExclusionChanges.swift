import AccordDomain
import AccordStorage
import Foundation

/// A contract manager excludes a window from an objective; the closed periods it touches are recomputed before the
/// caller hears back.
public struct ApplyExclusion: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public func callAsFunction(_ draft: ExclusionDraft, objectiveID: Int64, scope: AccessScope, actor: AuditActor) async throws -> Exclusion {
        let created = try await self.repositories.exclusions.create(objectiveID: objectiveID, draft, scope: scope, actor: actor)
        try await PeriodRecompute(repositories: self.repositories).run(now: self.clock())
        return created
    }
}

/// A contract manager withdraws an exclusion, saying why; the covered time counts again.
public struct RevokeExclusion: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public func callAsFunction(id: Int64, objectiveID: Int64, reason: String, scope: AccessScope, actor: AuditActor) async throws -> Exclusion {
        let revoked = try await self.repositories.exclusions.revoke(id: id, objectiveID: objectiveID, reason: reason, scope: scope, actor: actor)
        try await PeriodRecompute(repositories: self.repositories).run(now: self.clock())
        return revoked
    }
}

/// What pages and the API read of exclusions.
public struct ExclusionQueries: Sendable {
    let repositories: Repositories

    public func list(objectiveID: Int64, scope: AccessScope) async throws -> [Exclusion] {
        try await self.repositories.exclusions.list(objectiveID: objectiveID, scope: scope)
    }

    public func list(of objective: Objective, scope: AccessScope) async throws -> [Exclusion] {
        try await self.repositories.exclusions.list(of: objective, scope: scope)
    }

    public func find(id: Int64, objectiveID: Int64, scope: AccessScope) async throws -> Exclusion {
        try await self.repositories.exclusions.find(id: id, objectiveID: objectiveID, scope: scope)
    }
}

extension UseCases {
    public var applyExclusion: ApplyExclusion { ApplyExclusion(repositories: self.repositories, clock: self.clock) }
    public var revokeExclusion: RevokeExclusion { RevokeExclusion(repositories: self.repositories, clock: self.clock) }
    public var exclusions: ExclusionQueries { ExclusionQueries(repositories: self.repositories) }
}

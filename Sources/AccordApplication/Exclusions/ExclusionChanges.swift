import AccordDomain
import AccordStorage
import Foundation

/// A contract manager excludes a window from an objective; the closed periods it touches are recomputed before the
/// caller hears back.
public struct ApplyExclusion: Sendable {
    let change: Change

    public func callAsFunction(_ draft: ExclusionDraft, objectiveID: Int64, scope: AccessScope, actor: AuditActor) async throws -> Exclusion {
        try await self.change.run(actor: actor) { repositories, _ in
            let created = try await repositories.exclusions.create(objectiveID: objectiveID, draft, scope: scope, actor: actor)
            return (created, Exclusion.created(created))
        }
    }
}

/// A contract manager withdraws an exclusion, saying why; the covered time counts again.
public struct RevokeExclusion: Sendable {
    let change: Change

    public func callAsFunction(id: Int64, objectiveID: Int64, reason: String, scope: AccessScope, actor: AuditActor) async throws -> Exclusion {
        try await self.change.run(actor: actor) { repositories, _ in
            let (before, after) = try await repositories.exclusions.revoke(id: id, objectiveID: objectiveID, reason: reason, scope: scope, actor: actor)
            return (after, [.audit(AuditRecord(action: "revoke", entity: "exclusion", entityID: id, before: before, after: after)), .recomputePeriods])
        }
    }
}

extension Exclusion {
    /// What an exclusion made by any flow (by hand, an approved claim, an upheld dispute) leaves: its audit line and the
    /// recompute of the closed periods it touches.
    public static func created(_ exclusion: Exclusion) -> [Effect] {
        [.audit(AuditRecord(action: "create", entity: "exclusion", entityID: exclusion.id, after: exclusion)), .recomputePeriods]
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
    public var applyExclusion: ApplyExclusion { ApplyExclusion(change: Change(repositories: self.repositories, clock: self.clock)) }
    public var revokeExclusion: RevokeExclusion { RevokeExclusion(change: Change(repositories: self.repositories, clock: self.clock)) }
    public var exclusions: ExclusionQueries { ExclusionQueries(repositories: self.repositories) }
}

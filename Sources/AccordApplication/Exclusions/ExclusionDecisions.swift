import AccordDomain
import AccordStorage
import Foundation

/// Exclusions a contract manager applies or revokes: each change is audited and the closed periods it touches are
/// recorded again before the caller hears back.
public struct ExclusionDecisions: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.repositories = repositories
        self.clock = clock
    }

    public func apply(_ draft: ExclusionDraft, objectiveID: Int64, scope: AccessScope, actor: AuditActor) async throws -> Exclusion {
        let created = try await self.repositories.exclusions.create(objectiveID: objectiveID, draft, scope: scope, actor: actor)
        try await PeriodRecompute(repositories: self.repositories).run(now: self.clock())
        return created
    }

    public func revoke(id: Int64, objectiveID: Int64, reason: String, scope: AccessScope, actor: AuditActor) async throws -> Exclusion {
        let revoked = try await self.repositories.exclusions.revoke(id: id, objectiveID: objectiveID, reason: reason, scope: scope, actor: actor)
        try await PeriodRecompute(repositories: self.repositories).run(now: self.clock())
        return revoked
    }
}

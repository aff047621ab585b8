import AccordDomain
import AccordStorage
import Foundation

/// Exclusion claims: filed by a vendor (or for it), approved or rejected by a contract manager. An approval's
/// exclusions are recomputed into the closed periods they touch before the caller hears back.
public struct ClaimDecisions: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.repositories = repositories
        self.clock = clock
    }

    public func file(agreementID: Int64, _ draft: ExclusionClaimDraft, evidence files: [EvidenceUpload], scope: AccessScope, actor: AuditActor)
        async throws -> ExclusionClaim
    {
        let now = self.clock()
        // the claim and its files are one change: a refused file leaves no claim behind
        return try await self.repositories.database.transaction { connection in
            let repositories = Repositories(database: self.repositories.database.bound(to: connection))
            let claim = try await repositories.claims.file(agreementID: agreementID, draft, scope: scope, actor: actor, now: now)
            for file in files {
                _ = try await repositories.evidence.attach(.claim, id: claim.id, file, scope: scope, actor: actor, now: now)
            }
            return claim
        }
    }
}

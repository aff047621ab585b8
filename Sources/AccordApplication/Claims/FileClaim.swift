import AccordDomain
import AccordStorage
import Foundation

/// A vendor (or a contract manager for it) claims that a window not count against objectives of one agreement. The
/// claim and its files are one change: a refused file leaves no claim behind.
public struct FileClaim: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public func callAsFunction(agreementID: Int64, _ draft: ExclusionClaimDraft, evidence files: [EvidenceUpload], scope: AccessScope, actor: AuditActor)
        async throws -> ExclusionClaim
    {
        try await FiledWithEvidence(repositories: self.repositories, clock: self.clock)(.claim, files: files, scope: scope, actor: actor, id: \.id) {
            repositories, now in
            let claim = try await repositories.claims.file(agreementID: agreementID, draft, scope: scope, actor: actor, now: now)
            return (claim, claim.filed)
        }
    }
}

/// What pages and the API read of claims: the list, one claim with its files and history, and what may be claimed.
public struct ClaimQueries: Sendable {
    let repositories: Repositories

    public func list(_ filter: ClaimFilter, page: PageRequest, scope: AccessScope) async throws -> PageOf<ExclusionClaim> {
        try await self.repositories.claims.list(filter, page: page, scope: scope)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> ExclusionClaim {
        try await self.repositories.claims.find(id: id, scope: scope)
    }

    public func history(id: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        try await self.repositories.claims.history(id: id, scope: scope)
    }

    public func evidence(id: Int64, scope: AccessScope) async throws -> [EvidenceFile] {
        try await self.repositories.evidence.list(.claim, id: id, scope: scope)
    }

    /// The agreement's objectives a claim on `day` may name.
    public func claimable(agreementID: Int64, on day: LocalDate, scope: AccessScope) async throws -> [ClaimRules.ClaimableObjective] {
        try await self.repositories.claims.claimable(agreementID: agreementID, on: day, scope: scope)
    }
}

extension UseCases {
    public var fileClaim: FileClaim { FileClaim(repositories: self.repositories, clock: self.clock) }
    public var claims: ClaimQueries { ClaimQueries(repositories: self.repositories) }
}

import AccordDomain
import AccordStorage
import Foundation

/// A vendor disputes a closed period's figure or its credit, with its files, in one change.
public struct FileDispute: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public func callAsFunction(_ draft: DisputeDraft, evidence files: [EvidenceUpload], scope: AccessScope, actor: AuditActor) async throws -> Dispute {
        try await FiledWithEvidence(repositories: self.repositories, clock: self.clock)(.dispute, files: files, scope: scope, actor: actor, id: \.id) {
            repositories, now in
            let dispute = try await repositories.disputes.file(draft, scope: scope, actor: actor, now: now)
            return (dispute, dispute.filed)
        }
    }
}

/// What pages and the API read of disputes.
public struct DisputeQueries: Sendable {
    let repositories: Repositories

    public func list(_ filter: DisputeFilter, page: PageRequest, scope: AccessScope) async throws -> PageOf<Dispute> {
        try await self.repositories.disputes.list(filter, page: page, scope: scope)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Dispute {
        try await self.repositories.disputes.find(id: id, scope: scope)
    }

    public func history(id: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        try await self.repositories.disputes.history(id: id, scope: scope)
    }

    public func evidence(id: Int64, scope: AccessScope) async throws -> [EvidenceFile] {
        try await self.repositories.evidence.list(.dispute, id: id, scope: scope)
    }
}

extension UseCases {
    public var fileDispute: FileDispute { FileDispute(repositories: self.repositories, clock: self.clock) }
    public var remedyDispute: RemedyDispute { RemedyDispute(repositories: self.repositories, clock: self.clock) }
    public var disputes: DisputeQueries { DisputeQueries(repositories: self.repositories) }
}

import AccordDomain
import AccordStorage
import Foundation

/// The remedies of an upheld dispute: each made through the flow that owns the change (the exclusion flow, the credit
/// ledger, a corrected upload), linked to the dispute in the same transaction.
public struct RemedyDispute: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.repositories = repositories
        self.clock = clock
    }

    /// Remedies an upheld dispute with an exclusion of the disputed objective, recomputed before the answer.
    public func withExclusion(id: Int64, _ draft: ExclusionDraft, scope: AccessScope, actor: AuditActor) async throws -> Dispute {
        try await Change(repositories: self.repositories, clock: self.clock).run(actor: actor) { repositories, now in
            let dispute = try await repositories.disputes.find(id: id, scope: scope)
            try DisputeRules.checkRemedy(status: dispute.status)
            let exclusion = try await repositories.exclusions.create(objectiveID: dispute.objectiveID, draft, scope: scope, actor: actor)
            let remedied = try await repositories.disputes.recordRemedy(
                id: id, kind: .exclusion, linkedID: exclusion.id, note: draft.reason, scope: scope, actor: actor, now: now)
            return (remedied, Exclusion.created(exclusion))
        }
    }

    /// Remedies an upheld dispute by waiving the disputed period's credit through the ledger.
    public func byWaivingCredit(id: Int64, reason: String, scope: AccessScope, actor: AuditActor) async throws -> Dispute {
        let now = self.clock()
        return try await self.repositories.database.transaction { connection in
            let repositories = Repositories(database: self.repositories.database.bound(to: connection))
            let dispute = try await repositories.disputes.find(id: id, scope: scope)
            try DisputeRules.checkRemedy(status: dispute.status)
            let credits = try await repositories.credits.all(
                filter: .init(seriesID: dispute.seriesID, from: dispute.periodStart, to: dispute.periodStart.addingTimeInterval(1)), scope: scope)
            guard let credit = credits.first else { throw RuleViolation("No credit was computed for the disputed period.") }
            _ = try await repositories.credits.perform(
                .waive(reason: reason), id: credit.id, expectedRowVersion: credit.rowVersion, scope: scope, actor: actor)
            return try await repositories.disputes.recordRemedy(
                id: id, kind: .waivedCredit, linkedID: credit.id, note: reason, scope: scope, actor: actor, now: now)
        }
    }

    /// Links a corrected upload (a batch already sent for the disputed objective) to an upheld dispute.
    public func withCorrectedData(id: Int64, batchID: Int64?, note: String, scope: AccessScope, actor: AuditActor) async throws -> Dispute {
        try await self.repositories.disputes.recordRemedy(
            id: id, kind: .correctedData, linkedID: batchID, note: note, scope: scope, actor: actor, now: self.clock())
    }
}

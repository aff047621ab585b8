import AccordDomain
import AccordStorage
import Foundation

/// The remedies of an upheld dispute: each made through the flow that owns the change (the exclusion flow, the credit
/// ledger, a corrected upload), linked to the dispute in the same transaction.
public struct RemedyDispute: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    /// Remedies an upheld dispute with an exclusion of the disputed objective, recomputed before the answer.
    public func withExclusion(id: Int64, _ draft: ExclusionDraft, scope: AccessScope, actor: AuditActor) async throws -> Dispute {
        try await self.remedy(.exclusion, id: id, note: draft.reason, scope: scope, actor: actor) { repositories, dispute in
            let exclusion = try await repositories.exclusions.create(objectiveID: dispute.objectiveID, draft, scope: scope, actor: actor)
            return (exclusion.id, Exclusion.created(exclusion))
        }
    }

    /// Remedies an upheld dispute by waiving the disputed period's credit through the ledger.
    public func byWaivingCredit(id: Int64, reason: String, scope: AccessScope, actor: AuditActor) async throws -> Dispute {
        try await self.remedy(.waivedCredit, id: id, note: reason, scope: scope, actor: actor) { repositories, dispute in
            let credits = try await repositories.credits.all(
                filter: .init(seriesID: dispute.seriesID, from: dispute.periodStart, to: dispute.periodStart.addingTimeInterval(1)), scope: scope)
            guard let credit = credits.first else { throw RuleViolation("No credit was computed for the disputed period.") }
            let (_, effects) = try await MoveCredit.step(
                .waive(reason: reason), id: credit.id, expectedRowVersion: credit.rowVersion, scope: scope, on: repositories)
            return (credit.id, effects)
        }
    }

    /// Links a corrected upload (a batch already sent for the disputed objective) to an upheld dispute.
    public func withCorrectedData(id: Int64, batchID: Int64?, note: String, scope: AccessScope, actor: AuditActor) async throws -> Dispute {
        try await self.remedy(.correctedData, id: id, note: note, scope: scope, actor: actor) { _, _ in (batchID, []) }
    }

    /// Locks the upheld dispute, makes the remedy through `make` (which names the record it made and that flow's
    /// effects) and links it, all in one transaction.
    private func remedy(
        _ kind: RemedyKind, id: Int64, note: String, scope: AccessScope, actor: AuditActor,
        make: (Repositories, Dispute) async throws -> (linkedID: Int64?, effects: [Effect])
    ) async throws -> Dispute {
        try await self.change.run(actor: actor) { repositories, now in
            let dispute = try await repositories.disputes.lock(id: id, scope: scope)
            try DisputeRules.checkRemedy(status: dispute.status)
            let (linkedID, effects) = try await make(repositories, dispute)
            let remedied = try await repositories.disputes.linkRemedy(kind, linkedID: linkedID, note: note, to: dispute, actor: actor, now: now)
            return (remedied, effects + DisputeRules.remedied(kind, note: note, before: dispute, after: remedied))
        }
    }
}

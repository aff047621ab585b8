import AccordDomain
import AccordStorage
import Foundation

/// A contract manager approves or rejects a pending exclusion claim, or its filer withdraws it. An approval excludes
/// the claimed window from each claimed objective, and the closed periods it touches are recomputed before the answer.
public struct DecideClaim: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    init(change: Change) {
        self.change = change
    }

    public func callAsFunction(
        id: Int64, to status: ClaimStatus, reason: String, expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor
    ) async throws -> ExclusionClaim {
        try await self.change.run(actor: actor) { repositories, now in
            let before = try await repositories.claims.lock(id: id, scope: scope)
            let decision = try Decision.decide(
                from: before.status, to: status, reason: reason, rowVersion: before.rowVersion, expected: expectedRowVersion,
                changedBy: before.decidedBy ?? "another user", changedAt: before.decidedAt ?? before.filedAt)
            var exclusions: [Effect] = []
            if decision.status == .approved {
                for claimed in before.objectives {
                    let exclusion = try await repositories.exclusions.create(
                        objectiveID: claimed.objectiveID, ClaimRules.exclusion(approving: before), scope: scope, actor: actor)
                    try await repositories.claims.link(claimID: id, objectiveID: claimed.objectiveID, exclusionID: exclusion.id)
                    exclusions += Exclusion.created(exclusion)
                }
            }
            let after = try await repositories.claims.record(decision, id: id, actor: actor, now: now)
            let announcement = Announcement(
                event: .claimDecided, subjectKind: "claim", subjectID: id, title: "Claim \(id) on \(after.agreementTitle) \(decision.status.rawValue)",
                link: "/claims/\(id)", agreementID: after.agreementID, vendorID: after.vendorID)
            var effects = decision.effects(subject: .claim, id: id, announcing: announcement)
            effects.append(.audit(AuditRecord(action: decision.status.rawValue, entity: "claim", entityID: id, before: before, after: after)))
            return (after, exclusions + effects)
        }
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// A contract manager upholds or rejects an open dispute, or its filer withdraws it. An upheld dispute is remedied
/// afterwards, each remedy through the flow that owns it (`RemedyDispute`).
public struct DecideDispute: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(
        id: Int64, to status: DisputeStatus, reason: String, expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor
    ) async throws -> Dispute {
        try await self.change.run(actor: actor) { repositories, now in
            let before = try await repositories.disputes.lock(id: id, scope: scope)
            let decision = try Decision.decide(
                from: before.status, to: status, reason: reason, rowVersion: before.rowVersion, expected: expectedRowVersion,
                changedBy: before.decidedBy ?? "another user", changedAt: before.decidedAt ?? before.filedAt)
            let after = try await repositories.disputes.record(decision, id: id, actor: actor, now: now)
            let announcement = Announcement(
                event: .disputeDecided, subjectKind: "dispute", subjectID: id,
                title: "Dispute \(id) of \(after.objectiveName) \(decision.status.rawValue)", link: "/disputes/\(id)", agreementID: after.agreementID,
                vendorID: after.vendorID)
            var effects = decision.effects(subject: .dispute, id: id, announcing: announcement)
            effects.append(.audit(AuditRecord(action: decision.status.rawValue, entity: "dispute", entityID: id, before: before, after: after)))
            return (after, effects)
        }
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// The caller's party signs an RCA's current content (its hash); an edit afterwards voids the signature.
public struct SignRCA: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(id: Int64, scope: AccessScope, actor: AuditActor) async throws -> RootCauseAnalysis {
        try await self.change.run(actor: actor) { repositories, now in
            let rca = try await repositories.rcas.lock(id: id, scope: scope)
            try RCARules.checkSign(rca)
            let after = try await repositories.rcas.recordSignature(id: id, hash: rca.contentHash, party: scope.vendorID, actor: actor, now: now)
            return (after, RCARules.signed(after))
        }
    }
}

/// Moves an RCA one step: a party starts or submits it (submitting needs every party's signature on the current
/// content); the customer accepts, returns or closes it.
public struct AdvanceRCA: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(_ step: RCAStep, id: Int64, byCustomer: Bool, scope: AccessScope, actor: AuditActor) async throws -> RootCauseAnalysis {
        try await self.change.run(actor: actor) { repositories, now in
            let before = try await repositories.rcas.lock(id: id, scope: scope)
            let next = try RCARules.apply(step, to: before, byCustomer: byCustomer)
            var comment = before.returnComment
            if case .giveBack(let text) = step { comment = text.trimmingCharacters(in: .whitespacesAndNewlines) }
            let after = try await repositories.rcas.recordStep(id: id, to: next, returnComment: comment, actor: actor, now: now)
            let agreements = try await repositories.rcas.partyAgreements(id: id)
            return (after, RCARules.moved(step, before: before, after: after, agreements: agreements, now: now))
        }
    }
}

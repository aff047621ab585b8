import AccordDomain
import AccordStorage
import Foundation

/// The other side accepts an open proposal: it is agreed and applied at once, as a new version of the agreement
/// effective from the proposal's date. For the customer, only the people the agreement's RACI names to decide its
/// renegotiations accept (any contract manager when it names none).
public struct AcceptProposal: Sendable {
    let answer: AnswerProposal

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.answer = AnswerProposal(change: Change(repositories: repositories, clock: clock))
    }

    public func callAsFunction(id: Int64, expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor) async throws -> RenegotiationProposal {
        try await self.answer(.accept, id: id, expectedRowVersion: expectedRowVersion, scope: scope, actor: actor)
    }
}

/// The other side rejects an open proposal, saying why.
public struct RejectProposal: Sendable {
    let answer: AnswerProposal

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.answer = AnswerProposal(change: Change(repositories: repositories, clock: clock))
    }

    public func callAsFunction(id: Int64, reason: String, expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor) async throws
        -> RenegotiationProposal
    {
        try await self.answer(.reject(reason), id: id, expectedRowVersion: expectedRowVersion, scope: scope, actor: actor)
    }
}

/// The proposer withdraws an open proposal.
public struct WithdrawProposal: Sendable {
    let answer: AnswerProposal

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.answer = AnswerProposal(change: Change(repositories: repositories, clock: clock))
    }

    public func callAsFunction(id: Int64, expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor) async throws -> RenegotiationProposal {
        try await self.answer(.withdraw, id: id, expectedRowVersion: expectedRowVersion, scope: scope, actor: actor)
    }
}

/// What the three answers share: lock the proposal, ask `ProposalRules.answer`, apply an acceptance's terms, record the
/// answer and apply its effects.
struct AnswerProposal: Sendable {
    let change: Change

    func callAsFunction(_ step: ProposalRules.Step, id: Int64, expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor) async throws
        -> RenegotiationProposal
    {
        try await self.change.run(actor: actor) { repositories, now in
            let (before, zone) = try await repositories.proposals.lock(id: id, scope: scope)
            let answerer = try await ProposalAnswerer.of(actor, scope: scope, agreementID: before.agreementID, repositories: repositories)
            var answer = try ProposalRules.answer(before, step, by: answerer, today: LocalDate.of(now, in: zone), now: now, rowVersion: expectedRowVersion)
            var applied: Int?
            var versionEffects: [Effect] = []
            if step == .accept {
                let (amended, activation) = try await repositories.proposals.apply(before, byVendor: answerer.side == .vendor, actor: actor)
                answer.note = "version \(amended.number) effective from \(before.effectiveFrom)"
                applied = amended.number
                versionEffects = amended.amended + activation.effects
            }
            let after = try await repositories.proposals.record(
                answer, id: id, acceptedBy: step == .accept ? answerer.side : nil, appliedVersion: applied, actor: actor, now: now)
            return (after, versionEffects + answer.effects(before: before, after: after))
        }
    }
}

/// Who is answering a proposal of an agreement: the side the scope says, and for the customer the people its RACI
/// names to decide renegotiations.
public enum ProposalAnswerer {
    public static func of(_ actor: AuditActor, scope: AccessScope, agreementID: Int64, repositories: Repositories) async throws -> ProposalRules.Answerer {
        guard scope.vendorID == nil else { return ProposalRules.Answerer(side: .vendor, userID: actor.userID) }
        let matrix = try await repositories.raci.matrix(agreementID: agreementID, scope: .organisation)
        let deciders = matrix.renegotiationDeciders(mayDecide: try await repositories.raci.mayDecide(matrix))
        return ProposalRules.Answerer(side: .customer, userID: actor.userID, deciders: deciders)
    }
}

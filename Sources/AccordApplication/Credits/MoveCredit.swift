import AccordDomain
import AccordStorage
import Foundation

/// A contract manager's step on credits (approve, issue with an invoice reference, waive with a reason): one credit,
/// or many approved at once, all or none. The credit is locked, the rule decides, the step and its audit line are
/// written in one transaction.
struct MoveCredit: Sendable {
    let change: Change

    /// At most this many credits are approved in one request.
    static let maximumBulk = 500

    func perform(_ action: CreditAction, id: Int64, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws -> Credit {
        try await self.change.run(actor: actor) { repositories, _ in
            try await Self.step(action, id: id, expectedRowVersion: expectedRowVersion, scope: scope, on: repositories)
        }
    }

    /// Approves every credit listed (id and the row version the person saw): all of them, or none when any is not
    /// found, changed since it was read or not awaiting approval; the refusal names each by its row (1 is the first).
    func approveAll(_ credits: [(id: Int64, rowVersion: Int)], scope: AccessScope, actor: AuditActor) async throws -> [Credit] {
        guard !credits.isEmpty else { throw ValidationErrors([FieldError("credits", "Choose at least one credit to approve.")]) }
        guard credits.count <= Self.maximumBulk else {
            throw ValidationErrors([FieldError("credits", "At most \(Self.maximumBulk) credits are approved at once.")])
        }
        guard Set(credits.map(\.id)).count == credits.count else {
            throw ValidationErrors([FieldError("credits", "Each credit may be listed once.")])
        }
        return try await self.change.run(actor: actor) { repositories, _ in
            var errors = ValidationErrors()
            var approved: [Credit] = []
            var effects: [Effect] = []
            for (index, item) in credits.enumerated() {
                do {
                    let (credit, stepEffects) = try await Self.step(
                        .approve, id: item.id, expectedRowVersion: item.rowVersion, scope: scope, on: repositories)
                    approved.append(credit)
                    effects += stepEffects
                } catch is NotFound {
                    errors.add(FieldError("credits", "Credit \(item.id) was not found.", row: index + 1))
                } catch let conflict as EditConflict {
                    errors.add(
                        FieldError(
                            "credits", "Credit \(item.id) changed since it was read (row version \(item.rowVersion), now \(conflict.currentRowVersion)).",
                            row: index + 1))
                } catch let rule as RuleViolation {
                    errors.add(FieldError("credits", "Credit \(item.id): \(rule.message)", row: index + 1))
                }
            }
            // one refusal undoes the approvals before it: the transaction rolls back
            try errors.throwIfAny()
            return (approved, effects)
        }
    }

    /// One step on repositories bound to the caller's transaction: lock, decide, write; the effects are the caller's
    /// to apply.
    static func step(
        _ action: CreditAction, id: Int64, expectedRowVersion: Int, scope: AccessScope, on repositories: Repositories
    ) async throws -> (Credit, [Effect]) {
        let before = try await repositories.credits.lock(id: id, scope: scope)
        let openDispute = try await repositories.disputes.openDispute(creditSeries: before.seriesID, periodStart: before.periodStart)
        let step = try action.decide(on: before, expectedRowVersion: expectedRowVersion, openDispute: openDispute)
        let after = try await repositories.credits.write(step, id: id)
        return (after, action.effects(before: before, after: after))
    }
}

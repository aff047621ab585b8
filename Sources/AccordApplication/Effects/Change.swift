import AccordDomain
import AccordStorage
import Foundation

/// One change a person or a system makes, as every use case makes it: the body reads and writes through repositories
/// bound to one transaction and returns its result with its effects; the effects are applied here, in the same
/// transaction, and the closed periods they touch are recomputed once it has committed, before the caller hears back.
/// This is the only place effects are applied.
struct Change: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date
    /// The instant periods are recomputed as of: the clock's, except for the demo, which makes its changes back-dated
    /// and judges them as of today.
    var judgedAt: @Sendable () -> Date

    init(repositories: Repositories, clock: @escaping @Sendable () -> Date, judgedAt: (@Sendable () -> Date)? = nil) {
        self.repositories = repositories
        self.clock = clock
        self.judgedAt = judgedAt ?? clock
    }

    func run<Result: Sendable>(
        actor: AuditActor, _ body: (_ repositories: Repositories, _ now: Date) async throws -> (Result, [Effect])
    ) async throws -> Result {
        let now = self.clock()
        let (result, recompute, match) = try await self.repositories.database.transaction { connection in
            let bound = Repositories(database: self.repositories.database.bound(to: connection))
            let (result, effects) = try await body(bound, now)
            try await Self.apply(effects, actor: actor, at: now, to: bound)
            return (result, effects.recomputesPeriods, effects.matchesDashboard)
        }
        if recompute { try await PeriodRecompute(repositories: self.repositories).run(now: self.judgedAt()) }
        if match {
            // the change is stored either way; if this fails, the dashboard-rows job (or the next view) matches them
            do {
                try await DashboardRows(repositories: self.repositories).match(now: self.clock())
            } catch {
                self.repositories.database.logger.warning(
                    "dashboard rows after a change deferred to the dashboard-rows job", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        return result
    }

    /// Writes each effect on repositories bound to the change's transaction; recomputes are left to `run`.
    static func apply(_ effects: [Effect], actor: AuditActor, at now: Date, to repositories: Repositories) async throws {
        for effect in effects {
            switch effect {
            case .audit(let record): try await repositories.audit.append(record, actor: actor)
            case .history(let subject, let id, let action, let note):
                try await repositories.history.append(subject, id: id, action: action, note: note, actor: actor)
            case .announce(let announcement): try await repositories.inbox.announce(announcement, actor: actor, at: now)
            case .mail(let draft): try await repositories.mail.enqueue(draft, at: now)
            case .recomputePeriods, .matchDashboard: break
            }
        }
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// Reminds the parties of RCAs due on the next business day or overdue, and of actions due today or overdue; each
/// reminder once. Reads only RCAs and actions whose due dates are near, by index.
public struct GovernanceRemindersJob: Job {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public var name: String { "governance-reminders" }
    public var purpose: String { "Reminds parties of RCAs due tomorrow or overdue and of actions due or overdue." }
    public var interval: Duration { .seconds(300) }

    public func run(now: Date) async throws -> JobReport {
        let reminders = self.repositories.reminders
        // the latest calendar day anywhere, plus a long weekend and holidays before a due date
        guard let horizon = LocalDate.of(now, in: TimeZone(secondsFromGMT: 14 * 3600) ?? .gmt).adding(days: 10) else { return .idle }
        var sent = 0
        for rca in try await reminders.openRCAs(dueBy: horizon) {
            let today = LocalDate.of(now, in: TimeZone(identifier: rca.timeZone) ?? .gmt)
            if rca.dueOn < today {
                if try await self.remindRCA(rca.id, event: .rcaOverdue, key: "rca-overdue-\(rca.id)-\(rca.dueOn)", now: now) { sent += 1 }
            } else if BusinessDays.adding(1, after: today, calendar: rca.calendar) == rca.dueOn {
                if try await self.remindRCA(rca.id, event: .rcaDueSoon, key: "rca-due-\(rca.id)-\(rca.dueOn)", now: now) { sent += 1 }
            }
        }
        for (action, zone) in try await reminders.openActions(dueBy: horizon) {
            let today = LocalDate.of(now, in: TimeZone(identifier: zone) ?? .gmt)
            if action.dueOn < today {
                if try await self.remindAction(action, event: .actionOverdue, key: "action-overdue-\(action.id)-\(action.dueOn)", now: now) { sent += 1 }
            } else if action.dueOn == today {
                if try await self.remindAction(action, event: .actionDue, key: "action-due-\(action.id)-\(action.dueOn)", now: now) { sent += 1 }
            }
        }
        return sent == 0 ? .idle : JobReport(items: sent, summary: "\(sent) reminders sent")
    }

    /// Sends a reminder once per key: claims the key and applies what `effects` words, in one transaction; false when
    /// it was sent already.
    static func remind(
        key: String, now: Date, on repositories: Repositories, _ effects: @escaping (Repositories) async throws -> [Effect]
    ) async throws -> Bool {
        try await Change(repositories: repositories, clock: { now }).run(actor: .system) { repositories, _ in
            guard try await repositories.reminders.claim(key) else { return (false, []) }
            return (true, try await effects(repositories))
        }
    }

    private func remindRCA(_ id: Int64, event: InboxEvent, key: String, now: Date) async throws -> Bool {
        try await Self.remind(key: key, now: now, on: self.repositories) { repositories in
            let rca = try await repositories.rcas.find(id: id, scope: .organisation)
            let agreements = try await repositories.rcas.partyAgreements(id: id)
            return RCARules.reminded(event, rca: rca, agreements: agreements, now: now, key: key)
        }
    }

    private func remindAction(_ action: CorrectiveAction, event: InboxEvent, key: String, now: Date) async throws -> Bool {
        try await Self.remind(key: key, now: now, on: self.repositories) { repositories in
            [.announce(CorrectiveAction.reminder(action, event: event, agreementID: try await repositories.reminders.agreement(of: action)))]
        }
    }
}

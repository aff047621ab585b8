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
        let reminders = ReminderRepository(database: self.repositories.database)
        // the latest calendar day anywhere, plus a long weekend and holidays before a due date
        guard let horizon = LocalDate.of(now, in: TimeZone(secondsFromGMT: 14 * 3600) ?? .gmt).adding(days: 10) else { return .idle }
        var sent = 0
        for rca in try await reminders.openRCAs(dueBy: horizon) {
            let today = LocalDate.of(now, in: TimeZone(identifier: rca.timeZone) ?? .gmt)
            if rca.dueOn < today {
                if try await reminders.remindRCA(rca.id, event: .rcaOverdue, key: "rca-overdue-\(rca.id)-\(rca.dueOn)", now: now) { sent += 1 }
            } else if BusinessDays.adding(1, after: today, calendar: rca.calendar) == rca.dueOn {
                if try await reminders.remindRCA(rca.id, event: .rcaDueSoon, key: "rca-due-\(rca.id)-\(rca.dueOn)", now: now) { sent += 1 }
            }
        }
        for (action, zone) in try await reminders.openActions(dueBy: horizon) {
            let today = LocalDate.of(now, in: TimeZone(identifier: zone) ?? .gmt)
            if action.dueOn < today {
                if try await reminders.remindAction(action, event: .actionOverdue, key: "action-overdue-\(action.id)-\(action.dueOn)", now: now) { sent += 1 }
            } else if action.dueOn == today {
                if try await reminders.remindAction(action, event: .actionDue, key: "action-due-\(action.id)-\(action.dueOn)", now: now) { sent += 1 }
            }
        }
        return sent == 0 ? .idle : JobReport(items: sent, summary: "\(sent) reminders sent")
    }
}

import AccordDomain
import Foundation
import Synchronization

/// Rendered portfolio tables, kept per scope and change stamp.
///
/// The stamp (`PeriodRecordRepository.portfolioStamp`) changes in the same transaction as any change a portfolio page
/// shows, so a cached table is only ever served while it is still what a fresh computation would give; entries also
/// expire with the hour, as periods roll over with the clock. Pages check the stamp on every request (one query).
public final class PortfolioCache: Sendable {
    struct Entry: Sendable {
        var stamp: String
        var hour: Int
        var html: String
        var summary: [String]
    }

    private let entries = Mutex<[String: Entry]>([:])
    static let capacity = 256

    /// Overdue counts per scope, read at most once a minute: RCAs and actions fall overdue by the day and leave it by
    /// a person's step, so a minute behind is still today's picture.
    private let overdue = Mutex<[String: (rcas: Int, actions: Int, at: Date)]>([:])
    static let overdueLifetime: TimeInterval = 60

    func overdueCounts(scope: AccessScope, now: Date, read: () async throws -> (rcas: Int, actions: Int)) async throws -> (rcas: Int, actions: Int) {
        let key = Self.key(scope)
        if let cached = self.overdue.withLock({ $0[key] }), now.timeIntervalSince(cached.at) < Self.overdueLifetime, cached.at <= now {
            return (cached.rcas, cached.actions)
        }
        let counts = try await read()
        self.overdue.withLock { overdue in
            if overdue.count >= Self.capacity { overdue.removeAll() }
            overdue[key] = (counts.rcas, counts.actions, now)
        }
        return counts
    }

    /// The dashboard's governance reminders (notice deadlines near, the next reviews) per scope, read at most once a minute.
    private let reminders = Mutex<[String: (links: [DashboardPages.OverdueLink], at: Date)]>([:])

    func governanceReminders(
        scope: AccessScope, now: Date, read: () async throws -> [DashboardPages.OverdueLink]
    ) async throws -> [DashboardPages.OverdueLink] {
        let key = Self.key(scope)
        if let cached = self.reminders.withLock({ $0[key] }), now.timeIntervalSince(cached.at) < Self.overdueLifetime, cached.at <= now {
            return cached.links
        }
        let links = try await read()
        self.reminders.withLock { reminders in
            if reminders.count >= Self.capacity { reminders.removeAll() }
            reminders[key] = (links, now)
        }
        return links
    }

    public init() {}

    func lookup(scope: AccessScope, stamp: String, hour: Int) -> Entry? {
        self.entries.withLock { entries in
            guard let entry = entries[Self.key(scope)], entry.stamp == stamp, entry.hour == hour else { return nil }
            return entry
        }
    }

    func store(_ entry: Entry, scope: AccessScope) {
        self.entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[Self.key(scope)] = entry
        }
    }

    static func key(_ scope: AccessScope) -> String { scope.vendorID.map { "vendor:\($0)" } ?? "organisation" }
}

import AccordApplication
import AccordDomain
import Foundation
import Synchronization

/// The dashboard's governance lines (overdue RCAs and actions, notice deadlines, reviews near), kept per scope for a
/// minute. The table itself needs no cache: its rows are kept current in `dashboard_rows` and read a page at a time.
///
/// Per process: each replica keeps its own, and no write (on this replica or another) clears it. It stays correct with
/// several replicas because nothing in it outlives a bound the page states or checks: the governance lines and filter
/// choices are at most a minute old, the status counts two seconds, and a row's rendered HTML is used only while the
/// `refreshed_at` and series version read from the database with the page are the ones it was rendered from.
public final class PortfolioCache: Sendable {
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

    /// The dashboard's vendor and service choices per scope, read at most once a minute.
    private let choices = Mutex<[String: (vendors: [(Int64, String)], services: [(Int64, String)], at: Date)]>([:])

    func filterChoices(
        scope: AccessScope, now: Date, read: () async throws -> ([(Int64, String)], [(Int64, String)])
    ) async throws -> ([(Int64, String)], [(Int64, String)]) {
        let key = Self.key(scope)
        if let cached = self.choices.withLock({ $0[key] }), now.timeIntervalSince(cached.at) < Self.overdueLifetime, cached.at <= now {
            return (cached.vendors, cached.services)
        }
        let read = try await read()
        self.choices.withLock { choices in
            if choices.count >= Self.capacity { choices.removeAll() }
            choices[key] = (read.0, read.1, now)
        }
        return read
    }

    /// Each dashboard row's rendered HTML, kept until the row is computed again (its `refreshed_at` or the series
    /// version it was computed from changes): a page renders only the rows that changed since they were last shown.
    private let rowHTML = Mutex<[Int64: (refreshedAt: Date, version: Int64, html: String)]>([:])
    static let rowCapacity = 50_000

    func cachedRowHTML(seriesID: Int64, refreshedAt: Date, version: Int64) -> String? {
        guard let cached = self.rowHTML.withLock({ $0[seriesID] }), cached.refreshedAt == refreshedAt, cached.version == version else { return nil }
        return cached.html
    }

    func storeRowHTML(_ html: String, seriesID: Int64, refreshedAt: Date, version: Int64) {
        self.rowHTML.withLock { rows in
            if rows.count >= Self.rowCapacity { rows.removeAll() }
            rows[seriesID] = (refreshedAt, version, html)
        }
    }

    /// The dashboard's status counts per scope and filter, for two seconds: under a live feed every view would count
    /// every row again; a summary a second or two old is still the picture (the rows themselves are always current).
    private let counts = Mutex<[String: (counts: DashboardCounts, at: Date)]>([:])
    static let countsLifetime: TimeInterval = 2

    func dashboardCounts(
        key: String, now: Date, read: () async throws -> DashboardCounts
    ) async throws -> DashboardCounts {
        if let cached = self.counts.withLock({ $0[key] }), now.timeIntervalSince(cached.at) < Self.countsLifetime, cached.at <= now {
            return cached.counts
        }
        let fresh = try await read()
        self.counts.withLock { counts in
            if counts.count >= Self.capacity { counts.removeAll() }
            counts[key] = (fresh, now)
        }
        return fresh
    }

    public init() {}

    static func key(_ scope: AccessScope) -> String { scope.vendorID.map { "vendor:\($0)" } ?? "organisation" }
}

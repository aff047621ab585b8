import AccordDomain
import AccordStorage
import Foundation

/// How long raw minute buckets are kept (`ACCORD_RAW_RETENTION_DAYS`).
public enum RawRetention {
    /// A month and the default 30-day dispute window after it: what any month needs. Whatever needs a month longer
    /// holds it by itself (`RetentionRepository.holds`): a period over it not closed yet (a quarter), a dispute window
    /// still open, an open dispute, a pending claim, a backfill still writing.
    public static let defaultDays = 62
    /// The least the database lets go (`accord_summarise_measurement_month`).
    public static let minimumDays = 62
    public static let maximumDays = 36_600
}

/// Summarises and drops the month partitions of raw buckets older than the retention span, oldest first, unless
/// something still needs their raw rows (`RetentionRepository.holds`): an open dispute or pending claim overlapping the
/// month, or a closed period over it that can still be disputed. A held month is tried again on the next run.
public struct RawRetentionJob: Job {
    let repositories: Repositories
    let days: Int

    public init(repositories: Repositories, days: Int = RawRetention.defaultDays) {
        self.repositories = repositories
        self.days = min(max(days, RawRetention.minimumDays), RawRetention.maximumDays)
    }

    public var name: String { "raw-retention" }
    public var purpose: String {
        "Summarises raw minute buckets older than \(self.days) days (ACCORD_RAW_RETENTION_DAYS) into the hourly rollup and each batch's digest, then drops their month; months a dispute, claim or open dispute window needs are kept."
    }
    public var interval: Duration { .seconds(6 * 3600) }

    public func run(now: Date) async throws -> JobReport {
        let horizon = now.addingTimeInterval(-Double(self.days) * 86_400)
        var summaries: [String] = []
        var held: [String] = []
        var items = 0
        for month in try await self.repositories.retention.monthsEndingBy(horizon) {
            let span = DateInterval(start: month, end: MeasurementRepository.monthAfter(month))
            let label = MeasurementRepository.monthLabel(month)
            let reasons = try await self.repositories.retention.holds(month: span, now: now)
            if !reasons.isEmpty {
                held.append("\(label) kept: \(reasons.joined(separator: "; "))")
                continue
            }
            let keep = try await self.repositories.retention.seriesOffTheHour(month: span)
            guard let summary = try await self.repositories.retention.summarise(month: month, keepingSeries: keep) else { continue }
            items += 1
            summaries.append("\(label): \(summary.dropped) raw buckets summarised and dropped, \(summary.kept) kept")
        }
        if summaries.isEmpty && held.isEmpty { return .idle }
        return JobReport(items: items, summary: (summaries + held).joined(separator: "; "))
    }
}

/// Compacts the lineage of live feeds: in each hour of a series that is safe from replay (two days on), the small
/// pushed batches of one source become one batch holding their rows' count, sums and content hash, received from the
/// first to the last of them. Bulk batches, pulled batches and batches a dispute's remedy names stay as they are.
public struct LineageCompactionJob: Job {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// How long after its batches arrived an hour is compacted: idempotency keys (which answer with a batch's id) live
    /// one day; a retry after that is a new request, refused as overlapping what is stored.
    public static let lag: TimeInterval = 2 * 86_400
    /// Hours compacted in one run.
    public static let batch = 500

    public var name: String { "lineage-compaction" }
    public var purpose: String {
        "Compacts each hour's small pushed batches of one series and source into one lineage record (count, sums and content hash of their rows) two days after they arrived."
    }
    public var interval: Duration { .seconds(600) }

    public func run(now: Date) async throws -> JobReport {
        let before = now.addingTimeInterval(-Self.lag)
        var hours = 0
        var batches = 0
        for group in try await self.repositories.retention.compactableHours(before: before, limit: Self.batch) {
            let merged = try await self.repositories.retention.compact(group, before: before)
            if merged > 0 {
                hours += 1
                batches += merged
            }
        }
        guard hours > 0 else { return .idle }
        return JobReport(items: hours, summary: "\(batches) small batches compacted into \(hours) hourly lineage records")
    }
}

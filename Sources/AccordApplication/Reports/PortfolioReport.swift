import AccordDomain
import AccordStorage
import Foundation

/// Every objective in force across the portfolio: the current period so far, its budget, the alerts firing and the
/// last twelve periods, read in a fixed number of queries whatever the number of objectives.
///
/// Closed periods come from their recorded revision (the period rollup kept by the scheduler), so the cost does not grow
/// with the months of minute buckets behind them; only the current period and unrecorded ones read the hourly rollup.
public struct PortfolioReport: Sendable {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public struct Row: Sendable {
        public var entry: PortfolioEntry
        public var current: PeriodJudgement
        public var currentSpan: DateInterval
        /// Oldest first; nil where a period had no valid events.
        public var history: [Decimal?]
        public var historySpans: [DateInterval]
        public var firing: [String]
        /// How the current calendar period is going (nil for rolling windows, which have no end).
        public var outlook: PeriodOutlook?
    }

    public static let historyLength = 12

    /// The rows of the objectives in force that `include` keeps (all by default); only those are counted.
    public func rows(
        scope: AccessScope, now: Date, seriesIDs: [Int64]? = nil, include: (PortfolioEntry) -> Bool = { _ in true }
    ) async throws -> [Row] {
        let utc = TimeZone(identifier: "UTC")!
        let entries = try await self.repositories.objectives.portfolio(scope: scope, today: LocalDate.of(now, in: utc), seriesIDs: seriesIDs)
            .filter(include)
        // lay out each objective's current period and the twelve before it
        var layouts: [(current: DateInterval, past: [DateInterval])] = []
        for entry in entries {
            let zone = TimeZone(identifier: entry.timeZone) ?? utc
            if let days = entry.objective.window.days {
                let length = TimeInterval(days * 86_400)
                let current = DateInterval(start: now.addingTimeInterval(-length), end: now)
                layouts.append((current, []))
            } else {
                let calendar = PeriodCalendar(window: entry.objective.window, timeZone: zone)
                let current = calendar.period(containing: now)
                var past: [DateInterval] = []
                var cursor = current.start
                for _ in 0..<Self.historyLength {
                    let previous = calendar.period(containing: cursor.addingTimeInterval(-1))
                    past.insert(previous, at: 0)
                    cursor = previous.start
                }
                layouts.append((current, past))
            }
        }
        let seriesIDs = Array(Set(entries.map(\.objective.seriesID)))
        let earliest = layouts.compactMap { $0.past.first?.start ?? $0.current.start }.min() ?? now
        let records = try await self.repositories.periodRecords.latestRecords(seriesIDs: seriesIDs, from: earliest, to: now)
        var recorded: [Int64: [Date: PeriodRecord]] = [:]
        for record in records { recorded[record.seriesID, default: [:]][record.periodStart] = record }
        // everything not recorded is counted in one pass
        var requests: [MeasurementRepository.SpanRequest] = []
        for (entry, layout) in zip(entries, layouts) {
            let objective = entry.objective
            requests.append(.init(seriesID: objective.seriesID, sliKind: objective.sliKind, span: layout.current))
            for span in layout.past where recorded[objective.seriesID]?[span.start] == nil {
                requests.append(.init(seriesID: objective.seriesID, sliKind: objective.sliKind, span: span))
            }
        }
        // the last day of each current calendar period, for its outlook
        let recentStart = requests.count
        for (entry, layout) in zip(entries, layouts) where entry.objective.window.days == nil {
            requests.append(
                .init(
                    seriesID: entry.objective.seriesID, sliKind: entry.objective.sliKind,
                    span: DateInterval(start: max(layout.current.start, now.addingTimeInterval(-PeriodOutlook.recentSpan)), end: now)))
        }
        let allCounts = try await self.repositories.measurements.counts(requests, now: now)
        let counts = Array(allCounts[..<recentStart])
        var recent: [Int64: (DateInterval, EventCounts)] = [:]
        for index in recentStart..<requests.count { recent[requests[index].seriesID] = (requests[index].span, allCounts[index]) }
        requests = Array(requests[..<recentStart])
        var counted: [Int64: [Date: EventCounts]] = [:]
        for (request, count) in zip(requests, counts) { counted[request.seriesID, default: [:]][request.span.start] = count }
        let firing = try await self.repositories.periodRecords.firingRules(seriesIDs: seriesIDs)
        // the few objectives with a surge clause: their current period as the clause judges it
        var surged: [Int64: SurgeJudgement.Judged] = [:]
        for (entry, layout) in zip(entries, layouts) where entry.objective.movingTerms.surge != nil {
            let zone = TimeZone(identifier: entry.timeZone) ?? utc
            surged[entry.objective.seriesID] = try await SurgeJudgement(repositories: self.repositories).judge(
                objective: entry.objective.inForce(forPeriodStarting: LocalDate.of(layout.current.start, in: zone)), span: layout.current, zone: zone,
                total: counted[entry.objective.seriesID]?[layout.current.start] ?? .zero, now: now)
        }
        return zip(entries, layouts).map { entry, layout in
            // the current period under the season or ramp step in force on its first day (and its surge clause)
            let zone = TimeZone(identifier: entry.timeZone) ?? utc
            var entry = entry
            entry.objective = surged[entry.objective.seriesID]?.objective
                ?? entry.objective.inForce(forPeriodStarting: LocalDate.of(layout.current.start, in: zone))
            let objective = entry.objective
            let current = AttainmentCalculator.judge(
                surged[objective.seriesID]?.counts ?? counted[objective.seriesID]?[layout.current.start] ?? .zero, slaTarget: objective.slaTarget,
                sloTarget: objective.sloTarget)
            let history = layout.past.map { span -> Decimal? in
                if let record = recorded[objective.seriesID]?[span.start] { return record.attainment }
                // attainment does not depend on the targets: only the counts
                return AttainmentCalculator.judge(
                    counted[objective.seriesID]?[span.start] ?? .zero, slaTarget: objective.slaTarget, sloTarget: objective.sloTarget
                ).attainment
            }
            let outlook = recent[objective.seriesID].map { span, counts in
                PeriodOutlook.of(
                    soFar: current.counts, recent: counts, recentSeconds: Int64(span.duration.rounded()),
                    remainingSeconds: Int64(layout.current.end.timeIntervalSince(now).rounded()), slaTarget: objective.slaTarget,
                    sloTarget: objective.sloTarget)
            }
            return Row(
                entry: entry, current: current, currentSpan: layout.current, history: history, historySpans: layout.past,
                firing: firing[objective.seriesID] ?? [], outlook: outlook)
        }
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// Whether a corrective action worked: after its check date, have the objectives of the breaches it came from met
/// their SLA in every closed period since? Read from the recorded periods, latest revision of each.
public struct ActionEffectiveness: Sendable {
    public struct Result: Sendable, Equatable {
        /// The day from which periods count, in the RCA's zone.
        public var since: LocalDate
        public var periods: Int
        public var met: Int
        public var breached: Int
        /// Closed periods since the check date exist and every one met its SLA.
        public var effective: Bool { self.periods > 0 && self.breached == 0 }
        public var due: Bool
    }

    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// nil when the action names no check date.
    public func check(_ action: CorrectiveAction, rca: RootCauseAnalysis, now: Date) async throws -> Result? {
        guard let since = action.checkAfter else { return nil }
        let zone = TimeZone(identifier: rca.timeZone) ?? .gmt
        let today = LocalDate.of(now, in: zone)
        guard let start = PeriodPlanner.startInstant(since, in: zone) else { return nil }
        var periods = 0
        var met = 0
        var seen = Set<Int64>()
        for breach in rca.breaches where breach.objectiveID > 0 {
            let (objective, _) = try await self.repositories.objectives.find(id: breach.objectiveID, scope: .organisation)
            guard seen.insert(objective.seriesID).inserted else { continue }
            let records = try await self.repositories.periodRecords.records(seriesID: objective.seriesID, from: start, to: now)
            var latest: [Date: PeriodRecord] = [:]
            for record in records where record.periodStart >= start { latest[record.periodStart] = record }
            for record in latest.values where record.slaStatus != .noData {
                periods += 1
                if record.slaStatus == .met { met += 1 }
            }
        }
        return Result(since: since, periods: periods, met: met, breached: periods - met, due: today >= since)
    }
}

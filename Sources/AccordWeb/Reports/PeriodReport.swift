import AccordDomain
import AccordStorage
import Foundation

/// One judged period of an objective series, as pages and the API show it.
struct PeriodRow: Encodable, Sendable {
    var start: Date
    var end: Date
    var closed: Bool
    var versionNumber: Int
    var slaTarget: Decimal
    var sloTarget: Decimal
    var good: Decimal
    var valid: Decimal
    var attainment: Decimal?
    var slaStatus: TargetStatus
    var sloStatus: TargetStatus
    var budgetConsumed: Decimal?
    var budgetRemaining: Decimal?
}

/// Judges the calendar periods of an objective's series from the hourly rollup, each under the version in force at its start.
struct PeriodReport {
    let repositories: Repositories

    func periods(objectiveID: Int64, scope: AccessScope, from: Date, to: Date, now: Date) async throws -> [PeriodRow] {
        let (objective, placement) = try await self.repositories.objectives.find(id: objectiveID, scope: scope)
        let agreement = try await self.repositories.agreements.find(id: placement.agreementID, scope: scope)
        let terms = try await self.repositories.objectives.activeTerms(seriesID: objective.seriesID, scope: scope)
        let zone = TimeZone(identifier: agreement.timeZone) ?? .gmt
        let planned = PeriodPlanner.plan(terms: terms, timeZone: zone, from: from, to: to)
        let counts = try await self.repositories.measurements.counts(seriesID: objective.seriesID, spans: planned.map(\.span))
        return zip(planned, counts).map { period, counts in
            let judged = AttainmentCalculator.judge(counts, slaTarget: period.terms.objective.slaTarget, sloTarget: period.terms.objective.sloTarget)
            return PeriodRow(
                start: period.span.start, end: period.span.end, closed: period.span.end <= now, versionNumber: period.terms.versionNumber,
                slaTarget: period.terms.objective.slaTarget, sloTarget: period.terms.objective.sloTarget, good: counts.good, valid: counts.valid,
                attainment: judged.attainment.map { Self.rounded($0, places: 6) }, slaStatus: judged.slaStatus, sloStatus: judged.sloStatus,
                budgetConsumed: judged.budgetConsumed.map { Self.rounded($0, places: 6) },
                budgetRemaining: judged.budgetRemaining.map { Self.rounded($0, places: 6) })
        }
    }

    static func rounded(_ value: Decimal, places: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, places, .bankers)
        return output
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// The current period so far, its error budget, burn rates over the alert windows and the alerts firing.
struct ObjectiveStatus: Encodable, Sendable {
    struct Rate: Encodable, Sendable {
        var window: String
        var seconds: Int
        var good: Decimal
        var valid: Decimal
        var burnRate: Decimal?
    }

    struct Alert: Encodable, Sendable {
        var severity: String
        var factor: Decimal
        var longWindow: String
        var shortWindow: String
    }

    var objectiveId: Int64
    var seriesId: Int64
    var asOf: Date
    var period: PeriodRow?
    var burnRates: [Rate]
    var alerts: [Alert]
    /// The latest recorded changes of alert state (newest first), as the alert job saw them.
    var alertHistory: [PeriodRecordRepository.AlertEvent]
}

struct ObjectiveStatusReport {
    let repositories: Repositories

    static func name(_ seconds: TimeInterval) -> String {
        seconds >= 86_400 ? "\(Int(seconds / 86_400))d" : seconds >= 3600 ? "\(Int(seconds / 3600))h" : "\(Int(seconds / 60))m"
    }

    func status(objectiveID: Int64, scope: AccessScope, now: Date) async throws -> ObjectiveStatus {
        let (objective, _) = try await self.repositories.objectives.find(id: objectiveID, scope: scope)
        let period = try await PeriodReport(repositories: self.repositories).periods(
            objectiveID: objectiveID, scope: scope, from: now, to: now.addingTimeInterval(1), now: now
        ).first
        let rules = BurnRateRule.workbook
        let lookbacks = Array(Set(rules.flatMap { [$0.longWindow, $0.shortWindow] })).sorted()
        let counts = try await self.repositories.measurements.recentCounts(
            seriesID: objective.seriesID, sliKind: objective.sliKind, lookbacks: lookbacks, now: now)
        let slo = period?.sloTarget ?? objective.sloTarget
        let rates = lookbacks.map { lookback in
            let windowCounts = counts[lookback] ?? .zero
            return ObjectiveStatus.Rate(
                window: Self.name(lookback), seconds: Int(lookback), good: windowCounts.good, valid: windowCounts.valid,
                burnRate: BurnRate.of(windowCounts, sloTarget: slo).map { PeriodReport.rounded($0, places: 3) })
        }
        let firing = BurnRateAlerts.firing(rules: rules, sloTarget: slo) { counts[$0] ?? .zero }
        return ObjectiveStatus(
            objectiveId: objective.id, seriesId: objective.seriesID, asOf: now, period: period, burnRates: rates,
            alerts: firing.map {
                ObjectiveStatus.Alert(
                    severity: $0.severity.rawValue, factor: $0.factor, longWindow: Self.name($0.longWindow), shortWindow: Self.name($0.shortWindow))
            }, alertHistory: try await self.repositories.periodRecords.alertEvents(seriesID: objective.seriesID, limit: 20))
    }
}

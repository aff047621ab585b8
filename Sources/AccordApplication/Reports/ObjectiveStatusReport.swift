import AccordDomain
import AccordStorage
import Foundation

/// The current period so far, its error budget, burn rates over the alert windows and the alerts firing.
public struct ObjectiveStatus: Encodable, Sendable {
    public struct Rate: Encodable, Sendable {
        public var window: String
        public var seconds: Int
        public var good: Decimal
        public var valid: Decimal
        public var burnRate: Decimal?
    }

    public struct Alert: Encodable, Sendable {
        public var severity: String
        public var factor: Decimal
        public var longWindow: String
        public var shortWindow: String
    }

    public var objectiveId: Int64
    public var seriesId: Int64
    public var asOf: Date
    public var period: PeriodRow?
    public var burnRates: [Rate]
    public var alerts: [Alert]
    /// The latest recorded changes of alert state (newest first), as the alert job saw them.
    public var alertHistory: [AlertEvent]

    /// The status as a vendor's user sees it when the agreement does not share the customer's internal figures: the
    /// period against the SLA only, no burn rates (they spend the SLO's budget) and no alerts.
    public var withholdingInternalFigures: ObjectiveStatus {
        var copy = self
        copy.period = self.period?.withholdingInternalFigures
        copy.burnRates = []
        copy.alerts = []
        copy.alertHistory = []
        return copy
    }
}

public struct ObjectiveStatusReport: Sendable {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// `1h`, `30m`, `3d`: how pages and the API name a lookback.
    public static func name(_ seconds: TimeInterval) -> String {
        seconds >= 86_400 ? "\(Int(seconds / 86_400))d" : seconds >= 3600 ? "\(Int(seconds / 3600))h" : "\(Int(seconds / 60))m"
    }

    public func status(objectiveID: Int64, scope: AccessScope, now: Date) async throws -> ObjectiveStatus {
        try await self.status(ObjectiveContext.load(objectiveID: objectiveID, scope: scope, repositories: self.repositories), now: now)
    }

    /// The status of an objective already read.
    public func status(_ context: ObjectiveContext, now: Date) async throws -> ObjectiveStatus {
        let objective = context.objective
        let period = try await PeriodReport(repositories: self.repositories).periods(
            context, from: now, to: now.addingTimeInterval(1), now: now
        ).first
        let rules = BurnRateRule.workbook
        let lookbacks = Array(Set(rules.flatMap { [$0.longWindow, $0.shortWindow] })).sorted()
        let counts = try await self.repositories.measurements.recentCounts(
            seriesID: objective.seriesID, sliKind: objective.sliKind, lookbacks: lookbacks, now: now)
        // the SLO of the season or ramp step in force, never a surge clause's relaxed one: burn rates warn before the
        // period's volume is known to pass the threshold (as `alert-evaluation` judges them)
        let slo = context.terms(at: now)?.objective.sloTarget ?? objective.sloTarget
        let rates = lookbacks.map { lookback in
            let windowCounts = counts[lookback] ?? .zero
            return ObjectiveStatus.Rate(
                window: Self.name(lookback), seconds: Int(lookback), good: Precision.shown(windowCounts.good),
                valid: Precision.shown(windowCounts.valid), burnRate: BurnRate.of(windowCounts, sloTarget: slo))
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

import Foundation

/// How a calendar period still open is going: never "breached" before it closes.
///
/// - `below target so far`: the attainment so far is below the SLA.
/// - `at risk`: it is below the SLO (the error budget is spent), or it would end below the SLA at the rate of the last
///   day (`projection`).
/// - `on track`: neither.
/// The projection adds to the counts so far the last day's good and valid events, scaled to the time left (the
/// shorter span since the period began when it is younger than a day).
public struct PeriodOutlook: Sendable, Equatable {
    public enum Status: String, Sendable, Codable {
        case onTrack = "on_track"
        case atRisk = "at_risk"
        case belowTarget = "below_target"
        case noData = "no_data"

        public var label: String {
            switch self {
            case .onTrack: "on track"
            case .atRisk: "at risk"
            case .belowTarget: "below target so far"
            case .noData: "no data yet"
            }
        }
    }

    public var status: Status
    /// The attainment the period ends with at the recent rate (12 decimals); nil without valid events.
    public var projectedAttainment: Decimal?

    /// How far back the recent rate looks.
    public static let recentSpan: TimeInterval = 86_400

    public static func of(
        soFar: EventCounts, recent: EventCounts, recentSeconds: Int64, remainingSeconds: Int64, slaTarget: Decimal, sloTarget: Decimal
    ) -> PeriodOutlook {
        guard let attainment = soFar.attainment else {
            return PeriodOutlook(status: .noData, projectedAttainment: nil)
        }
        var projected = attainment
        if recentSeconds > 0, remainingSeconds > 0, let scale = Fraction(remainingSeconds).divided(by: Fraction(recentSeconds)) {
            let counts = soFar + EventCounts(good: recent.good * scale, valid: recent.valid * scale)
            projected = counts.attainment ?? attainment
        }
        let status: Status =
            attainment < Fraction(slaTarget) ? .belowTarget : (attainment < Fraction(sloTarget) || projected < Fraction(slaTarget)) ? .atRisk : .onTrack
        return PeriodOutlook(status: status, projectedAttainment: Precision.shown(projected, below: [slaTarget, sloTarget]))
    }
}

extension TargetStatus {
    /// As pages say it: `met`, `breached`, `no data`.
    public var label: String {
        switch self {
        case .met: "met"
        case .breached: "breached"
        case .noData: "no data"
        }
    }
}

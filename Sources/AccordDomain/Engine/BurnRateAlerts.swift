import Foundation

/// How fast an objective spends its error budget: (bad / valid over a lookback) / (1 − SLO).
/// 1 spends exactly the budget over the SLO's window; 14.4 spends a 30-day budget's 2 % in one hour.
public enum BurnRate {
    public static func of(_ counts: EventCounts, sloTarget: Decimal) -> Decimal? {
        Self.exact(counts, sloTarget: sloTarget).map { Precision.shown($0) }
    }

    public static func exact(_ counts: EventCounts, sloTarget: Decimal) -> Fraction? {
        guard let share = counts.bad.divided(by: counts.valid), let budget = (100 - Fraction(sloTarget)).divided(by: 100) else { return nil }
        return share.divided(by: budget)
    }
}

/// One row of the multi-window, multi-burn-rate alert table: fires only when both windows burn faster than `factor`.
public struct BurnRateRule: Sendable, Equatable, Codable {
    public enum Severity: String, Sendable, Codable {
        case page, ticket
    }

    public var severity: Severity
    public var factor: Decimal
    public var longWindow: TimeInterval
    public var shortWindow: TimeInterval

    public init(severity: Severity, factor: Decimal, longWindow: TimeInterval, shortWindow: TimeInterval) {
        self.severity = severity
        self.factor = factor
        self.longWindow = longWindow
        self.shortWindow = shortWindow
    }

    /// The SRE Workbook's table for a 30-day budget.
    public static let workbook: [BurnRateRule] = [
        BurnRateRule(severity: .page, factor: Decimal(string: "14.4")!, longWindow: 3600, shortWindow: 300),
        BurnRateRule(severity: .page, factor: 6, longWindow: 6 * 3600, shortWindow: 1800),
        BurnRateRule(severity: .ticket, factor: 3, longWindow: 86_400, shortWindow: 7200),
        BurnRateRule(severity: .ticket, factor: 1, longWindow: 3 * 86_400, shortWindow: 6 * 3600),
    ]

    /// Whether this rule fires given the counts over its long and short windows (strictly above the factor, as the Workbook's `>`).
    public func fires(long: EventCounts, short: EventCounts, sloTarget: Decimal) -> Bool {
        guard let longRate = BurnRate.exact(long, sloTarget: sloTarget), let shortRate = BurnRate.exact(short, sloTarget: sloTarget) else {
            return false
        }
        return longRate > Fraction(self.factor) && shortRate > Fraction(self.factor)
    }
}

/// The alerts that fire, most severe first, given counts per lookback window.
public enum BurnRateAlerts {
    public static func firing(
        rules: [BurnRateRule] = BurnRateRule.workbook, sloTarget: Decimal, counts: (TimeInterval) -> EventCounts
    ) -> [BurnRateRule] {
        rules.filter { $0.fires(long: counts($0.longWindow), short: counts($0.shortWindow), sloTarget: sloTarget) }
    }
}

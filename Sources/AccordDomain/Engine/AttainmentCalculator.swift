import Foundation

/// `met` / `breached` against a target, or `no_data` when nothing valid was measured.
public enum TargetStatus: String, Sendable, Codable, Equatable {
    case met
    case breached
    case noData = "no_data"
}

/// Summed counts over some span: exact fractions, since a partly excluded bucket keeps only its uncovered share.
public struct EventCounts: Sendable, Equatable {
    public var good: Fraction
    public var valid: Fraction

    public static let zero = EventCounts(good: 0, valid: 0)

    public init(good: Fraction, valid: Fraction) {
        self.good = good
        self.valid = valid
    }

    public var bad: Fraction { self.valid - self.good }

    /// Sum good / sum valid in percent, exactly; nil without valid events.
    public var attainment: Fraction? { self.valid > 0 ? self.good.divided(by: self.valid).map { $0 * 100 } : nil }

    public static func - (lhs: EventCounts, rhs: EventCounts) -> EventCounts {
        EventCounts(good: lhs.good - rhs.good, valid: lhs.valid - rhs.valid)
    }

    public static func + (lhs: EventCounts, rhs: EventCounts) -> EventCounts {
        EventCounts(good: lhs.good + rhs.good, valid: lhs.valid + rhs.valid)
    }
}

/// The judgement of one period of one objective.
///
/// Statuses are decided on exact fractions (good ≥ target × valid). The decimal figures are for showing: rounded
/// half-even to `Precision.places`, except that a figure below a target is never rounded up to it (it is rounded
/// down instead), so no breached figure reads as reaching its target.
public struct PeriodJudgement: Sendable, Equatable {
    public var counts: EventCounts
    /// Sum good / sum valid, in percent, exact; nil without valid events.
    public var exactAttainment: Fraction?
    /// The attainment shown.
    public var attainment: Decimal?
    public var slaStatus: TargetStatus
    public var sloStatus: TargetStatus
    /// Share of the error budget (measured against the SLO) used: bad / (valid × (1 − SLO)). 1 means exactly spent.
    public var budgetConsumed: Decimal?
    /// 1 − consumed; negative once overspent.
    public var budgetRemaining: Decimal?
}

/// How many decimals the API gives attainment, budgets and burn rates with.
public enum Precision {
    public static let places = 12

    /// `value` rounded half-even, unless that would lift a figure below one of `below` to it (then rounded down), or
    /// bring a figure above one of `above` down to it (then rounded up): a budget overspent by a hair never reads 0.
    public static func shown(_ value: Fraction, below: [Decimal] = [], above: [Decimal] = []) -> Decimal {
        let rounded = value.rounded(places: Self.places)
        for target in below where value < Fraction(target) && rounded >= target {
            return value.roundedDown(places: Self.places)
        }
        for floor in above where value > Fraction(floor) && rounded <= floor {
            return value.roundedUp(places: Self.places)
        }
        return rounded
    }
}

/// Attainment is always sum good / sum valid over the period, never an average of per-bucket ratios.
public enum AttainmentCalculator {
    /// 1/100, to turn a percentage into a share.
    static let hundredth = Fraction(numerator: .one, denominator: Natural(100)) ?? .zero

    public static func judge(_ counts: EventCounts, slaTarget: Decimal, sloTarget: Decimal) -> PeriodJudgement {
        guard let attainment = counts.attainment else {
            return PeriodJudgement(
                counts: counts, exactAttainment: nil, attainment: nil, slaStatus: .noData, sloStatus: .noData, budgetConsumed: nil,
                budgetRemaining: nil)
        }
        let budget = counts.valid * (100 - Fraction(sloTarget)) * Self.hundredth
        let consumed: Fraction? = budget > 0 ? counts.bad.divided(by: budget) : (counts.bad > 0 ? nil : 0)
        return PeriodJudgement(
            counts: counts, exactAttainment: attainment, attainment: Precision.shown(attainment, below: [slaTarget, sloTarget]),
            slaStatus: attainment >= Fraction(slaTarget) ? .met : .breached, sloStatus: attainment >= Fraction(sloTarget) ? .met : .breached,
            budgetConsumed: consumed.map { Precision.shown($0, above: [1]) }, budgetRemaining: consumed.map { Precision.shown(1 - $0, below: [0]) })
    }
}

import Foundation

/// `met` / `breached` against a target, or `no_data` when nothing valid was measured.
public enum TargetStatus: String, Sendable, Codable, Equatable {
    case met
    case breached
    case noData = "no_data"
}

/// Summed counts of a ratio SLI over some span. Fractional counts arise only from partly excluded buckets.
public struct EventCounts: Sendable, Equatable, Codable {
    public var good: Decimal
    public var valid: Decimal

    public static let zero = EventCounts(good: 0, valid: 0)

    public init(good: Decimal, valid: Decimal) {
        self.good = good
        self.valid = valid
    }

    public var bad: Decimal { self.valid - self.good }

    public static func - (lhs: EventCounts, rhs: EventCounts) -> EventCounts {
        EventCounts(good: lhs.good - rhs.good, valid: lhs.valid - rhs.valid)
    }

    public static func + (lhs: EventCounts, rhs: EventCounts) -> EventCounts {
        EventCounts(good: lhs.good + rhs.good, valid: lhs.valid + rhs.valid)
    }
}

/// The judgement of one period of one objective.
public struct PeriodJudgement: Sendable, Equatable {
    public var counts: EventCounts
    /// Sum good / sum valid, in percent; nil without valid events.
    public var attainment: Decimal?
    public var slaStatus: TargetStatus
    public var sloStatus: TargetStatus
    /// Share of the error budget used: bad / (valid × (1 − SLO)). 1 means exactly spent.
    public var budgetConsumed: Decimal?
    /// 1 − consumed; negative once overspent.
    public var budgetRemaining: Decimal?
}

/// Attainment is always sum good / sum valid over the period, never an average of per-bucket ratios.
public enum AttainmentCalculator {
    public static func judge(_ counts: EventCounts, slaTarget: Decimal, sloTarget: Decimal) -> PeriodJudgement {
        guard counts.valid > 0 else {
            return PeriodJudgement(counts: counts, attainment: nil, slaStatus: .noData, sloStatus: .noData, budgetConsumed: nil, budgetRemaining: nil)
        }
        let attainment = counts.good / counts.valid * 100
        let budget = counts.valid * (100 - sloTarget) / 100
        let consumed: Decimal? = budget > 0 ? counts.bad / budget : (counts.bad > 0 ? nil : 0)
        return PeriodJudgement(
            counts: counts, attainment: attainment, slaStatus: attainment >= slaTarget ? .met : .breached,
            sloStatus: attainment >= sloTarget ? .met : .breached, budgetConsumed: consumed, budgetRemaining: consumed.map { 1 - $0 })
    }
}

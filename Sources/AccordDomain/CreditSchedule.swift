import Foundation

/// `attainment < threshold → percent of the period's fee`.
public struct CreditTier: Sendable, Codable, Equatable {
    public var threshold: Decimal
    public var percent: Decimal

    public init(threshold: Decimal, percent: Decimal) {
        self.threshold = threshold
        self.percent = percent
    }
}

/// How much of a period's fee is credited back when an objective's SLA is missed.
public struct CreditSchedule: Sendable, Codable, Equatable {
    public var tiers: [CreditTier]
    /// The most that one period can credit, in percent of the fee.
    public var capPercent: Decimal
    /// Multiplies the credit while the vendor is on probation (0 to 1).
    public var probationFactor: Decimal

    public static let none = CreditSchedule(tiers: [], capPercent: 100, probationFactor: 1)

    public init(tiers: [CreditTier], capPercent: Decimal, probationFactor: Decimal) {
        self.tiers = tiers
        self.capPercent = capPercent
        self.probationFactor = probationFactor
    }

    /// The percent of the fee credited for `attainment` (in percent).
    ///
    /// The tier with the lowest threshold that the attainment is below applies (tiers are not
    /// cumulative), then the cap, then the probation factor.
    public func creditPercent(forAttainment attainment: Decimal, onProbation: Bool) -> Decimal {
        self.creditPercent(forExact: Fraction(attainment), onProbation: onProbation)
    }

    /// The tier an exact attainment falls below: the one with the lowest threshold it is below.
    public func reachedTier(forExact attainment: Fraction) -> CreditTier? {
        self.tiers.filter { attainment < Fraction($0.threshold) }.min { $0.threshold < $1.threshold }
    }

    /// The same, decided on the exact attainment.
    public func creditPercent(forExact attainment: Fraction, onProbation: Bool) -> Decimal {
        let reached = self.reachedTier(forExact: attainment)
        let capped = min(reached?.percent ?? 0, self.capPercent)
        return onProbation ? capped * self.probationFactor : capped
    }

    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        var thresholds = Set<Decimal>()
        for (index, tier) in self.tiers.enumerated() {
            let row = "Credit tier \(index + 1)"
            if !(tier.threshold > 0 && tier.threshold <= 100) {
                errors.add("credit_tiers", "\(row): threshold must be above 0 and at most 100 %.")
            } else if tier.threshold.rounded(places: Bounds.targetPlaces) != tier.threshold {
                errors.add("credit_tiers", "\(row): threshold may have at most \(Bounds.targetPlaces) decimal places.")
            }
            if !(tier.percent >= 0 && tier.percent <= 100) {
                errors.add("credit_tiers", "\(row): credit must be between 0 and 100 % of the fee.")
            }
            if !thresholds.insert(tier.threshold).inserted {
                errors.add("credit_tiers", "\(row): threshold \(tier.threshold) appears twice.")
            }
        }
        if !(self.capPercent >= 0 && self.capPercent <= 100) {
            errors.add("credit_cap_percent", "Cap must be between 0 and 100 % of the fee.")
        }
        if !(self.probationFactor >= 0 && self.probationFactor <= 1) {
            errors.add("probation_factor", "Probation factor must be between 0 and 1.")
        }
        return errors
    }
}

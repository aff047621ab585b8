import Foundation

/// A change of terms the data suggests, with the evidence behind it.
public struct RenegotiationCandidate: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// K consecutive periods above target: raise the target.
        case sustainedOverAchievement = "sustained_over_achievement"
        /// Missed in at least 4 of the last 12 periods: recalibrate, or agree a corrective plan.
        case repeatedMisses = "repeated_misses"
        /// A new objective with enough history to set its first target from.
        case initialTarget = "initial_target"
        /// Most of the error budget left unused period after period: the SLO (or SLA) could be tighter.
        case budgetUnused = "budget_unused"
        /// The vendor's probation has ended and its last periods all met the SLA: tighten the terms it was given.
        case probationEnded = "probation_ended"
    }

    public var kind: Kind
    public var message: String
    /// The suggested target in percent, where the rule gives one.
    public var suggestedTarget: Decimal?
}

/// The rules that find renegotiation candidates in an objective's recorded periods (attainment in percent, oldest
/// first, nil for a period without data).
public enum RenegotiationRules {
    public struct Settings: Sendable, Equatable {
        /// Consecutive periods above target for over-achievement.
        public var overAchievementPeriods = 12
        /// A raised target may not exceed this.
        public var targetCap: Decimal = Decimal(string: "99.999")!
        public var missWindow = 12
        public var missesForRecalibration = 4
        public var initialTargetPeriods = 9
        /// Average share of the error budget left at period end above which the budget counts as mostly unused.
        public var unusedBudgetShare: Decimal = Decimal(string: "0.8")!
        /// Periods that must all have met the SLA, the latest ones, once probation has ended.
        public var probationGoodPeriods = 6

        public init() {}
    }

    /// `probationEnded`: the vendor's last day of probation has passed. `standardTarget`: the objective's own SLA, which
    /// a tightening raises, and `metTheirTargets`: whether each period met the SLA in force for it (a season or ramp step
    /// may have set it), when they differ from `target`.
    public static func candidates(
        attainments: [Decimal?], target: Decimal, budgetLeft: [Decimal?] = [], isNew: Bool = false, probationEnded: Bool = false,
        standardTarget: Decimal? = nil, metTheirTargets: [Bool]? = nil, settings: Settings = Settings()
    ) -> [RenegotiationCandidate] {
        var found: [RenegotiationCandidate] = []
        let standard = standardTarget ?? target
        if probationEnded,
            let tightened = Self.probationTightening(attainments: attainments, target: standard, met: metTheirTargets, settings: settings)
        {
            found.append(
                .init(
                    kind: .probationEnded,
                    message: "Probation has ended and the last \(settings.probationGoodPeriods) periods all met their SLA (mean \(tightened.mean.rounded(places: 3).plain) %): tighten the \(standard.plain) % target halfway to the mean, to \(tightened.target.plain) %.",
                    suggestedTarget: tightened.target))
        }
        let measured = attainments.compactMap { $0 }
        // the latest run of consecutive periods above target
        var run: [Decimal] = []
        for value in attainments.reversed() {
            guard let value, value > target else { break }
            run.append(value)
        }
        if run.count >= settings.overAchievementPeriods {
            let mean = Self.mean(run)
            let raised = min(settings.targetCap, target + (mean - target) / 2).rounded(places: 3)
            if raised > target {
                found.append(
                    .init(
                        kind: .sustainedOverAchievement,
                        message: "Above the \(target.plain) % target for \(run.count) consecutive periods (mean \(mean.rounded(places: 3).plain) %): raise it halfway to the mean, to \(raised.plain) %.",
                        suggestedTarget: raised))
            }
        }
        let recent = attainments.suffix(settings.missWindow).compactMap { $0 }
        let misses = recent.filter { $0 < target }.count
        if misses >= settings.missesForRecalibration {
            found.append(
                .init(
                    kind: .repeatedMisses,
                    message: "Missed the \(target.plain) % target in \(misses) of the last \(recent.count) periods with data: recalibrate the target or agree a corrective plan.",
                    suggestedTarget: nil))
        }
        if isNew, measured.count >= settings.initialTargetPeriods, let lowest = measured.min() {
            let mean = Self.mean(measured)
            found.append(
                .init(
                    kind: .initialTarget,
                    message: "\(measured.count) periods of history: expected level \(mean.rounded(places: 3).plain) % (the mean), minimum \(lowest.rounded(places: 3).plain) % (the lowest).",
                    suggestedTarget: lowest.rounded(places: 3)))
        }
        let left = budgetLeft.compactMap { $0 }
        if left.count >= settings.missWindow / 2, Self.mean(left) >= settings.unusedBudgetShare {
            found.append(
                .init(
                    kind: .budgetUnused,
                    message: "On average \((Self.mean(left) * 100).rounded(places: 0).plain) % of the error budget was left unused over \(left.count) periods: the target could be tighter.",
                    suggestedTarget: nil))
        }
        return found
    }

    /// The tighter target once probation has ended: when the last `probationGoodPeriods` periods all have data and met
    /// `target` (attainment at or above it), halfway from the target to their mean, at most the cap; nil otherwise
    /// (too few periods, one without data or below target, or no room above the target).
    /// `met`: whether each period met the SLA in force for it; without it, whether its attainment reached `target`.
    public static func probationTightening(
        attainments: [Decimal?], target: Decimal, met: [Bool]? = nil, settings: Settings = Settings()
    ) -> (target: Decimal, mean: Decimal)? {
        let count = settings.probationGoodPeriods
        guard count > 0, attainments.count >= count else { return nil }
        let last = attainments.suffix(count).compactMap { $0 }
        let allMet = met.map { $0.count >= count && $0.suffix(count).allSatisfy { $0 } } ?? last.allSatisfy { $0 >= target }
        guard last.count == count, allMet else { return nil }
        let mean = Self.mean(last)
        let raised = min(settings.targetCap, target + (mean - target) / 2).rounded(places: 3)
        return raised > target ? (raised, mean) : nil
    }

    static func mean(_ values: [Decimal]) -> Decimal {
        values.isEmpty ? 0 : values.reduce(0, +) / Decimal(values.count)
    }
}

/// The notice deadline of an agreement and the reminders before it.
public enum RenewalRules {
    public static let reminderDays = [90, 60, 30, 7]

    /// The last day to give notice: the term's end minus the notice period (in days); nil without an end.
    public static func noticeDeadline(endDate: LocalDate?, noticeDays: Int) -> LocalDate? {
        guard let endDate, (0...3660).contains(noticeDays) else { return nil }
        return endDate.adding(days: -noticeDays)
    }

    /// The reminder due on `today`, if any: the largest of 90/60/30/7 days before the deadline that has been reached
    /// while the deadline is still ahead.
    public static func reminder(deadline: LocalDate, today: LocalDate) -> Int? {
        let left = deadline.daysSince1970 - today.daysSince1970
        guard left >= 0 else { return nil }
        return Self.reminderDays.filter { left <= $0 }.min()
    }

    /// What happens once the deadline has passed without notice.
    public static func afterDeadline(autoRenews: Bool) -> String {
        autoRenews ? "The notice deadline has passed: the agreement renews automatically for another term." : "The notice deadline has passed: the agreement expires at the end of its term."
    }
}

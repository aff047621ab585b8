import Foundation

/// A span of days (inclusive, in the agreement's zone) in which the customer allows no planned maintenance.
public struct DenyPeriod: Sendable, Codable, Equatable {
    public var from: LocalDate
    public var to: LocalDate
    public var label: String

    public init(from: LocalDate, to: LocalDate, label: String) {
        self.from = from
        self.to = to
        self.label = label
    }

    /// The instants `[from 00:00, day after to 00:00)` in `zone`.
    public func span(in zone: TimeZone) -> DateInterval? {
        guard let start = PeriodPlanner.startOfDay(self.from, in: zone), let next = self.to.adding(days: 1),
            let end = PeriodPlanner.startOfDay(next, in: zone), end > start
        else { return nil }
        return DateInterval(start: start, end: end)
    }
}

/// The governance terms of an agreement: how claims, disputes and root-cause analyses run under it.
public struct GovernanceTerms: Sendable, Codable, Equatable {
    /// Hours of notice planned maintenance needs before its window starts.
    public var noticeHours: Int
    /// Days after a period closes in which the vendor may dispute its figure or credit.
    public var disputeWindowDays: Int
    /// Business days (on the agreement's calendar) from opening a root-cause analysis to its due date.
    public var rcaDueBusinessDays: Int
    /// Whether every SLA breach opens a joint root-cause analysis.
    public var rcaOnSLABreach: Bool
    /// A breach below this attainment (percent) opens one, whatever its severity.
    public var rcaAttainmentFloor: Decimal?
    /// A second breach of the same objective within this many periods opens one.
    public var rcaRepeatWithin: Int?
    public var denyPeriods: [DenyPeriod]
    /// Days before the term's end by which notice must be given (when the agreement names no notice date).
    public var noticePeriodDays: Int?
    /// Whether the agreement renews for another term when no notice is given.
    public var autoRenews: Bool
    /// Whether a breach that meets the RCA triggers also adds an ad-hoc review meeting.
    public var adhocReviewOnTrigger: Bool
    /// Whether the vendor's users see the customer's internal figures: the SLO, the error budget measured against it
    /// and the burn-rate alerts. Without it a vendor sees the contract's SLA only.
    public var shareInternalFigures: Bool
    public var rowVersion: Int

    public init(
        noticeHours: Int = 72, disputeWindowDays: Int = 30, rcaDueBusinessDays: Int = 5, rcaOnSLABreach: Bool = true,
        rcaAttainmentFloor: Decimal? = nil, rcaRepeatWithin: Int? = nil, denyPeriods: [DenyPeriod] = [], noticePeriodDays: Int? = nil,
        autoRenews: Bool = false, adhocReviewOnTrigger: Bool = false, shareInternalFigures: Bool = false,
        rowVersion: Int = 0
    ) {
        self.noticeHours = noticeHours
        self.disputeWindowDays = disputeWindowDays
        self.rcaDueBusinessDays = rcaDueBusinessDays
        self.rcaOnSLABreach = rcaOnSLABreach
        self.rcaAttainmentFloor = rcaAttainmentFloor
        self.rcaRepeatWithin = rcaRepeatWithin
        self.denyPeriods = denyPeriods
        self.noticePeriodDays = noticePeriodDays
        self.autoRenews = autoRenews
        self.adhocReviewOnTrigger = adhocReviewOnTrigger
        self.shareInternalFigures = shareInternalFigures
        self.rowVersion = rowVersion
    }

    /// The terms an agreement has until a contract manager sets its own.
    public static let standard = GovernanceTerms()

    public static let noticeHoursRange = 0...8784
    public static let disputeWindowRange = 1...366
    public static let rcaDueRange = 1...60
    public static let repeatRange = 2...24
    public static let maximumDenyPeriods = 100

    /// Checks the terms a contract manager entered; every problem names its field.
    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        if !Self.noticeHoursRange.contains(self.noticeHours) { errors.add("notice_hours", "Notice must be 0 to 8784 hours (a year).") }
        if !Self.disputeWindowRange.contains(self.disputeWindowDays) {
            errors.add("dispute_window_days", "The dispute window must be 1 to 366 days.")
        }
        if !Self.rcaDueRange.contains(self.rcaDueBusinessDays) {
            errors.add("rca_due_business_days", "An RCA is due 1 to 60 business days after it opens.")
        }
        if let floor = self.rcaAttainmentFloor, !(floor > 0 && floor <= 100 && floor.rounded(places: Bounds.targetPlaces) == floor) {
            errors.add("rca_attainment_floor", "The attainment floor is a percentage above 0 and at most 100, with at most 6 decimals.")
        }
        if let within = self.rcaRepeatWithin, !Self.repeatRange.contains(within) {
            errors.add("rca_repeat_within", "A repeat is counted within 2 to 24 periods.")
        }
        if let days = self.noticePeriodDays, !(0...3660).contains(days) {
            errors.add("notice_period_days", "The notice period is 0 to 3,660 days before the term ends.")
        }
        if self.denyPeriods.count > Self.maximumDenyPeriods { errors.add("deny_periods", "At most 100 deny periods.") }
        for (index, period) in self.denyPeriods.enumerated() {
            let label = period.label.trimmingCharacters(in: .whitespacesAndNewlines)
            if label.isEmpty || label.count > 200 {
                errors.add("deny_periods", "Deny period \(index + 1) needs a name of at most 200 characters.")
            }
            if period.to < period.from {
                errors.add("deny_periods", "Deny period \(index + 1) ends before it starts.")
            }
            if !Bounds.years.contains(period.from.year) || !Bounds.years.contains(period.to.year) {
                errors.add("deny_periods", "Deny period \(index + 1) must lie \(Bounds.yearsText).")
            }
        }
        return errors
    }
}

/// When a recorded breach opens a joint RCA on its own.
public enum RCATriggers {
    /// The rule of `terms` a breach meets, in words, or nil. `isRepeat`: the same objective breached in one of the
    /// `rcaRepeatWithin − 1` periods before.
    public static func rule(severity: String, attainment: Decimal, isRepeat: Bool, terms: GovernanceTerms) -> String? {
        if terms.rcaOnSLABreach && severity == "sla" { return "an SLA breach" }
        if let floor = terms.rcaAttainmentFloor, attainment < floor { return "attainment \(attainment.rounded(places: 3).plain) % below the floor of \(floor.plain) %" }
        if let within = terms.rcaRepeatWithin, isRepeat { return "a repeat breach within \(within) periods" }
        return nil
    }
}

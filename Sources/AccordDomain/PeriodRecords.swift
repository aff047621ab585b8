import Foundation

/// A credit owed for a period, as computed from its attainment.
public struct CreditFigures: Sendable, Equatable, Codable {
    public var agreementID: Int64
    public var vendorID: Int64?
    public var tierPercent: Decimal
    /// The threshold of the tier reached (the attainment is below it).
    public var tierThreshold: Decimal?
    /// The attainment as the credit shows it: never rounded up to the threshold it fell below.
    public var attainment: Decimal?
    public var percent: Decimal
    public var onProbation: Bool
    public var periodFee: Decimal
    public var currency: String
    public var amount: Decimal

    public init(
        agreementID: Int64, vendorID: Int64?, tierPercent: Decimal, tierThreshold: Decimal? = nil, attainment: Decimal? = nil, percent: Decimal,
        onProbation: Bool, periodFee: Decimal, currency: String, amount: Decimal
    ) {
        self.tierThreshold = tierThreshold
        self.attainment = attainment
        self.agreementID = agreementID
        self.vendorID = vendorID
        self.tierPercent = tierPercent
        self.percent = percent
        self.onProbation = onProbation
        self.periodFee = periodFee
        self.currency = currency
        self.amount = amount
    }
}

/// The judged figures of one period of a series, ready to be recorded.
public struct PeriodFigures: Sendable, Equatable {
    public var span: DateInterval
    public var objectiveID: Int64
    public var vendorID: Int64?
    public var versionNumber: Int
    public var slaTarget: Decimal
    public var sloTarget: Decimal
    public var judgement: PeriodJudgement
    /// nil when no credit is owed (attainment above every tier, no fee, or a master SLA).
    public var credit: CreditFigures?

    public init(
        span: DateInterval, objectiveID: Int64, vendorID: Int64?, versionNumber: Int, slaTarget: Decimal, sloTarget: Decimal,
        judgement: PeriodJudgement, credit: CreditFigures?
    ) {
        self.span = span
        self.objectiveID = objectiveID
        self.vendorID = vendorID
        self.versionNumber = versionNumber
        self.slaTarget = slaTarget
        self.sloTarget = sloTarget
        self.judgement = judgement
        self.credit = credit
    }

    /// Whether two computations of the same period say the same thing.
    public func sameFigures(as record: PeriodRecord) -> Bool {
        self.judgement.counts == EventCounts(good: record.good, valid: record.valid)
            && self.judgement.slaStatus == record.slaStatus && self.judgement.sloStatus == record.sloStatus
            && self.slaTarget == record.slaTarget && self.sloTarget == record.sloTarget
    }
}

/// A recorded (closed) period: revision 1 at close, a new revision whenever late data or an exclusion changes it.
public struct PeriodRecord: Sendable, Equatable, Codable {
    public var seriesID: Int64
    public var periodStart: Date
    public var periodEnd: Date
    public var revision: Int
    public var objectiveID: Int64
    public var versionNumber: Int
    public var slaTarget: Decimal
    public var sloTarget: Decimal
    /// Exact counts (fractions once an exclusion covers part of a bucket).
    public var good: Fraction
    public var valid: Fraction
    public var attainment: Decimal?
    public var slaStatus: TargetStatus
    public var sloStatus: TargetStatus
    public var budgetConsumed: Decimal?
    public var reason: String
    public var computedAt: Date

    public init(seriesID: Int64, periodStart: Date, periodEnd: Date, revision: Int, objectiveID: Int64, versionNumber: Int, slaTarget: Decimal, sloTarget: Decimal, good: Fraction, valid: Fraction, attainment: Decimal?, slaStatus: TargetStatus, sloStatus: TargetStatus, budgetConsumed: Decimal?, reason: String, computedAt: Date) {
        self.seriesID = seriesID
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.revision = revision
        self.objectiveID = objectiveID
        self.versionNumber = versionNumber
        self.slaTarget = slaTarget
        self.sloTarget = sloTarget
        self.good = good
        self.valid = valid
        self.attainment = attainment
        self.slaStatus = slaStatus
        self.sloStatus = sloStatus
        self.budgetConsumed = budgetConsumed
        self.reason = reason
        self.computedAt = computedAt
    }
}

/// What a recompute changed, for the audit trail and the caller.
public struct PeriodRevision: Sendable, Codable {
    public var before: PeriodRecord
    public var after: PeriodRecord

    public init(before: PeriodRecord, after: PeriodRecord) {
        self.before = before
        self.after = after
    }
}

/// A recorded change of an alert's state.
public struct AlertEvent: Sendable, Encodable {
    public var rule: String
    public var severity: String
    public var state: String
    public var at: Date
    public var longBurn: Decimal?
    public var shortBurn: Decimal?

    public init(rule: String, severity: String, state: String, at: Date, longBurn: Decimal?, shortBurn: Decimal?) {
        self.rule = rule
        self.severity = severity
        self.state = state
        self.at = at
        self.longBurn = longBurn
        self.shortBurn = shortBurn
    }
}

/// Breaches of one series, current revisions only.
public struct BreachRow: Sendable, Encodable {
    public var id: Int64
    public var periodStart: Date
    public var periodEnd: Date
    public var revision: Int
    public var severity: String
    public var attainment: Decimal
    public var target: Decimal
    public var good: Decimal
    public var valid: Decimal
    public var recordedAt: Date

    public init(id: Int64, periodStart: Date, periodEnd: Date, revision: Int, severity: String, attainment: Decimal, target: Decimal, good: Decimal, valid: Decimal, recordedAt: Date) {
        self.id = id
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.revision = revision
        self.severity = severity
        self.attainment = attainment
        self.target = target
        self.good = good
        self.valid = valid
        self.recordedAt = recordedAt
    }
}

import Foundation

/// Where a service credit stands: computed at period close, then approved, then issued against an invoice or waived.
public enum CreditStatus: String, Sendable, Codable, CaseIterable {
    case computed, approved, issued, waived

    public var label: String { self.rawValue.capitalized }
}

/// A step a contract manager takes on a credit.
public enum CreditAction: Sendable, Equatable {
    case approve
    case issue(invoiceReference: String)
    case waive(reason: String)

    public var name: String {
        switch self {
        case .approve: "approve"
        case .issue: "issue"
        case .waive: "waive"
        }
    }

    /// The status after this action, or why it cannot be taken from `status`.
    public func apply(to status: CreditStatus) throws -> CreditStatus {
        switch (self, status) {
        case (.approve, .computed):
            return .approved
        case (.issue(let reference), .approved):
            let reference = reference.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reference.isEmpty, reference.count <= 100 else {
                throw ValidationErrors([
                    FieldError("invoice_reference", "Give the invoice reference the credit was issued against (at most 100 characters).")
                ])
            }
            return .issued
        case (.waive(let reason), .computed), (.waive(let reason), .approved):
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty, reason.count <= 2000 else {
                throw ValidationErrors([FieldError("waive_reason", "Say why the credit is waived (at most 2000 characters).")])
            }
            return .waived
        case (.issue, .computed):
            throw RuleViolation("Approve the credit before issuing it.")
        default:
            throw RuleViolation("A credit that is \(status.rawValue) cannot be \(self.name == "issue" ? "issued" : self.name + "d").")
        }
    }
}

/// What a step writes on a credit: its new status, and the invoice reference or waive reason it records.
public struct CreditStep: Sendable, Equatable {
    public var status: CreditStatus
    public var invoiceReference: String?
    public var waiveReason: String?
}

extension CreditAction {
    /// The step on `credit` as the rules allow it: refused when the credit changed since `expectedRowVersion` was read,
    /// when its status does not allow it, or (to issue) while `openDispute` of its period waits for a decision.
    public func decide(on credit: Credit, expectedRowVersion: Int, openDispute: Int64?) throws -> CreditStep {
        guard credit.rowVersion == expectedRowVersion else {
            throw EditConflict(entity: "credit", changedBy: "another user", changedAt: credit.updatedAt, currentRowVersion: credit.rowVersion)
        }
        let status = try self.apply(to: credit.status)
        if case .issue = self, let openDispute {
            throw RuleViolation("Dispute \(openDispute) of this period is open: the credit is issued once it is decided.")
        }
        switch self {
        case .approve: return CreditStep(status: status)
        case .issue(let reference): return CreditStep(status: status, invoiceReference: reference.trimmingCharacters(in: .whitespacesAndNewlines))
        case .waive(let reason): return CreditStep(status: status, waiveReason: reason.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The audit line of the step taken: the credit before and after.
    public func effects(before: Credit, after: Credit) -> [Effect] {
        [.audit(AuditRecord(action: self.name, entity: "credit", entityID: after.id, before: before, after: after))]
    }
}

/// What recording a period revision did to its credit.
public enum CreditRecomputation: Sendable {
    /// No credit was owed and none stood.
    case none
    /// A credit was recorded: `id`.
    case created(Int64)
    /// The credit stood approved, issued or waived: it keeps its amount, and the figures that differ are noted.
    case kept(Credit)
    /// No credit is owed any more: the computed one was withdrawn.
    case withdrawn(Credit)
    /// The computed credit took the revision's figures.
    case updated(Credit)

    /// The credit created, if one was.
    public var createdID: Int64? {
        if case .created(let id) = self { id } else { nil }
    }

    /// The audit lines: a credit recorded at a period's first close is audited with the period's record, not on its
    /// own; one a later revision creates, and every change to one that stood, is.
    public func effects(figures: CreditFigures?, revision: Int) -> [Effect] {
        switch self {
        case .none: []
        case .created(let id): revision > 1 ? [.audit(AuditRecord(action: "create", entity: "credit", entityID: id, after: figures))] : []
        case .kept(let credit):
            [.audit(AuditRecord(action: "recompute_differs", entity: "credit", entityID: credit.id, before: credit, after: figures))]
        case .withdrawn(let credit): [.audit(AuditRecord(action: "withdraw", entity: "credit", entityID: credit.id, before: credit))]
        case .updated(let credit): [.audit(AuditRecord(action: "recompute", entity: "credit", entityID: credit.id, before: credit, after: figures))]
        }
    }
}

/// A credit in the ledger, with what it is for.
public struct Credit: Sendable, Equatable, Encodable {
    public var id: Int64
    public var seriesID: Int64
    public var objectiveID: Int64
    public var objectiveName: String
    public var agreementID: Int64
    public var agreementTitle: String
    public var vendorID: Int64?
    public var vendorName: String?
    public var periodStart: Date
    public var periodEnd: Date
    public var revision: Int
    public var attainment: Decimal
    public var tierPercent: Decimal
    /// The threshold of the tier reached; nil for credits recorded before thresholds were kept.
    public var tierThreshold: Decimal?
    public var percent: Decimal
    public var onProbation: Bool
    public var periodFee: Decimal
    public var currency: String
    public var amount: Decimal
    public var status: CreditStatus
    public var invoiceReference: String?
    public var waiveReason: String?
    public var rowVersion: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// The agreement's zone: the period is labelled in it.
    public var timeZone: String

    public init(
        id: Int64, seriesID: Int64, objectiveID: Int64, objectiveName: String, agreementID: Int64, agreementTitle: String, vendorID: Int64?,
        vendorName: String?, periodStart: Date, periodEnd: Date, revision: Int, attainment: Decimal, tierPercent: Decimal, tierThreshold: Decimal? = nil, percent: Decimal,
        onProbation: Bool, periodFee: Decimal, currency: String, amount: Decimal, status: CreditStatus, invoiceReference: String?,
        waiveReason: String?, rowVersion: Int, createdAt: Date, updatedAt: Date, timeZone: String = "UTC"
    ) {
        self.timeZone = timeZone
        self.tierThreshold = tierThreshold
        self.id = id
        self.seriesID = seriesID
        self.objectiveID = objectiveID
        self.objectiveName = objectiveName
        self.agreementID = agreementID
        self.agreementTitle = agreementTitle
        self.vendorID = vendorID
        self.vendorName = vendorName
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.revision = revision
        self.attainment = attainment
        self.tierPercent = tierPercent
        self.percent = percent
        self.onProbation = onProbation
        self.periodFee = periodFee
        self.currency = currency
        self.amount = amount
        self.status = status
        self.invoiceReference = invoiceReference
        self.waiveReason = waiveReason
        self.rowVersion = rowVersion
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension Credit {
    enum CodingKeys: String, CodingKey {
        case timeZone, tierThreshold, id, seriesID, objectiveID, objectiveName, agreementID, agreementTitle, vendorID, vendorName, periodStart, periodEnd, revision, attainment, tierPercent, percent, onProbation, periodFee, currency, amount, status, invoiceReference, waiveReason, rowVersion, createdAt, updatedAt
    }

    /// Money (the amount and the period's fee) as strings in the currency's minor unit: `"100.00"`, `"1235"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.seriesID, forKey: .seriesID)
        try container.encode(self.objectiveID, forKey: .objectiveID)
        try container.encode(self.objectiveName, forKey: .objectiveName)
        try container.encode(self.agreementID, forKey: .agreementID)
        try container.encode(self.agreementTitle, forKey: .agreementTitle)
        try container.encodeIfPresent(self.vendorID, forKey: .vendorID)
        try container.encodeIfPresent(self.vendorName, forKey: .vendorName)
        try container.encode(self.periodStart, forKey: .periodStart)
        try container.encode(self.periodEnd, forKey: .periodEnd)
        try container.encode(self.revision, forKey: .revision)
        try container.encode(self.attainment, forKey: .attainment)
        try container.encode(self.tierPercent, forKey: .tierPercent)
        try container.encode(self.percent, forKey: .percent)
        try container.encode(self.onProbation, forKey: .onProbation)
        try container.encode(CreditCalculator.minorUnitText(self.periodFee, currency: self.currency), forKey: .periodFee)
        try container.encode(self.currency, forKey: .currency)
        try container.encode(CreditCalculator.minorUnitText(self.amount, currency: self.currency), forKey: .amount)
        try container.encode(self.status, forKey: .status)
        try container.encodeIfPresent(self.invoiceReference, forKey: .invoiceReference)
        try container.encodeIfPresent(self.waiveReason, forKey: .waiveReason)
        try container.encode(self.rowVersion, forKey: .rowVersion)
        try container.encode(self.createdAt, forKey: .createdAt)
        try container.encode(self.updatedAt, forKey: .updatedAt)
        try container.encode(self.timeZone, forKey: .timeZone)
        try container.encodeIfPresent(self.tierThreshold, forKey: .tierThreshold)
    }
}

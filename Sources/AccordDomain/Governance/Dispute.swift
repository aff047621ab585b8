import Foundation

/// What a vendor disputes: a closed period's figure, or the credit computed for it.
public enum DisputeSubject: String, Sendable, Codable, CaseIterable {
    case period, credit
}

/// Where a dispute stands. An open dispute of a credit keeps it from being issued.
public enum DisputeStatus: String, Sendable, Codable, CaseIterable {
    case open, upheld, rejected, withdrawn
}

/// How an upheld dispute was put right, each through the flow that owns the change.
public enum RemedyKind: String, Sendable, Codable, CaseIterable {
    case exclusion
    case correctedData = "corrected_data"
    case waivedCredit = "waived_credit"

    public var label: String {
        switch self {
        case .exclusion: "Exclusion"
        case .correctedData: "Corrected data"
        case .waivedCredit: "Waived credit"
        }
    }
}

public struct DisputeRemedy: Sendable, Codable, Equatable {
    public var id: Int64
    public var kind: RemedyKind
    public var exclusionID: Int64?
    public var batchID: Int64?
    public var creditID: Int64?
    public var note: String
    public var recordedBy: String?
    public var recordedAt: Date

    public init(
        id: Int64, kind: RemedyKind, exclusionID: Int64?, batchID: Int64?, creditID: Int64?, note: String, recordedBy: String?, recordedAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.exclusionID = exclusionID
        self.batchID = batchID
        self.creditID = creditID
        self.note = note
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }
}

/// A vendor's challenge of a closed period's figure or its credit.
public struct Dispute: Sendable, Codable, Equatable {
    public var id: Int64
    public var agreementID: Int64
    public var agreementTitle: String
    public var vendorID: Int64
    public var vendorName: String
    public var objectiveID: Int64
    public var objectiveName: String
    public var seriesID: Int64
    public var periodStart: Date
    public var periodEnd: Date
    public var subject: DisputeSubject
    public var creditID: Int64?
    public var statement: String
    public var evidence: String
    public var status: DisputeStatus
    public var filedBy: String?
    /// Whether a person of the customer filed it on the vendor's behalf.
    public var filedByCustomer: Bool
    public var filedAt: Date
    public var decidedBy: String?
    public var decidedAt: Date?
    public var decisionReason: String?
    public var remedies: [DisputeRemedy]
    public var timeZone: String
    public var rowVersion: Int

    public init(
        id: Int64, agreementID: Int64, agreementTitle: String, vendorID: Int64, vendorName: String, objectiveID: Int64, objectiveName: String,
        seriesID: Int64, periodStart: Date, periodEnd: Date, subject: DisputeSubject, creditID: Int64?, statement: String, evidence: String, status: DisputeStatus,
        filedBy: String?, filedByCustomer: Bool, filedAt: Date, decidedBy: String?, decidedAt: Date?, decisionReason: String?, remedies: [DisputeRemedy],
        timeZone: String, rowVersion: Int
    ) {
        self.id = id
        self.agreementID = agreementID
        self.agreementTitle = agreementTitle
        self.vendorID = vendorID
        self.vendorName = vendorName
        self.objectiveID = objectiveID
        self.objectiveName = objectiveName
        self.seriesID = seriesID
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.subject = subject
        self.creditID = creditID
        self.statement = statement
        self.evidence = evidence
        self.status = status
        self.filedBy = filedBy
        self.filedByCustomer = filedByCustomer
        self.filedAt = filedAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.decisionReason = decisionReason
        self.remedies = remedies
        self.timeZone = timeZone
        self.rowVersion = rowVersion
    }
}

/// What a vendor enters to dispute a closed period.
public struct DisputeDraft: Sendable, Equatable {
    public var objectiveID: Int64?
    public var periodStart: Date?
    public var subject: DisputeSubject?
    public var statement: String
    public var evidence: String

    public init(objectiveID: Int64?, periodStart: Date?, subject: DisputeSubject?, statement: String, evidence: String) {
        self.objectiveID = objectiveID
        self.periodStart = periodStart
        self.subject = subject
        self.statement = statement
        self.evidence = evidence
    }
}

public enum DisputeRules {
    /// When the dispute window closes: the window's number of calendar days (in the agreement's zone) after the period ends.
    public static func deadline(periodEnd: Date, terms: GovernanceTerms, zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(byAdding: .day, value: terms.disputeWindowDays, to: periodEnd)
            ?? periodEnd.addingTimeInterval(TimeInterval(terms.disputeWindowDays) * 86_400)
    }

    /// Every problem with a draft of a dispute of a period that closed at `periodEnd` (nil: no closed period there).
    public static func check(
        _ draft: DisputeDraft, periodEnd: Date?, hasCredit: Bool, creditStatus: CreditStatus?, terms: GovernanceTerms, zone: TimeZone, now: Date
    ) -> ValidationErrors {
        var errors = ValidationErrors()
        if draft.objectiveID == nil { errors.add("objective_id", "Choose the objective whose period is disputed.") }
        if draft.subject == nil { errors.add("subject", "Choose what is disputed: the period's figure or its credit.") }
        if let periodEnd {
            if now >= Self.deadline(periodEnd: periodEnd, terms: terms, zone: zone) {
                errors.add(
                    "period_start",
                    "The dispute window closed \(terms.disputeWindowDays) days after the period ended; this period can no longer be disputed.")
            }
        } else if draft.objectiveID != nil {
            errors.add("period_start", "Choose a closed period of the objective (its start, RFC 3339).")
        }
        if draft.subject == .credit {
            if !hasCredit {
                errors.add("subject", "No credit was computed for this period: dispute the period's figure instead.")
            } else if let creditStatus, creditStatus == .issued || creditStatus == .waived {
                errors.add("subject", "This credit was already \(creditStatus.rawValue): dispute the period's figure instead.")
            }
        }
        let statement = draft.statement.trimmingCharacters(in: .whitespacesAndNewlines)
        if statement.isEmpty { errors.add("statement", "Say what is wrong with the figure and why.") }
        if statement.count > ClaimRules.statementLength { errors.add("statement", "The statement may be at most 4000 characters.") }
        if draft.evidence.count > ClaimRules.statementLength { errors.add("evidence", "Evidence text may be at most 4000 characters.") }
        return errors
    }

    /// A remedy is recorded only for an upheld dispute.
    public static func checkRemedy(status: DisputeStatus) throws {
        guard status == .upheld else { throw RuleViolation("A remedy is recorded once the dispute is upheld.") }
    }

    /// What recording a remedy leaves: a line in the dispute's history its parties read, and the audit line.
    public static func remedied(_ kind: RemedyKind, note: String, before: Dispute, after: Dispute) -> [Effect] {
        [
            .history(.dispute, id: after.id, action: "remedy: \(kind.label.lowercased())", note: note.trimmingCharacters(in: .whitespacesAndNewlines)),
            .audit(AuditRecord(action: "remedy", entity: "dispute", entityID: after.id, before: before, after: after)),
        ]
    }
}

import Foundation

/// Where a vendor's exclusion claim stands. Only an approved claim excludes anything.
public enum ClaimStatus: String, Sendable, Codable, CaseIterable {
    case pending, approved, rejected, withdrawn
}

/// A vendor's request that a window not count against one or more objectives of one agreement.
public struct ExclusionClaim: Sendable, Codable, Equatable {
    public struct ClaimedObjective: Sendable, Codable, Equatable {
        public var objectiveID: Int64
        public var name: String
        /// The exclusion an approved claim created for this objective.
        public var exclusionID: Int64?

        public init(objectiveID: Int64, name: String, exclusionID: Int64?) {
            self.objectiveID = objectiveID
            self.name = name
            self.exclusionID = exclusionID
        }
    }

    public var id: Int64
    public var agreementID: Int64
    public var agreementTitle: String
    public var vendorID: Int64
    public var vendorName: String
    public var kind: ExclusionKind
    public var startsAt: Date
    public var endsAt: Date
    public var announcedAt: Date?
    public var statement: String
    public var evidence: String
    public var status: ClaimStatus
    public var filedBy: String?
    /// Whether a person of the customer filed it on the vendor's behalf.
    public var filedByCustomer: Bool
    public var filedAt: Date
    public var decidedBy: String?
    public var decidedAt: Date?
    public var decisionReason: String?
    public var objectives: [ClaimedObjective]
    public var timeZone: String
    public var rowVersion: Int

    public init(
        id: Int64, agreementID: Int64, agreementTitle: String, vendorID: Int64, vendorName: String, kind: ExclusionKind, startsAt: Date,
        endsAt: Date, announcedAt: Date?, statement: String, evidence: String, status: ClaimStatus, filedBy: String?, filedByCustomer: Bool, filedAt: Date,
        decidedBy: String?, decidedAt: Date?, decisionReason: String?, objectives: [ClaimedObjective], timeZone: String, rowVersion: Int
    ) {
        self.id = id
        self.agreementID = agreementID
        self.agreementTitle = agreementTitle
        self.vendorID = vendorID
        self.vendorName = vendorName
        self.kind = kind
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.announcedAt = announcedAt
        self.statement = statement
        self.evidence = evidence
        self.status = status
        self.filedBy = filedBy
        self.filedByCustomer = filedByCustomer
        self.filedAt = filedAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.decisionReason = decisionReason
        self.objectives = objectives
        self.timeZone = timeZone
        self.rowVersion = rowVersion
    }

    public var span: DateInterval { DateInterval(start: self.startsAt, end: self.endsAt) }
}

/// What a vendor (or a contract manager on its behalf) enters to claim an exclusion.
public struct ExclusionClaimDraft: Sendable, Equatable {
    public var objectiveIDs: [Int64]
    public var kind: ExclusionKind?
    public var startsAt: Date?
    public var endsAt: Date?
    public var announcedAt: Date?
    public var statement: String
    public var evidence: String

    public init(
        objectiveIDs: [Int64], kind: ExclusionKind?, startsAt: Date?, endsAt: Date?, announcedAt: Date?, statement: String, evidence: String
    ) {
        self.objectiveIDs = objectiveIDs
        self.kind = kind
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.announcedAt = announcedAt
        self.statement = statement
        self.evidence = evidence
    }
}

/// The rules a claim is checked against when it is filed, and the steps of its decision.
public enum ClaimRules {
    /// One claimable objective of the agreement, with the exclusion kinds its terms honour.
    public struct ClaimableObjective: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var kinds: [ExclusionKind]

        public init(id: Int64, name: String, kinds: [ExclusionKind]) {
            self.id = id
            self.name = name
            self.kinds = kinds
        }
    }

    public static let statementLength = 4000
    public static let maximumObjectives = 50

    /// Every problem with a draft, field by field: the objectives (each must honour the kind), the window, the
    /// statement, and for planned maintenance the notice given and the customer's deny periods. A refused window
    /// counts as downtime, and the message says so.
    public static func check(
        _ draft: ExclusionClaimDraft, objectives: [ClaimableObjective], terms: GovernanceTerms, zone: TimeZone, now: Date
    ) -> ValidationErrors {
        var errors = ValidationErrors()
        let chosen = Set(draft.objectiveIDs)
        if chosen.isEmpty {
            errors.add("objective_ids", "Choose at least one objective the window affected.")
        } else if chosen.count > Self.maximumObjectives {
            errors.add("objective_ids", "One claim may name at most \(Self.maximumObjectives) objectives.")
        } else if let unknown = chosen.first(where: { id in !objectives.contains { $0.id == id } }) {
            errors.add("objective_ids", "Objective \(unknown) is not an objective of this agreement's terms in force.")
        }
        if let kind = draft.kind {
            let refusing = objectives.filter { chosen.contains($0.id) && !$0.kinds.contains(kind) }.map(\.name)
            if !refusing.isEmpty {
                errors.add("kind", "The terms of \(refusing.joined(separator: ", ")) do not honour \(kind.label.lowercased()) exclusions.")
            }
        } else {
            errors.add("kind", "Choose the kind of exclusion claimed.")
        }
        let statement = draft.statement.trimmingCharacters(in: .whitespacesAndNewlines)
        if statement.isEmpty { errors.add("statement", "State what happened and why it should not count (the causal statement).") }
        if statement.count > Self.statementLength { errors.add("statement", "The statement may be at most \(Self.statementLength) characters.") }
        if draft.evidence.count > Self.statementLength { errors.add("evidence", "Evidence text may be at most \(Self.statementLength) characters.") }
        Self.checkWindow(draft, into: &errors)
        if draft.kind == .plannedMaintenance, let start = draft.startsAt, let end = draft.endsAt, start < end {
            Self.checkNotice(draft, start: start, terms: terms, now: now, into: &errors)
            Self.checkDenyPeriods(DateInterval(start: start, end: end), terms: terms, zone: zone, into: &errors)
        }
        return errors
    }

    static func checkWindow(_ draft: ExclusionClaimDraft, into errors: inout ValidationErrors) {
        if !(draft.startsAt.map(Bounds.contains) ?? false) {
            errors.add("starts_at", "starts_at must be an RFC 3339 timestamp with an offset \(Bounds.yearsText).")
        }
        if !(draft.endsAt.map(Bounds.contains) ?? false) {
            errors.add("ends_at", "ends_at must be an RFC 3339 timestamp with an offset \(Bounds.yearsText).")
        }
        if let start = draft.startsAt, let end = draft.endsAt {
            if end <= start {
                errors.add("ends_at", "The end must be after the start.")
            } else if end.timeIntervalSince(start) > ExclusionDraft.longest {
                errors.add("ends_at", "One claim may cover at most 31 days.")
            }
        }
    }

    static func checkNotice(_ draft: ExclusionClaimDraft, start: Date, terms: GovernanceTerms, now: Date, into errors: inout ValidationErrors) {
        guard let announced = draft.announcedAt, Bounds.contains(announced) else {
            errors.add("announced_at", "Planned maintenance needs the instant it was announced (RFC 3339 with an offset).")
            return
        }
        if announced > now {
            errors.add("announced_at", "The announcement cannot be in the future.")
            return
        }
        let given = start.timeIntervalSince(announced)
        let required = TimeInterval(terms.noticeHours) * 3600
        if given < required {
            let hours = max(0, given) / 3600
            errors.add(
                "announced_at",
                "Late notice: announced \(Self.hoursText(hours)) before the window, the terms require \(terms.noticeHours) hours. "
                    + "The window counts as downtime.")
        }
    }

    static func checkDenyPeriods(_ window: DateInterval, terms: GovernanceTerms, zone: TimeZone, into errors: inout ValidationErrors) {
        for period in terms.denyPeriods {
            guard let span = period.span(in: zone), span.start < window.end, window.start < span.end else { continue }
            errors.add(
                "starts_at",
                "The window falls in the customer's deny period \"\(period.label)\" (\(period.from) to \(period.to)). "
                    + "The window counts as downtime.")
        }
    }

    /// The exclusion an approved claim makes of each claimed objective: the claimed window, of the claimed kind.
    public static func exclusion(approving claim: ExclusionClaim) -> ExclusionDraft {
        let text = "Claim \(claim.id): \(claim.statement)"
        return ExclusionDraft(kind: claim.kind, reason: String(text.prefix(2000)), startsAt: claim.startsAt, endsAt: claim.endsAt)
    }

    static func hoursText(_ hours: Double) -> String {
        let tenths = (hours * 10).rounded(.down) / 10
        return tenths == tenths.rounded() ? "\(Int(tenths)) hours" : "\(tenths) hours"
    }
}

import Foundation

/// A party to a joint RCA: the customer (no vendor) or an invited vendor, with its share and signature.
public struct RCAParty: Sendable, Codable, Equatable {
    public var vendorID: Int64?
    public var name: String
    public var share: Decimal?
    /// Whether its signature is on the current content.
    public var signed: Bool
    public var signedBy: String?
    public var signedAt: Date?

    public init(vendorID: Int64?, name: String, share: Decimal?, signed: Bool, signedBy: String?, signedAt: Date?) {
        self.vendorID = vendorID
        self.name = name
        self.share = share
        self.signed = signed
        self.signedBy = signedBy
        self.signedAt = signedAt
    }

    public var isCustomer: Bool { self.vendorID == nil }
}

/// A breach an RCA covers, with its impact read from the data.
public struct RCABreach: Sendable, Codable, Equatable {
    public var id: Int64
    public var objectiveID: Int64
    public var objectiveName: String
    public var agreementTitle: String
    public var vendorID: Int64?
    public var vendorName: String?
    public var periodStart: Date
    public var periodEnd: Date
    public var severity: String
    public var attainment: Decimal
    public var target: Decimal
    /// Share of the period's error budget consumed (1 = all of it), when recorded.
    public var budgetConsumed: Decimal?
    public var creditAmount: String?
    public var currency: String?

    public init(
        id: Int64, objectiveID: Int64, objectiveName: String, agreementTitle: String, vendorID: Int64?, vendorName: String?, periodStart: Date,
        periodEnd: Date, severity: String, attainment: Decimal, target: Decimal, budgetConsumed: Decimal?, creditAmount: String?, currency: String?
    ) {
        self.id = id
        self.objectiveID = objectiveID
        self.objectiveName = objectiveName
        self.agreementTitle = agreementTitle
        self.vendorID = vendorID
        self.vendorName = vendorName
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.severity = severity
        self.attainment = attainment
        self.target = target
        self.budgetConsumed = budgetConsumed
        self.creditAmount = creditAmount
        self.currency = currency
    }
}

/// One entry of the merged timeline, with the party that wrote it.
public struct TimelineEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var at: Date
    public var text: String
    public var evidenceURL: String
    public var authorVendorID: Int64?
    public var authorParty: String

    public init(id: Int64, at: Date, text: String, evidenceURL: String, authorVendorID: Int64?, authorParty: String) {
        self.id = id
        self.at = at
        self.text = text
        self.evidenceURL = evidenceURL
        self.authorVendorID = authorVendorID
        self.authorParty = authorParty
    }
}

/// A contributing factor, in the fixed taxonomy, with the party responsible for it.
public struct ContributingFactor: Sendable, Codable, Equatable {
    public var id: Int64
    public var category: RootCauseCategory
    public var description: String
    public var responsibleVendorID: Int64?
    public var responsibleParty: String

    public init(id: Int64, category: RootCauseCategory, description: String, responsibleVendorID: Int64?, responsibleParty: String) {
        self.id = id
        self.category = category
        self.description = description
        self.responsibleVendorID = responsibleVendorID
        self.responsibleParty = responsibleParty
    }
}

/// A corrective or preventive action raised from an RCA.
public struct CorrectiveAction: Sendable, Codable, Equatable {
    public var id: Int64
    public var rcaID: Int64
    public var rcaTitle: String
    public var type: ActionType
    public var description: String
    public var ownerName: String
    public var ownerVendorID: Int64?
    public var ownerParty: String
    public var dueOn: LocalDate
    public var checkAfter: LocalDate?
    public var status: ActionState
    public var evidence: String
    public var reason: String
    public var verifiedAt: Date?
    public var rowVersion: Int

    public init(
        id: Int64, rcaID: Int64, rcaTitle: String, type: ActionType, description: String, ownerName: String, ownerVendorID: Int64?,
        ownerParty: String, dueOn: LocalDate, checkAfter: LocalDate?, status: ActionState, evidence: String, reason: String, verifiedAt: Date?,
        rowVersion: Int
    ) {
        self.id = id
        self.rcaID = rcaID
        self.rcaTitle = rcaTitle
        self.type = type
        self.description = description
        self.ownerName = ownerName
        self.ownerVendorID = ownerVendorID
        self.ownerParty = ownerParty
        self.dueOn = dueOn
        self.checkAfter = checkAfter
        self.status = status
        self.evidence = evidence
        self.reason = reason
        self.verifiedAt = verifiedAt
        self.rowVersion = rowVersion
    }
}

/// A joint root-cause analysis of one or more breaches.
public struct RootCauseAnalysis: Sendable, Codable, Equatable {
    public var id: Int64
    public var title: String
    public var status: RCAState
    public var masterID: Int64?
    public var timeZone: String
    public var dueOn: LocalDate
    public var automatic: Bool
    public var triggerRule: String
    public var triggerStatement: String
    public var rootCause: String
    public var rootCauseCategory: RootCauseCategory?
    public var fiveWhys: [String]
    public var contentHash: String
    public var returnComment: String?
    public var openedBy: String?
    public var openedAt: Date
    public var acceptedAt: Date?
    public var parties: [RCAParty]
    public var breaches: [RCABreach]
    public var timeline: [TimelineEntry]
    public var factors: [ContributingFactor]
    public var actions: [CorrectiveAction]
    public var rowVersion: Int

    public init(
        id: Int64, title: String, status: RCAState, masterID: Int64?, timeZone: String, dueOn: LocalDate, automatic: Bool, triggerRule: String,
        triggerStatement: String, rootCause: String, rootCauseCategory: RootCauseCategory?, fiveWhys: [String], contentHash: String,
        returnComment: String?, openedBy: String?, openedAt: Date, acceptedAt: Date?, parties: [RCAParty], breaches: [RCABreach],
        timeline: [TimelineEntry], factors: [ContributingFactor], actions: [CorrectiveAction], rowVersion: Int
    ) {
        self.id = id
        self.title = title
        self.status = status
        self.masterID = masterID
        self.timeZone = timeZone
        self.dueOn = dueOn
        self.automatic = automatic
        self.triggerRule = triggerRule
        self.triggerStatement = triggerStatement
        self.rootCause = rootCause
        self.rootCauseCategory = rootCauseCategory
        self.fiveWhys = fiveWhys
        self.contentHash = contentHash
        self.returnComment = returnComment
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.acceptedAt = acceptedAt
        self.parties = parties
        self.breaches = breaches
        self.timeline = timeline
        self.factors = factors
        self.actions = actions
        self.rowVersion = rowVersion
    }

    /// Open and past its due date on `today`.
    public func isOverdue(today: LocalDate) -> Bool {
        ![.submitted, .accepted, .closed].contains(self.status) && self.dueOn < today
    }
}

/// What the parties write into an RCA's analysis; every edit changes the content hash and so voids signatures.
public struct RCAAnalysisDraft: Sendable, Equatable {
    public var triggerStatement: String
    public var rootCause: String
    public var category: RootCauseCategory?
    public var fiveWhys: [String]
    /// Share per party (nil key: the customer), in percent; empty when no shares are given.
    public var shares: [Int64?: Decimal]

    public init(triggerStatement: String, rootCause: String, category: RootCauseCategory?, fiveWhys: [String], shares: [Int64?: Decimal]) {
        self.triggerStatement = triggerStatement
        self.rootCause = rootCause
        self.category = category
        self.fiveWhys = fiveWhys
        self.shares = shares
    }
}

public struct TimelineDraft: Sendable, Equatable {
    public var at: Date?
    public var text: String
    public var evidenceURL: String

    public init(at: Date?, text: String, evidenceURL: String) {
        self.at = at
        self.text = text
        self.evidenceURL = evidenceURL
    }
}

public struct FactorDraft: Sendable, Equatable {
    public var category: RootCauseCategory?
    public var description: String
    /// nil: the customer.
    public var responsibleVendorID: Int64?

    public init(category: RootCauseCategory?, description: String, responsibleVendorID: Int64?) {
        self.category = category
        self.description = description
        self.responsibleVendorID = responsibleVendorID
    }
}

public struct ActionDraft: Sendable, Equatable {
    public var type: ActionType?
    public var description: String
    public var ownerName: String
    /// nil: the customer.
    public var ownerVendorID: Int64?
    public var dueOn: LocalDate?
    public var checkAfter: LocalDate?

    public init(type: ActionType?, description: String, ownerName: String, ownerVendorID: Int64?, dueOn: LocalDate?, checkAfter: LocalDate?) {
        self.type = type
        self.description = description
        self.ownerName = ownerName
        self.ownerVendorID = ownerVendorID
        self.dueOn = dueOn
        self.checkAfter = checkAfter
    }
}

extension RCARules {
    public static let whysLimit = 5

    /// Checks an analysis as written: a root cause, when given, must name a cause; shares, when given, total 100.
    public static func check(_ draft: RCAAnalysisDraft, partyNames: [Int64?: String]) -> ValidationErrors {
        var errors = ValidationErrors()
        if draft.triggerStatement.count > Bounds.textLength { errors.add("trigger", "The trigger may be at most \(Bounds.textLength) characters.") }
        if !draft.rootCause.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { Self.checkRootCause(draft.rootCause, into: &errors) }
        if draft.fiveWhys.count > Self.whysLimit { errors.add("five_whys", "At most five whys.") }
        if draft.fiveWhys.contains(where: { $0.count > 1000 }) { errors.add("five_whys", "Each why may be at most 1000 characters.") }
        if let unknown = draft.shares.keys.first(where: { partyNames[$0] == nil }) {
            errors.add("shares", "Vendor \(unknown.map(String.init) ?? "?") is not a party to this RCA.")
            return errors
        }
        // keyed by party (names may repeat), labelled by name in messages
        let labelled = Dictionary(draft.shares.map { ("\(partyNames[$0.key] ?? "?") (\($0.key.map(String.init) ?? "customer"))", $0.value) }, uniquingKeysWith: +)
        Self.checkShares(labelled, into: &errors)
        if draft.shares.values.contains(where: { $0.rounded(places: 2) != $0 }) {
            errors.add("shares", "Shares are whole percents or have at most two decimals.")
        }
        return errors
    }

    /// What submitting needs besides signatures: a trigger, a root cause that names a cause, and its category.
    public static func checkComplete(_ rca: RootCauseAnalysis) -> ValidationErrors {
        var errors = ValidationErrors()
        if rca.triggerStatement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.add("trigger", "Say what triggered the incident before submitting.")
        }
        Self.checkRootCause(rca.rootCause, into: &errors)
        if rca.rootCauseCategory == nil { errors.add("category", "Choose the root cause's category before submitting.") }
        return errors
    }

    public static func check(_ draft: TimelineDraft) -> ValidationErrors {
        var errors = ValidationErrors()
        if !(draft.at.map(Bounds.contains) ?? false) { errors.add("at", "at must be an instant with an offset \(Bounds.yearsText).") }
        let text = draft.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.count > 4000 { errors.add("text", "Say what happened (at most 4000 characters).") }
        Self.checkLink(draft.evidenceURL, field: "evidence_url", into: &errors)
        return errors
    }

    public static func check(_ draft: FactorDraft, partyNames: [Int64?: String]) -> ValidationErrors {
        var errors = ValidationErrors()
        if draft.category == nil { errors.add("category", "Choose the factor's category.") }
        let text = draft.description.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.count > 4000 { errors.add("description", "Describe the factor (at most 4000 characters).") }
        if partyNames[draft.responsibleVendorID] == nil { errors.add("responsible", "The responsible party must be a party to this RCA.") }
        return errors
    }

    public static func check(_ draft: ActionDraft, partyNames: [Int64?: String]) -> ValidationErrors {
        var errors = ValidationErrors()
        if draft.type == nil { errors.add("type", "Choose the action's type: mitigate, repair, detect or prevent.") }
        let text = draft.description.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.count > 4000 { errors.add("description", "Describe the action (at most 4000 characters).") }
        let owner = draft.ownerName.trimmingCharacters(in: .whitespacesAndNewlines)
        if owner.isEmpty || owner.count > 200 { errors.add("owner_name", "Name the person who owns the action.") }
        if partyNames[draft.ownerVendorID] == nil { errors.add("owner_party", "The owner's party must be a party to this RCA.") }
        if let due = draft.dueOn {
            if !Bounds.years.contains(due.year) { errors.add("due_on", "The due date must lie \(Bounds.yearsText).") }
        } else {
            errors.add("due_on", "Give the due date (YYYY-MM-DD).")
        }
        if let check = draft.checkAfter, let due = draft.dueOn, check < due {
            errors.add("check_after", "The effectiveness check comes on or after the due date.")
        }
        return errors
    }

    static func checkLink(_ text: String, field: String, into errors: inout ValidationErrors) {
        let link = text.trimmingCharacters(in: .whitespaces)
        guard !link.isEmpty else { return }
        let lower = link.lowercased()
        if link.count > 2000 || !(lower.hasPrefix("https://") || lower.hasPrefix("http://")) || URL(string: link)?.host == nil {
            errors.add(field, "The evidence link must be an http:// or https:// address.")
        }
    }

    /// The content the parties sign, in a fixed order: any edit of it changes the hash and voids earlier signatures.
    public static func canonicalContent(_ rca: RootCauseAnalysis) -> String {
        var lines = [
            "title:\(rca.title)", "trigger:\(rca.triggerStatement)", "root_cause:\(rca.rootCause)",
            "category:\(rca.rootCauseCategory?.rawValue ?? "")",
        ]
        lines += rca.fiveWhys.enumerated().map { "why \($0.offset + 1):\($0.element)" }
        lines += rca.parties.sorted { ($0.vendorID ?? 0) < ($1.vendorID ?? 0) }.map { "share \($0.vendorID ?? 0):\($0.share?.plain ?? "-")" }
        lines += rca.timeline.map { "timeline \($0.id):\(RFC3339.format($0.at))|\($0.authorVendorID ?? 0)|\($0.text)|\($0.evidenceURL)" }
        lines += rca.factors.map { "factor \($0.id):\($0.category.rawValue)|\($0.responsibleVendorID ?? 0)|\($0.description)" }
        return lines.map { $0.replacingOccurrences(of: "\n", with: "\\n") }.joined(separator: "\n")
    }
}

extension RootCauseAnalysis {
    /// The RCA as a user of `vendorID` reads it: the customer's people appear as the customer, and of the breaches only
    /// its own carry figures (another party's appear as that party's breach, without numbers).
    public func facing(vendorID: Int64) -> RootCauseAnalysis {
        var copy = self
        copy.masterID = nil
        copy.openedBy = self.openedBy == nil ? nil : customerLabel
        copy.parties = self.parties.map { party in
            var party = party
            if party.signedBy != nil, party.vendorID != vendorID { party.signedBy = party.isCustomer ? customerLabel : party.name }
            return party
        }
        copy.breaches = self.breaches.map { breach in
            guard breach.vendorID != vendorID else { return breach }
            var hidden = breach
            hidden.objectiveID = 0
            hidden.objectiveName = "another party's objective"
            hidden.agreementTitle = breach.vendorName ?? customerLabel
            hidden.attainment = 0
            hidden.target = 0
            hidden.budgetConsumed = nil
            hidden.creditAmount = nil
            hidden.currency = nil
            return hidden
        }
        copy.actions = self.actions.map { $0.facing(vendorID: vendorID) }
        return copy
    }
}

extension CorrectiveAction {
    /// An action as a vendor's user reads it: owners of the customer's side appear as the customer.
    public func facing(vendorID: Int64) -> CorrectiveAction {
        var copy = self
        // the customer's people appear as the customer, another vendor's people as their vendor
        if self.ownerVendorID == nil { copy.ownerName = customerLabel } else if self.ownerVendorID != vendorID { copy.ownerName = self.ownerParty }
        return copy
    }
}

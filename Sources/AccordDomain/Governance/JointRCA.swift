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
    /// The SLA target the period was judged against (`target` is the SLO's for a breach of the SLO only).
    public var slaTarget: Decimal
    /// Whether the breached objective's agreement shares the customer's internal figures with its vendor.
    public var sharesInternalFigures: Bool

    public init(
        id: Int64, objectiveID: Int64, objectiveName: String, agreementTitle: String, vendorID: Int64?, vendorName: String?, periodStart: Date,
        periodEnd: Date, severity: String, attainment: Decimal, target: Decimal, budgetConsumed: Decimal?, creditAmount: String?, currency: String?,
        slaTarget: Decimal, sharesInternalFigures: Bool
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
        self.slaTarget = slaTarget
        self.sharesInternalFigures = sharesInternalFigures
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
    /// Whether the customer shares the RCA with the vendors whose breaches missed only its internal SLO: they are
    /// parties to it and read those breaches against their SLA. Without it such an RCA is the customer's alone.
    public var sharedWithVendors: Bool

    public init(
        id: Int64, title: String, status: RCAState, masterID: Int64?, timeZone: String, dueOn: LocalDate, automatic: Bool, triggerRule: String,
        triggerStatement: String, rootCause: String, rootCauseCategory: RootCauseCategory?, fiveWhys: [String], contentHash: String,
        returnComment: String?, openedBy: String?, openedAt: Date, acceptedAt: Date?, parties: [RCAParty], breaches: [RCABreach],
        timeline: [TimelineEntry], factors: [ContributingFactor], actions: [CorrectiveAction], rowVersion: Int, sharedWithVendors: Bool = false
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
        self.sharedWithVendors = sharedWithVendors
    }

    /// Open and past its due date on `today`.
    public func isOverdue(today: LocalDate) -> Bool {
        ![.submitted, .accepted, .closed].contains(self.status) && self.dueOn < today
    }
}

extension CorrectiveAction {
    /// The reminder of an action due today or overdue, to its owner's party and the customer (through `agreementID`).
    public static func reminder(_ action: CorrectiveAction, event: InboxEvent, agreementID: Int64?) -> Announcement {
        let title =
            event == .actionOverdue
            ? "Action overdue since \(action.dueOn): \(action.description.prefix(120))" : "Action due \(action.dueOn): \(action.description.prefix(120))"
        return Announcement(
            event: event, subjectKind: "action", subjectID: action.id, title: title, link: "/actions/\(action.id)", agreementID: agreementID,
            vendorID: action.ownerVendorID)
    }
}

import Foundation

/// The events that reach people's inboxes and the organisation's and vendors' webhooks.
public enum InboxEvent: String, Sendable, Codable, CaseIterable {
    case claimFiled = "claim.filed"
    case claimDecided = "claim.decided"
    case disputeFiled = "dispute.filed"
    case disputeDecided = "dispute.decided"
    case rcaRequested = "rca.requested"
    case rcaDueSoon = "rca.due_soon"
    case rcaOverdue = "rca.overdue"
    case rcaSubmitted = "rca.submitted"
    case rcaReturned = "rca.returned"
    case rcaAccepted = "rca.accepted"
    case actionDue = "action.due"
    case actionOverdue = "action.overdue"
    case breachRecorded = "breach.recorded"
    case creditComputed = "credit.computed"
    case packFrozen = "pack.frozen"
    case meetingChanged = "meeting.changed"
    case proposalMade = "proposal.made"
    case proposalDecided = "proposal.decided"
    case renewalNoticeDue = "renewal.notice_due"
    /// An objective's pulled data is behind by more than its source's threshold.
    case dataStale = "data.stale"

    /// A contractual notice (a renewal's notice deadline): mailed to its recipients whatever their mail settings say.
    public var isContractualNotice: Bool { self == .renewalNoticeDue }

    /// Who hears of it on each side: those who act on it, everyone on the activity, or no one.
    public enum Audience: Sendable, Equatable {
        case none
        /// Those who act (R, or A without R) are asked to act; the rest of the activity's parties are informed.
        case actors
        /// Everyone with a letter on the activity is informed.
        case informed
    }

    /// The RACI activity whose parties hear of the event.
    public var activity: GovernanceActivity {
        switch self {
        case .claimFiled, .claimDecided: .exclusionApproval
        case .disputeFiled, .disputeDecided: .disputeDecision
        case .rcaRequested, .rcaDueSoon, .rcaOverdue, .rcaReturned: .rcaSubmission
        case .rcaSubmitted, .rcaAccepted: .rcaFacilitation
        case .actionDue, .actionOverdue: .capaVerification
        case .breachRecorded: .rcaFacilitation
        case .creditComputed: .creditApproval
        case .packFrozen: .packPreparation
        case .meetingChanged: .reviewChairing
        case .proposalMade, .proposalDecided: .renegotiation
        case .renewalNoticeDue: .renewalDecision
        case .dataStale: .dataFeed
        }
    }

    public var customer: Audience {
        switch self {
        case .claimFiled, .disputeFiled, .rcaSubmitted, .creditComputed, .proposalMade, .renewalNoticeDue, .dataStale: .actors
        case .rcaReturned: .none
        default: .informed
        }
    }

    public var vendor: Audience {
        switch self {
        case .claimFiled, .disputeFiled, .rcaSubmitted, .renewalNoticeDue, .dataStale: .none
        case .rcaRequested, .rcaDueSoon, .rcaOverdue, .rcaReturned, .actionDue, .actionOverdue, .proposalMade: .actors
        default: .informed
        }
    }
}

/// One user's copy of an event: what it is about, where to go, and whether the user is the one to act.
public struct InboxItem: Sendable, Codable, Equatable {
    public var id: Int64
    public var event: InboxEvent
    public var subjectKind: String
    public var subjectID: Int64
    public var title: String
    public var link: String
    public var toAct: Bool
    public var createdAt: Date
    public var readAt: Date?

    public init(
        id: Int64, event: InboxEvent, subjectKind: String, subjectID: Int64, title: String, link: String, toAct: Bool, createdAt: Date,
        readAt: Date?
    ) {
        self.id = id
        self.event = event
        self.subjectKind = subjectKind
        self.subjectID = subjectID
        self.title = title
        self.link = link
        self.toAct = toAct
        self.createdAt = createdAt
        self.readAt = readAt
    }
}

/// Who receives an event: the RACI parties of its activity on each side, resolved to user accounts; where the agreement
/// names no one on a side, the customer's contract managers or the vendor's users. A vendor's users only ever receive
/// events of their own vendor, and no one is told of what they did themselves.
public enum InboxRouting {
    public struct Recipient: Sendable, Equatable, Hashable {
        public var userID: Int64
        public var toAct: Bool

        public init(userID: Int64, toAct: Bool) {
            self.userID = userID
            self.toAct = toAct
        }
    }

    /// - Parameters:
    ///   - customerUsers: the user ids of the customer's contract managers (the fallback).
    ///   - vendorUsers: the user ids of the event's vendor (the fallback, and the only vendor users allowed).
    public static func recipients(
        of event: InboxEvent, matrix: RACIMatrix, customerUsers: [Int64], vendorUsers: [Int64], actorUserID: Int64?
    ) -> [Recipient] {
        let allowedVendorUsers = Set(vendorUsers)
        var chosen: [Int64: Bool] = [:]
        func add(_ id: Int64, toAct: Bool) { chosen[id] = (chosen[id] ?? false) || toAct }
        func side(_ audience: InboxEvent.Audience, kinds: Set<RACIParty.Kind>, fallback: [Int64], allowed: (Int64) -> Bool) {
            guard audience != .none else { return }
            let actors = Set(matrix.actors(for: event.activity).filter { kinds.contains($0.kind) && $0.kind != .vendorContact }.map(\.id))
            let parties = matrix.recipients(for: event.activity).filter { kinds.contains($0.kind) && $0.kind != .vendorContact }.map(\.id)
            let named = parties.filter(allowed)
            if named.isEmpty {
                for id in fallback { add(id, toAct: audience == .actors) }
            } else {
                for id in named { add(id, toAct: audience == .actors && actors.contains(id)) }
            }
        }
        side(event.customer, kinds: [.person], fallback: customerUsers, allowed: { !allowedVendorUsers.contains($0) })
        side(event.vendor, kinds: [.vendorUser], fallback: vendorUsers, allowed: { allowedVendorUsers.contains($0) })
        if let actorUserID { chosen[actorUserID] = nil }
        return chosen.map { Recipient(userID: $0.key, toAct: $0.value) }.sorted { $0.userID < $1.userID }
    }
}

/// The kinds of inbox item a person filters by: the events of one subject.
public enum InboxKind: String, Sendable, CaseIterable, Codable {
    case claims, disputes, rcas, actions, breaches, credits, reviews, proposals, renewals, data

    public var label: String {
        switch self {
        case .claims: "Claims"
        case .disputes: "Disputes"
        case .rcas: "RCAs"
        case .actions: "Actions"
        case .breaches: "Breaches"
        case .credits: "Credits"
        case .reviews: "Reviews and packs"
        case .proposals: "Proposals"
        case .renewals: "Notice deadlines"
        case .data: "Data behind"
        }
    }

    public var events: [InboxEvent] {
        InboxEvent.allCases.filter { $0.kind == self }
    }
}

extension InboxEvent {
    public var kind: InboxKind {
        switch self {
        case .claimFiled, .claimDecided: .claims
        case .disputeFiled, .disputeDecided: .disputes
        case .rcaRequested, .rcaDueSoon, .rcaOverdue, .rcaSubmitted, .rcaReturned, .rcaAccepted: .rcas
        case .actionDue, .actionOverdue: .actions
        case .breachRecorded: .breaches
        case .creditComputed: .credits
        case .packFrozen, .meetingChanged: .reviews
        case .proposalMade, .proposalDecided: .proposals
        case .renewalNoticeDue: .renewals
        case .dataStale: .data
        }
    }
}

/// What a person asks of their inbox: one kind, one vendor, the unread only.
public struct InboxFilter: Sendable, Equatable {
    public var kind: InboxKind?
    public var vendorID: Int64?
    public var unreadOnly: Bool

    public init(kind: InboxKind? = nil, vendorID: Int64? = nil, unreadOnly: Bool = false) {
        self.kind = kind
        self.vendorID = vendorID
        self.unreadOnly = unreadOnly
    }
}

import Foundation

/// What a decision changes beyond its own rows: the line the audit trail keeps, the line a governance record's own
/// history shows its parties, the announcement to inboxes and webhooks, and the closed periods to recompute. Rules
/// return effects as values and do no I/O; one place in the application applies them, in the decision's transaction.
public enum Effect: Sendable {
    case audit(AuditRecord)
    case history(GovernanceSubject, id: Int64, action: String, note: String)
    case announce(Announcement)
    /// A message for the outbox, written with the change (nothing when mail is off).
    case mail(MailDraft)
    /// The closed periods the change touches are recomputed before the caller hears back.
    case recomputePeriods
    /// The change may put objectives in force, take them out or move them: the dashboard's rows are matched to the
    /// objectives in force before the caller hears back, so the next view finds them ready.
    case matchDashboard
}

/// One line of the audit trail: who (the applier adds the actor) did what to which record, with the record before and
/// after as JSON.
public struct AuditRecord: Sendable {
    public var action: String
    public var entity: String
    public var entityID: Int64?
    public var before: (any Encodable & Sendable)?
    public var after: (any Encodable & Sendable)?

    public init(action: String, entity: String, entityID: Int64?, before: (any Encodable & Sendable)? = nil, after: (any Encodable & Sendable)? = nil) {
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.before = before
        self.after = after
    }
}

extension Array where Element == Effect {
    /// Whether applying these effects leaves closed periods to recompute.
    public var recomputesPeriods: Bool {
        self.contains { if case .recomputePeriods = $0 { true } else { false } }
    }

    /// Whether applying these effects leaves the dashboard's rows to match.
    public var matchesDashboard: Bool {
        self.contains { if case .matchDashboard = $0 { true } else { false } }
    }
}

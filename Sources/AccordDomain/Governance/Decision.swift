import Foundation

/// A status a contract manager decides and the filer may withdraw: an exclusion claim's, a dispute's. Each names which
/// of its statuses is still open and which decisions owe the vendor a reason.
public protocol DecidedStatus: RawRepresentable<String>, Sendable, Equatable {
    /// The record's name in messages ("claim", "dispute").
    static var noun: String { get }
    /// The one status a decision moves from.
    static var undecided: Self { get }
    /// Decisions the vendor reads a reason for.
    var needsReason: Bool { get }
}

extension ClaimStatus: DecidedStatus {
    public static let noun = "claim"
    public static var undecided: ClaimStatus { .pending }
    public var needsReason: Bool { self == .rejected }
}

extension DisputeStatus: DecidedStatus {
    public static let noun = "dispute"
    public static var undecided: DisputeStatus { .open }
    public var needsReason: Bool { self == .upheld || self == .rejected }
}

/// A decided status and its reason (nil when none was given), as the decision's row records them.
public struct Decision<Status: DecidedStatus>: Sendable, Equatable {
    public var status: Status
    public var reason: String?

    public init(status: Status, reason: String?) {
        self.status = status
        self.reason = reason
    }

    /// Only an open record is decided; a decision the vendor reads a reason for must give one; a reason holds at most
    /// 4000 characters; nothing goes back to open. `expected` is the row version the decider read (nil: not checked).
    public static func decide(
        from current: Status, to next: Status, reason: String, rowVersion: Int, expected: Int?, changedBy: String, changedAt: Date
    ) throws -> Decision {
        if let expected, expected != rowVersion {
            throw EditConflict(entity: Status.noun, changedBy: changedBy, changedAt: changedAt, currentRowVersion: rowVersion)
        }
        guard current == Status.undecided else { throw RuleViolation("This \(Status.noun) was already \(current.rawValue).") }
        guard next != Status.undecided else { throw RuleViolation("A \(Status.noun) cannot go back to \(Status.undecided.rawValue).") }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if next.needsReason, reason.isEmpty || reason.count > ClaimRules.statementLength {
            throw ValidationErrors([FieldError("reason", "Say why the \(Status.noun) is \(next.rawValue): the vendor reads it.")])
        }
        if reason.count > ClaimRules.statementLength { throw ValidationErrors([FieldError("reason", "At most 4000 characters.")]) }
        return Decision(status: next, reason: reason.isEmpty ? nil : reason)
    }

    /// The history line every decision writes, and the announcement to the parties unless the filer withdrew.
    public func effects(subject: GovernanceSubject, id: Int64, announcing announcement: Announcement) -> [Effect] {
        var effects: [Effect] = [.history(subject, id: id, action: self.status.rawValue, note: self.reason ?? "")]
        if self.status.rawValue != "withdrawn" { effects.append(.announce(announcement)) }
        return effects
    }
}

extension ExclusionClaim {
    /// What filing a claim leaves: its first history line, the audit record and the announcement to the customer.
    public var filed: [Effect] {
        [
            .history(.claim, id: self.id, action: "filed", note: ""),
            .audit(AuditRecord(action: "file", entity: "claim", entityID: self.id, after: self)),
            .announce(
                Announcement(
                    event: .claimFiled, subjectKind: "claim", subjectID: self.id,
                    title: "\(self.vendorName) claims \(self.kind.label.lowercased()) on \(self.agreementTitle)", link: "/claims/\(self.id)",
                    agreementID: self.agreementID, vendorID: self.vendorID)),
        ]
    }
}

extension Dispute {
    /// What filing a dispute leaves: its first history line, the audit record and the announcement to the customer.
    public var filed: [Effect] {
        [
            .history(.dispute, id: self.id, action: "filed", note: ""),
            .audit(AuditRecord(action: "file", entity: "dispute", entityID: self.id, after: self)),
            .announce(
                Announcement(
                    event: .disputeFiled, subjectKind: "dispute", subjectID: self.id,
                    title: "\(self.vendorName) disputes the \(self.subject == .credit ? "credit" : "figure") of \(self.objectiveName)",
                    link: "/disputes/\(self.id)", agreementID: self.agreementID, vendorID: self.vendorID)),
        ]
    }
}

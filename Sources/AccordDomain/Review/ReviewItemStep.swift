import Foundation

public enum ReviewItemStep: Sendable, Equatable {
    /// An action item done.
    case done
    /// An action item or question dropped, with a reason.
    case cancel(String)
    /// An open question decided, with the decision.
    case decide(String)
}

/// Who could attend a review of `scope`: the customer's people, the vendors' contacts and users; `proposed` marks
/// those the RACI names on review chairing or pack preparation for one of the scope's agreements.
public struct AttendeeCandidate: Sendable, Equatable {
    public var userID: Int64?
    public var contactID: Int64?
    public var name: String
    public var party: String
    public var proposed: Bool

    public init(userID: Int64?, contactID: Int64?, name: String, party: String, proposed: Bool) {
        self.userID = userID
        self.contactID = contactID
        self.name = name
        self.party = party
        self.proposed = proposed
    }
}

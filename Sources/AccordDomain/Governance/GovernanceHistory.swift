import Foundation

/// What a history entry, an evidence file or an inbox item is about.
public enum GovernanceSubject: String, Sendable, Codable, CaseIterable {
    case claim, dispute, rca, action, meeting
    case reviewItem = "review_item"
    case proposal
}

/// One step of a claim, dispute, root-cause analysis or action, as both parties read it.
public struct HistoryEntry: Sendable, Codable, Equatable {
    public var at: Date
    public var actor: String
    /// The vendor the actor acted for; nil for the customer.
    public var actorVendorID: Int64?
    public var action: String
    public var note: String

    public init(at: Date, actor: String, actorVendorID: Int64?, action: String, note: String) {
        self.at = at
        self.actor = actor
        self.actorVendorID = actorVendorID
        self.action = action
        self.note = note
    }
}

extension HistoryEntry: VendorFacing {
    /// The customer's people appear as the customer.
    public var vendorFacing: HistoryEntry {
        var copy = self
        if self.actorVendorID == nil { copy.actor = customerLabel }
        return copy
    }
}

extension HistoryEntry {
    /// The entry as a user of `vendorID` reads a joint record's history: the customer's people as the customer,
    /// another vendor's people as that vendor (`parties` names each vendor).
    public func facing(vendorID: Int64, parties: [Int64: String]) -> HistoryEntry {
        var copy = self.vendorFacing
        if let actorVendor = self.actorVendorID, actorVendor != vendorID { copy.actor = parties[actorVendor] ?? "another party" }
        return copy
    }
}

extension ExclusionClaim: VendorFacing {
    public var vendorFacing: ExclusionClaim {
        var copy = self
        if self.decidedBy != nil { copy.decidedBy = customerLabel }
        if self.filedByCustomer { copy.filedBy = customerLabel }
        return copy
    }
}

extension Dispute: VendorFacing {
    public var vendorFacing: Dispute {
        var copy = self
        if self.decidedBy != nil { copy.decidedBy = customerLabel }
        if self.filedByCustomer { copy.filedBy = customerLabel }
        copy.remedies = self.remedies.map { remedy in
            var remedy = remedy
            if remedy.recordedBy != nil { remedy.recordedBy = customerLabel }
            return remedy
        }
        return copy
    }
}

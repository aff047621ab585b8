import Foundation

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

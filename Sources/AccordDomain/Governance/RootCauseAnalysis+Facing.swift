import Foundation

extension RootCauseAnalysis {
    /// The RCA as a user of `vendorID` reads it: the customer's people appear as the customer, and of the breaches only
    /// its own carry figures (another party's appear as that party's breach, without numbers). A breach that missed only
    /// the customer's internal SLO is left out unless its agreement shares the internal figures or the customer shared
    /// the RCA; the vendor's own breaches read against the SLA, without the error budget, unless their agreement shares.
    public func facing(vendorID: Int64) -> RootCauseAnalysis {
        var copy = self
        copy.masterID = nil
        copy.openedBy = self.openedBy == nil ? nil : customerLabel
        copy.parties = self.parties.map { party in
            var party = party
            if party.signedBy != nil, party.vendorID != vendorID { party.signedBy = party.isCustomer ? customerLabel : party.name }
            return party
        }
        copy.breaches = self.breaches.filter { $0.isShownToVendors(sharedRCA: self.sharedWithVendors) }.map { breach in
            breach.vendorID == vendorID ? breach.facingItsVendor : breach.facingAnotherParty
        }
        copy.actions = self.actions.map { $0.facing(vendorID: vendorID) }
        return copy
    }
}

extension RCABreach {
    /// How a vendor reads a breach of the customer's internal SLO in an RCA the customer shared with it: against its
    /// SLA, which the period met.
    public static let withinSLA = "within_sla"

    /// The severity as pages and exports write it.
    public var severityLabel: String {
        switch self.severity {
        case "sla": "SLA"
        case "slo": "SLO"
        case Self.withinSLA: "SLA met"
        default: self.severity
        }
    }

    /// Whether the vendors party to the RCA read this breach: an SLA breach, a breach of an agreement that shares the
    /// customer's internal figures, or any breach of an RCA the customer shared with them.
    public func isShownToVendors(sharedRCA: Bool) -> Bool {
        self.severity == "sla" || self.sharesInternalFigures || sharedRCA
    }

    /// The breach as its own vendor reads it: its figures, against the SLA and without the error budget (measured
    /// against the SLO) unless its agreement shares the customer's internal figures.
    var facingItsVendor: RCABreach {
        guard !self.sharesInternalFigures else { return self }
        var copy = self
        copy.budgetConsumed = nil
        if self.severity != "sla" {
            copy.severity = Self.withinSLA
            copy.target = self.slaTarget
        }
        return copy
    }

    /// Another party's breach: named by that party, without figures, and an SLA breach or not.
    var facingAnotherParty: RCABreach {
        var hidden = self
        hidden.objectiveID = 0
        hidden.objectiveName = "another party's objective"
        hidden.agreementTitle = self.vendorName ?? customerLabel
        hidden.severity = self.severity == "sla" ? "sla" : Self.withinSLA
        hidden.attainment = 0
        hidden.target = 0
        hidden.slaTarget = 0
        hidden.sharesInternalFigures = false
        hidden.budgetConsumed = nil
        hidden.creditAmount = nil
        hidden.currency = nil
        return hidden
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

/// What a person may do, named once: handlers ask for a capability, and pages show a link or a button only to a
/// person who has it. Roles grant capabilities; a vendor's user holds them only for its own vendor's records (the
/// scope decides which rows, the capability whether the action at all).
public enum Capability: String, Sendable, CaseIterable {
    /// Create and change agreements, vendors, services, calendars, governance terms, RACI and exclusions; open RCAs
    /// and propose terms.
    case manageContracts
    /// Decide exclusion claims and disputes, and apply a dispute's remedy.
    case decideClaims
    /// Approve or waive computed service credits.
    case approveCredits
    /// Accept, return or close a joint RCA.
    case acceptRCAs
    /// Run review series and meetings: attendees, agendas, packs and minutes.
    case runReviews
    /// Answer a renegotiation proposal for one's own side (the customer's contract managers, or the vendor's users).
    case answerProposals
    /// Read the customer's own portfolio views that no vendor sees (RACI health across agreements).
    case readPortfolio
    /// Push measurements and ticket events.
    case ingest
    /// Manage user accounts, read the audit trail and the security page, run jobs.
    case administer
    /// File an exclusion claim or a dispute (a vendor for itself, a contract manager on a vendor's behalf).
    case fileClaims
    /// Write a joint RCA's timeline, factors and analysis, sign it, and work on corrective actions.
    case writeRCAs
    /// Add, enable, disable and rotate webhook endpoints (a vendor's users: their vendor's).
    case manageWebhooks
    /// Add and edit a vendor's contacts (a vendor's users: their own vendor's).
    case editContacts
    /// Attach evidence files to a claim, dispute, RCA or action.
    case attachEvidence
}

extension Role {
    /// Whether the role holds `capability`.
    public func may(_ capability: Capability) -> Bool {
        switch capability {
        case .manageContracts, .decideClaims, .approveCredits, .acceptRCAs, .runReviews: self.canManageContracts
        case .readPortfolio: self != .vendor
        case .answerProposals: self == .vendor || self.canManageContracts
        case .ingest: self.canIngest
        case .administer: self.isAdmin
        case .fileClaims, .writeRCAs, .manageWebhooks, .editContacts, .attachEvidence: self == .vendor || self.canManageContracts
        }
    }
}

/// What a person may do in Accord.
///
/// Internal roles see the whole organisation; `vendor` is bound to exactly one vendor and
/// only ever sees that vendor's data.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin
    case contractManager = "contract_manager"
    case analyst
    case viewer
    case vendor

    public var label: String {
        switch self {
        case .admin: "Administrator"
        case .contractManager: "Contract manager"
        case .analyst: "Analyst"
        case .viewer: "Viewer"
        case .vendor: "Vendor"
        }
    }

    /// Whether the role may create and change agreements, vendors, services and calendars.
    var canManageContracts: Bool { self == .admin || self == .contractManager }

    /// Whether the role may push measurements (monitoring tools use an analyst's or a manager's token).
    var canIngest: Bool { self == .admin || self == .contractManager || self == .analyst }

    /// Whether the role may manage user accounts and read the audit trail.
    var isAdmin: Bool { self == .admin }
}

/// The slice of data a request may read and change.
///
/// Every repository call takes a scope, so a vendor user's queries are filtered by its
/// vendor where the data is read and written, not by hiding links.
public enum AccessScope: Sendable, Equatable {
    case organisation
    case vendor(Int64)

    /// The vendor id to filter by, or nil when the whole organisation is visible.
    public var vendorID: Int64? {
        switch self {
        case .organisation: nil
        case .vendor(let id): id
        }
    }

    /// The scope of an audience: a vendor's own rows, or the organisation's when `vendorID` is nil (a pack or agenda
    /// for the customer).
    public init(audience vendorID: Int64?) {
        self = vendorID.map(AccessScope.vendor) ?? .organisation
    }
}

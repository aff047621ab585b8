/// A record as a vendor's user may see it: the customer's internal structure and people are left out — the master
/// SLA a vendor SLA underpins, the customer's staff (shown as "the customer"), internal user ids. The server applies it
/// to every answer a vendor user gets; pages show the same.
public protocol VendorFacing {
    var vendorFacing: Self { get }
}

/// How the customer's people appear to a vendor.
public let customerLabel = "the customer"

extension Agreement: VendorFacing {
    public var vendorFacing: Agreement {
        var copy = self
        copy.masterID = nil
        copy.masterTitle = nil
        copy.dependencyKind = nil
        copy.parallelGroup = nil
        return copy
    }
}

extension Exclusion: VendorFacing {
    public var vendorFacing: Exclusion {
        var copy = self
        copy.createdBy = self.createdBy == nil ? nil : customerLabel
        return copy
    }
}

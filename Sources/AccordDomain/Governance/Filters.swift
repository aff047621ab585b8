import Foundation

public struct ClaimFilter: Sendable, Equatable {
    public var status: ClaimStatus?
    public var vendorID: Int64?
    public var agreementID: Int64?

    public init(status: ClaimStatus? = nil, vendorID: Int64? = nil, agreementID: Int64? = nil) {
        self.status = status
        self.vendorID = vendorID
        self.agreementID = agreementID
    }
}

public struct DisputeFilter: Sendable, Equatable {
    public var status: DisputeStatus?
    public var vendorID: Int64?
    public var creditID: Int64?

    public init(status: DisputeStatus? = nil, vendorID: Int64? = nil, creditID: Int64? = nil) {
        self.status = status
        self.vendorID = vendorID
        self.creditID = creditID
    }
}

public struct ActionFilter: Sendable, Equatable {
    /// Only actions open on this day and due before it.
    public var overdueOn: LocalDate?
    public var openOnly: Bool
    public var ownerVendorID: Int64?

    public init(overdueOn: LocalDate? = nil, openOnly: Bool = false, ownerVendorID: Int64? = nil) {
        self.overdueOn = overdueOn
        self.openOnly = openOnly
        self.ownerVendorID = ownerVendorID
    }
}

public struct RCAFilter: Sendable, Equatable {
    public var status: RCAState?
    public var overdueOn: LocalDate?
    public var vendorID: Int64?

    public init(status: RCAState? = nil, overdueOn: LocalDate? = nil, vendorID: Int64? = nil) {
        self.status = status
        self.overdueOn = overdueOn
        self.vendorID = vendorID
    }
}

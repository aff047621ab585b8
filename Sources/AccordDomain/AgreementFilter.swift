import Foundation

public struct AgreementFilter: Sendable {
    public var search: String?
    public var kind: AgreementKind?
    public var status: AgreementStatus?
    public var vendorID: Int64?
    public var masterID: Int64?
    public var serviceID: Int64?

    public init(
        search: String? = nil, kind: AgreementKind? = nil, status: AgreementStatus? = nil, vendorID: Int64? = nil, masterID: Int64? = nil,
        serviceID: Int64? = nil
    ) {
        self.search = search
        self.kind = kind
        self.status = status
        self.vendorID = vendorID
        self.masterID = masterID
        self.serviceID = serviceID
    }
}

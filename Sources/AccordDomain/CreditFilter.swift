import Foundation

public struct CreditFilter: Sendable, Equatable {
    public var vendorID: Int64?
    public var seriesID: Int64?
    public var status: CreditStatus?
    public var from: Date?
    public var to: Date?

    public init(vendorID: Int64? = nil, seriesID: Int64? = nil, status: CreditStatus? = nil, from: Date? = nil, to: Date? = nil) {
        self.vendorID = vendorID
        self.seriesID = seriesID
        self.status = status
        self.from = from
        self.to = to
    }
}

import Foundation

public struct NoticeDeadline: Sendable, Equatable {
    public var agreementID: Int64
    public var title: String
    public var vendorID: Int64?
    public var endDate: LocalDate?
    public var deadline: LocalDate
    public var autoRenews: Bool

    public init(agreementID: Int64, title: String, vendorID: Int64?, endDate: LocalDate?, deadline: LocalDate, autoRenews: Bool) {
        self.agreementID = agreementID
        self.title = title
        self.vendorID = vendorID
        self.endDate = endDate
        self.deadline = deadline
        self.autoRenews = autoRenews
    }
}

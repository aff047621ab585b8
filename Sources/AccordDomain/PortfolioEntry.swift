import Foundation

/// An objective in force in an active agreement, with what the dashboard shows about its agreement.
public struct PortfolioEntry: Sendable {
    public var objective: Objective
    public var placement: ObjectivePlacement
    public var agreementTitle: String
    public var agreementKind: AgreementKind
    public var vendorID: Int64?
    public var vendorName: String?
    public var masterID: Int64?
    public var dependencyKind: DependencyKind?
    public var parallelGroup: String?
    public var timeZone: String
    public var serviceID: Int64?

    public init(objective: Objective, placement: ObjectivePlacement, agreementTitle: String, agreementKind: AgreementKind, vendorID: Int64?, vendorName: String?, masterID: Int64?, dependencyKind: DependencyKind?, parallelGroup: String?, timeZone: String, serviceID: Int64?) {
        self.objective = objective
        self.placement = placement
        self.agreementTitle = agreementTitle
        self.agreementKind = agreementKind
        self.vendorID = vendorID
        self.vendorName = vendorName
        self.masterID = masterID
        self.dependencyKind = dependencyKind
        self.parallelGroup = parallelGroup
        self.timeZone = timeZone
        self.serviceID = serviceID
    }
}

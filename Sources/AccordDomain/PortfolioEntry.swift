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

extension PortfolioEntry {
    /// Everything about the entry that changes how its dashboard row is computed or where it is listed, apart from
    /// names (renames rewrite the rows in place): its objective (an objective in force never changes; a version taking
    /// effect brings new ones), its version, and its agreement's kind, vendor, master, service, dependency and zone.
    /// Two matches that find the same key compute the same row from the same data.
    public var placementKey: String {
        [
            "o\(self.objective.id)", "v\(self.objective.versionID)", "a\(self.placement.agreementID)", self.placement.versionState.rawValue,
            self.agreementKind.rawValue, "vendor\(self.vendorID.map(String.init) ?? "-")", "master\(self.masterID.map(String.init) ?? "-")",
            "service\(self.serviceID.map(String.init) ?? "-")", self.dependencyKind?.rawValue ?? "-", self.timeZone,
            // last, so that a "|" in a group's name cannot make two keys alike
            self.parallelGroup.map { "group:" + $0 } ?? "-",
        ].joined(separator: "|")
    }
}

import Foundation

/// Where an objective sits: its agreement and version.
public struct ObjectivePlacement: Sendable, Equatable {
    public var agreementID: Int64
    public var versionNumber: Int
    public var versionState: VersionState

    public init(agreementID: Int64, versionNumber: Int, versionState: VersionState) {
        self.agreementID = agreementID
        self.versionNumber = versionNumber
        self.versionState = versionState
    }
}

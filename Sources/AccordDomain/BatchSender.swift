import Foundation

/// Who sent a batch: the user, and whether through a session or which API token.
public struct BatchSender: Sendable, Equatable {
    public var userID: Int64?
    public var credential: String

    public init(userID: Int64?, credential: String) {
        self.userID = userID
        self.credential = credential
    }
}

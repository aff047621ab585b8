import Foundation

/// A signed-in browser session as the server holds it.
public struct StoredSession: Sendable, Equatable {
    public var userID: Int64
    public var csrfToken: String

    public init(userID: Int64, csrfToken: String) {
        self.userID = userID
        self.csrfToken = csrfToken
    }
}

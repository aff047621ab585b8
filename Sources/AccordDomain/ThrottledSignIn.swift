import Foundation

/// A pair of account and address with recent failed sign-ins, and until when the throttle holds it (nil: not held now).
public struct ThrottledSignIn: Sendable, Equatable, Codable {
    public var email: String
    public var address: String
    public var failures: Int
    public var lastFailure: Date
    public var blockedUntil: Date?

    public init(email: String, address: String, failures: Int, lastFailure: Date, blockedUntil: Date?) {
        self.email = email
        self.address = address
        self.failures = failures
        self.lastFailure = lastFailure
        self.blockedUntil = blockedUntil
    }
}

import Foundation

/// A refused request, as recorded: counted per hour, kind, caller, address and route.
public struct SecurityEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The role may not do this (403).
        case forbidden
        /// A vendor's user asked for something not found in its scope (404): another vendor's id, or a guess.
        case notFound = "not_found"
        /// A state-changing request without the session's CSRF token (403).
        case csrfRejected = "csrf_rejected"
        /// An API token that matches no token (401).
        case invalidToken = "invalid_token"
    }

    public var hour: Date
    public var kind: Kind
    public var userID: Int64?
    public var userLabel: String?
    public var vendorID: Int64?
    public var vendorName: String?
    public var address: String
    public var route: String
    public var count: Int64
    public var firstAt: Date
    public var lastAt: Date

    public init(
        hour: Date, kind: Kind, userID: Int64?, userLabel: String?, vendorID: Int64?, vendorName: String?, address: String, route: String, count: Int64,
        firstAt: Date, lastAt: Date
    ) {
        self.hour = hour
        self.kind = kind
        self.userID = userID
        self.userLabel = userLabel
        self.vendorID = vendorID
        self.vendorName = vendorName
        self.address = address
        self.route = route
        self.count = count
        self.firstAt = firstAt
        self.lastAt = lastAt
    }
}

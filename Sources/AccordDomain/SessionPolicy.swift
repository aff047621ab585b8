import Foundation

/// When a signed-in session ends: after a spell of inactivity, or a fixed time after sign-in, whichever comes first.
public struct SessionPolicy: Sendable {
    public var idleTimeout: TimeInterval
    public var absoluteTimeout: TimeInterval

    public static let standard = SessionPolicy(idleTimeout: 30 * 60, absoluteTimeout: 12 * 60 * 60)

    public init(idleTimeout: TimeInterval, absoluteTimeout: TimeInterval) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
    }

    /// The instant a session touched at `lastSeen` stops being valid, given when it began.
    public func expiry(createdAt: Date, lastSeen: Date) -> Date {
        min(lastSeen.addingTimeInterval(self.idleTimeout), createdAt.addingTimeInterval(self.absoluteTimeout))
    }

    public func isValid(createdAt: Date, lastSeen: Date, now: Date) -> Bool {
        now < self.expiry(createdAt: createdAt, lastSeen: lastSeen)
    }
}

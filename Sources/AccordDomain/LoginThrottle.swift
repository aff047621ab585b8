import Foundation

/// Slows down password guessing: too many recent failures for one account or from one address block sign-in for a while.
public struct LoginThrottle: Sendable {
    public var window: TimeInterval
    public var maxFailuresPerAccount: Int
    public var maxFailuresPerAddress: Int

    public static let standard = LoginThrottle(window: 15 * 60, maxFailuresPerAccount: 5, maxFailuresPerAddress: 20)

    public init(window: TimeInterval, maxFailuresPerAccount: Int, maxFailuresPerAddress: Int) {
        self.window = window
        self.maxFailuresPerAccount = maxFailuresPerAccount
        self.maxFailuresPerAddress = maxFailuresPerAddress
    }

    public enum Decision: Sendable, Equatable {
        case allow
        /// Refused until this instant; the message names the wait.
        case blocked(until: Date)
    }

    /// Decides on a sign-in attempt from the failures recorded within the window (oldest relevant failure first).
    public func decide(accountFailures: [Date], addressFailures: [Date], now: Date) -> Decision {
        let since = now.addingTimeInterval(-self.window)
        let account = accountFailures.filter { $0 > since }.sorted()
        let address = addressFailures.filter { $0 > since }.sorted()
        var until: Date?
        if account.count >= self.maxFailuresPerAccount {
            until = account[account.count - self.maxFailuresPerAccount].addingTimeInterval(self.window)
        }
        if address.count >= self.maxFailuresPerAddress {
            let addressUntil = address[address.count - self.maxFailuresPerAddress].addingTimeInterval(self.window)
            until = max(until ?? addressUntil, addressUntil)
        }
        return until.map { .blocked(until: $0) } ?? .allow
    }
}

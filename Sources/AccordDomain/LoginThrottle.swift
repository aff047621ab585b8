import Foundation

/// Slows down password guessing without handing anyone a way to lock others out.
///
/// Failures count per account *and* address together: a few tries are free, then each further failure doubles the
/// wait before the next attempt (30 s, 1 min, 2 min… up to 15 min). Someone guessing at an account from one address
/// is slowed to a crawl, while its owner signing in from elsewhere is not held up at all. One address failing across
/// many accounts (password spraying) is slowed the same way past a higher allowance. Only recent failures count.
public struct LoginThrottle: Sendable {
    public var window: TimeInterval
    /// Failures of one account from one address before the first wait.
    public var freePerPair: Int
    /// Failures from one address, over all accounts, before the first wait.
    public var freePerAddress: Int
    public var firstDelay: TimeInterval
    public var longestDelay: TimeInterval

    public static let standard = LoginThrottle(window: 3600, freePerPair: 3, freePerAddress: 30, firstDelay: 30, longestDelay: 15 * 60)

    public init(window: TimeInterval, freePerPair: Int, freePerAddress: Int, firstDelay: TimeInterval, longestDelay: TimeInterval) {
        self.window = window
        self.freePerPair = freePerPair
        self.freePerAddress = freePerAddress
        self.firstDelay = firstDelay
        self.longestDelay = longestDelay
    }

    public enum Decision: Sendable, Equatable {
        case allow
        /// Refused until this instant; the message names the wait.
        case blocked(until: Date)
    }

    /// The wait after `failures` failures when `free` are allowed: none within the allowance, then doubling.
    func delay(failures: Int, free: Int) -> TimeInterval? {
        guard failures >= free else { return nil }
        let doublings = min(failures - free, 16)
        return min(self.firstDelay * Double(1 << doublings), self.longestDelay)
    }

    /// Until when one account at one address waits after `failures` recent failures, the last at `last`; nil when it
    /// need not wait at `now`.
    public func pairBlockedUntil(failures: Int, last: Date, now: Date) -> Date? {
        guard let delay = self.delay(failures: failures, free: self.freePerPair) else { return nil }
        let end = last.addingTimeInterval(delay)
        return end > now ? end : nil
    }

    /// Decides on a sign-in attempt from the recent failures of this account from this address, and of this address.
    public func decide(pairFailures: [Date], addressFailures: [Date], now: Date) -> Decision {
        let since = now.addingTimeInterval(-self.window)
        var until: Date?
        for (failures, free) in [(pairFailures, self.freePerPair), (addressFailures, self.freePerAddress)] {
            let recent = failures.filter { $0 > since }
            guard let last = recent.max(), let delay = self.delay(failures: recent.count, free: free) else { continue }
            let end = last.addingTimeInterval(delay)
            if end > now { until = max(until ?? end, end) }
        }
        return until.map { .blocked(until: $0) } ?? .allow
    }
}

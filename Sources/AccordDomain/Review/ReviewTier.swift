import Foundation

/// The tier of a review series: how often it meets, what it looks at, and how early its pack is due.
public enum ReviewTier: String, Sendable, Codable, CaseIterable {
    /// Weekly or fortnightly: incidents, alerts, open actions.
    case operational
    /// Monthly: the month's attainment, breaches, credits, claims.
    case tactical
    /// Quarterly: trends, root causes, renegotiation.
    case strategic
    /// Yearly: the relationship, renewal and terms.
    case annual

    public var label: String { self.rawValue.prefix(1).uppercased() + self.rawValue.dropFirst() }

    /// Business days before the meeting by which the pack is out (the pre-read deadline), unless the series says.
    public var defaultPreReadDays: Int {
        switch self {
        case .operational: 1
        case .tactical: 2
        case .strategic: 5
        case .annual: 10
        }
    }
}

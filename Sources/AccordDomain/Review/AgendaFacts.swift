import Foundation

/// The facts an agenda is built from, read from the data since the previous meeting of the series. Pure values: the
/// generator does no I/O and reads no clock.
public struct AgendaFacts: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable {
        case met
        case atRisk = "at_risk"
        case breached
        case noData = "no_data"
    }

    public struct Objective: Sendable, Equatable {
        public var name: String
        public var party: String
        public var target: Decimal
        public var actual: Decimal?
        public var status: Status
        /// Attainment of the last periods, oldest first.
        public var trend: [Decimal?]

        public init(name: String, party: String, target: Decimal, actual: Decimal?, status: Status, trend: [Decimal?]) {
            self.name = name
            self.party = party
            self.target = target
            self.actual = actual
            self.status = status
            self.trend = trend
        }
    }

    /// Anything else that may need the meeting's time: a breach, an RCA, an action, a claim, a credit, a deadline.
    public struct Item: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable, CaseIterable {
            case breach, alert, rca, action, claim, dispute, credit, notice, renegotiation, carried
        }

        public var kind: Kind
        public var text: String
        public var party: String
        /// Days past due (RCAs, actions), or days left (notice deadlines); nil when not dated.
        public var days: Int?
        public var overdue: Bool
        /// How far below its target a breach fell, in percentage points.
        public var shortfall: Decimal?
        /// When an item carried from an earlier meeting was first raised.
        public var raisedOn: LocalDate?

        public init(
            kind: Kind, text: String, party: String, days: Int? = nil, overdue: Bool = false, shortfall: Decimal? = nil, raisedOn: LocalDate? = nil
        ) {
            self.kind = kind
            self.text = text
            self.party = party
            self.days = days
            self.overdue = overdue
            self.shortfall = shortfall
            self.raisedOn = raisedOn
        }
    }

    public var tier: ReviewTier
    public var title: String
    public var meetingDay: LocalDate
    public var durationMinutes: Int
    public var objectives: [Objective]
    public var items: [Item]

    public init(tier: ReviewTier, title: String, meetingDay: LocalDate, durationMinutes: Int, objectives: [Objective], items: [Item]) {
        self.tier = tier
        self.title = title
        self.meetingDay = meetingDay
        self.durationMinutes = durationMinutes
        self.objectives = objectives
        self.items = items
    }
}

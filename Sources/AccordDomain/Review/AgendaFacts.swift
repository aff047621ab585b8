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

    /// The period under way, so far: apart from the closed period's figure, with its own status.
    public struct Current: Sendable, Equatable {
        public var label: String
        public var actual: Decimal?
        public var status: PeriodOutlook.Status

        public init(label: String, actual: Decimal?, status: PeriodOutlook.Status) {
            self.label = label
            self.actual = actual
            self.status = status
        }

        /// "Dec 2026 so far 99.95 % — on track", "Dec 2026: no data yet".
        public var text: String {
            guard let actual, self.status != .noData else { return "\(self.label): no data yet" }
            let status = self.status == .belowTarget ? "below target" : self.status.label
            return "\(self.label) so far \(actual.plain) % — \(status)"
        }
    }

    public struct Objective: Sendable, Equatable {
        public var name: String
        public var party: String
        public var target: Decimal
        /// The last closed period ("Nov 2026"), its attainment and its own outcome.
        public var period: String?
        public var actual: Decimal?
        public var status: Status
        /// Attainment of the last periods, oldest first.
        public var trend: [Decimal?]
        /// The period under way (nil when not read, or for a rolling window).
        public var current: Current?
        /// The objective's page, for the agenda to link.
        public var link: String?

        public init(
            name: String, party: String, target: Decimal, period: String? = nil, actual: Decimal?, status: Status, trend: [Decimal?],
            current: Current? = nil, link: String? = nil
        ) {
            self.name = name
            self.party = party
            self.target = target
            self.period = period
            self.actual = actual
            self.status = status
            self.trend = trend
            self.current = current
            self.link = link
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
        /// The record the item is about, for the agenda to link.
        public var link: String?

        public init(
            kind: Kind, text: String, party: String, days: Int? = nil, overdue: Bool = false, shortfall: Decimal? = nil, raisedOn: LocalDate? = nil,
            link: String? = nil
        ) {
            self.link = link
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
    /// A vendor's pack: the vendor's name. Its own items come before another party's.
    public var audienceParty: String?

    public init(
        tier: ReviewTier, title: String, meetingDay: LocalDate, durationMinutes: Int, objectives: [Objective], items: [Item], audienceParty: String? = nil
    ) {
        self.audienceParty = audienceParty
        self.tier = tier
        self.title = title
        self.meetingDay = meetingDay
        self.durationMinutes = durationMinutes
        self.objectives = objectives
        self.items = items
    }
}

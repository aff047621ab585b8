import Foundation

public struct TicketHistory: Sendable, Encodable {
    public struct EventRow: Sendable, Encodable {
        public var type: String
        public var priority: String
        public var at: Date
        public var batchId: Int64
        public var applied: Bool
        public var reason: String?

        public init(type: String, priority: String, at: Date, batchId: Int64, applied: Bool, reason: String?) {
            self.type = type
            self.priority = priority
            self.at = at
            self.batchId = batchId
            self.applied = applied
            self.reason = reason
        }
    }

    public var ticket: String
    public var events: [EventRow]
    public var cycles: [TicketOutcomeRow]

    public init(ticket: String, events: [EventRow], cycles: [TicketOutcomeRow]) {
        self.ticket = ticket
        self.events = events
        self.cycles = cycles
    }
}

/// One ticket's timer cycle as stored: the tickets behind a period's figure.
public struct TicketOutcomeRow: Sendable, Encodable {
    public var ticket: String
    public var cycle: Int
    public var priority: String
    public var startedAt: Date
    public var deadline: Date?
    public var stoppedAt: Date?
    public var knownAt: Date?
    public var met: Bool?
    /// Events of the ticket that could not apply, with the reason.
    public var ignoredEvents: [IgnoredEventRow]

    public init(ticket: String, cycle: Int, priority: String, startedAt: Date, deadline: Date?, stoppedAt: Date?, knownAt: Date?, met: Bool?, ignoredEvents: [IgnoredEventRow]) {
        self.ticket = ticket
        self.cycle = cycle
        self.priority = priority
        self.startedAt = startedAt
        self.deadline = deadline
        self.stoppedAt = stoppedAt
        self.knownAt = knownAt
        self.met = met
        self.ignoredEvents = ignoredEvents
    }
}

public struct IgnoredEventRow: Sendable, Encodable {
    public var type: String
    public var at: Date
    public var reason: String

    public init(type: String, at: Date, reason: String) {
        self.type = type
        self.at = at
        self.reason = reason
    }
}

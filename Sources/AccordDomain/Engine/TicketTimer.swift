import Foundation

/// One event in a ticket's history, as help desks report it.
public struct TicketEvent: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case created, responded, paused, resumed, resolved, reopened
    }

    public var ticket: String
    public var priority: String
    public var kind: Kind
    public var at: Date

    public init(ticket: String, priority: String, kind: Kind, at: Date) {
        self.ticket = ticket
        self.priority = priority
        self.kind = kind
        self.at = at
    }
}

/// The judgement of one timer cycle of a ticket.
public struct TimerOutcome: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Still counting and not yet past its goal.
        case running
        /// Stopped with counted time at most the goal.
        case met
        /// Counted time exceeded the goal: known at `knownAt`, whether or not the ticket stopped later.
        case breached
    }

    public var ticket: String
    /// 1 for the first cycle, 2 after the first reopen, and so on.
    public var cycle: Int
    public var priority: String
    public var goal: TimeInterval
    public var startedAt: Date
    /// When the goal runs out if the timer keeps counting, pauses so far taken into account.
    public var deadline: Date?
    public var stoppedAt: Date?
    public var counted: TimeInterval
    public var state: State
    /// The instant the outcome became known: the stop for `met`, the first instant past the goal for `breached`.
    /// The SLI counts the outcome in the period containing this instant.
    public var knownAt: Date?
}

/// Ticket timers, computed from a ticket's whole history in time order, whatever order the events arrived in.
///
/// Rules:
/// - The response timer runs from `created` to the first `responded`; only pauses before that response count.
/// - The resolution timer runs from `created` to `resolved`, excluding every paused span (`paused` … `resumed`,
///   or `paused` … `resolved`), and every span in `excluded` (approved exclusions).
/// - `reopened` starts a new resolution cycle from the reopen instant with the full goal for the ticket's priority;
///   each cycle is judged on its own. The response timer belongs to the first cycle only.
/// - The goal is the one for the priority at `created` (a reprioritised ticket keeps its first goal).
/// - A running timer is breached at the first instant its counted time exceeds the goal; with business hours that is
///   when counting next resumes after the deadline (a ticket resolved at 17:30 whose goal ran out at the 17:00 close has met it).
public struct TicketTimer: Sendable {
    public enum Measure: Sendable, Equatable {
        case response, resolution
    }

    public var measure: Measure
    public var schedule: WorkingSchedule
    /// Goal per priority (case-insensitive match).
    public var goals: [String: TimeInterval]

    public init(measure: Measure, schedule: WorkingSchedule, goals: [PriorityGoal]) {
        self.measure = measure
        self.schedule = schedule
        self.goals = Dictionary(
            goals.map { ($0.priority.lowercased(), TimeInterval(min(max($0.goalMinutes, 1), Bounds.goalMinutes.upperBound)) * 60) },
            uniquingKeysWith: { first, _ in first })
    }

    /// The outcomes of one ticket's cycles as of `now`. Events of other tickets are ignored.
    public func outcomes(for events: [TicketEvent], excluded: TimeSpans = TimeSpans(), now: Date) -> [TimerOutcome] {
        let ordered = events.enumerated().sorted {
            ($0.element.at, Self.rank($0.element.kind), $0.offset) < ($1.element.at, Self.rank($1.element.kind), $1.offset)
        }
        .map(\.element)
        guard let created = ordered.first(where: { $0.kind == .created }), let goal = self.goals[created.priority.lowercased()] else { return [] }
        let pauses = Self.pausedSpans(ordered, until: now)
        switch self.measure {
        case .response:
            let stop = ordered.first { $0.kind == .responded && $0.at >= created.at }?.at
            return [
                self.judge(
                    ticket: created.ticket, cycle: 1, priority: created.priority, goal: goal, start: created.at, stop: stop,
                    paused: TimeSpans(pauses.spans + excluded.spans), now: now)
            ]
        case .resolution:
            var outcomes: [TimerOutcome] = []
            var start: Date? = created.at
            for event in ordered where event.at >= created.at {
                switch event.kind {
                case .resolved:
                    if let begin = start {
                        outcomes.append(
                            self.judge(
                                ticket: created.ticket, cycle: outcomes.count + 1, priority: created.priority, goal: goal, start: begin,
                                stop: event.at, paused: TimeSpans(pauses.spans + excluded.spans), now: now))
                        start = nil
                    }
                case .reopened:
                    if start == nil { start = event.at }
                default: break
                }
            }
            if let begin = start {
                outcomes.append(
                    self.judge(
                        ticket: created.ticket, cycle: outcomes.count + 1, priority: created.priority, goal: goal, start: begin, stop: nil,
                        paused: TimeSpans(pauses.spans + excluded.spans), now: now))
            }
            return outcomes
        }
    }

    func judge(
        ticket: String, cycle: Int, priority: String, goal: TimeInterval, start: Date, stop: Date?, paused: TimeSpans, now: Date
    ) -> TimerOutcome {
        let end = min(stop ?? now, now)
        let counted = self.schedule.countedTime(from: start, to: max(start, end), paused: paused)
        let deadline = self.schedule.deadline(start: start, goal: goal, paused: paused)
        let breachAt = deadline.flatMap { self.schedule.nextCountingInstant(after: $0, paused: paused) }
        var outcome = TimerOutcome(
            ticket: ticket, cycle: cycle, priority: priority, goal: goal, startedAt: start, deadline: deadline,
            stoppedAt: stop.flatMap { $0 <= now ? $0 : nil },
            counted: counted, state: .running, knownAt: nil)
        if let breachAt, breachAt < end {
            outcome.state = .breached
            outcome.knownAt = breachAt
        } else if let stop, stop <= now {
            outcome.state = counted <= goal ? .met : .breached
            outcome.knownAt = counted <= goal ? stop : breachAt ?? stop
        }
        return outcome
    }

    /// Paused spans: from each `paused` to the next `resumed` or `resolved` (or `now` while still paused).
    static func pausedSpans(_ ordered: [TicketEvent], until now: Date) -> TimeSpans {
        var spans: [DateInterval] = []
        var pausedAt: Date?
        for event in ordered {
            switch event.kind {
            case .paused where pausedAt == nil: pausedAt = event.at
            case .resumed, .resolved:
                if let start = pausedAt { spans.append(DateInterval(start: start, end: max(start, event.at))) }
                pausedAt = nil
            default: break
            }
        }
        if let start = pausedAt, start < now { spans.append(DateInterval(start: start, end: now)) }
        return TimeSpans(spans)
    }

    /// At equal timestamps, a ticket is created before anything else happens to it and resolved last.
    static func rank(_ kind: TicketEvent.Kind) -> Int {
        switch kind {
        case .created: 0
        case .reopened: 1
        case .resumed: 2
        case .responded: 3
        case .paused: 4
        case .resolved: 5
        }
    }
}

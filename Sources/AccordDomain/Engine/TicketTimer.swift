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

/// An event of a ticket that could not apply to the ticket's state when it happened; kept, and shown with the reason.
public struct IgnoredTicketEvent: Sendable, Equatable {
    public var event: TicketEvent
    public var reason: String

    public init(event: TicketEvent, reason: String) {
        self.event = event
        self.reason = reason
    }
}

/// A ticket's history replayed as a state machine: `created` → running ⇄ paused → resolved → (`reopened`) running…
///
/// Events apply in time order. Events at the same instant apply in the order in which each is a valid transition from
/// the state before it: of those pending, the first valid one in the order created, reopened, resumed, responded,
/// paused, resolved (so `resolved` and `reopened` at 10:00 close one cycle and open the next; `resumed` ending a pause
/// comes before `paused` starting the next). An event that is no valid transition (a pause while resolved, a resume
/// while running, a second `created`) is ignored and kept with the reason. Nothing depends on the order in which
/// events arrived.
public struct TicketReplay: Sendable, Equatable {
    public var created: TicketEvent?
    public var firstResponse: Date?
    /// Paused spans, each inside a running cycle; one still open runs to `now`.
    public var pauses: TimeSpans
    /// Resolution cycles: start at `created` or `reopened`, stop at `resolved` (nil while open).
    public var cycles: [(start: Date, stop: Date?)]
    public var ignored: [IgnoredTicketEvent]

    public static func == (lhs: TicketReplay, rhs: TicketReplay) -> Bool {
        lhs.created == rhs.created && lhs.firstResponse == rhs.firstResponse && lhs.pauses == rhs.pauses
            && lhs.cycles.map(\.start) == rhs.cycles.map(\.start) && lhs.cycles.map(\.stop) == rhs.cycles.map(\.stop) && lhs.ignored == rhs.ignored
    }

    enum State: Equatable {
        case new, running, paused(since: Date), resolved(at: Date)
    }

    public init(_ events: [TicketEvent], now: Date) {
        self.created = nil
        self.firstResponse = nil
        self.cycles = []
        self.ignored = []
        self.pauses = TimeSpans()
        var pauses: [DateInterval] = []
        var state = State.new
        let ordered = events.sorted {
            ($0.at, TicketTimer.rank($0.kind), $0.priority) < ($1.at, TicketTimer.rank($1.kind), $1.priority)
        }
        var index = 0
        while index < ordered.count {
            var pending: [TicketEvent] = []
            let instant = ordered[index].at
            while index < ordered.count, ordered[index].at == instant {
                pending.append(ordered[index])
                index += 1
            }
            while !pending.isEmpty {
                guard let next = pending.firstIndex(where: { Self.problem($0, in: state, replay: self) == nil }) else {
                    for event in pending {
                        self.ignored.append(IgnoredTicketEvent(event: event, reason: Self.problem(event, in: state, replay: self) ?? ""))
                    }
                    break
                }
                let event = pending.remove(at: next)
                switch (event.kind, state) {
                case (.created, _):
                    self.created = event
                    self.cycles.append((event.at, nil))
                    state = .running
                case (.responded, _):
                    self.firstResponse = event.at
                case (.paused, _):
                    state = .paused(since: event.at)
                case (.resumed, .paused(let since)):
                    pauses.append(DateInterval(start: since, end: event.at))
                    state = .running
                case (.resolved, _):
                    if case .paused(let since) = state { pauses.append(DateInterval(start: since, end: event.at)) }
                    if !self.cycles.isEmpty { self.cycles[self.cycles.count - 1].stop = event.at }
                    state = .resolved(at: event.at)
                case (.reopened, _):
                    self.cycles.append((event.at, nil))
                    state = .running
                default:
                    break
                }
            }
        }
        if case .paused(let since) = state, since < now { pauses.append(DateInterval(start: since, end: now)) }
        self.pauses = TimeSpans(pauses)
    }

    /// Why `event` is no valid transition from `state`; nil when it is one.
    static func problem(_ event: TicketEvent, in state: State, replay: TicketReplay) -> String? {
        let notYet = "The ticket had not been created yet."
        switch (event.kind, state) {
        case (.created, .new): return nil
        case (.created, _): return "The ticket was already created at \(RFC3339.format(replay.created?.at ?? event.at))."
        case (_, .new): return notYet
        case (.responded, _):
            return replay.firstResponse.map { "The ticket was already responded to at \(RFC3339.format($0)); the first response counts." }
        case (.paused, .running): return nil
        case (.paused, .paused(let since)): return "The ticket was already paused (since \(RFC3339.format(since)))."
        case (.paused, .resolved):
            return "The ticket was resolved: a pause received while resolved does not carry into a reopened cycle."
        case (.resumed, .paused): return nil
        case (.resumed, _): return "The ticket was not paused."
        case (.resolved, .running), (.resolved, .paused): return nil
        case (.resolved, .resolved(let at)): return "The ticket was already resolved (at \(RFC3339.format(at)))."
        case (.reopened, .resolved): return nil
        case (.reopened, _): return "The ticket was not resolved."
        }
    }
}

/// Ticket timers, computed from a ticket's whole history replayed in time order (`TicketReplay`), whatever order
/// the events arrived in.
///
/// Rules:
/// - The response timer runs from `created` to the first `responded`; only pauses before that response count.
/// - The resolution timer runs from `created` to `resolved`, excluding every paused span (`paused` … `resumed`,
///   or `paused` … `resolved`), and every span in `excluded` (approved exclusions).
/// - `reopened` starts a new resolution cycle from the reopen instant with the full goal for the ticket's priority;
///   each cycle is judged on its own, and starts running (a pause received while resolved is ignored). The response
///   timer belongs to the first cycle only.
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
        self.outcomes(of: TicketReplay(events, now: now), excluded: excluded, now: now)
    }

    public func outcomes(of replay: TicketReplay, excluded: TimeSpans = TimeSpans(), now: Date) -> [TimerOutcome] {
        guard let created = replay.created, let goal = self.goals[created.priority.lowercased()] else { return [] }
        let paused = TimeSpans(replay.pauses.spans + excluded.spans)
        switch self.measure {
        case .response:
            return [
                self.judge(
                    ticket: created.ticket, cycle: 1, priority: created.priority, goal: goal, start: created.at, stop: replay.firstResponse,
                    paused: paused, now: now)
            ]
        case .resolution:
            return replay.cycles.enumerated().map { number, cycle in
                self.judge(
                    ticket: created.ticket, cycle: number + 1, priority: created.priority, goal: goal, start: cycle.start, stop: cycle.stop,
                    paused: paused, now: now)
            }
        }
    }

    func judge(
        ticket: String, cycle: Int, priority: String, goal: TimeInterval, start: Date, stop: Date?, paused: TimeSpans, now: Date
    ) -> TimerOutcome {
        let end = min(stop ?? now, now)
        // a timer's deadline moves only with pauses inside its own span: not with a pause after its stop, a later
        // cycle's pause or an exclusion approved after it stopped
        let spanEnd = stop.flatMap { $0 <= now ? max(start, $0) : nil } ?? .distantFuture
        let paused = paused.clipped(to: DateInterval(start: start, end: spanEnd))
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

    /// `rank` of an event type's name; unknown names last.
    public static func rank(of type: String) -> Int { TicketEvent.Kind(rawValue: type).map(Self.rank) ?? 6 }

    /// The order in which events at one instant are tried: a ticket is created before anything else happens to it, a
    /// cycle reopens and a pause ends before the next pause starts, and resolving comes last.
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

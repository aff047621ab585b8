import AccordDomain
import Foundation
import Testing

/// Events of one ticket at the same instant apply in the order that makes each a valid transition; what cannot apply
/// is kept with its reason; nothing depends on the order events arrived in.
@Suite("Ticket histories replayed")
struct TicketReplayTests {
    static func at(_ text: String) -> Date { TicketTimerTests.instant(text) }
    static func event(_ kind: TicketEvent.Kind, _ text: String) -> TicketEvent { TicketTimerTests.event(kind, text) }
    static let fiveHours = TicketTimer(measure: .resolution, schedule: .allDay, goals: [PriorityGoal(priority: "P1", goalMinutes: 300)])

    @Test func resolvedAndReopenedAtTheSameInstantCloseOneCycleAndOpenTheNext() {
        let events = [
            Self.event(.created, "2026-03-02 08:00"), Self.event(.reopened, "2026-03-02 10:00"), Self.event(.resolved, "2026-03-02 10:00"),
            Self.event(.resolved, "2026-03-02 18:00"),
        ]
        let outcomes = Self.fiveHours.outcomes(for: events, now: Self.at("2026-03-03 00:00"))
        #expect(outcomes.count == 2)
        #expect(outcomes.map(\.state) == [.met, .breached])
        #expect(outcomes[1].startedAt == Self.at("2026-03-02 10:00"))
        #expect(outcomes[1].knownAt == Self.at("2026-03-02 15:00"))
        #expect(TicketReplay(events, now: Self.at("2026-03-03 00:00")).ignored.isEmpty)
    }

    /// The example: `paused` and `resumed` at 10:00 on a ticket due at 13:00 and resolved at 20:00 is a
    /// breach known at 13:00, not a pause that never ends.
    @Test func aPauseAndAResumeAtTheSameInstantEndThePause() {
        let events = [
            Self.event(.created, "2026-03-02 08:00"), Self.event(.resumed, "2026-03-02 10:00"), Self.event(.paused, "2026-03-02 10:00"),
            Self.event(.resolved, "2026-03-02 20:00"),
        ]
        let outcome = Self.fiveHours.outcomes(for: events, now: Self.at("2026-03-03 00:00"))[0]
        #expect(outcome.deadline == Self.at("2026-03-02 13:00"))
        #expect(outcome.state == .breached)
        #expect(outcome.knownAt == Self.at("2026-03-02 13:00"))
        // a pause running since 09:00 that ends at 10:00 as the next one starts there: still paused after 10:00
        let chained = [
            Self.event(.created, "2026-03-02 08:00"), Self.event(.paused, "2026-03-02 09:00"), Self.event(.paused, "2026-03-02 10:00"),
            Self.event(.resumed, "2026-03-02 10:00"), Self.event(.resumed, "2026-03-02 12:00"),
        ]
        let replay = TicketReplay(chained, now: Self.at("2026-03-03 00:00"))
        #expect(replay.ignored.isEmpty)
        #expect(replay.pauses.spans == [DateInterval(start: Self.at("2026-03-02 09:00"), end: Self.at("2026-03-02 12:00"))])
        #expect(Self.fiveHours.outcomes(of: replay, now: Self.at("2026-03-03 00:00"))[0].deadline == Self.at("2026-03-02 16:00"))
    }

    @Test func aPauseReceivedWhileResolvedDoesNotCarryIntoTheReopenedCycle() {
        let oneHour = TicketTimer(measure: .resolution, schedule: .allDay, goals: [PriorityGoal(priority: "P1", goalMinutes: 60)])
        let events = [
            Self.event(.created, "2026-03-02 08:00"), Self.event(.resolved, "2026-03-02 08:30"), Self.event(.paused, "2026-03-02 09:30"),
            Self.event(.reopened, "2026-03-02 10:00"), Self.event(.resolved, "2026-03-02 12:00"),
        ]
        let now = Self.at("2026-03-03 00:00")
        let outcomes = oneHour.outcomes(for: events, now: now)
        #expect(outcomes.map(\.state) == [.met, .breached])
        #expect(outcomes[1].knownAt == Self.at("2026-03-02 11:00"))
        let ignored = TicketReplay(events, now: now).ignored
        #expect(ignored.map(\.event.kind) == [.paused])
        #expect(ignored.first?.reason == "The ticket was resolved: a pause received while resolved does not carry into a reopened cycle.")
    }

    @Test func eventsThatCannotApplyAreKeptWithTheirReason() {
        let events = [
            Self.event(.responded, "2026-03-02 07:00"), Self.event(.created, "2026-03-02 08:00"), Self.event(.created, "2026-03-02 08:05"),
            Self.event(.resumed, "2026-03-02 09:00"), Self.event(.reopened, "2026-03-02 09:30"), Self.event(.resolved, "2026-03-02 10:00"),
            Self.event(.resolved, "2026-03-02 10:30"),
        ]
        let replay = TicketReplay(events, now: Self.at("2026-03-03 00:00"))
        #expect(replay.ignored.map(\.reason) == [
            "The ticket had not been created yet.", "The ticket was already created at 2026-03-02T08:00:00Z.", "The ticket was not paused.",
            "The ticket was not resolved.", "The ticket was already resolved (at 2026-03-02T10:00:00Z).",
        ])
        #expect(replay.cycles.count == 1)
    }

    /// Property (fixed seed): random histories with many events at shared instants give the same outcomes, pauses and
    /// ignored events in every arrival order.
    @Test func theArrivalOrderChangesNothing() {
        var state: UInt64 = 99
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let kinds = TicketEvent.Kind.allCases
        let start = Self.at("2026-03-02 08:00")
        let timer = TicketTimer(measure: .resolution, schedule: TicketTimerTests.office("Europe/Berlin"), goals: [PriorityGoal(priority: "P1", goalMinutes: 90)])
        let now = Self.at("2026-03-09 00:00")
        for _ in 0..<300 {
            var events = [TicketEvent(ticket: "T", priority: "P1", kind: .created, at: start)]
            for _ in 0..<(1 + next(12)) {
                // few distinct instants, so several events share one
                events.append(TicketEvent(ticket: "T", priority: "P1", kind: kinds[next(kinds.count)], at: start.addingTimeInterval(Double(next(6)) * 1800)))
            }
            events = Array(Set(events.map { "\($0.kind.rawValue)|\($0.at.timeIntervalSince1970)" }).sorted()).compactMap { key in
                events.first { "\($0.kind.rawValue)|\($0.at.timeIntervalSince1970)" == key }
            }
            let expected = TicketReplay(events, now: now)
            let outcomes = timer.outcomes(of: expected, now: now)
            for _ in 0..<4 {
                var generator = SystemRandomNumberGenerator()
                let shuffled = events.shuffled(using: &generator)
                #expect(TicketReplay(shuffled, now: now) == expected)
                #expect(timer.outcomes(for: shuffled, now: now) == outcomes)
            }
        }
    }
}

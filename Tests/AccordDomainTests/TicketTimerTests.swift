import AccordDomain
import Foundation
import Testing

@Suite("Ticket timers and business calendars")
struct TicketTimerTests {
    static func instant(_ text: String, _ zone: String = "UTC") -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    static func office(_ zone: String, holidays: [Holiday] = []) -> WorkingSchedule {
        .business(
            BusinessCalendar(
                id: 1, name: "Office", timeZone: zone,
                weeklyHours: (1...5).map { WeeklyHours(weekday: $0, opens: ClockTime("09:00")!, closes: ClockTime("17:00")!) }, holidays: holidays,
                rowVersion: 1, updatedAt: Date()))
    }

    static func event(_ kind: TicketEvent.Kind, _ at: String, zone: String = "UTC", priority: String = "P1") -> TicketEvent {
        TicketEvent(ticket: "T-1", priority: priority, kind: kind, at: Self.instant(at, zone))
    }

    @Test func aPauseMovesTheDeadlineByItsLength() {
        // created 08:00, goal 2 h, paused 09:00–10:05 → deadline 11:05
        let timer = TicketTimer(measure: .resolution, schedule: .allDay, goals: [PriorityGoal(priority: "P1", goalMinutes: 120)])
        let events = [Self.event(.created, "2026-03-02 08:00"), Self.event(.paused, "2026-03-02 09:00"), Self.event(.resumed, "2026-03-02 10:05")]
        let outcome = timer.outcomes(for: events, now: Self.instant("2026-03-02 10:30"))[0]
        #expect(outcome.deadline == Self.instant("2026-03-02 11:05"))
        #expect(outcome.state == .running)
        let resolvedOnTime = timer.outcomes(for: events + [Self.event(.resolved, "2026-03-02 11:05")], now: Self.instant("2026-03-02 12:00"))[0]
        #expect(resolvedOnTime.state == .met)
        #expect(resolvedOnTime.knownAt == Self.instant("2026-03-02 11:05"))
        let late = timer.outcomes(for: events + [Self.event(.resolved, "2026-03-02 11:06")], now: Self.instant("2026-03-02 12:00"))[0]
        #expect(late.state == .breached)
        #expect(late.knownAt == Self.instant("2026-03-02 11:05"))
    }

    @Test func aStoppedTimersDeadlineMovesOnlyWithPausesInsideItsSpan() {
        // responded at 08:30 within a 1 h goal: a pause after the response does not move the response's deadline
        let response = TicketTimer(measure: .response, schedule: .allDay, goals: [PriorityGoal(priority: "P1", goalMinutes: 60)])
        let responded = [
            Self.event(.created, "2026-03-02 08:00"), Self.event(.responded, "2026-03-02 08:30"), Self.event(.paused, "2026-03-02 08:40"),
            Self.event(.resumed, "2026-03-02 12:00"),
        ]
        let answered = response.outcomes(for: responded, now: Self.instant("2026-03-03 12:00"))[0]
        #expect(answered.state == .met)
        #expect(answered.deadline == Self.instant("2026-03-02 09:00"))

        // the first cycle resolved at 09:00; the reopened cycle's pause, held open 90 days, is not the first cycle's
        let resolution = TicketTimer(measure: .resolution, schedule: .allDay, goals: [PriorityGoal(priority: "P1", goalMinutes: 120)])
        let cycles = [
            Self.event(.created, "2026-03-02 08:00"), Self.event(.resolved, "2026-03-02 09:00"), Self.event(.reopened, "2026-03-02 11:00"),
            Self.event(.paused, "2026-03-02 11:30"),
        ]
        let outcomes = resolution.outcomes(for: cycles, now: Self.instant("2026-05-31 11:30"))
        #expect(outcomes[0].deadline == Self.instant("2026-03-02 10:00"))
        #expect(outcomes[0].state == .met)
        #expect(outcomes[1].state == .running)

        // an exclusion approved over a span after the stop does not move the deadline either
        let excluded = TimeSpans([DateInterval(start: Self.instant("2026-03-02 09:30"), end: Self.instant("2026-03-02 15:00"))])
        let first = resolution.outcomes(for: Array(cycles.prefix(2)), excluded: excluded, now: Self.instant("2026-03-03 12:00"))[0]
        #expect(first.deadline == Self.instant("2026-03-02 10:00"))
        #expect(first.knownAt == Self.instant("2026-03-02 09:00"))

        // a running timer still counts a pause that has begun
        let running = resolution.outcomes(for: [Self.event(.created, "2026-03-02 08:00"), Self.event(.paused, "2026-03-02 09:00")], now: Self.instant("2026-03-02 09:30"))[0]
        #expect(running.deadline == Self.instant("2026-03-02 10:30"))
    }

    @Test func businessHoursCarryAGoalOverTheWeekend() {
        // Friday 16:30 with a 4 h goal in 09:00–17:00 Monday–Friday → Monday 12:30
        let schedule = Self.office("Europe/Berlin")
        let deadline = schedule.deadline(start: Self.instant("2026-03-06 16:30", "Europe/Berlin"), goal: 4 * 3600)
        #expect(deadline == Self.instant("2026-03-09 12:30", "Europe/Berlin"))
    }

    @Test func aGoalRunningOutAtTheCloseIsBreachedOnlyWhenTheNextDayOpens() {
        let timer = TicketTimer(measure: .resolution, schedule: Self.office("UTC"), goals: [PriorityGoal(priority: "P1", goalMinutes: 60)])
        let created = Self.event(.created, "2026-03-04 16:00")
        let resolvedAfterClose = timer.outcomes(for: [created, Self.event(.resolved, "2026-03-04 17:30")], now: Self.instant("2026-03-05 12:00"))[0]
        #expect(resolvedAfterClose.state == .met)
        let running = timer.outcomes(for: [created], now: Self.instant("2026-03-04 23:00"))[0]
        #expect(running.state == .running)
        let known = timer.outcomes(for: [created], now: Self.instant("2026-03-05 09:30"))[0]
        #expect(known.state == .breached)
        #expect(known.knownAt == Self.instant("2026-03-05 09:00"))
    }

    @Test(arguments: [
        ("Europe/Berlin", "2026-03-29", "2026-10-25"),
        ("America/New_York", "2026-03-08", "2026-11-01"),
    ])
    func daylightSavingChangesNeitherLoseNorDoubleAnHour(zone: String, springForward: String, fallBack: String) {
        // around the clock: the 23-hour and the 25-hour day count as they really are
        let springStart = Self.instant("\(springForward) 00:00", zone)
        let springEnd = Self.instant("\(springForward) 23:59", zone).addingTimeInterval(60)
        #expect(WorkingSchedule.allDay.countedTime(from: springStart, to: springEnd) == 23 * 3600)
        let fallStart = Self.instant("\(fallBack) 00:00", zone)
        let fallEnd = Self.instant("\(fallBack) 23:59", zone).addingTimeInterval(60)
        #expect(WorkingSchedule.allDay.countedTime(from: fallStart, to: fallEnd) == 25 * 3600)
        // a business calendar open every day 00:00–24:00 agrees
        let everyDay = WorkingSchedule.business(
            BusinessCalendar(
                id: 1, name: "Always", timeZone: zone,
                weeklyHours: (1...7).map { WeeklyHours(weekday: $0, opens: ClockTime("00:00")!, closes: ClockTime("24:00")!) },
                holidays: [], rowVersion: 1, updatedAt: Date()))
        #expect(everyDay.countedTime(from: springStart, to: springEnd) == 23 * 3600)
        #expect(everyDay.countedTime(from: fallStart, to: fallEnd) == 25 * 3600)
        // office hours on the Monday after each change still open at 09:00 local time
        let office = Self.office(zone)
        let friday = Calendar(identifier: .gregorian).date(byAdding: .day, value: -2, to: Self.instant("\(springForward) 12:00", zone))!
        let fridayAfternoon = Self.instant(Self.localDay(friday, zone) + " 16:00", zone)
        let mondayAfter = Calendar(identifier: .gregorian).date(byAdding: .day, value: 3, to: fridayAfternoon)!
        #expect(office.deadline(start: fridayAfternoon, goal: 2 * 3600) == Self.instant(Self.localDay(mondayAfter, zone) + " 10:00", zone))
        let fallFriday = Calendar(identifier: .gregorian).date(byAdding: .day, value: -2, to: Self.instant("\(fallBack) 12:00", zone))!
        let fallFridayAfternoon = Self.instant(Self.localDay(fallFriday, zone) + " 16:00", zone)
        let fallMonday = Calendar(identifier: .gregorian).date(byAdding: .day, value: 3, to: fallFridayAfternoon)!
        #expect(office.deadline(start: fallFridayAfternoon, goal: 2 * 3600) == Self.instant(Self.localDay(fallMonday, zone) + " 10:00", zone))
    }

    static func localDay(_ date: Date, _ zone: String) -> String {
        LocalDate.of(date, in: TimeZone(identifier: zone)!).description
    }

    @Test func aTicketPendingOverANonWorkingWeekendIsDueAfterThePause() {
        // created Friday 15:00, 4 h business goal; pending on the customer Friday 16:00 → Tuesday 10:00.
        // Before the pause 1 h counted; the remaining 3 h run from Tuesday 10:00 → 13:00 (not Monday, not 10:00 + 4 h).
        let timer = TicketTimer(measure: .resolution, schedule: Self.office("Europe/Berlin"), goals: [PriorityGoal(priority: "P2", goalMinutes: 240)])
        let events = [
            Self.event(.created, "2026-03-06 15:00", zone: "Europe/Berlin", priority: "P2"),
            Self.event(.paused, "2026-03-06 16:00", zone: "Europe/Berlin", priority: "P2"),
            Self.event(.resumed, "2026-03-10 10:00", zone: "Europe/Berlin", priority: "P2"),
        ]
        let outcome = timer.outcomes(for: events, now: Self.instant("2026-03-10 11:00", "Europe/Berlin"))[0]
        #expect(outcome.deadline == Self.instant("2026-03-10 13:00", "Europe/Berlin"))
        #expect(outcome.state == .running)
        #expect(outcome.counted == 2 * 3600)
        // while still pending, the deadline is not running down
        let stillPending = timer.outcomes(for: Array(events.prefix(2)), now: Self.instant("2026-03-09 16:00", "Europe/Berlin"))[0]
        #expect(stillPending.state == .running)
        #expect(stillPending.counted == 3600)
    }

    @Test func responseTimersCountOnlyPausesBeforeTheFirstResponse() {
        let timer = TicketTimer(measure: .response, schedule: .allDay, goals: [PriorityGoal(priority: "P1", goalMinutes: 30)])
        let events = [
            Self.event(.created, "2026-03-02 08:00"), Self.event(.paused, "2026-03-02 08:10"), Self.event(.resumed, "2026-03-02 08:40"),
            Self.event(.responded, "2026-03-02 08:55"), Self.event(.paused, "2026-03-02 09:00"), Self.event(.resolved, "2026-03-02 12:00"),
        ]
        let outcome = timer.outcomes(for: events, now: Self.instant("2026-03-02 13:00"))
        #expect(outcome.count == 1)
        #expect(outcome[0].state == .met)
        #expect(outcome[0].counted == 25 * 60)
    }

    @Test func eventsArrivingOutOfOrderGiveTheSameOutcome() {
        let timer = TicketTimer(measure: .resolution, schedule: .allDay, goals: [PriorityGoal(priority: "P1", goalMinutes: 120)])
        let events = [
            Self.event(.created, "2026-03-02 08:00"), Self.event(.paused, "2026-03-02 09:00"), Self.event(.resumed, "2026-03-02 10:05"),
            Self.event(.resolved, "2026-03-02 11:00"),
        ]
        let now = Self.instant("2026-03-03 00:00")
        #expect(timer.outcomes(for: events.reversed(), now: now) == timer.outcomes(for: events, now: now))
    }

    @Test func aReopenStartsANewCycleWithTheFullGoal() {
        let timer = TicketTimer(measure: .resolution, schedule: .allDay, goals: [PriorityGoal(priority: "P1", goalMinutes: 60)])
        let events = [
            Self.event(.created, "2026-03-02 08:00"), Self.event(.resolved, "2026-03-02 08:30"), Self.event(.reopened, "2026-03-02 10:00"),
            Self.event(.resolved, "2026-03-02 11:30"),
        ]
        let outcomes = timer.outcomes(for: events, now: Self.instant("2026-03-02 12:00"))
        #expect(outcomes.map(\.cycle) == [1, 2])
        #expect(outcomes.map(\.state) == [.met, .breached])
        #expect(outcomes[1].knownAt == Self.instant("2026-03-02 11:00"))
    }

    @Test func holidaysAreClosed() {
        let schedule = Self.office("Europe/Berlin", holidays: [Holiday(date: LocalDate("2026-12-24")!, name: "Christmas Eve")])
        // Wednesday 23 Dec 16:00 + 2 h → Thursday 24 is closed → Friday 25 10:00
        #expect(
            schedule.deadline(start: Self.instant("2026-12-23 16:00", "Europe/Berlin"), goal: 2 * 3600)
                == Self.instant("2026-12-25 10:00", "Europe/Berlin"))
    }

    /// 08:00–12:00 and 13:00–17:00 with Monday 21 December closed from 13:00: a 5-hour goal from Monday 09:00 runs
    /// 09:00–12:00 (3 h), then Tuesday 08:00–10:00.
    @Test func splitDaysAndPartDayHolidaysCountOnlyOpenTime() {
        let calendar = BusinessCalendar(
            id: 1, name: "Lunch", timeZone: "Europe/Berlin",
            weeklyHours: (1...5).flatMap {
                [WeeklyHours(weekday: $0, opens: ClockTime("13:00")!, closes: ClockTime("17:00")!), WeeklyHours(weekday: $0, opens: ClockTime("08:00")!, closes: ClockTime("12:00")!)]
            },
            holidays: [Holiday(date: LocalDate("2026-12-21")!, name: "Team afternoon", closedFrom: ClockTime("13:00"), closedUntil: ClockTime("17:00"))],
            rowVersion: 1, updatedAt: Date())
        let schedule = WorkingSchedule.business(calendar)
        #expect(
            schedule.deadline(start: Self.instant("2026-12-21 09:00", "Europe/Berlin"), goal: 5 * 3600)
                == Self.instant("2026-12-22 10:00", "Europe/Berlin"))
        // on an ordinary Tuesday, the lunch hour does not count: 09:00 + 4 h → 14:00
        #expect(
            schedule.deadline(start: Self.instant("2026-12-22 09:00", "Europe/Berlin"), goal: 4 * 3600)
                == Self.instant("2026-12-22 14:00", "Europe/Berlin"))
        #expect(
            schedule.countedTime(from: Self.instant("2026-12-22 11:00", "Europe/Berlin"), to: Self.instant("2026-12-22 14:00", "Europe/Berlin"))
                == 2 * 3600)
        // read from after a part-day closure began: the stretch before it is behind, nothing ends before it starts
        let christmas = WorkingSchedule.business(
            BusinessCalendar(
                id: 2, name: "Christmas", timeZone: "Europe/Berlin",
                weeklyHours: (1...5).map { WeeklyHours(weekday: $0, opens: ClockTime("09:00")!, closes: ClockTime("17:00")!) },
                holidays: [Holiday(date: LocalDate("2026-12-24")!, name: "Christmas Eve", closedFrom: ClockTime("13:00"), closedUntil: ClockTime("24:00"))],
                rowVersion: 1, updatedAt: Date()))
        #expect(
            christmas.deadline(start: Self.instant("2026-12-24 14:00", "Europe/Berlin"), goal: 3600)
                == Self.instant("2026-12-25 10:00", "Europe/Berlin"))
        #expect(christmas.countedTime(from: Self.instant("2026-12-24 14:00", "Europe/Berlin"), to: Self.instant("2026-12-24 23:00", "Europe/Berlin")) == 0)
        #expect(christmas.countedTime(from: Self.instant("2026-12-24 10:00", "Europe/Berlin"), to: Self.instant("2026-12-24 23:00", "Europe/Berlin")) == 3 * 3600)
        // a breach that runs out at 12:00 is known when counting resumes at 13:00
        #expect(
            schedule.nextCountingInstant(after: Self.instant("2026-12-22 12:00", "Europe/Berlin"))
                == Self.instant("2026-12-22 13:00", "Europe/Berlin"))
    }
}

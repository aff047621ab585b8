import AccordDomain
import Foundation
import Testing

@Suite("Review series: recurrence and meeting plans")
struct ReviewScheduleTests {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func days(_ rule: Recurrence, _ from: String, _ through: String, anchor: String? = nil) -> [String] {
        rule.days(from: LocalDate(from)!, through: LocalDate(through)!, anchor: LocalDate(anchor ?? from)!).map(\.description)
    }

    @Test func rulesAsPeopleSayThem() {
        // every Tuesday, and every other Tuesday counted from the series' start whatever window is asked for
        #expect(Self.days(.weekly(weekday: 2, everyWeeks: 1), "2026-12-01", "2026-12-20") == ["2026-12-01", "2026-12-08", "2026-12-15"])
        #expect(Self.days(.weekly(weekday: 2, everyWeeks: 2), "2026-12-09", "2027-01-10", anchor: "2026-12-01") == ["2026-12-15", "2026-12-29"])
        // the first Wednesday of the month; the last Friday
        #expect(Self.days(.monthly(ordinal: 1, weekday: 3), "2026-11-01", "2027-01-31") == ["2026-11-04", "2026-12-02", "2027-01-06"])
        #expect(Self.days(.monthly(ordinal: -1, weekday: 5), "2026-11-01", "2027-01-31") == ["2026-11-27", "2026-12-25", "2027-01-29"])
        // the second Thursday of each quarter: January, April, July, October
        #expect(Self.days(.quarterly(ordinal: 2, weekday: 4), "2026-01-01", "2026-12-31") == ["2026-01-08", "2026-04-09", "2026-07-09", "2026-10-08"])
        // once a year
        #expect(Self.days(.yearly(month: 11, ordinal: -1, weekday: 4), "2026-01-01", "2027-12-31") == ["2026-11-26", "2027-11-25"])
        // nothing before the series starts
        #expect(Self.days(.monthly(ordinal: 1, weekday: 3), "2026-11-01", "2026-12-31", anchor: "2026-11-05") == ["2026-12-02"])
        #expect(Recurrence.quarterly(ordinal: 2, weekday: 4).description == "the second Thursday of each quarter")
        #expect(Recurrence.weekly(weekday: 2, everyWeeks: 2).description == "every other Tuesday")
    }

    @Test func badRulesAreRefusedAndPlanNothing() {
        for rule in [Recurrence.weekly(weekday: 8, everyWeeks: 1), .weekly(weekday: 1, everyWeeks: 3), .monthly(ordinal: 5, weekday: 1),
                     .monthly(ordinal: 0, weekday: 1), .yearly(month: 13, ordinal: 1, weekday: 1)] {
            #expect(!rule.validate().isEmpty, "\(rule)")
            #expect(Self.days(rule, "2026-01-01", "2026-12-31").isEmpty)
        }
    }

    @Test func meetingsKeepTheirLocalTimeAcrossDaylightSaving() throws {
        // every Sunday at 02:30 in Berlin: on 29 March the clocks skip 02:00–03:00, on 25 October they repeat it
        let plan = MeetingPlanner.plan(
            .weekly(weekday: 7, everyWeeks: 1), anchor: LocalDate("2026-03-22")!, from: LocalDate("2026-03-22")!, through: LocalDate("2026-03-29")!,
            startTime: ClockTime("02:30")!, durationMinutes: 60, zone: Self.berlin, preReadDays: 1, calendar: nil)
        #expect(plan.map { RFC3339.format($0.startsAt) } == ["2026-03-22T01:30:00Z", "2026-03-29T01:30:00Z"])  // the second is 03:30 CEST
        let autumn = try #require(MeetingPlanner.instant(LocalDate("2026-10-25")!, ClockTime("02:30")!, zone: Self.berlin))
        #expect(RFC3339.format(autumn) == "2026-10-25T00:30:00Z")  // the first 02:30, still summer time
        let tenAfter = try #require(MeetingPlanner.instant(LocalDate("2026-10-25")!, ClockTime("10:00")!, zone: Self.berlin))
        #expect(RFC3339.format(tenAfter) == "2026-10-25T09:00:00Z")
        let tenSpring = try #require(MeetingPlanner.instant(LocalDate("2026-03-29")!, ClockTime("10:00")!, zone: Self.berlin))
        #expect(RFC3339.format(tenSpring) == "2026-03-29T08:00:00Z")
    }

    @Test func thePackIsDueTheTiersBusinessDaysBeforeTheMeeting() {
        // the first Monday of January 2027 is the 4th; the pack is out two whole business days before it (31 and 30
        // December: New Year's Day and the weekend do not count), so from the start of 30 December
        let holidays = BusinessCalendar(
            id: 1, name: "Berlin", timeZone: "Europe/Berlin",
            weeklyHours: (1...5).map { WeeklyHours(weekday: $0, opens: ClockTime("09:00")!, closes: ClockTime("17:00")!) },
            holidays: [Holiday(date: LocalDate("2027-01-01")!, name: "New Year")], rowVersion: 1, updatedAt: Date())
        let plan = MeetingPlanner.plan(
            .monthly(ordinal: 1, weekday: 1), anchor: LocalDate("2027-01-01")!, from: LocalDate("2027-01-01")!, through: LocalDate("2027-01-31")!,
            startTime: ClockTime("10:00")!, durationMinutes: 60, zone: Self.berlin, preReadDays: ReviewTier.tactical.defaultPreReadDays, calendar: holidays)
        #expect(plan.count == 1)
        #expect(plan.first.map { RFC3339.format($0.packDueAt) } == "2026-12-29T23:00:00Z")  // 30 December, 00:00 in Berlin
        #expect(ReviewTier.allCases.map(\.defaultPreReadDays) == [1, 2, 5, 10])
    }
}

import Foundation

/// One planned meeting of a series: its day, when it starts and ends (instants), and when its pack is due.
public struct PlannedMeeting: Sendable, Equatable {
    public var day: LocalDate
    public var startsAt: Date
    public var endsAt: Date
    /// The pre-read deadline: the start of the business day `preReadDays` before the meeting, in the series' zone.
    public var packDueAt: Date

    public init(day: LocalDate, startsAt: Date, endsAt: Date, packDueAt: Date) {
        self.day = day
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.packDueAt = packDueAt
    }
}

/// Plans a series' meetings from its rule, local start time, duration and zone: a start time that daylight saving
/// skips moves forward to the first time that exists; one it repeats is the first of the two.
public enum MeetingPlanner {
    public static let longestMeeting = 8 * 60

    public static func plan(
        _ recurrence: Recurrence, anchor: LocalDate, from: LocalDate, through: LocalDate, startTime: ClockTime, durationMinutes: Int,
        zone: TimeZone, preReadDays: Int, calendar: BusinessCalendar?
    ) -> [PlannedMeeting] {
        guard (15...Self.longestMeeting).contains(durationMinutes), (0...30).contains(preReadDays) else { return [] }
        return recurrence.days(from: from, through: through, anchor: anchor).compactMap { day in
            guard let start = Self.instant(day, startTime, zone: zone) else { return nil }
            let due = BusinessDays.subtracting(preReadDays, before: day, calendar: calendar) ?? day
            guard let dueAt = PeriodPlanner.startInstant(due, in: zone) else { return nil }
            return PlannedMeeting(day: day, startsAt: start, endsAt: start.addingTimeInterval(TimeInterval(durationMinutes * 60)), packDueAt: dueAt)
        }
    }

    /// The instant of a local time on a day in `zone`: a time a daylight-saving gap skips moves forward by the gap,
    /// a time repeated when clocks go back is the first of the two.
    public static func instant(_ day: LocalDate, _ time: ClockTime, zone: TimeZone) -> Date? {
        guard let midnight = PeriodPlanner.startInstant(day, in: zone) else { return nil }
        // walk from the day's first instant in wall-clock minutes: offsets change at most twice a day
        let naive = midnight.addingTimeInterval(TimeInterval(time.minutes * 60))
        let shift = zone.secondsFromGMT(for: midnight) - zone.secondsFromGMT(for: naive)
        let candidate = naive.addingTimeInterval(TimeInterval(shift))
        // in a gap the shifted instant falls back before the change: keep the wall-clock minutes after midnight
        return zone.secondsFromGMT(for: candidate) == zone.secondsFromGMT(for: naive) ? candidate : naive
    }
}

extension BusinessDays {
    /// The `count`-th business day before `day` (the day itself not counted); nil as `adding` is.
    public static func subtracting(_ count: Int, before day: LocalDate, calendar: BusinessCalendar?) -> LocalDate? {
        guard (0...366).contains(count) else { return nil }
        var cursor = day
        var found = 0
        var searched = 0
        while found < count {
            guard searched < 3 * 366, let previous = cursor.adding(days: -1) else { return nil }
            cursor = previous
            searched += 1
            if Self.isBusinessDay(cursor, calendar: calendar) {
                found += 1
                searched = 0
            }
        }
        return cursor
    }
}

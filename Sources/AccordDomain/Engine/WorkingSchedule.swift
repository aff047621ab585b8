import Foundation

/// When a ticket timer runs: around the clock, or in a business calendar's opening hours.
///
/// Business hours are turned into absolute instants day by day in the calendar's time zone, so a
/// daylight-saving change neither loses nor doubles an hour: a day's span is measured between real instants.
public enum WorkingSchedule: Sendable, Equatable {
    case allDay
    case business(BusinessCalendar)

    /// How far ahead a search for working time may look before giving up (a calendar open on no future day).
    static let horizon: TimeInterval = 3 * 366 * 86_400

    /// The working spans inside `[from, to)`.
    public func workingSpans(from: Date, to: Date) -> [DateInterval] {
        guard from < to else { return [] }
        switch self {
        case .allDay:
            return [DateInterval(start: from, end: to)]
        case .business(let calendar):
            var spans: [DateInterval] = []
            Self.enumerateOpenSpans(of: calendar, from: from) { span in
                guard span.start < to else { return false }
                guard span.end > from else { return true }
                let clipped = DateInterval(start: max(span.start, from), end: min(span.end, to))
                if clipped.duration > 0 { spans.append(clipped) }
                return true
            }
            return spans
        }
    }

    /// Working time inside `[from, to)` that `paused` does not cover.
    public func countedTime(from: Date, to: Date, paused: TimeSpans = TimeSpans()) -> TimeInterval {
        self.workingSpans(from: from, to: to).reduce(0) { total, span in
            total + paused.subtracted(from: span).reduce(0) { $0 + $1.duration }
        }
    }

    /// The instant at which `goal` of working time, not counting `paused`, has elapsed since `start`.
    /// nil when the schedule offers no such time within the search horizon.
    public func deadline(start: Date, goal: TimeInterval, paused: TimeSpans = TimeSpans()) -> Date? {
        var remaining = goal
        if remaining <= 0 { return start }
        var result: Date?
        self.forEachCountedSpan(from: start, paused: paused) { span in
            if span.duration >= remaining {
                result = span.start.addingTimeInterval(remaining)
                return false
            }
            remaining -= span.duration
            return true
        }
        return result
    }

    /// The first instant after `instant` at which counted time resumes: `instant` itself when the timer is counting
    /// then, otherwise the next opening (or end of a pause). A breach becomes known there.
    public func nextCountingInstant(after instant: Date, paused: TimeSpans = TimeSpans()) -> Date? {
        var result: Date?
        self.forEachCountedSpan(from: instant, paused: paused) { span in
            result = span.start
            return false
        }
        return result
    }

    /// Calls `body` with each counted span from `start` onwards, in order, until it returns false.
    func forEachCountedSpan(from start: Date, paused: TimeSpans, _ body: (DateInterval) -> Bool) {
        let end = start.addingTimeInterval(Self.horizon)
        switch self {
        case .allDay:
            for span in paused.subtracted(from: DateInterval(start: start, end: end)) where !body(span) { return }
        case .business(let calendar):
            Self.enumerateOpenSpans(of: calendar, from: start) { open in
                guard open.start < end else { return false }
                guard open.end > start else { return true }
                let clipped = DateInterval(start: max(open.start, start), end: open.end)
                guard clipped.duration > 0 else { return true }
                for span in paused.subtracted(from: clipped) where !body(span) { return false }
                return true
            }
        }
    }

    /// Calls `body` with each opening span of the calendar that ends after `from`, day by day, until it returns false.
    static func enumerateOpenSpans(of calendar: BusinessCalendar, from: Date, _ body: (DateInterval) -> Bool) {
        guard let zone = TimeZone(identifier: calendar.timeZone), !calendar.weeklyHours.isEmpty else { return }
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = zone
        let holidays = Dictionary(grouping: calendar.holidays, by: \.date)
        var day = gregorian.startOfDay(for: from)
        // A day before, in case the previous local day's hours run past `from` (they never do today, but a 24:00 close touches it).
        day = gregorian.date(byAdding: .day, value: -1, to: day) ?? day
        for _ in 0..<(3 * 366 + 2) {
            let components = gregorian.dateComponents([.year, .month, .day, .weekday], from: day)
            if let weekday = components.weekday, let year = components.year, let month = components.month, let dayOfMonth = components.day,
                let local = LocalDate(year: year, month: month, day: dayOfMonth)
            {
                let closed = holidays[local] ?? []
                if !closed.contains(where: \.isWholeDay) {
                    // part-day holidays close a stretch of the day's opening spans
                    let shut = TimeSpans(
                        closed.compactMap { holiday in
                            guard let from = holiday.closedFrom, let until = holiday.closedUntil, let start = Self.instant(local, from, in: gregorian),
                                let end = Self.instant(local, until, in: gregorian), end > start
                            else { return nil }
                            return DateInterval(start: start, end: end)
                        })
                    for hours in calendar.openings(on: (weekday + 5) % 7 + 1) {
                        guard let opens = Self.instant(local, hours.opens, in: gregorian), let closes = Self.instant(local, hours.closes, in: gregorian),
                            closes > opens, closes > from
                        else { continue }
                        // a stretch the holiday leaves open may still end before `from`: only later ones are passed on
                        for open in shut.subtracted(from: DateInterval(start: opens, end: closes)) where open.end > from {
                            if !body(open) { return }
                        }
                    }
                }
            }
            guard let next = gregorian.date(byAdding: .day, value: 1, to: day) else { return }
            day = next
        }
    }

    /// The instant of a wall-clock time on a local date; a time inside a spring-forward gap moves to the first real instant after it.
    static func instant(_ date: LocalDate, _ time: ClockTime, in calendar: Calendar) -> Date? {
        var components = DateComponents(year: date.year, month: date.month, day: date.day, hour: 0, minute: 0)
        guard let midnight = calendar.date(from: components) else { return nil }
        if time.minutes == 1440 { return calendar.date(byAdding: .day, value: 1, to: midnight) }
        components.hour = time.minutes / 60
        components.minute = time.minutes % 60
        return calendar.date(from: components)
    }
}

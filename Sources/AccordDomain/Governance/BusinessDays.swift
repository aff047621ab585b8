import Foundation

extension LocalDate {
    /// Days since 1970-01-01.
    public var daysSince1970: Int { RFC3339.daysFromCivil(year: self.year, month: self.month, day: self.day) }

    /// The date `days` later (earlier when negative); nil outside the years a date can hold.
    public func adding(days: Int) -> LocalDate? {
        let (total, overflow) = self.daysSince1970.addingReportingOverflow(days)
        guard !overflow, (-30_000_000..<30_000_000).contains(total) else { return nil }
        let civil = RFC3339.civilFromDays(total)
        return LocalDate(year: civil.year, month: civil.month, day: civil.day)
    }

    /// ISO weekday: 1 is Monday, 7 is Sunday.
    public var isoWeekday: Int { ((self.daysSince1970 % 7 + 7) % 7 + 3) % 7 + 1 }
}

/// Due dates counted in business days: an RCA is due five business days after it opens, on the agreement's business
/// calendar. A business day is a day with opening hours that a holiday does not close for the whole day; without a
/// calendar, Monday to Friday.
public enum BusinessDays {
    /// Whether `day` is a business day of `calendar` (Monday to Friday without one).
    public static func isBusinessDay(_ day: LocalDate, calendar: BusinessCalendar?) -> Bool {
        guard let calendar else { return day.isoWeekday <= 5 }
        let holidays = calendar.holidays.filter { $0.date == day }
        if holidays.contains(where: \.isWholeDay) { return false }
        // part-day holidays, together, leave the day a business day if any opening time remains
        var closed: [(Int, Int)] = holidays.compactMap { holiday in
            guard let from = holiday.closedFrom, let until = holiday.closedUntil else { return nil }
            return (from.minutes, until.minutes)
        }
        closed.sort { $0.0 < $1.0 }
        return calendar.openings(on: day.isoWeekday).contains { hours in
            var cursor = hours.opens.minutes
            for (from, until) in closed where until > cursor && from < hours.closes.minutes {
                if from > cursor { return true }
                cursor = max(cursor, until)
            }
            return cursor < hours.closes.minutes
        }
    }

    /// The `count`-th business day after `day` (the day itself not counted); nil when the calendar has no business
    /// day within three years (a calendar open on no day) or `count` is outside 0…366.
    public static func adding(_ count: Int, after day: LocalDate, calendar: BusinessCalendar?) -> LocalDate? {
        guard (0...366).contains(count) else { return nil }
        var cursor = day
        var found = 0
        var searched = 0
        while found < count {
            // at most three years between two business days: a calendar open on no day gives no due date
            guard searched < 3 * 366, let next = cursor.adding(days: 1) else { return nil }
            cursor = next
            searched += 1
            if Self.isBusinessDay(cursor, calendar: calendar) {
                found += 1
                searched = 0
            }
        }
        return cursor
    }
}

import Foundation

/// The periods an objective is judged over, aligned in the agreement's time zone.
public struct PeriodCalendar: Sendable {
    public var window: ObjectiveWindow
    public var timeZone: TimeZone

    public init(window: ObjectiveWindow, timeZone: TimeZone) {
        self.window = window
        self.timeZone = timeZone
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = self.timeZone
        return calendar
    }

    /// The period containing `instant`: its calendar month or quarter, or for a rolling window the N × 24 hours ending
    /// at `instant` (to the second, whatever daylight saving does in between).
    public func period(containing instant: Date) -> DateInterval {
        let calendar = self.calendar
        switch self.window {
        case .rollingDays(let days):
            return DateInterval(start: instant.addingTimeInterval(-Double(days) * 86_400), end: instant)
        case .calendarMonth, .calendarQuarter:
            let parts = calendar.dateComponents([.year, .month], from: instant)
            let months = self.window == .calendarMonth ? 1 : 3
            let firstMonth = self.window == .calendarMonth ? parts.month! : ((parts.month! - 1) / 3) * 3 + 1
            let start = calendar.date(from: DateComponents(year: parts.year!, month: firstMonth, day: 1))!
            return DateInterval(start: start, end: calendar.date(byAdding: .month, value: months, to: start)!)
        }
    }

    /// The calendar periods that overlap `[from, to)`, in order. A rolling window has no calendar periods.
    public func periods(from: Date, to: Date) -> [DateInterval] {
        guard self.window.days == nil, from < to else { return [] }
        var result: [DateInterval] = []
        var period = self.period(containing: from)
        while period.start < to {
            result.append(period)
            period = self.period(containing: period.end)
        }
        return result
    }
}

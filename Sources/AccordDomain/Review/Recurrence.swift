import Foundation

/// When a review series meets, as people say it: every Tuesday (or every other); the first Wednesday of the month;
/// the second Thursday of each quarter; the last Friday of November every year. `ordinal` 1…4 counts from the start
/// of the month, −1 is the last.
public enum Recurrence: Sendable, Equatable, Codable {
    /// The usual rhythm of a tier on a weekday (and an ordinal and month where the rhythm needs them): operational
    /// weekly, tactical monthly, strategic quarterly, annual yearly. While a vendor the series reviews is on
    /// probation, a strategic review meets monthly and an annual one quarterly: a new vendor is watched more closely.
    public static func usual(for tier: ReviewTier, ordinal: Int, weekday: Int, month: Int, onProbation: Bool) -> Recurrence {
        switch tier {
        case .operational: .weekly(weekday: weekday, everyWeeks: 1)
        case .tactical: .monthly(ordinal: ordinal, weekday: weekday)
        case .strategic: onProbation ? .monthly(ordinal: ordinal, weekday: weekday) : .quarterly(ordinal: ordinal, weekday: weekday)
        case .annual: onProbation ? .quarterly(ordinal: ordinal, weekday: weekday) : .yearly(month: month, ordinal: ordinal, weekday: weekday)
        }
    }

    /// This rule made denser for a vendor on probation (quarterly → monthly, yearly → quarterly); others unchanged.
    public var duringProbation: Recurrence {
        switch self {
        case .quarterly(let ordinal, let weekday): .monthly(ordinal: ordinal, weekday: weekday)
        case .yearly(_, let ordinal, let weekday): .quarterly(ordinal: ordinal, weekday: weekday)
        default: self
        }
    }

    case weekly(weekday: Int, everyWeeks: Int)
    case monthly(ordinal: Int, weekday: Int)
    /// In the first month of each calendar quarter.
    case quarterly(ordinal: Int, weekday: Int)
    case yearly(month: Int, ordinal: Int, weekday: Int)

    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let ordinalNames = [-1: "last", 1: "first", 2: "second", 3: "third", 4: "fourth"]
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    /// The rule in words: "every other Tuesday", "the first Wednesday of each month".
    public var description: String {
        func day(_ weekday: Int) -> String { Self.weekdayNames[max(1, min(7, weekday)) - 1] }
        func nth(_ ordinal: Int) -> String { Self.ordinalNames[ordinal] ?? "\(ordinal)th" }
        switch self {
        case .weekly(let weekday, let every): return every == 2 ? "every other \(day(weekday))" : "every \(day(weekday))"
        case .monthly(let ordinal, let weekday): return "the \(nth(ordinal)) \(day(weekday)) of each month"
        case .quarterly(let ordinal, let weekday): return "the \(nth(ordinal)) \(day(weekday)) of each quarter"
        case .yearly(let month, let ordinal, let weekday):
            return "the \(nth(ordinal)) \(day(weekday)) of \(Self.monthNames[max(1, min(12, month)) - 1]) each year"
        }
    }

    /// Every problem with the rule, under `field`.
    public func validate(field: String = "recurrence") -> ValidationErrors {
        var errors = ValidationErrors()
        func weekday(_ value: Int) { if !(1...7).contains(value) { errors.add(field, "The weekday is 1 (Monday) to 7 (Sunday).") } }
        func ordinal(_ value: Int) {
            if !(value == -1 || (1...4).contains(value)) { errors.add(field, "Which one of the month: first to fourth, or last.") }
        }
        switch self {
        case .weekly(let day, let every):
            weekday(day)
            if !(1...2).contains(every) { errors.add(field, "A weekly series meets every week or every other week.") }
        case .monthly(let n, let day), .quarterly(let n, let day):
            weekday(day)
            ordinal(n)
        case .yearly(let month, let n, let day):
            weekday(day)
            ordinal(n)
            if !(1...12).contains(month) { errors.add(field, "The month is 1 to 12.") }
        }
        return errors
    }

    /// The `ordinal` `weekday` of a month, or nil when the month has no such day.
    static func day(year: Int, month: Int, ordinal: Int, weekday: Int) -> LocalDate? {
        guard let first = LocalDate(year: year, month: month, day: 1) else { return nil }
        if ordinal > 0 {
            let offset = (weekday - first.isoWeekday + 7) % 7 + (ordinal - 1) * 7
            guard let date = first.adding(days: offset), date.month == month else { return nil }
            return date
        }
        guard let last = first.firstOfNextMonth.adding(days: -1) else { return nil }
        return last.adding(days: -((last.isoWeekday - weekday + 7) % 7))
    }

    /// The meeting days on or after `from` and on or before `through`, in order. A fortnightly rule counts its weeks
    /// from `anchor` (the series' first day), so the rhythm does not depend on the window asked for.
    public func days(from: LocalDate, through: LocalDate, anchor: LocalDate) -> [LocalDate] {
        guard from <= through, self.validate().isEmpty else { return [] }
        var result: [LocalDate] = []
        switch self {
        case .weekly(let weekday, let every):
            // the first matching day on or after the anchor fixes the weeks the series meets in
            guard let first = anchor.adding(days: (weekday - anchor.isoWeekday + 7) % 7) else { return [] }
            let step = 7 * every
            var skip = max(0, (from.daysSince1970 - first.daysSince1970 + step - 1) / step)
            while let day = first.adding(days: skip * step), day <= through {
                if day >= from { result.append(day) }
                skip += 1
            }
        case .monthly(let ordinal, let weekday), .quarterly(let ordinal, let weekday), .yearly(_, let ordinal, let weekday):
            var year = from.year
            var month = from.month
            while year < through.year || (year == through.year && month <= through.month) {
                let meets: Bool =
                    switch self {
                    case .monthly: true
                    case .quarterly: (month - 1) % 3 == 0
                    case .yearly(let wanted, _, _): month == wanted
                    default: false
                    }
                if meets, let day = Self.day(year: year, month: month, ordinal: ordinal, weekday: weekday), day >= from, day <= through,
                    day >= anchor
                {
                    result.append(day)
                }
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }
        return result
    }
}

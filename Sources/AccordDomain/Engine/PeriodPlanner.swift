import Foundation

/// The terms an objective had in one active version of its agreement.
public struct SeriesTerms: Sendable, Equatable {
    public var versionNumber: Int
    public var effectiveFrom: LocalDate
    public var objective: Objective

    public init(versionNumber: Int, effectiveFrom: LocalDate, objective: Objective) {
        self.versionNumber = versionNumber
        self.effectiveFrom = effectiveFrom
        self.objective = objective
    }
}

/// One period to judge, with the terms in force at its start.
public struct PlannedPeriod: Sendable, Equatable {
    public var span: DateInterval
    public var terms: SeriesTerms

    public init(span: DateInterval, terms: SeriesTerms) {
        self.span = span
        self.terms = terms
    }
}

/// Lays out the calendar periods of an objective series between two instants. Each period takes the window and
/// targets of the version in force at its start (in the agreement's time zone), so history never changes when terms do.
/// Periods starting before the first active version are left out; rolling windows have no calendar periods.
public enum PeriodPlanner {
    public static func plan(terms: [SeriesTerms], timeZone: TimeZone, from: Date, to: Date, limit: Int = 240) -> [PlannedPeriod] {
        let ordered = terms.sorted { $0.effectiveFrom < $1.effectiveFrom }
        var result: [PlannedPeriod] = []
        var cursor = from
        while cursor < to, result.count < limit {
            let day = LocalDate.of(cursor, in: timeZone)
            guard let current = ordered.last(where: { $0.effectiveFrom <= day }) else {
                // before the first version: jump to its first day
                guard let first = ordered.first, let start = Self.startOfDay(first.effectiveFrom, in: timeZone), start > cursor else { break }
                cursor = start
                continue
            }
            guard current.objective.window.days == nil else { break }
            let span = PeriodCalendar(window: current.objective.window, timeZone: timeZone).period(containing: cursor)
            // the version in force at the period's start, then its season or ramp step in force that day
            let first = LocalDate.of(span.start, in: timeZone)
            let planned = PlannedPeriod(span: span, terms: (ordered.last { $0.effectiveFrom <= first } ?? current).inForce(forPeriodStarting: first))
            result.append(planned)
            cursor = span.end
        }
        return result
    }

    /// The first instant of `date` in `zone`.
    public static func startInstant(_ date: LocalDate, in zone: TimeZone) -> Date? { Self.startOfDay(date, in: zone) }

    static func startOfDay(_ date: LocalDate, in zone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))
    }
}

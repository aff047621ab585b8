import Foundation

/// Opening hours on one weekday, as minutes after local midnight (`opens < closes`).
public struct WeeklyHours: Sendable, Codable, Equatable {
    /// ISO weekday: 1 is Monday, 7 is Sunday.
    public var weekday: Int
    public var opens: ClockTime
    public var closes: ClockTime

    public init(weekday: Int, opens: ClockTime, closes: ClockTime) {
        self.weekday = weekday
        self.opens = opens
        self.closes = closes
    }

    public static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
}

/// A wall-clock time of day, `HH:MM`; `24:00` closes at midnight.
public struct ClockTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let minutes: Int

    public init?(minutes: Int) {
        guard (0...1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0...59).contains(minutes), hours < 24 || minutes == 0
        else { return nil }
        self.init(minutes: hours * 60 + minutes)
    }

    public var description: String { String(format: "%02d:%02d", self.minutes / 60, self.minutes % 60) }

    public static func < (lhs: ClockTime, rhs: ClockTime) -> Bool { lhs.minutes < rhs.minutes }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = ClockTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected HH:MM"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }
}

/// A day on which a business calendar is closed: the whole day, or from `closedFrom` to `closedUntil` (a part-day
/// holiday such as Christmas Eve afternoon).
public struct Holiday: Sendable, Codable, Equatable {
    public var date: LocalDate
    public var name: String
    public var closedFrom: ClockTime?
    public var closedUntil: ClockTime?

    enum CodingKeys: String, CodingKey {
        case date, name, closedFrom, closedUntil
    }

    public init(date: LocalDate, name: String, closedFrom: ClockTime? = nil, closedUntil: ClockTime? = nil) {
        self.date = date
        self.name = name
        self.closedFrom = closedFrom
        self.closedUntil = closedUntil
    }

    public var isWholeDay: Bool { self.closedFrom == nil && self.closedUntil == nil }

    /// `closed all day` or `closed 13:00–17:00`.
    public var closedText: String {
        guard let from = self.closedFrom, let until = self.closedUntil else { return "closed all day" }
        return "closed \(from)–\(until)"
    }
}

/// Working hours per weekday in an IANA time zone, plus holidays. Ticket timers count business time against it.
public struct BusinessCalendar: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    public var timeZone: String
    public var weeklyHours: [WeeklyHours]
    public var holidays: [Holiday]
    public var rowVersion: Int
    public var updatedAt: Date

    public init(
        id: Int64, name: String, timeZone: String, weeklyHours: [WeeklyHours], holidays: [Holiday], rowVersion: Int, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.weeklyHours = weeklyHours
        self.holidays = holidays
        self.rowVersion = rowVersion
        self.updatedAt = updatedAt
    }

    /// The opening spans of an ISO weekday, in order (several per day: 08:00–12:00 and 13:00–17:00).
    public func openings(on weekday: Int) -> [WeeklyHours] {
        self.weeklyHours.filter { $0.weekday == weekday }.sorted { $0.opens < $1.opens }
    }
}

public struct BusinessCalendarDraft: Sendable, Codable, Equatable {
    public static let maximumSpansPerDay = 6
    public static let maximumHolidays = 2000

    public var name: String
    public var timeZone: String
    public var weeklyHours: [WeeklyHours]
    public var holidays: [Holiday]

    public init(name: String, timeZone: String, weeklyHours: [WeeklyHours], holidays: [Holiday] = []) {
        self.name = name
        self.timeZone = timeZone
        self.weeklyHours = weeklyHours
        self.holidays = holidays
    }

    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        Text.requireName(self.name, field: "name", into: &errors)
        if let problem = TimeZoneDatabase.problem(with: self.timeZone) { errors.add("time_zone", problem) }
        for weekday in 1...7 {
            let field = "hours_\(weekday)"
            let name = WeeklyHours.weekdayNames[weekday - 1]
            let spans = self.weeklyHours.filter { $0.weekday == weekday }.sorted { $0.opens < $1.opens }
            if spans.count > Self.maximumSpansPerDay {
                errors.add(field, "\(name) may have at most \(Self.maximumSpansPerDay) opening spans.")
            }
            for span in spans where span.opens >= span.closes {
                errors.add(field, "\(name) must open before it closes (\(span.opens)–\(span.closes)).")
            }
            for (earlier, later) in zip(spans, spans.dropFirst()) where later.opens < earlier.closes {
                errors.add(field, "\(name): \(earlier.opens)–\(earlier.closes) and \(later.opens)–\(later.closes) overlap.")
            }
        }
        if self.weeklyHours.contains(where: { !(1...7).contains($0.weekday) }) {
            errors.add("weekly_hours", "Weekday must be between 1 (Monday) and 7 (Sunday).")
        }
        if self.weeklyHours.isEmpty { errors.add("weekly_hours", "A calendar needs opening hours on at least one weekday.") }
        for (date, holidays) in Dictionary(grouping: self.holidays, by: \.date).sorted(by: { $0.key < $1.key }) {
            for holiday in holidays where (holiday.closedFrom == nil) != (holiday.closedUntil == nil) {
                errors.add("holidays", "Holiday \(date): give both the time it closes from and until, or neither for the whole day.")
            }
            for holiday in holidays {
                if let from = holiday.closedFrom, let until = holiday.closedUntil, from >= until {
                    errors.add("holidays", "Holiday \(date): closed from \(from) must be before until \(until).")
                }
            }
            if holidays.count > 1 {
                let parts = holidays.compactMap { holiday in holiday.closedFrom.flatMap { from in holiday.closedUntil.map { (from, $0) } } }
                    .sorted { $0.0 < $1.0 }
                let overlapping = zip(parts, parts.dropFirst()).contains { $1.0 < $0.1 }
                if parts.count < holidays.count || overlapping {
                    errors.add("holidays", "Holiday \(date) is listed twice.")
                }
            }
        }
        if self.holidays.count > Self.maximumHolidays {
            errors.add("holidays", "A calendar may list at most \(Self.maximumHolidays) holidays.")
        }
        return errors
    }
}

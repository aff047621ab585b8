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

/// A day on which a business calendar is closed.
public struct Holiday: Sendable, Codable, Equatable {
    public var date: LocalDate
    public var name: String

    public init(date: LocalDate, name: String) {
        self.date = date
        self.name = name
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

    /// Hours open on an ISO weekday, if any.
    public func hours(on weekday: Int) -> WeeklyHours? {
        self.weeklyHours.first { $0.weekday == weekday }
    }
}

public struct BusinessCalendarDraft: Sendable, Codable, Equatable {
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
        if TimeZone(identifier: self.timeZone) == nil || !TimeZone.knownTimeZoneIdentifiers.contains(self.timeZone) && self.timeZone != "UTC" {
            errors.add("time_zone", "Time zone must be an IANA name such as Europe/Berlin.")
        }
        var seen = Set<Int>()
        for hours in self.weeklyHours {
            let field = "hours_\(hours.weekday)"
            if !(1...7).contains(hours.weekday) {
                errors.add("weekly_hours", "Weekday must be between 1 (Monday) and 7 (Sunday).")
            } else if !seen.insert(hours.weekday).inserted {
                errors.add(field, "\(WeeklyHours.weekdayNames[hours.weekday - 1]) is listed twice.")
            } else if hours.opens >= hours.closes {
                errors.add(field, "\(WeeklyHours.weekdayNames[hours.weekday - 1]) must open before it closes.")
            }
        }
        if self.weeklyHours.isEmpty { errors.add("weekly_hours", "A calendar needs opening hours on at least one weekday.") }
        var days = Set<LocalDate>()
        for holiday in self.holidays where !days.insert(holiday.date).inserted {
            errors.add("holidays", "Holiday \(holiday.date) is listed twice.")
        }
        return errors
    }
}

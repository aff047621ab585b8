import AccordDomain
import Foundation

extension DraftParsing {
    /// Weekly hours come as `weekly_hours` rows (weekday, opens, closes; several rows for one weekday give several
    /// opening spans); holidays as `holidays` rows (date, name, and closed_from / closed_until for part of a day), or,
    /// from the HTML form, as `holidays_text` lines `YYYY-MM-DD Name` or `YYYY-MM-DD HH:MM-HH:MM Name`.
    static func calendar(_ input: Input, fallback: BusinessCalendar? = nil) throws(ValidationErrors) -> BusinessCalendarDraft {
        let reader = InputReader(input, fallback: fallback.map { ["name": $0.name, "time_zone": $0.timeZone] } ?? [:])
        var errors = ValidationErrors()
        var hours: [WeeklyHours] = fallback?.weeklyHours ?? []
        if input.has("weekly_hours") {
            hours = []
            for (index, row) in input.objects("weekly_hours").enumerated() {
                let weekday = row.text("weekday").flatMap(Int.init)
                let field = weekday.map { "hours_\($0)" } ?? "weekly_hours"
                if row.text("opens") == nil, row.text("closes") == nil { continue }
                guard let weekday, (1...7).contains(weekday) else {
                    errors.add("weekly_hours", "Row \(index + 1): weekday must be 1 (Monday) to 7 (Sunday).")
                    continue
                }
                guard let opens = row.text("opens").flatMap(ClockTime.init), let closes = row.text("closes").flatMap(ClockTime.init) else {
                    errors.add(field, "\(WeeklyHours.weekdayNames[weekday - 1]): give both opening and closing times as HH:MM, or leave both empty.")
                    continue
                }
                hours.append(WeeklyHours(weekday: weekday, opens: opens, closes: closes))
            }
        }
        var holidays: [Holiday] = fallback?.holidays ?? []
        if let text = input.fields["holidays_text"].flatMap({ if case .text(let text) = $0 { text } else { nil } }) {
            holidays = []
            for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                var parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
                guard let date = LocalDate(parts[0]) else {
                    errors.add("holidays", "Line \(index + 1): start with a date written YYYY-MM-DD.")
                    continue
                }
                // a part-day holiday: `2026-12-24 13:00-24:00 Christmas Eve`
                var closed: (ClockTime, ClockTime)?
                if parts.count > 1, let span = parts[1].split(separator: " ", maxSplits: 1).first, span.contains(":") {
                    let times = span.split(whereSeparator: { $0 == "-" || $0 == "–" }).map(String.init)
                    guard times.count == 2, let from = ClockTime(times[0]), let until = ClockTime(times[1]) else {
                        errors.add("holidays", "Line \(index + 1): write a part-day closure as HH:MM-HH:MM after the date, e.g. 2026-12-24 13:00-24:00 Christmas Eve.")
                        continue
                    }
                    closed = (from, until)
                    parts[1] = String(parts[1].dropFirst(span.count)).trimmingCharacters(in: .whitespaces)
                }
                let name = parts.count > 1 && !parts[1].isEmpty ? parts[1] : "Holiday"
                holidays.append(Holiday(date: date, name: name, closedFrom: closed?.0, closedUntil: closed?.1))
            }
        } else if input.has("holidays") {
            holidays = []
            for (index, row) in input.objects("holidays").enumerated() {
                guard let date = row.text("date").flatMap(LocalDate.init) else {
                    errors.add("holidays", "Row \(index + 1): date must be written YYYY-MM-DD.")
                    continue
                }
                let from = row.text("closed_from")
                let until = row.text("closed_until")
                let closedFrom = from.flatMap(ClockTime.init)
                let closedUntil = until.flatMap(ClockTime.init)
                if (from != nil && closedFrom == nil) || (until != nil && closedUntil == nil) {
                    errors.add("holidays", "Row \(index + 1): closed_from and closed_until are times written HH:MM.")
                    continue
                }
                holidays.append(Holiday(date: date, name: row.text("name") ?? "Holiday", closedFrom: closedFrom, closedUntil: closedUntil))
            }
        }
        let draft = BusinessCalendarDraft(
            name: reader.string("name"), timeZone: reader.text("time_zone") ?? "", weeklyHours: hours, holidays: holidays)
        var all = errors
        for error in draft.validate().errors where all.message(for: error.field) == nil { all.add(error.field, error.message) }
        try all.throwIfAny()
        return draft
    }
}

extension BusinessCalendar {
    var formValues: [String: String] {
        var values = ["name": self.name, "time_zone": self.timeZone]
        for weekday in 1...7 {
            for (number, hours) in self.openings(on: weekday).enumerated() {
                values["weekly_hours.\(weekday - 1 + 7 * number).opens"] = hours.opens.description
                values["weekly_hours.\(weekday - 1 + 7 * number).closes"] = hours.closes.description
            }
        }
        values["holidays_text"] = self.holidays.map { holiday in
            let closed = holiday.closedFrom.flatMap { from in holiday.closedUntil.map { " \(from)-\($0)" } } ?? ""
            return "\(holiday.date)\(closed) \(holiday.name)"
        }.joined(separator: "\n")
        return values
    }
}

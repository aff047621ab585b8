import AccordDomain
import Foundation

extension DraftParsing {
    /// Weekly hours come as `weekly_hours` rows (weekday, opens, closes); holidays as `holidays` rows (date, name),
    /// or, from the HTML form, as `holidays_text` lines `YYYY-MM-DD Name`.
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
                let parts = trimmed.split(separator: " ", maxSplits: 1)
                guard let date = LocalDate(String(parts[0])) else {
                    errors.add("holidays", "Line \(index + 1): start with a date written YYYY-MM-DD.")
                    continue
                }
                holidays.append(Holiday(date: date, name: parts.count > 1 ? String(parts[1]) : "Holiday"))
            }
        } else if input.has("holidays") {
            holidays = []
            for (index, row) in input.objects("holidays").enumerated() {
                guard let date = row.text("date").flatMap(LocalDate.init) else {
                    errors.add("holidays", "Row \(index + 1): date must be written YYYY-MM-DD.")
                    continue
                }
                holidays.append(Holiday(date: date, name: row.text("name") ?? "Holiday"))
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
            let hours = self.hours(on: weekday)
            values["weekly_hours.\(weekday - 1).opens"] = hours?.opens.description ?? ""
            values["weekly_hours.\(weekday - 1).closes"] = hours?.closes.description ?? ""
        }
        values["holidays_text"] = self.holidays.map { "\($0.date) \($0.name)" }.joined(separator: "\n")
        return values
    }
}

import Foundation

/// How pages write a figure, in one place, so that it reads the same on every page: attainment to 3 decimals (more
/// where a figure below its target would otherwise read as reaching it), targets as agreed, the error budget left in
/// percent of the budget against the SLO, counts with thousands separators, statuses in words.
public enum Figures {
    /// `99.950 %`; a figure below one of `targets` gets the decimals it takes to read below it (up to 12: the API's
    /// figure is never rounded up to a target it misses), e.g. `98.9996 %` against 99 %.
    public static func attainment(_ value: Decimal?, targets: [Decimal] = []) -> String {
        guard let value else { return "no data" }
        return Self.percentDigits(value, targets: targets) + " %"
    }

    public static func percentDigits(_ value: Decimal, targets: [Decimal]) -> String {
        let missed = targets.filter { value < $0 }
        for places in 3...Precision.places where !missed.contains(where: { value.rounded(places: places) >= $0 }) {
            return value.fixed(places)
        }
        return value.fixed(Precision.places)
    }

    /// A burn rate to 3 decimals at most: `14.4×`, `0.333×`; `—` without valid events.
    public static func rate(_ value: Decimal?) -> String {
        value.map { "\($0.rounded(places: 3).plain)×" } ?? "—"
    }

    /// A day as people read it: `1 Jan 2026`.
    public static func date(_ day: LocalDate) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(day.day) \(months[max(0, min(11, day.month - 1))]) \(day.year)"
    }

    /// A target as the terms state it: `99.95 %`.
    public static func target(_ value: Decimal) -> String { "\(value.plain) %" }

    /// The error budget left, in percent of the budget, to one decimal (never rounded up to "0.0 %" once overspent).
    /// Past twice the budget spent, it says how many budgets went, the exact percent beside it:
    /// `overspent 133× (-13,233.3 %)`.
    public static func budgetLeft(_ remaining: Decimal?) -> String {
        guard let remaining else { return "—" }
        let percent = remaining * 100
        if percent < 0, percent.rounded(places: 1) >= 0 { return "-0.1 %" }
        if remaining < -1 {
            let spent = 1 - remaining
            let times = spent >= 10 ? spent.rounded(places: 0).fixed(0).groupedThousands : spent.rounded(places: 1).plain
            return "overspent \(times)× (\(percent.fixed(1).groupedThousands) %)"
        }
        return "\(percent.fixed(1)) %"
    }

    /// A burn rate in words: how soon the budget left is gone at `burnRate` (1× spends a period's whole budget over
    /// the period), e.g. `at this rate the error budget left is gone in 2 days`.
    public static func runway(remaining: Decimal?, burnRate: Decimal?, periodSeconds: TimeInterval) -> String? {
        guard let remaining, let burnRate, burnRate > 0, periodSeconds > 0 else { return nil }
        guard remaining > 0 else { return "the period's error budget is already spent" }
        let seconds = NSDecimalNumber(decimal: remaining / burnRate).doubleValue * periodSeconds
        // a rate too slow to matter lasts beyond the period
        guard seconds.isFinite, seconds < periodSeconds else { return "at this rate the budget left lasts the period" }
        let hours = Int((seconds / 3600).rounded())
        let when =
            seconds < 3600 ? "within the hour" : hours < 48 ? "in \(hours) hour\(hours == 1 ? "" : "s")" : "in \(Int((seconds / 86_400).rounded())) days"
        return "at this rate the error budget left is gone \(when)"
    }

    /// The error budget left, saying which target it is measured against: `42.0 % of the error budget against the SLO
    /// (99.95 %) left`.
    public static func budgetSentence(_ remaining: Decimal?, slo: Decimal) -> String {
        guard let remaining else { return "No error budget yet: nothing measured in the period." }
        if remaining < -1 { return "The error budget against the SLO (\(Self.target(slo))) is \(Self.budgetLeft(remaining))" }
        return "\(Self.budgetLeft(remaining)) of the error budget against the SLO (\(Self.target(slo))) left"
    }

    /// `1,234,567` or `366.667` (an exclusion covering part of a bucket leaves a fraction; the exact value is in the API).
    public static func count(_ value: Decimal) -> String {
        (value == value.rounded(places: 0) ? value.fixed(0) : value.fixed(3)).groupedThousands
    }

    /// A period as people read it, in the agreement's zone: `Sep 2026`, `Q3 2026`, `28 days to 2 Dec 2026 07:30`, or
    /// `3 Sep 2026 – 9 Sep 2026` for a span that is neither.
    public static func period(start: Date, end: Date, zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        let startParts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: start)
        let isMidnight = startParts.day == 1 && startParts.hour == 0 && startParts.minute == 0 && startParts.second == 0
        if isMidnight, let month = calendar.date(byAdding: .month, value: 1, to: start), month == end {
            formatter.dateFormat = "MMM yyyy"
            return formatter.string(from: start)
        }
        if isMidnight, let quarter = calendar.date(byAdding: .month, value: 3, to: start), quarter == end, ((startParts.month ?? 1) - 1) % 3 == 0 {
            formatter.dateFormat = "QQQ yyyy"
            return formatter.string(from: start)
        }
        let days = end.timeIntervalSince(start) / 86_400
        if days == days.rounded(), !isMidnight || startParts.day != 1 {
            formatter.dateFormat = "d MMM yyyy HH:mm"
            if calendar.dateComponents([.hour, .minute], from: end) != DateComponents(hour: 0, minute: 0) {
                return "\(Int(days)) days to \(formatter.string(from: end))"
            }
        }
        formatter.dateFormat = "d MMM yyyy"
        return "\(formatter.string(from: start)) – \(formatter.string(from: end.addingTimeInterval(-1)))"
    }
}

/// Instants as pages, packs, exports and mail write them, always in the zone of what they are about (the meeting's,
/// the agreement's), the zone named: the one place date formatters are made.
public enum Stamp {
    /// A formatter for `pattern` in `zone` (British English names: `Wed 2 Dec 2026`).
    public static func formatter(_ pattern: String, _ zone: TimeZone) -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = pattern
        return formatter
    }

    /// An instant written with `pattern` in `zone`, months in three letters.
    public static func string(_ date: Date, _ pattern: String, _ zone: TimeZone) -> String {
        Self.threeLetters(Self.formatter(pattern, zone).string(from: date))
    }

    /// `3 Dec 2026 09:30 CET`.
    public static func format(_ date: Date, _ zone: TimeZone) -> String {
        Self.threeLetters(Self.formatter("d MMM yyyy HH:mm zzz", zone).string(from: date))
    }

    /// `Wed 2 Dec 2026, 10:00–11:00 (Europe/Berlin)`: a meeting, in its series' zone.
    public static func meeting(start: Date, end: Date, zone: TimeZone) -> String {
        "\(Self.threeLetters(Self.formatter("EEE d MMM yyyy, HH:mm", zone).string(from: start)))–\(Self.formatter("HH:mm", zone).string(from: end)) (\(zone.identifier))"
    }

    /// British English abbreviates September "Sept"; every other date Accord writes says "Sep" (`Figures.date`).
    public static func threeLetters(_ text: String) -> String {
        text.replacingOccurrences(of: "Sept ", with: "Sep ")
    }

    /// `March 2026`: the month an instant falls in, in a zone.
    public static func month(_ date: Date, _ zone: TimeZone) -> String {
        Self.formatter("MMMM yyyy", zone).string(from: date)
    }

    public static func zone(_ identifier: String) -> TimeZone { TimeZone(identifier: identifier) ?? .gmt }
}

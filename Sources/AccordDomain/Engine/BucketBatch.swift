import Foundation

/// One row of a measurement batch as it arrived, before any checking (JSON values or CSV cells as text).
public struct RawBucketRow: Sendable, Equatable {
    public var row: Int
    public var start: String?
    public var end: String?
    public var good: String?
    public var valid: String?

    public init(row: Int, start: String?, end: String?, good: String?, valid: String?) {
        self.row = row
        self.start = start
        self.end = end
        self.good = good
        self.valid = valid
    }
}

/// One row of a batch whose cells were read straight from a body's bytes, each present and of its type (a plain CSV:
/// `MeasurementAPI.plainBucketCells`); its row number is its place in the batch. Checked as `RawBucketRow`s are.
public struct BucketCells: Sendable, Equatable {
    public var start: Date
    public var end: Date
    public var good: Int64
    public var valid: Int64

    public init(start: Date, end: Date, good: Int64, valid: Int64) {
        self.start = start
        self.end = end
        self.good = good
        self.valid = valid
    }
}

/// Checks a batch of ratio buckets row by row. A batch is all-or-nothing: any problem rejects it, and every
/// problem found is reported with its row, field and reason.
public enum BucketBatchParser {
    public static let maximumBucketLength: TimeInterval = 86_400
    /// A million-row batch with a systematic mistake should not answer with a million details.
    public static let reportedProblems = 100

    /// `window` is the span a bucket may start in (`IngestWindow`): a row outside it is refused, so one batch cannot
    /// reach decades away and make the database create a partition for every month in between.
    public static func parse(_ rows: [RawBucketRow], window: IngestWindow = .unbounded) throws(ValidationErrors) -> [MeasurementBucket] {
        var errors = ValidationErrors()
        var buckets: [(row: Int, bucket: MeasurementBucket)] = []
        if rows.isEmpty { errors.add("buckets", "The batch holds no buckets.") }
        for raw in rows {
            let start = Self.instant(raw.start, field: "start", row: raw.row, into: &errors).flatMap {
                window.check($0, field: "start", row: raw.row, into: &errors)
            }
            let end = Self.instant(raw.end, field: "end", row: raw.row, into: &errors)
            let good = Self.count(raw.good, field: "good", row: raw.row, into: &errors)
            let valid = Self.count(raw.valid, field: "valid", row: raw.row, into: &errors)
            Self.check(row: raw.row, start: start, end: end, good: good, valid: valid, into: &errors, buckets: &buckets)
        }
        return try Self.finish(buckets, errors: errors)
    }

    /// The same checks over cells already read as values (a plain CSV read from its bytes): what is left to check is
    /// the window, the bounds of the counts and how the cells of a row and the rows of the batch fit together.
    public static func parse(cells rows: [BucketCells], window: IngestWindow = .unbounded) throws(ValidationErrors) -> [MeasurementBucket] {
        var errors = ValidationErrors()
        var buckets: [(row: Int, bucket: MeasurementBucket)] = []
        buckets.reserveCapacity(rows.count)
        if rows.isEmpty { errors.add("buckets", "The batch holds no buckets.") }
        for (index, cells) in rows.enumerated() {
            let row = index + 1
            let start = window.check(cells.start, field: "start", row: row, into: &errors)
            let good = Self.bounded(cells.good, field: "good", row: row, into: &errors)
            let valid = Self.bounded(cells.valid, field: "valid", row: row, into: &errors)
            Self.check(row: row, start: start, end: cells.end, good: good, valid: valid, into: &errors, buckets: &buckets)
        }
        return try Self.finish(buckets, errors: errors)
    }

    /// How one row's values fit together; the row's bucket joins `buckets` when they do.
    static func check(
        row: Int, start: Date?, end: Date?, good: Int64?, valid: Int64?, into errors: inout ValidationErrors,
        buckets: inout [(row: Int, bucket: MeasurementBucket)]
    ) {
        if let good, let valid, good > valid {
            errors.add(FieldError("good", "good (\(good)) must not exceed valid (\(valid)).", row: row))
        }
        if let start, let end {
            if end <= start {
                errors.add(FieldError("end", "end must be after start.", row: row))
            } else if end.timeIntervalSince(start) > Self.maximumBucketLength {
                errors.add(FieldError("end", "A bucket may span at most one day.", row: row))
            }
        }
        if let start, let end, let good, let valid, end > start {
            buckets.append((row, MeasurementBucket(start: start, end: end, good: good, valid: valid)))
        }
    }

    /// The batch's buckets in arrival order once no two overlap, or every problem found.
    static func finish(_ buckets: [(row: Int, bucket: MeasurementBucket)], errors: ValidationErrors) throws(ValidationErrors) -> [MeasurementBucket] {
        var errors = errors
        let ordered = buckets.sorted { $0.bucket.start < $1.bucket.start }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.bucket.start < previous.bucket.end {
            errors.add(FieldError("start", "This bucket overlaps the bucket in row \(previous.row) of the same batch.", row: next.row))
        }
        try errors.capped(at: Self.reportedProblems).throwIfAny()
        return buckets.map(\.bucket)
    }

    static func count(_ text: String?, field: String, row: Int, into errors: inout ValidationErrors) -> Int64? {
        guard let text = text?.trimmedSpaces, !text.isEmpty else {
            errors.add(FieldError(field, "\(field) is required.", row: row))
            return nil
        }
        guard let value = Int64(text) else {
            errors.add(FieldError(field, "\(field) must be a whole number, not \(text.prefix(40)).", row: row))
            return nil
        }
        return Self.bounded(value, field: field, row: row, into: &errors)
    }

    /// `value` when it is a count a bucket may hold; otherwise an error for the row and nil.
    static func bounded(_ value: Int64, field: String, row: Int, into errors: inout ValidationErrors) -> Int64? {
        guard value >= 0 else {
            errors.add(FieldError(field, "\(field) must not be negative.", row: row))
            return nil
        }
        guard value <= Bounds.eventsPerBucket else {
            errors.add(FieldError(field, "\(field) must be at most \(Bounds.eventsPerBucket) events in one bucket.", row: row))
            return nil
        }
        return value
    }

    static func instant(_ text: String?, field: String, row: Int, into errors: inout ValidationErrors) -> Date? {
        guard let text = text?.trimmedSpaces, !text.isEmpty else {
            errors.add(FieldError(field, "\(field) is required.", row: row))
            return nil
        }
        guard let date = RFC3339.parse(text) else {
            errors.add(
                FieldError(
                    field, "\(field) must be an RFC 3339 timestamp with an offset \(Bounds.yearsText), such as 2026-11-01T10:00:00Z or 2026-11-01T11:00:00+01:00.",
                    row: row))
            return nil
        }
        return date
    }
}

/// How far from now a batch may reach: data may start from `pastDays` before now up to `futureDays` after it.
public struct IngestWindow: Sendable, Equatable {
    public var span: DateInterval
    public var pastDays: Int
    public var futureDays: Int

    /// The default reach: ten years back (backfills of a contract's history), one day ahead (clock skew).
    public static let defaultPastDays = 3660
    public static let defaultFutureDays = 1

    public init(now: Date, pastDays: Int = Self.defaultPastDays, futureDays: Int = Self.defaultFutureDays) {
        self.pastDays = max(0, min(pastDays, 36_600))
        self.futureDays = max(0, min(futureDays, 3660))
        let start = max(Bounds.earliest, now.addingTimeInterval(-Double(self.pastDays) * 86_400))
        let end = max(start, min(Bounds.end, now.addingTimeInterval(Double(self.futureDays) * 86_400)))
        self.span = DateInterval(start: start, end: end)
    }

    /// Every instant `RFC3339` accepts; for tests of the parsers alone.
    public static let unbounded = IngestWindow(span: DateInterval(start: Bounds.earliest, end: Bounds.end))

    init(span: DateInterval) {
        self.span = span
        self.pastDays = 0
        self.futureDays = 0
    }

    /// `instant` when it is inside the window; otherwise an error for the row and nil.
    func check(_ instant: Date, field: String, row: Int, into errors: inout ValidationErrors) -> Date? {
        guard instant < self.span.start || instant >= self.span.end else { return instant }
        errors.add(
            FieldError(
                field,
                "\(field) \(RFC3339.format(instant)) is outside what a batch may reach: from \(RFC3339.format(self.span.start)) to \(RFC3339.format(self.span.end)) (\(self.pastDays) days back, \(self.futureDays) ahead).",
                row: row))
        return nil
    }
}

/// RFC 3339 timestamps, which always carry an offset (`Z` or `±hh:mm`); a local time without one is refused.
public enum RFC3339 {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (RFC 3339 section 5.6; `t`, `z` and a space separator
    /// accepted). Anything else, including a timestamp without an offset, an impossible date or an instant outside
    /// `Bounds` (years 1970 to 2200), is nil: no instant Accord reads from text is out of range.
    /// Hand-written over the UTF-8 bytes: an ingest batch parses two timestamps per row.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { Self.parse(bytes: $0) }
    }

    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        let count = bytes.count
        guard count >= 20 else { return nil }
        func digits(_ start: Int, _ length: Int) -> Int? {
            var value = 0
            for index in start..<(start + length) {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = digits(0, 4), bytes[4] == 45, let month = digits(5, 2), bytes[7] == 45, let day = digits(8, 2),
            [84, 116, 32].contains(bytes[10]), let hour = digits(11, 2), bytes[13] == 58, let minute = digits(14, 2), bytes[16] == 58,
            let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year), hour <= 23, minute <= 59, second <= 59 else {
            return nil
        }
        var index = 19
        // the fraction as whole microseconds (PostgreSQL's precision); a seventh digit of 5 or more rounds up
        var micros = 0
        if bytes[index] == 46 {  // "."
            index += 1
            let start = index
            while index < count, bytes[index] >= 48, bytes[index] <= 57 {
                let place = index - start
                if place < 6 {
                    var scale = 1
                    for _ in place..<5 { scale *= 10 }
                    micros += Int(bytes[index] - 48) * scale
                } else if place == 6, bytes[index] >= 53 {
                    micros += 1
                }
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < count else { return nil }
        var offset = 0
        switch bytes[index] {
        case 90, 122:  // "Z", "z"
            guard index == count - 1 else { return nil }
        case 43, 45:  // "+", "-"
            guard index + 6 == count, let offsetHours = digits(index + 1, 2), bytes[index + 3] == 58, let offsetMinutes = digits(index + 4, 2),
                offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offset = (offsetHours * 60 + offsetMinutes) * 60 * (bytes[index] == 45 ? -1 : 1)
        default:
            return nil
        }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        let instant = Self.instant(microseconds: Int64(seconds) * 1_000_000 + Int64(micros))
        return Bounds.contains(instant) ? instant : nil
    }

    /// The instant of a whole number of microseconds since 1970, nudged up by a few ulps where needed so that storing it
    /// (PostgresNIO truncates the microseconds since 2000 it computes in binary floating point) keeps that microsecond:
    /// `…:00.123Z` is stored as .123000, not .122999.
    public static func instant(microseconds: Int64) -> Date {
        let epoch2000 = Date(timeIntervalSince1970: 946_684_800)
        let since2000 = microseconds - 946_684_800_000_000
        var seconds = Double(microseconds) / 1_000_000
        for _ in 0..<16 {
            let stored = Int64(Date(timeIntervalSince1970: seconds).timeIntervalSince(epoch2000) * 1_000_000)
            if stored < since2000 {
                seconds = seconds.nextUp
            } else if stored > since2000 {
                seconds = seconds.nextDown
            } else {
                break
            }
        }
        return Date(timeIntervalSince1970: seconds)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, whole seconds (rounded down).
    public static func format(_ date: Date) -> String {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - days * 86_400
        let (year, month, day) = Self.civilFromDays(days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs; returns the string itself, without copying, when there are none
    /// (the common case for CSV cells and JSON values, checked on every cell of a batch).
    public var trimmedSpaces: String {
        let utf8 = self.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return self }
        return self.trimmingCharacters(in: .whitespaces)
    }
}

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

/// Checks a batch of ratio buckets row by row. A batch is all-or-nothing: any problem rejects it, and every
/// problem found is reported with its row, field and reason.
public enum BucketBatchParser {
    public static let maximumBucketLength: TimeInterval = 86_400
    /// A million-row batch with a systematic mistake should not answer with a million details.
    public static let reportedProblems = 100

    public static func parse(_ rows: [RawBucketRow]) throws(ValidationErrors) -> [MeasurementBucket] {
        var errors = ValidationErrors()
        var buckets: [(row: Int, bucket: MeasurementBucket)] = []
        if rows.isEmpty { errors.add("buckets", "The batch holds no buckets.") }
        for raw in rows {
            let start = Self.instant(raw.start, field: "start", row: raw.row, into: &errors)
            let end = Self.instant(raw.end, field: "end", row: raw.row, into: &errors)
            let good = Self.count(raw.good, field: "good", row: raw.row, into: &errors)
            let valid = Self.count(raw.valid, field: "valid", row: raw.row, into: &errors)
            if let good, let valid, good > valid {
                errors.add(FieldError("good", "good (\(good)) must not exceed valid (\(valid)).", row: raw.row))
            }
            if let start, let end {
                if end <= start {
                    errors.add(FieldError("end", "end must be after start.", row: raw.row))
                } else if end.timeIntervalSince(start) > Self.maximumBucketLength {
                    errors.add(FieldError("end", "A bucket may span at most one day.", row: raw.row))
                }
            }
            if let start, let end, let good, let valid, end > start {
                buckets.append((raw.row, MeasurementBucket(start: start, end: end, good: good, valid: valid)))
            }
        }
        let ordered = buckets.sorted { $0.bucket.start < $1.bucket.start }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.bucket.start < previous.bucket.end {
            errors.add(FieldError("start", "This bucket overlaps the bucket in row \(previous.row) of the same batch.", row: next.row))
        }
        try errors.capped(at: Self.reportedProblems).throwIfAny()
        return buckets.map(\.bucket)
    }

    static func count(_ text: String?, field: String, row: Int, into errors: inout ValidationErrors) -> Int64? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            errors.add(FieldError(field, "\(field) is required.", row: row))
            return nil
        }
        guard let value = Int64(text) else {
            errors.add(FieldError(field, "\(field) must be a whole number, not \(text.prefix(40)).", row: row))
            return nil
        }
        guard value >= 0 else {
            errors.add(FieldError(field, "\(field) must not be negative.", row: row))
            return nil
        }
        return value
    }

    static func instant(_ text: String?, field: String, row: Int, into errors: inout ValidationErrors) -> Date? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            errors.add(FieldError(field, "\(field) is required.", row: row))
            return nil
        }
        guard let date = RFC3339.parse(text) else {
            errors.add(
                FieldError(
                    field, "\(field) must be an RFC 3339 timestamp with an offset, such as 2026-11-01T10:00:00Z or 2026-11-01T11:00:00+01:00.",
                    row: row))
            return nil
        }
        return date
    }
}

/// RFC 3339 timestamps, which always carry an offset (`Z` or `±hh:mm`); a local time without one is refused.
public enum RFC3339 {
    public static func parse(_ text: String) -> Date? {
        guard text.count >= 20, let last = text.last,
            last == "Z" || last == "z" || text.dropLast(6).count >= 19 && ["+", "-"].contains(text.dropLast(5).last)
        else {
            return nil
        }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

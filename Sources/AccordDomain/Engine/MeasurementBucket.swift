import Foundation

/// Counts of a ratio SLI over one span, as monitoring tools send them.
public struct MeasurementBucket: Sendable, Equatable, Codable {
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

    public var span: DateInterval { DateInterval(start: self.start, end: self.end) }

    /// The counts left once `excluded` spans are removed.
    ///
    /// A partly covered bucket loses the covered share of both `good` and `valid`, pro rata to time (events are
    /// assumed spread evenly within a bucket), exactly: lengths are whole microseconds (what PostgreSQL keeps) and the
    /// kept share is a fraction. A fully covered bucket counts nothing.
    public func counts(excluding excluded: TimeSpans) -> EventCounts {
        let start = Self.microseconds(self.start)
        let end = Self.microseconds(self.end)
        guard end > start else { return .zero }
        var covered: Int64 = 0
        for span in excluded.spans {
            let from = max(start, Self.microseconds(span.start))
            let to = min(end, Self.microseconds(span.end))
            if to > from { covered += to - from }
        }
        if covered <= 0 { return EventCounts(good: Fraction(self.good), valid: Fraction(self.valid)) }
        if covered >= end - start { return .zero }
        guard let kept = Fraction(numerator: Natural(UInt64(end - start - covered)), denominator: Natural(UInt64(end - start))) else { return .zero }
        return EventCounts(good: Fraction(self.good) * kept, valid: Fraction(self.valid) * kept)
    }

    /// Microseconds since 1970 (instants are bounded to 1970–2200, so this never overflows).
    static func microseconds(_ instant: Date) -> Int64 {
        Int64((instant.timeIntervalSince1970 * 1_000_000).rounded())
    }
}

extension Array where Element == MeasurementBucket {
    /// Sum good and sum valid of these buckets, exclusions removed.
    public func counts(excluding excluded: TimeSpans = TimeSpans()) -> EventCounts {
        self.reduce(.zero) { $0 + $1.counts(excluding: excluded) }
    }
}

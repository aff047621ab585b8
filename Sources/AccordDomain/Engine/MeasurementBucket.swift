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
    /// A partly covered bucket loses the covered share of both `good` and `valid`, pro rata to time
    /// (events are assumed spread evenly within a bucket); a fully covered one counts nothing.
    public func counts(excluding excluded: TimeSpans) -> EventCounts {
        let duration = self.end.timeIntervalSince(self.start)
        guard duration > 0 else { return .zero }
        let covered = excluded.overlap(with: self.span)
        if covered <= 0 { return EventCounts(good: Decimal(self.good), valid: Decimal(self.valid)) }
        if covered >= duration { return .zero }
        let kept = Decimal(duration - covered) / Decimal(duration)
        return EventCounts(good: Decimal(self.good) * kept, valid: Decimal(self.valid) * kept)
    }
}

extension Array where Element == MeasurementBucket {
    /// Sum good and sum valid of these buckets, exclusions removed.
    public func counts(excluding excluded: TimeSpans = TimeSpans()) -> EventCounts {
        self.reduce(.zero) { $0 + $1.counts(excluding: excluded) }
    }
}

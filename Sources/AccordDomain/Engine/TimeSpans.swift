import Foundation

/// Half-open spans of time `[start, end)`, kept sorted and disjoint.
public struct TimeSpans: Sendable, Equatable {
    public private(set) var spans: [DateInterval]

    public init(_ spans: [DateInterval] = []) {
        self.spans = Self.normalised(spans)
    }

    /// Sorts, drops empty spans and merges overlapping or touching ones.
    static func normalised(_ spans: [DateInterval]) -> [DateInterval] {
        var result: [DateInterval] = []
        for span in spans.filter({ $0.duration > 0 }).sorted(by: { $0.start < $1.start }) {
            if let last = result.last, span.start <= last.end {
                result[result.count - 1] = DateInterval(start: last.start, end: max(last.end, span.end))
            } else {
                result.append(span)
            }
        }
        return result
    }

    public var totalDuration: TimeInterval { self.spans.reduce(0) { $0 + $1.duration } }

    /// The parts of `span` that none of these spans cover.
    public func subtracted(from span: DateInterval) -> [DateInterval] {
        var pieces: [DateInterval] = []
        var cursor = span.start
        for cut in self.spans where cut.end > span.start && cut.start < span.end {
            if cut.start > cursor { pieces.append(DateInterval(start: cursor, end: cut.start)) }
            cursor = max(cursor, cut.end)
        }
        if cursor < span.end { pieces.append(DateInterval(start: cursor, end: span.end)) }
        return pieces
    }

    /// The parts of these spans inside `span`.
    public func clipped(to span: DateInterval) -> TimeSpans {
        TimeSpans(
            self.spans.compactMap { cut in
                let start = max(cut.start, span.start)
                let end = min(cut.end, span.end)
                return start < end ? DateInterval(start: start, end: end) : nil
            })
    }

    /// How much of `span` these spans cover.
    public func overlap(with span: DateInterval) -> TimeInterval {
        span.duration - self.subtracted(from: span).reduce(0) { $0 + $1.duration }
    }
}

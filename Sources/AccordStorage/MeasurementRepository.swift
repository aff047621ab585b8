import AccordDomain
import Crypto
import Foundation
import Logging
import PostgresNIO



/// Ratio measurements: stored in month partitions, with an hourly rollup kept in the same transaction.
///
/// A bucket belongs to the period (and the rollup hour) in which it starts. Buckets of one series and source may not
/// overlap, within a batch or with stored ones: an overlapping batch is refused whole, naming the rows.
public struct MeasurementRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The objective's series, when the caller may see it and it measures a ratio.
    static func ratioSeries(objectiveID: Int64, scope: AccessScope, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        let (objective, _) = try await ObjectiveRepository.lock(id: objectiveID, scope: scope, on: connection, logger: logger)
        guard objective.sliKind == .ratio else {
            throw RuleViolation("This objective measures tickets: send ticket events to /ticket-events instead of buckets.")
        }
        return objective.seriesID
    }

    /// Stores a batch all-or-nothing; the caller has validated each row with `BucketBatchParser`.
    public func ingest(
        objectiveID: Int64, source: String, buckets: [MeasurementBucket], scope: AccessScope, sender: BatchSender, pulled: String? = nil
    ) async throws -> IngestedBatch {
        let source = source.trimmed
        guard !source.isEmpty, source.count <= 200 else {
            throw ValidationErrors([FieldError("source", "source is required (at most 200 characters).")])
        }
        guard let first = buckets.map(\.start).min(), let last = buckets.map(\.end).max() else {
            throw ValidationErrors([FieldError("buckets", "The batch holds no buckets.")])
        }
        // only a month that ended 62 days ago can have been summarised: a live feed asks nothing
        if first < Date().addingTimeInterval(-Self.summarisableAge) {
            try await self.refuseSummarisedMonths(buckets, from: first, to: last)
        }
        try await self.ensurePartitions(from: first, to: last)
        // one sort serves the content hash and the hourly rollup, which is summed here: the database gets one row per
        // hour instead of grouping every bucket again
        let ordered = buckets.sorted { $0.start < $1.start }
        let hash = Self.contentHash(source: source, ordered: ordered)
        let rollup = try Self.hourSums(ordered)
        // the batch's own sums, kept with its lineage for when its raw buckets are summarised
        guard let goodSum = Self.checkedSum(rollup.goods), let validSum = Self.checkedSum(rollup.valids) else {
            throw ValidationErrors([FieldError("buckets", "The batch's counts add up to more than can be stored: send it in parts.")])
        }
        let logger = self.database.logger
        let starts = buckets.map(\.start)
        let ends = buckets.map(\.end)
        let goods = buckets.map(\.good)
        let valids = buckets.map(\.valid)
        return try await self.database.transaction { connection in
            let series = try await Self.ratioSeries(objectiveID: objectiveID, scope: scope, on: connection, logger: logger)
            // One writer per series at a time, so the overlap check and the insert see the same rows.
            try await connection.rows("SELECT pg_advisory_xact_lock(\(Self.lockNamespace), \(Int32(truncatingIfNeeded: series)))", logger: logger)
            // Stored buckets of this source that could overlap the batch (a bucket spans at most a day), then one sweep
            // over both sorted lists: each list is free of overlaps on its own, so a merge finds every clash.
            let stored = try await connection.rows(
                """
                SELECT bucket_start, bucket_end FROM measurements
                WHERE series_id = \(series) AND source = \(source) AND bucket_start >= \(first.addingTimeInterval(-BucketBatchParser.maximumBucketLength))
                  AND bucket_start < \(last) AND bucket_end > \(first)
                ORDER BY bucket_start
                """, logger: logger
            ).map { try $0.decode((Date, Date).self) }
            if !stored.isEmpty {
                // the same file sent again: said once, with when it arrived, rather than as a clash per row
                if let (batchID, received) = try await connection.rows(
                    """
                    SELECT id, received_at FROM measurement_batches
                    WHERE series_id = \(series) AND content_hash = \(hash) AND first_start = \(first) ORDER BY id LIMIT 1
                    """, logger: logger
                ).first?.decode((Int64, Date).self) {
                    throw ValidationErrors([
                        FieldError(
                            "batch",
                            "This batch was already received on \(RFC3339.format(received)) (batch \(batchID)): nothing was stored again.")
                    ])
                }
                let problems = Self.overlaps(batch: buckets, stored: stored).prefix(BucketBatchParser.reportedProblems).map { row, clash in
                    FieldError(
                        "start",
                        "This bucket overlaps one already stored for source \(source) (\(RFC3339.format(clash.0)) to \(RFC3339.format(clash.1))).",
                        row: row)
                }
                if !problems.isEmpty { throw ValidationErrors(Array(problems)) }
            }
            let batch = try await connection.rows(
                """
                INSERT INTO measurement_batches (series_id, objective_id, source, kind, user_id, credential, row_count, content_hash, first_start, last_end,
                    pulled, good_sum, valid_sum)
                VALUES (\(series), \(objectiveID), \(source), 'buckets', \(sender.userID), \(sender.credential), \(buckets.count), \(hash), \(first), \(last),
                    \(pulled)::jsonb, \(goodSum), \(validSum))
                RETURNING id, received_at
                """, logger: logger
            ).first!.decode((Int64, Date).self)
            try await connection.rows(
                """
                INSERT INTO measurements (series_id, source, batch_id, bucket_start, bucket_end, good, valid)
                SELECT \(series), \(source), \(batch.0), s, e, g, v
                FROM unnest(\(starts)::timestamptz[], \(ends)::timestamptz[], \(goods)::int8[], \(valids)::int8[]) AS b(s, e, g, v)
                """, logger: logger)
            try await connection.rows(
                """
                INSERT INTO measurement_hours (series_id, hour, good, valid, buckets)
                SELECT \(series), h, g, v, n
                FROM unnest(\(rollup.hours)::timestamptz[], \(rollup.goods)::int8[], \(rollup.valids)::int8[], \(rollup.counts)::int4[]) AS b(h, g, v, n)
                ON CONFLICT (series_id, hour) DO UPDATE SET good = measurement_hours.good + excluded.good,
                    valid = measurement_hours.valid + excluded.valid, buckets = measurement_hours.buckets + excluded.buckets
                """, logger: logger)
            // an old month written to (a backfill) is not summarised for a week after its last batch
            if first < Date().addingTimeInterval(-Self.summarisableAge) {
                try await connection.rows(
                    """
                    INSERT INTO measurement_months_written (month, last_written_at)
                    SELECT m::date, now()
                    FROM generate_series(date_trunc('month', \(first)::timestamptz AT TIME ZONE 'UTC'), \(last)::timestamptz AT TIME ZONE 'UTC', interval '1 month') AS m
                    WHERE m + interval '1 month' < (now() AT TIME ZONE 'UTC') - interval '45 days'
                    ON CONFLICT (month) DO UPDATE SET last_written_at = excluded.last_written_at
                    """, logger: logger)
            }
            try await PeriodRecordRepository.requestRecompute(
                seriesID: series, span: DateInterval(start: first, end: last), reason: "late_data", on: connection, logger: logger)
            try await PeriodRecordRepository.touch(seriesID: series, on: connection, logger: logger)
            return IngestedBatch(batchID: batch.0, seriesID: series, source: source, accepted: buckets.count, contentHash: hash, receivedAt: batch.1)
        }
    }

    /// The batch rows (1-based, in arrival order) that overlap a stored bucket, with the first stored bucket each meets.
    /// Both inputs are free of overlaps within themselves; `stored` is sorted by start.
    static func overlaps(batch: [MeasurementBucket], stored: [(Date, Date)]) -> [(Int, (Date, Date))] {
        let ordered = batch.enumerated().sorted { $0.element.start < $1.element.start }
        var clashes: [(Int, (Date, Date))] = []
        var next = 0
        for (offset, bucket) in ordered {
            while next < stored.count, stored[next].1 <= bucket.start { next += 1 }
            if next < stored.count, stored[next].0 < bucket.end { clashes.append((offset + 1, stored[next])) }
        }
        return clashes.sorted { $0.0 < $1.0 }
    }

    /// Summed counts of a series for each span, exclusions removed, in a few queries whatever the number of buckets.
    ///
    /// A ratio bucket counts in the span in which it starts, whatever the span's alignment: the hourly rollup gives the
    /// whole UTC hours inside the span and the buckets of the partial hours at its edges are read one by one (a zone
    /// with a half- or quarter-hour offset starts its months there; a rolling window ends at any instant). Buckets an
    /// approved exclusion covers then lose the covered share. Ticket SLIs count timer outcomes known inside the span
    /// and before `now`.
    public func counts(seriesID: Int64, sliKind: SLIKind, spans: [DateInterval], now: Date) async throws -> [EventCounts] {
        try await self.counts(spans.map { SpanRequest(seriesID: seriesID, sliKind: sliKind, span: $0) }, now: now)
    }

    /// The distinct instants at which the series' events fall in `span`, in time order: bucket starts for ratio SLIs,
    /// the instants ticket outcomes became known (up to `now`) for ticket SLIs. A surge cap walks them in order.
    public func stepInstants(seriesID: Int64, sliKind: SLIKind, span: DateInterval, now: Date, limit: Int = 100_000) async throws -> [Date] {
        let rows =
            sliKind.isTicketBased
            ? try await self.database.query(
                """
                SELECT DISTINCT known_at FROM ticket_outcomes WHERE series_id = \(seriesID) AND met IS NOT NULL
                  AND known_at >= \(span.start) AND known_at < \(span.end) AND known_at <= \(now) ORDER BY known_at LIMIT \(limit)
                """)
            : try await self.database.query(
                """
                SELECT DISTINCT bucket_start FROM measurements WHERE series_id = \(seriesID)
                  AND bucket_start >= \(span.start) AND bucket_start < \(span.end) ORDER BY bucket_start LIMIT \(limit)
                """)
        return try rows.map { try $0.decode(Date.self) }
    }

    /// The rollup files a bucket under the UTC hour it starts in.
    static func rollupHour(_ start: Date) -> Date {
        Date(timeIntervalSince1970: (start.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
    }

    /// How a span is read: the whole rollup hours inside it (nil when it holds none) and the partial hours at its edges,
    /// whose buckets are summed from the measurements themselves. Together they hold exactly the buckets starting in it.
    struct SpanReading: Equatable {
        var hours: DateInterval?
        var edges: [DateInterval]

        init(_ span: DateInterval) {
            let firstHour = MeasurementRepository.rollupHour(span.start)
            let hoursStart = firstHour == span.start ? firstHour : firstHour.addingTimeInterval(3600)
            let hoursEnd = MeasurementRepository.rollupHour(span.end)
            if hoursStart < hoursEnd {
                self.hours = DateInterval(start: hoursStart, end: hoursEnd)
                self.edges = [DateInterval(start: span.start, end: hoursStart), DateInterval(start: hoursEnd, end: span.end)].filter { $0.duration > 0 }
            } else {
                self.hours = nil
                self.edges = span.duration > 0 ? [span] : []
            }
        }
    }

    /// One span of one series to count, for reading many series at once.
    public struct SpanRequest: Sendable, Equatable {
        public var seriesID: Int64
        public var sliKind: SLIKind
        public var span: DateInterval

        public init(seriesID: Int64, sliKind: SLIKind, span: DateInterval) {
            self.seriesID = seriesID
            self.sliKind = sliKind
            self.span = span
        }
    }

    /// Counts of many series' spans in a fixed number of queries (the dashboard): rollup sums for ratio SLIs,
    /// known outcomes for ticket SLIs, and the exclusion correction only for series that have exclusions there.
    public func counts(_ requests: [SpanRequest], now: Date) async throws -> [EventCounts] {
        guard let from = requests.map(\.span.start).min(), let to = requests.map(\.span.end).max() else { return [] }
        var result = Array(repeating: EventCounts.zero, count: requests.count)
        let ratio = requests.indices.filter { !requests[$0].sliKind.isTicketBased }
        let tickets = requests.indices.filter { requests[$0].sliKind.isTicketBased }
        if !ratio.isEmpty {
            var hourRequests: (ordinals: [Int], series: [Int64], starts: [Date], ends: [Date]) = ([], [], [], [])
            var edgeRequests: (ordinals: [Int], series: [Int64], starts: [Date], ends: [Date]) = ([], [], [], [])
            for (position, index) in ratio.enumerated() {
                let reading = SpanReading(requests[index].span)
                if let hours = reading.hours {
                    hourRequests.ordinals.append(position)
                    hourRequests.series.append(requests[index].seriesID)
                    hourRequests.starts.append(hours.start)
                    hourRequests.ends.append(hours.end)
                }
                for edge in reading.edges {
                    edgeRequests.ordinals.append(position)
                    edgeRequests.series.append(requests[index].seriesID)
                    edgeRequests.starts.append(edge.start)
                    edgeRequests.ends.append(edge.end)
                }
            }
            let rows = try await self.database.query(
                """
                SELECT ord, sum(good)::text, sum(valid)::text FROM (
                    SELECT p.ord, h.good, h.valid
                    FROM unnest(\(hourRequests.ordinals)::int8[], \(hourRequests.series)::int8[], \(hourRequests.starts)::timestamptz[],
                                \(hourRequests.ends)::timestamptz[]) AS p(ord, series, s, e)
                    CROSS JOIN LATERAL (
                        SELECT coalesce(sum(good), 0) AS good, coalesce(sum(valid), 0) AS valid FROM measurement_hours
                        WHERE series_id = p.series AND hour >= p.s AND hour < p.e) AS h
                    UNION ALL
                    SELECT p.ord, m.good, m.valid
                    FROM unnest(\(edgeRequests.ordinals)::int8[], \(edgeRequests.series)::int8[], \(edgeRequests.starts)::timestamptz[],
                                \(edgeRequests.ends)::timestamptz[]) AS p(ord, series, s, e)
                    -- one index range per edge (and only the partitions it reaches), never a scan of every measurement
                    CROSS JOIN LATERAL (
                        SELECT coalesce(sum(good), 0) AS good, coalesce(sum(valid), 0) AS valid FROM measurements
                        WHERE series_id = p.series AND bucket_start >= p.s AND bucket_start < p.e) AS m
                ) AS counted
                GROUP BY ord
                """)
            for row in rows {
                let (position, good, valid) = try row.decode((Int64, String, String).self)
                guard ratio.indices.contains(Int(position)) else { continue }
                result[ratio[Int(position)]] = EventCounts(good: Fraction(text: good) ?? 0, valid: Fraction(text: valid) ?? 0)
            }
        }
        if !tickets.isEmpty {
            let rows = try await self.database.query(
                """
                SELECT p.ord, count(o.ticket) FILTER (WHERE o.met), count(o.ticket)
                FROM unnest(\(tickets.map { requests[$0].seriesID })::int8[], \(tickets.map { requests[$0].span.start })::timestamptz[],
                            \(tickets.map { requests[$0].span.end })::timestamptz[]) WITH ORDINALITY AS p(series, s, e, ord)
                LEFT JOIN ticket_outcomes o ON o.series_id = p.series AND o.met IS NOT NULL AND o.known_at >= p.s AND o.known_at < p.e
                  AND o.known_at <= \(now)
                GROUP BY p.ord
                """)
            for row in rows {
                let (ordinal, good, valid) = try row.decode((Int64, Int64, Int64).self)
                result[tickets[Int(ordinal) - 1]] = EventCounts(good: Fraction(good), valid: Fraction(valid))
            }
        }
        let ratioSeries = Array(Set(ratio.map { requests[$0].seriesID }))
        guard !ratioSeries.isEmpty else { return result }
        let excluded = try await self.database.query(
            """
            SELECT DISTINCT series_id FROM exclusions
            WHERE series_id = ANY(\(ratioSeries)::int8[]) AND status = 'approved'
              AND starts_at < \(to) AND ends_at > \(from.addingTimeInterval(-BucketBatchParser.maximumBucketLength))
            """
        ).map { try $0.decode(Int64.self) }
        for series in excluded {
            let indices = ratio.filter { requests[$0].seriesID == series }
            var counts = indices.map { result[$0] }
            try await self.correctForExclusions(
                seriesID: series, spans: indices.map { requests[$0].span }, counts: &counts)
            for (index, count) in zip(indices, counts) { result[index] = count }
        }
        return result
    }

    /// Removes the share of each bucket that approved exclusions cover from every span it starts in.
    func correctForExclusions(seriesID: Int64, spans: [DateInterval], counts: inout [EventCounts], known: TimeSpans? = nil) async throws {
        guard let from = spans.map(\.start).min(), let to = spans.map(\.end).max() else { return }
        let excluded: TimeSpans
        if let known {
            excluded = known
        } else {
            excluded = try await ExclusionRepository(database: self.database).approvedSpans(
                seriesID: seriesID, from: from.addingTimeInterval(-BucketBatchParser.maximumBucketLength), to: to)
        }
        for bucket in try await self.excludedBuckets(seriesID: seriesID, excluded: excluded) {
            // every span the bucket starts in (spans may overlap: a period and its last day)
            for index in spans.indices where spans[index].start <= bucket.start && bucket.start < spans[index].end {
                counts[index] = counts[index] - bucket.removed
            }
        }
    }

    /// The buckets `excluded` covers, wholly or in part, each once with the batch that brought it and the counts the
    /// exclusions take from it; only those starting in `within` when given.
    func excludedBuckets(
        seriesID: Int64, excluded: TimeSpans, within: DateInterval? = nil
    ) async throws -> [(batch: Int64, start: Date, removed: EventCounts)] {
        guard !excluded.spans.isEmpty else { return [] }
        return try await self.database.query(
            """
            SELECT DISTINCT m.batch_id, m.bucket_start, m.bucket_end, m.good, m.valid
            FROM unnest(\(excluded.spans.map(\.start))::timestamptz[], \(excluded.spans.map(\.end))::timestamptz[]) AS x(s, e)
            JOIN measurements m ON m.series_id = \(seriesID) AND m.bucket_start < x.e AND m.bucket_end > x.s
              AND m.bucket_start > x.s - interval '1 day'
              AND (\(within?.start)::timestamptz IS NULL OR m.bucket_start >= \(within?.start))
              AND (\(within?.end)::timestamptz IS NULL OR m.bucket_start < \(within?.end))
            """
        ).map { row in
            let (batch, start, end, good, valid) = try row.decode((Int64, Date, Date, Int64, Int64).self)
            let bucket = MeasurementBucket(start: start, end: end, good: good, valid: valid)
            return (batch, start, bucket.counts(excluding: TimeSpans()) - bucket.counts(excluding: excluded))
        }
    }

    /// Ticket outcomes (met / known) per span, counting only those known before `now`.
    func outcomeCounts(seriesID: Int64, spans: [DateInterval], now: Date) async throws -> [EventCounts] {
        let rows = try await self.database.query(
            """
            SELECT p.ord, count(o.ticket) FILTER (WHERE o.met), count(o.ticket)
            FROM unnest(\(spans.map(\.start))::timestamptz[], \(spans.map(\.end))::timestamptz[]) WITH ORDINALITY AS p(s, e, ord)
            LEFT JOIN ticket_outcomes o ON o.series_id = \(seriesID) AND o.met IS NOT NULL AND o.known_at >= p.s AND o.known_at < p.e
              AND o.known_at <= \(now)
            GROUP BY p.ord ORDER BY p.ord
            """)
        return try rows.map { row in
            let (_, good, valid) = try row.decode((Int64, Int64, Int64).self)
            return EventCounts(good: Fraction(good), valid: Fraction(valid))
        }
    }

    /// Summed counts over each lookback before `now` (bucket granularity for ratios), exclusions removed.
    public func recentCounts(seriesID: Int64, sliKind: SLIKind, lookbacks: [TimeInterval], now: Date) async throws -> [TimeInterval: EventCounts] {
        guard let longest = lookbacks.max() else { return [:] }
        let spans = lookbacks.map { DateInterval(start: now.addingTimeInterval(-$0), end: now) }
        var counts: [EventCounts]
        if sliKind.isTicketBased {
            counts = try await self.outcomeCounts(seriesID: seriesID, spans: spans, now: now)
        } else {
            let rows = try await self.database.query(
                """
                SELECT w.ord, coalesce(sum(m.good), 0)::text, coalesce(sum(m.valid), 0)::text
                FROM unnest(\(spans.map(\.start))::timestamptz[]) WITH ORDINALITY AS w(s, ord)
                LEFT JOIN measurements m ON m.series_id = \(seriesID) AND m.bucket_start >= w.s AND m.bucket_start < \(now)
                  AND m.bucket_start >= \(now.addingTimeInterval(-longest))
                GROUP BY w.ord ORDER BY w.ord
                """)
            counts = try rows.map { row in
                let (_, good, valid) = try row.decode((Int64, String, String).self)
                return EventCounts(good: Fraction(text: good) ?? 0, valid: Fraction(text: valid) ?? 0)
            }
            // nested windows: correct each one separately, reading the exclusions once
            let excluded = try await ExclusionRepository(database: self.database).approvedSpans(
                seriesID: seriesID, from: now.addingTimeInterval(-longest - BucketBatchParser.maximumBucketLength), to: now)
            if !excluded.spans.isEmpty {
                for index in spans.indices {
                    var one = [counts[index]]
                    try await self.correctForExclusions(seriesID: seriesID, spans: [spans[index]], counts: &one, known: excluded)
                    counts[index] = one[0]
                }
            }
        }
        var result: [TimeInterval: EventCounts] = [:]
        for (lookback, count) in zip(lookbacks, counts) { result[lookback] = count }
        return result
    }


    public func lineage(seriesID: Int64, span: DateInterval) async throws -> [LineageEntry] {
        let rows = try await self.database.query(
            """
            SELECT b.id, b.source, b.received_at, b.user_id, b.credential, b.row_count, b.content_hash,
                   sum(m.buckets)::int8, sum(m.good)::int8, sum(m.valid)::int8, b.pulled::text, b.compacted_from, b.first_received_at
            FROM (
                SELECT batch_id, count(*) AS buckets, sum(good) AS good, sum(valid) AS valid FROM measurements
                WHERE series_id = \(seriesID) AND bucket_start >= \(span.start) AND bucket_start < \(span.end)
                GROUP BY batch_id
                UNION ALL
                -- months whose raw buckets were summarised: each batch's buckets and sums per UTC hour
                SELECT batch_id, buckets, good, valid FROM measurement_batch_hours
                WHERE series_id = \(seriesID) AND hour >= \(span.start) AND hour < \(span.end)
            ) AS m JOIN measurement_batches b ON b.id = m.batch_id
            GROUP BY b.id ORDER BY b.received_at, b.id
            """)
        let removed = try await self.excludedShares(seriesID: seriesID, span: span)
        return try rows.map { row in
            let values = try row.decode((Int64, String, Date, Int64?, String, Int, String, Int64, Int64, Int64, String?, Int?, Date?).self)
            let counted = EventCounts(good: Fraction(values.8), valid: Fraction(values.9)) - (removed[values.0] ?? .zero)
            var entry = LineageEntry(
                batchId: values.0, source: values.1, receivedAt: values.2, userId: values.3, credential: values.4, rowCount: values.5,
                contentHash: values.6, bucketsInPeriod: Int(values.7), goodInPeriod: values.8, validInPeriod: values.9,
                countedGood: Precision.shown(counted.good), countedValid: Precision.shown(counted.valid),
                countedGoodExact: counted.good.description, countedValidExact: counted.valid.description)
            entry.pulled = try values.10.map { try Self.pulledDecoder.decode(PulledFrom.self, from: Data($0.utf8)) }
            entry.compactedFrom = values.11
            entry.firstReceivedAt = values.12
            return entry
        }
    }

    static let pulledDecoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// Per batch, the counts approved exclusions take away from the buckets starting in `span`.
    func excludedShares(seriesID: Int64, span: DateInterval) async throws -> [Int64: EventCounts] {
        let excluded = try await ExclusionRepository(database: self.database).approvedSpans(
            seriesID: seriesID, from: span.start.addingTimeInterval(-BucketBatchParser.maximumBucketLength), to: span.end)
        var removed: [Int64: EventCounts] = [:]
        for bucket in try await self.excludedBuckets(seriesID: seriesID, excluded: excluded, within: span) {
            removed[bucket.batch, default: .zero] = removed[bucket.batch, default: .zero] + bucket.removed
        }
        return removed
    }

    /// Advisory lock namespace of a series' ingest (key: the series); key 0 guards partition creation (in SQL).
    static let lockNamespace: Int32 = 0x4D45  // "ME"

    /// Refuses a batch with buckets in a month whose raw buckets were summarised (`RetentionRepository`): the month's
    /// figures rest on its summaries now, which late data cannot join. Each such row is named.
    func refuseSummarisedMonths(_ buckets: [MeasurementBucket], from first: Date, to last: Date) async throws {
        let summarised = try await self.summarisedMonths(overlapping: DateInterval(start: first, end: max(first, last)))
        guard !summarised.isEmpty else { return }
        var errors = ValidationErrors()
        for (index, bucket) in buckets.enumerated() {
            guard let month = summarised.first(where: { DateInterval(start: $0.month, end: Self.monthAfter($0.month)).contains(bucket.start) }) else { continue }
            errors.add(
                FieldError(
                    "start",
                    "The raw buckets of \(Self.monthLabel(month.month)) were summarised on \(RFC3339.format(month.summarisedAt)) (they are kept for ACCORD_RAW_RETENTION_DAYS): data for that month can no longer be added.",
                    row: index + 1))
        }
        try errors.capped(at: BucketBatchParser.reportedProblems).throwIfAny()
    }

    /// Refuses an exclusion (or a claim of one) over a month whose raw buckets were summarised: its share is taken bucket
    /// by bucket, and those buckets are gone.
    static func refuseSummarised(window: DateInterval, on connection: PostgresConnection, logger: Logger) async throws {
        let span = DateInterval(start: window.start.addingTimeInterval(-BucketBatchParser.maximumBucketLength), end: window.end)
        let months = try await connection.rows(Self.summarisedQuery(span), logger: logger).map { try $0.decode((Date, Date).self).0 }
        guard !months.isEmpty else { return }
        throw ValidationErrors([
            FieldError(
                "starts_at",
                "The raw buckets of \(months.map(Self.monthLabel).joined(separator: ", ")) were summarised after their retention span (ACCORD_RAW_RETENTION_DAYS): a window there can no longer be excluded.")
        ])
    }

    /// The months (their first instant, UTC) whose raw buckets were summarised, overlapping `span`, with when.
    public func summarisedMonths(overlapping span: DateInterval) async throws -> [(month: Date, summarisedAt: Date)] {
        try await self.database.query(Self.summarisedQuery(span)).map { try $0.decode((Date, Date).self) }.map { (month: $0.0, summarisedAt: $0.1) }
    }

    /// Summarised months overlapping `span` (each month's bounds taken in UTC, whatever the session's zone).
    static func summarisedQuery(_ span: DateInterval) -> PostgresQuery {
        """
        SELECT month::timestamp AT TIME ZONE 'UTC', summarised_at FROM measurement_months_summarised
        WHERE month::timestamp AT TIME ZONE 'UTC' < \(span.end) AND (month + interval '1 month')::timestamp AT TIME ZONE 'UTC' > \(span.start)
        ORDER BY month
        """
    }

    /// How old a bucket must be before its month can have been summarised (`accord_summarise_measurement_month`'s floor).
    static let summarisableAge: TimeInterval = 62 * 86_400

    /// The first instant of the month after `month` (UTC).
    public static func monthAfter(_ month: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar.date(byAdding: .month, value: 1, to: month) ?? month.addingTimeInterval(31 * 86_400)
    }

    /// "2025-07".
    public static func monthLabel(_ month: Date) -> String {
        String(RFC3339.format(month).prefix(7))
    }

    /// Creates the month partitions a batch needs, outside the ingest transaction so the DDL lock stays short. The
    /// server's role has no DDL rights: `accord_create_measurement_partition` (owned by the schema's owner) creates
    /// them, and only for months from 1970 to a year ahead.
    func ensurePartitions(from: Date, to: Date) async throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard var month = calendar.date(from: calendar.dateComponents([.year, .month], from: from)) else { return }
        while month < to {
            guard let next = calendar.date(byAdding: .month, value: 1, to: month) else { return }
            let parts = calendar.dateComponents([.year, .month], from: month)
            let name = String(format: "measurements_y%04dm%02d", parts.year ?? 0, parts.month ?? 0)
            let exists = try await self.database.query("SELECT to_regclass(\(name)) IS NOT NULL").first?.decode(Bool.self) ?? false
            if !exists {
                let first = String(format: "%04d-%02d-01", parts.year ?? 0, parts.month ?? 0)
                try await self.database.query("SELECT accord_create_measurement_partition(\(first)::date)")
            }
            month = next
        }
    }

    /// The sum of `values`, or nil when it would not fit.
    static func checkedSum(_ values: [Int64]) -> Int64? {
        values.reduce(Int64(0) as Int64?) { total, value in
            total.flatMap { total in
                let sum = total.addingReportingOverflow(value)
                return sum.overflow ? nil : sum.partialValue
            }
        }
    }

    /// The sums of buckets already in start order, one per UTC hour they start in, in hour order. The sums are
    /// checked: a batch whose sums cannot be held is refused rather than wrapped.
    static func hourSums(_ ordered: [MeasurementBucket]) throws -> (hours: [Date], goods: [Int64], valids: [Int64], counts: [Int32]) {
        var sums: (hours: [Date], goods: [Int64], valids: [Int64], counts: [Int32]) = ([], [], [], [])
        for bucket in ordered {
            let hour = Self.rollupHour(bucket.start)
            if let last = sums.hours.last, last == hour, let index = sums.hours.indices.last {
                let good = sums.goods[index].addingReportingOverflow(bucket.good)
                let valid = sums.valids[index].addingReportingOverflow(bucket.valid)
                let count = sums.counts[index].addingReportingOverflow(1)
                guard !good.overflow, !valid.overflow, !count.overflow else {
                    throw ValidationErrors([FieldError("buckets", "The counts of one hour add up to more than can be stored: send smaller counts.")])
                }
                sums.goods[index] = good.partialValue
                sums.valids[index] = valid.partialValue
                sums.counts[index] = count.partialValue
            } else {
                sums.hours.append(hour)
                sums.goods.append(bucket.good)
                sums.valids.append(bucket.valid)
                sums.counts.append(1)
            }
        }
        return sums
    }

    /// A hash of the batch's content, the same whatever order its rows came in: SHA-256 over the source and, per bucket
    /// in start order, start and end in milliseconds since 1970 and the two counts, each as 8 little-endian bytes.
    /// `ordered`: the batch's buckets in start order.
    static func contentHash(source: String, ordered: [MeasurementBucket]) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(source.utf8))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ordered.count * 32)
        func append(_ value: Int64) {
            var little = value.littleEndian
            withUnsafeBytes(of: &little) { bytes.append(contentsOf: $0) }
        }
        for bucket in ordered {
            append(Int64((bucket.start.timeIntervalSince1970 * 1000).rounded()))
            append(Int64((bucket.end.timeIntervalSince1970 * 1000).rounded()))
            append(bucket.good)
            append(bucket.valid)
        }
        hasher.update(data: bytes)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

extension LineageEntry: VendorFacing {
    /// Who sent a batch is the customer's business: the vendor sees when and how, not the user.
    public var vendorFacing: LineageEntry {
        var copy = self
        copy.userId = nil
        copy.pulled?.goodQuery = nil
        copy.pulled?.validQuery = nil
        return copy
    }
}

import AccordDomain
import Foundation
import PostgresNIO

/// Raw minute buckets past their retention span: which month partitions may go, what holds one back, and the
/// summarising that drops one (`accord_summarise_measurement_month`, owned by the schema's owner).
///
/// A month goes only when it ended before the horizon and nothing may still need its raw buckets (`holds`): no period
/// over it still open, no closed one whose dispute window is open, no open dispute or pending claim over it, and no
/// batch written to it in the last week. What a dropped month leaves proves its figures: the hourly rollup, each batch's sums and hash, per UTC
/// hour each batch's buckets and sums, and the raw buckets that a figure reads at a finer grain than the hour (those
/// approved exclusions cover; every bucket of a series whose zone is not a whole number of hours from UTC).
public struct RetentionRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// How long after its last batch an old month is left alone (a backfill may still be writing to it).
    public static let backfillQuiet: TimeInterval = 7 * 86_400

    /// What dropping one month did.
    public struct Summary: Sendable, Equatable {
        public var month: Date
        public var dropped: Int64
        public var kept: Int64
        public var digestRows: Int64
    }

    /// The first instants (UTC) of the months whose raw partition exists and ended at or before `horizon`, oldest first.
    public func monthsEndingBy(_ horizon: Date) async throws -> [Date] {
        let names = try await self.database.query(
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'measurements'::regclass AND c.relname ~ '^measurements_y[0-9]{4}m[0-9]{2}$'
            ORDER BY c.relname
            """
        ).map { try $0.decode(String.self) }
        return names.compactMap { name -> Date? in
            let digits = name.dropFirst("measurements_y".count)
            guard let start = RFC3339.parse("\(digits.prefix(4))-\(digits.suffix(2))-01T00:00:00Z"), MeasurementRepository.monthAfter(start) <= horizon
            else { return nil }
            return start
        }
    }

    /// Why the raw buckets of `month` must stay, as sentences; empty when nothing holds them.
    public func holds(month: DateInterval, now: Date) async throws -> [String] {
        var reasons: [String] = []
        if let written = try await self.database.query(
            "SELECT last_written_at FROM measurement_months_written WHERE month = \(MeasurementRepository.monthLabel(month.start) + "-01")::date"
        ).first?.decode(Date.self), written > now.addingTimeInterval(-Self.backfillQuiet) {
            reasons.append("a batch was written to it at \(RFC3339.format(written)) (a backfill may still be running: a month is kept a week after its last batch)")
        }
        let disputes = try await self.database.query(
            """
            SELECT id FROM disputes WHERE status = 'open' AND period_start < \(month.end) AND period_end > \(month.start) ORDER BY id LIMIT 5
            """
        ).map { try $0.decode(Int64.self) }
        if !disputes.isEmpty { reasons.append("open disputes \(disputes.map { "#\($0)" }.joined(separator: ", ")) concern it") }
        let claims = try await self.database.query(
            """
            SELECT id FROM exclusion_claims WHERE status = 'pending' AND starts_at < \(month.end) AND ends_at > \(month.start) ORDER BY id LIMIT 5
            """
        ).map { try $0.decode(Int64.self) }
        if !claims.isEmpty { reasons.append("pending exclusion claims \(claims.map { "#\($0)" }.joined(separator: ", ")) cover it") }
        let disputable = try await self.database.query(
            """
            SELECT count(*)::int8 FROM period_results r
            JOIN objectives o ON o.id = r.objective_id
            JOIN agreement_versions v ON v.id = o.version_id
            LEFT JOIN agreement_governance g ON g.agreement_id = v.agreement_id
            WHERE r.period_start < \(month.end) AND r.period_end > \(month.start)
              AND r.period_end + make_interval(days => coalesce(g.dispute_window_days, 30)) > \(now)
            """
        ).first?.decode(Int64.self) ?? 0
        if disputable > 0 { reasons.append("\(disputable) closed period records overlapping it can still be disputed") }
        // a period over the month not closed yet (a quarter's first months), for a series measured in it
        let open = try await self.database.query(
            """
            SELECT count(*)::int8 FROM series_schedule s
            WHERE s.closed_through < \(month.end)
              AND EXISTS (SELECT 1 FROM measurement_hours h WHERE h.series_id = s.series_id AND h.hour >= \(month.start) AND h.hour < \(month.end))
            """
        ).first?.decode(Int64.self) ?? 0
        if open > 0 { reasons.append("\(open) series measured in it have a period over it not closed yet") }
        return reasons
    }

    /// The series whose agreement's zone is not a whole number of hours from UTC at some point of `month`: their
    /// periods start inside an hour, so the hourly rollup alone cannot give their figures.
    public func seriesOffTheHour(month: DateInterval) async throws -> [Int64] {
        let rows = try await self.database.query(
            """
            SELECT DISTINCT o.series_id, a.time_zone FROM objectives o
            JOIN agreement_versions v ON v.id = o.version_id JOIN agreements a ON a.id = v.agreement_id
            """
        ).map { try $0.decode((Int64, String).self) }
        var offTheHour: [String: Bool] = [:]
        return rows.filter { _, zone in
            if let known = offTheHour[zone] { return known }
            // the offsets at the month's start and end, and at every transition between (a zone may move to a half hour)
            var off = true
            if let timeZone = TimeZone(identifier: zone) {
                var instant = month.start
                var offsets = [timeZone.secondsFromGMT(for: month.start), timeZone.secondsFromGMT(for: month.end.addingTimeInterval(-1))]
                while let next = timeZone.nextDaylightSavingTimeTransition(after: instant), next < month.end {
                    offsets.append(timeZone.secondsFromGMT(for: next))
                    instant = next
                }
                off = offsets.contains { $0 % 3600 != 0 }
            }
            offTheHour[zone] = off
            return off
        }.map(\.0)
    }

    /// Summarises `month` and drops its raw partition, in one transaction; nil when it has no partition.
    public func summarise(month: Date, keepingSeries keep: [Int64]) async throws -> Summary? {
        let day = MeasurementRepository.monthLabel(month) + "-01"
        let counts = try await self.database.query(
            "SELECT accord_summarise_measurement_month(\(day)::date, \(keep)::int8[])"
        ).first?.decode([Int64]?.self)
        guard let counts, counts.count == 3 else { return nil }
        return Summary(month: month, dropped: counts[0], kept: counts[1], digestRows: counts[2])
    }
}

extension RetentionRepository {
    /// The most rows a batch may hold to be compacted: a live feed's batch of an hour's minutes at most.
    public static let compactableRows = 60

    /// One hour of one series and source whose small batches may be compacted into one.
    public struct CompactionGroup: Sendable, Equatable {
        public var seriesID: Int64
        public var source: String
        public var hour: Date
    }

    /// Hours holding two or more small pushed batches of one series and source, each wholly inside the hour and
    /// received before `before`; oldest first, at most `limit`.
    public func compactableHours(before: Date, limit: Int) async throws -> [CompactionGroup] {
        try await self.database.query(
            """
            SELECT series_id, source, date_trunc('hour', first_start, 'UTC') AS hour FROM measurement_batches
            WHERE kind = 'buckets' AND compacted_from IS NULL AND pulled IS NULL AND row_count <= \(Self.compactableRows)
              AND received_at < \(before)
              AND date_trunc('hour', first_start, 'UTC') = date_trunc('hour', last_end - interval '1 microsecond', 'UTC')
            GROUP BY 1, 2, 3 HAVING count(*) >= 2
            ORDER BY 3 LIMIT \(limit)
            """
        ).map { row in
            let (series, source, hour) = try row.decode((Int64, String, Date).self)
            return CompactionGroup(seriesID: series, source: source, hour: hour)
        }
    }

    /// Compacts the small batches of one hour into one batch, in one transaction under the series' ingest lock: the
    /// new batch holds their rows' count, sums and content hash (over the rows, as any batch's), and the raw buckets
    /// point to it; the members are deleted. A batch a dispute's remedy names is left as it is. Returns how many batches
    /// were compacted (0 when fewer than two qualify or their raw rows are gone).
    public func compact(_ group: CompactionGroup, before: Date) async throws -> Int {
        let logger = self.database.logger
        let hourEnd = group.hour.addingTimeInterval(3600)
        return try await self.database.transaction { connection in
            try await connection.rows(
                "SELECT pg_advisory_xact_lock(\(MeasurementRepository.lockNamespace), \(Int32(truncatingIfNeeded: group.seriesID)))", logger: logger)
            let members = try await connection.rows(
                """
                SELECT b.id, b.objective_id, b.user_id, b.received_at, b.row_count FROM measurement_batches b
                WHERE b.series_id = \(group.seriesID) AND b.source = \(group.source) AND b.kind = 'buckets' AND b.compacted_from IS NULL
                  AND b.pulled IS NULL AND b.row_count <= \(Self.compactableRows) AND b.received_at < \(before)
                  AND b.first_start >= \(group.hour) AND b.last_end <= \(hourEnd)
                  AND NOT EXISTS (SELECT 1 FROM dispute_remedies r WHERE r.batch_id = b.id)
                ORDER BY b.id FOR UPDATE
                """, logger: logger
            ).map { try $0.decode((Int64, Int64, Int64?, Date, Int).self) }
            guard members.count >= 2, let last = members.last else { return 0 }
            let ids = members.map(\.0)
            let buckets = try await connection.rows(
                """
                SELECT bucket_start, bucket_end, good, valid FROM measurements
                WHERE series_id = \(group.seriesID) AND batch_id = ANY(\(ids)::int8[]) AND bucket_start >= \(group.hour) AND bucket_start < \(hourEnd)
                ORDER BY bucket_start
                """, logger: logger
            ).map { row in
                let (start, end, good, valid) = try row.decode((Date, Date, Int64, Int64).self)
                return MeasurementBucket(start: start, end: end, good: good, valid: valid)
            }
            // the raw rows must all be there: a hash and sums of fewer would not be what arrived
            guard buckets.count == members.reduce(0, { $0 + $1.4 }), let first = buckets.first?.start,
                let end = buckets.map(\.end).max(), let good = MeasurementRepository.checkedSum(buckets.map(\.good)),
                let valid = MeasurementRepository.checkedSum(buckets.map(\.valid))
            else { return 0 }
            let users = Set(members.map(\.2))
            let compacted = try await connection.rows(
                """
                INSERT INTO measurement_batches (series_id, objective_id, source, kind, user_id, credential, row_count, content_hash, first_start,
                    last_end, good_sum, valid_sum, compacted_from, first_received_at, received_at)
                VALUES (\(group.seriesID), \(last.1), \(group.source), 'buckets', \(users.count == 1 ? users.first ?? nil : nil), 'compacted',
                    \(buckets.count), \(MeasurementRepository.contentHash(source: group.source, ordered: buckets)), \(first), \(end),
                    \(good), \(valid), \(members.count),
                    \(members.map(\.3).min() ?? last.3), \(members.map(\.3).max() ?? last.3))
                RETURNING id
                """, logger: logger
            ).first?.decode(Int64.self)
            guard let compacted else { return 0 }
            try await connection.rows(
                """
                UPDATE measurements SET batch_id = \(compacted)
                WHERE series_id = \(group.seriesID) AND batch_id = ANY(\(ids)::int8[]) AND bucket_start >= \(group.hour) AND bucket_start < \(hourEnd)
                """, logger: logger)
            try await connection.rows("DELETE FROM measurement_batches WHERE id = ANY(\(ids)::int8[])", logger: logger)
            return members.count
        }
    }
}

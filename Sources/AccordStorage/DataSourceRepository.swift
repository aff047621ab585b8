import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Data sources (an admin's, organisation-wide) and the pulls of series from them. Reads never give a credential
/// back; only `connection(id:)` and a claimed pull carry them, for the request.
public struct DataSourceRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = """
        SELECT s.id, s.name, s.kind, s.base_url, s.auth_kind, s.bearer_token <> '' AS has_token, s.basic_user, s.basic_password <> '' AS has_password,
               s.verify_tls, s.timeout_seconds, s.stale_minutes, s.created_at, s.updated_at, s.row_version,
               (SELECT count(*)::int8 FROM series_pulls p WHERE p.source_id = s.id) AS pulls,
               (SELECT max(p.last_success_at) FROM series_pulls p WHERE p.source_id = s.id) AS last_success_at,
               (SELECT p.last_error FROM series_pulls p WHERE p.source_id = s.id AND p.last_error <> ''
                ORDER BY p.last_attempt_at DESC NULLS LAST LIMIT 1) AS last_error
        FROM data_sources s
        """

    static func source(_ row: PostgresRow) throws -> DataSource {
        let cells = row.makeRandomAccess()
        return DataSource(
            id: try cells.value("id"), name: try cells.value("name"), kind: try cells.value("kind"), baseURL: try cells.value("base_url"),
            auth: DataSourceAuth(rawValue: try cells.value("auth_kind")) ?? .none, hasBearerToken: try cells.value("has_token"),
            basicUser: try cells.value("basic_user"), hasBasicPassword: try cells.value("has_password"), verifyTLS: try cells.value("verify_tls"),
            timeoutSeconds: try cells.value("timeout_seconds"), staleMinutes: try cells.value("stale_minutes"), pullCount: try cells.value("pulls"),
            lastSuccessAt: try cells.value("last_success_at"), lastError: try cells.value("last_error", as: String?.self),
            createdAt: try cells.value("created_at"), updatedAt: try cells.value("updated_at"), rowVersion: try cells.value("row_version"))
    }

    public func list() async throws -> [DataSource] {
        try await self.database.query("\(unescaped: Self.columns) ORDER BY lower(s.name), s.id").map(Self.source)
    }

    public func find(id: Int64) async throws -> DataSource {
        guard let row = try await self.database.query("\(unescaped: Self.columns) WHERE s.id = \(id)").first else { throw NotFound("data source") }
        return try Self.source(row)
    }

    /// The source locked for a change in the caller's transaction.
    public func lock(id: Int64) async throws -> DataSource {
        guard try await !self.database.query("SELECT 1 FROM data_sources WHERE id = \(id) FOR UPDATE").isEmpty else { throw NotFound("data source") }
        return try await self.find(id: id)
    }

    public func insert(_ draft: DataSourceDraft) async throws -> DataSource {
        do {
            guard
                let id = try await self.database.query(
                    """
                    INSERT INTO data_sources (name, base_url, auth_kind, bearer_token, basic_user, basic_password, verify_tls, timeout_seconds, stale_minutes)
                    VALUES (\(draft.name.trimmed), \(Self.base(draft.baseURL)), \(draft.auth.rawValue), \(draft.auth == .bearer ? draft.bearerToken ?? "" : ""),
                        \(draft.auth == .basic ? draft.basicUser : ""), \(draft.auth == .basic ? draft.basicPassword ?? "" : ""), \(draft.verifyTLS),
                        \(draft.timeoutSeconds ?? 10), \(draft.staleMinutes ?? 60))
                    RETURNING id
                    """
                ).first?.decode(Int64.self)
            else { throw NotFound("data source") }
            return try await self.find(id: id)
        } catch {
            throw Self.taken(error, name: draft.name)
        }
    }

    /// Writes a source locked in the caller's transaction; a nil token or password keeps the one stored, another kind
    /// of authentication clears them.
    public func update(id: Int64, _ draft: DataSourceDraft) async throws -> DataSource {
        do {
            try await self.database.query(
                """
                UPDATE data_sources SET name = \(draft.name.trimmed), base_url = \(Self.base(draft.baseURL)), auth_kind = \(draft.auth.rawValue),
                    bearer_token = CASE WHEN \(draft.auth.rawValue) = 'bearer' THEN coalesce(\(draft.bearerToken), bearer_token) ELSE '' END,
                    basic_user = CASE WHEN \(draft.auth.rawValue) = 'basic' THEN \(draft.basicUser) ELSE '' END,
                    basic_password = CASE WHEN \(draft.auth.rawValue) = 'basic' THEN coalesce(\(draft.basicPassword), basic_password) ELSE '' END,
                    verify_tls = \(draft.verifyTLS), timeout_seconds = \(draft.timeoutSeconds ?? 10), stale_minutes = \(draft.staleMinutes ?? 60),
                    updated_at = now(), row_version = row_version + 1
                WHERE id = \(id)
                """)
            return try await self.find(id: id)
        } catch {
            throw Self.taken(error, name: draft.name)
        }
    }

    /// A source's address without a trailing slash: the API paths are appended to it.
    static func base(_ url: String) -> String {
        var base = url.trimmed
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    static func taken(_ error: any Error, name: String) -> any Error {
        mapUniqueViolation(error, constraint: "data_sources_name_key", field: "name", message: "A data source named \(name.trimmed) already exists.")
    }

    // MARK: - Pulls

    static let pullColumns = """
        SELECT p.series_id, p.objective_id, o.name AS objective_name, p.source_id, s.name AS source_name, p.good_query, p.valid_query, p.step_seconds, p.pull_from, p.watermark,
               p.next_attempt_at, p.failures, p.last_attempt_at, p.last_success_at, p.last_error, p.row_version
        FROM series_pulls p JOIN data_sources s ON s.id = p.source_id JOIN objectives o ON o.id = p.objective_id
        """

    static func pull(_ row: PostgresRow) throws -> SeriesPull {
        let cells = row.makeRandomAccess()
        return SeriesPull(
            seriesID: try cells.value("series_id"), objectiveID: try cells.value("objective_id"), objectiveName: try cells.value("objective_name"),
            sourceID: try cells.value("source_id"),
            sourceName: try cells.value("source_name"), goodQuery: try cells.value("good_query"), validQuery: try cells.value("valid_query"),
            stepSeconds: try cells.value("step_seconds"), pullFrom: try cells.value("pull_from"), watermark: try cells.value("watermark"),
            nextAttemptAt: try cells.value("next_attempt_at"), failures: try cells.value("failures"), lastAttemptAt: try cells.value("last_attempt_at"),
            lastSuccessAt: try cells.value("last_success_at"), lastError: try cells.value("last_error"), rowVersion: try cells.value("row_version"))
    }

    /// The pull of a series, if it pulls.
    public func pull(seriesID: Int64) async throws -> SeriesPull? {
        try await self.database.query("\(unescaped: Self.pullColumns) WHERE p.series_id = \(seriesID)").first.map(Self.pull)
    }

    /// The pulls of a source, those failing first, then by series; at most `limit` (the source's `pullCount` says how many).
    public func pulls(sourceID: Int64, limit: Int = 500) async throws -> [SeriesPull] {
        try await self.database.query(
            "\(unescaped: Self.pullColumns) WHERE p.source_id = \(sourceID) ORDER BY p.failures = 0, p.series_id LIMIT \(min(max(limit, 1), 2000))"
        ).map(Self.pull)
    }

    /// Sets what a series pulls (in the caller's transaction). A new pull, or one whose source, queries or step
    /// changed, starts again from `pullFrom` (steps already stored are kept; the overlap check refuses none of them
    /// twice, since the watermark only moves past what was stored).
    public func setPull(seriesID: Int64, objectiveID: Int64, _ draft: SeriesPullDraft, pullFrom: Date, at now: Date) async throws -> SeriesPull {
        guard let sourceID = draft.sourceID, let step = draft.stepSeconds else { throw ValidationErrors([FieldError("source_id", "Incomplete pull.")]) }
        guard try await !self.database.query("SELECT 1 FROM data_sources WHERE id = \(sourceID)").isEmpty else {
            throw ValidationErrors([FieldError("source_id", "Choose an existing data source.")])
        }
        let good = draft.goodQuery.trimmed
        let valid = draft.validQuery.trimmed
        try await self.database.query(
            """
            INSERT INTO series_pulls (series_id, objective_id, source_id, good_query, valid_query, step_seconds, pull_from, watermark, next_attempt_at,
                created_at)
            VALUES (\(seriesID), \(objectiveID), \(sourceID), \(good), \(valid), \(step), \(pullFrom), \(pullFrom), \(now), \(now))
            ON CONFLICT (series_id) DO UPDATE SET objective_id = EXCLUDED.objective_id, source_id = EXCLUDED.source_id,
                good_query = EXCLUDED.good_query, valid_query = EXCLUDED.valid_query, step_seconds = EXCLUDED.step_seconds,
                pull_from = EXCLUDED.pull_from,
                watermark = CASE WHEN series_pulls.source_id = EXCLUDED.source_id AND series_pulls.step_seconds = EXCLUDED.step_seconds
                                  AND series_pulls.pull_from = EXCLUDED.pull_from
                             THEN series_pulls.watermark ELSE EXCLUDED.pull_from END,
                next_attempt_at = \(now), failures = 0, last_error = '', updated_at = \(now), row_version = series_pulls.row_version + 1
            """)
        guard let pull = try await self.pull(seriesID: seriesID) else { throw NotFound("pull") }
        return pull
    }

    /// Stops a series pulling; returns the pull it had.
    public func removePull(seriesID: Int64) async throws -> SeriesPull? {
        let before = try await self.pull(seriesID: seriesID)
        try await self.database.query("DELETE FROM series_pulls WHERE series_id = \(seriesID)")
        return before
    }

    /// A pull claimed for one run, with what its request needs.
    public struct ClaimedPull: Sendable {
        public var pull: SeriesPull
        public var source: DataSourceConnection
    }

    /// Claims the pull due soonest that has a settled step to pull (others' leases are skipped) and leases it for
    /// `lease` seconds; nil when none is due.
    public func claimDue(now: Date, settle: TimeInterval, lease: TimeInterval) async throws -> ClaimedPull? {
        try await self.database.transaction { connection -> ClaimedPull? in
            let bound = self.database.bound(to: connection)
            guard
                let series = try await bound.query(
                    """
                    SELECT series_id FROM series_pulls
                    WHERE next_attempt_at <= \(now) AND (lease_until IS NULL OR lease_until < \(now))
                      AND watermark + make_interval(secs => step_seconds) <= \(now.addingTimeInterval(-settle))
                    ORDER BY next_attempt_at, series_id LIMIT 1 FOR UPDATE SKIP LOCKED
                    """
                ).first?.decode(Int64.self)
            else { return nil }
            try await bound.query("UPDATE series_pulls SET lease_until = \(now.addingTimeInterval(lease)) WHERE series_id = \(series)")
            guard let pull = try await DataSourceRepository(database: bound).pull(seriesID: series),
                let row = try await bound.query(
                    """
                    SELECT id, name, base_url, auth_kind, bearer_token, basic_user, basic_password, verify_tls, timeout_seconds, stale_minutes
                    FROM data_sources WHERE id = \(pull.sourceID)
                    """
                ).first
            else { return nil }
            let v = try row.decode((Int64, String, String, String, String, String, String, Bool, Int, Int).self)
            return ClaimedPull(
                pull: pull,
                source: DataSourceConnection(
                    id: v.0, name: v.1, baseURL: v.2, auth: DataSourceAuth(rawValue: v.3) ?? .none, bearerToken: v.4, basicUser: v.5, basicPassword: v.6,
                    verifyTLS: v.7, timeoutSeconds: v.8, staleMinutes: v.9))
        }
    }

    /// Moves the watermark from `from` to `to` in the caller's transaction (the one storing what was pulled); refused
    /// when another runner moved it first, so the caller's transaction rolls back and nothing is stored twice.
    public func advance(seriesID: Int64, from: Date, to: Date, at now: Date) async throws {
        let moved = try await self.database.query(
            """
            UPDATE series_pulls SET watermark = \(to), last_success_at = \(now), last_attempt_at = \(now), failures = 0, last_error = '',
                stale_notified = false, next_attempt_at = \(now)
            WHERE series_id = \(seriesID) AND watermark = \(from)
            RETURNING series_id
            """)
        guard !moved.isEmpty else { throw RuleViolation("Another runner pulled these steps first.") }
    }

    /// The buckets of `source` already stored for the series in `span` (by start), so that steps pulled again (after
    /// the pull was pointed back) are left as they were rather than refused as overlapping.
    public func storedStarts(seriesID: Int64, source: String, span: DateInterval) async throws -> Set<Date> {
        Set(
            try await self.database.query(
                """
                SELECT bucket_start FROM measurements
                WHERE series_id = \(seriesID) AND source = \(source) AND bucket_start >= \(span.start) AND bucket_start < \(span.end)
                """
            ).map { try $0.decode(Date.self) })
    }

    /// Ends a run: the lease is given back.
    public func release(seriesID: Int64) async throws {
        try await self.database.query("UPDATE series_pulls SET lease_until = NULL WHERE series_id = \(seriesID)")
    }

    /// Records a failed pull: nothing was stored; the next attempt waits `retryAfter`.
    public func recordFailure(seriesID: Int64, message: String, at now: Date, retryAfter: TimeInterval) async throws {
        try await self.database.query(
            """
            UPDATE series_pulls SET failures = failures + 1, last_error = \(String(message.prefix(1000))), last_attempt_at = \(now),
                next_attempt_at = \(now.addingTimeInterval(retryAfter)), lease_until = NULL
            WHERE series_id = \(seriesID)
            """)
    }

    /// Pulls that have had no success for longer than their source's stale threshold and whose RACI have not been told
    /// yet; marks them told (in the caller's transaction, which announces them).
    public func claimStale(now: Date) async throws -> [(pull: SeriesPull, agreementID: Int64, objective: String, staleMinutes: Int)] {
        let rows = try await self.database.query(
            """
            UPDATE series_pulls p SET stale_notified = true
            FROM data_sources s
            WHERE s.id = p.source_id AND NOT p.stale_notified
              AND coalesce(p.last_success_at, p.created_at) < \(now) - make_interval(mins => s.stale_minutes)
              AND p.failures > 0
            RETURNING p.series_id
            """)
        var stale: [(pull: SeriesPull, agreementID: Int64, objective: String, staleMinutes: Int)] = []
        for row in rows {
            let series = try row.decode(Int64.self)
            guard let pull = try await self.pull(seriesID: series),
                let (agreement, objective, minutes) = try await self.database.query(
                    """
                    SELECT av.agreement_id, o.name, s.stale_minutes FROM objectives o JOIN agreement_versions av ON av.id = o.version_id
                    JOIN data_sources s ON s.id = \(pull.sourceID) WHERE o.id = \(pull.objectiveID)
                    """
                ).first?.decode((Int64, String, Int).self)
            else { continue }
            stale.append((pull, agreement, objective, minutes))
        }
        return stale
    }
}

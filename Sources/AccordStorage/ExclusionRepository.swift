import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Exclusions of an objective series. Creating or revoking one recomputes what it touches: ticket timers at once,
/// closed periods through a recompute request the scheduler (or the request itself) carries out.
public struct ExclusionRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let select = """
        SELECT x.id, x.series_id, x.objective_id, x.kind, x.reason, x.starts_at, x.ends_at, x.status, u.name AS created_by,
               x.created_at, x.revoked_at, x.revoke_reason, x.row_version
        FROM exclusions x LEFT JOIN users u ON u.id = x.created_by
        """

    static func exclusion(_ row: PostgresRow) throws -> Exclusion {
        let cells = row.makeRandomAccess()
        return Exclusion(
            id: try cells.value("id"), seriesID: try cells.value("series_id"), objectiveID: try cells.value("objective_id"),
            kind: ExclusionKind(rawValue: try cells.value("kind")) ?? .plannedMaintenance, reason: try cells.value("reason"),
            startsAt: try cells.value("starts_at"), endsAt: try cells.value("ends_at"),
            status: ExclusionStatus(rawValue: try cells.value("status")) ?? .approved, createdBy: try cells.value("created_by"),
            createdAt: try cells.value("created_at"), revokedAt: try cells.value("revoked_at"), revokeReason: try cells.value("revoke_reason"),
            rowVersion: try cells.value("row_version"))
    }

    /// Every exclusion of the objective's series, newest first; the objective is looked up through the scope.
    public func list(objectiveID: Int64, scope: AccessScope) async throws -> [Exclusion] {
        let (objective, _) = try await ObjectiveRepository(database: self.database).find(id: objectiveID, scope: scope)
        return try await self.list(of: objective, scope: scope)
    }

    /// The exclusions of the series of an objective the caller has already found through `scope`.
    public func list(of objective: Objective, scope: AccessScope) async throws -> [Exclusion] {
        try await self.database.query(
            "\(unescaped: Self.select) WHERE x.series_id = \(objective.seriesID) ORDER BY x.starts_at DESC, x.id DESC"
        )
        .map(Self.exclusion)
    }

    public func find(id: Int64, objectiveID: Int64, scope: AccessScope) async throws -> Exclusion {
        let (objective, _) = try await ObjectiveRepository(database: self.database).find(id: objectiveID, scope: scope)
        guard let row = try await self.database.query("\(unescaped: Self.select) WHERE x.id = \(id) AND x.series_id = \(objective.seriesID)").first
        else { throw NotFound("exclusion") }
        return try Self.exclusion(row)
    }

    /// The approved exclusions of a series overlapping `[from, to)`, as spans.
    static func approvedSpansQuery(seriesID: Int64, from: Date, to: Date) -> PostgresQuery {
        """
        SELECT starts_at, ends_at FROM exclusions
        WHERE series_id = \(seriesID) AND status = 'approved' AND starts_at < \(to) AND ends_at > \(from)
        """
    }

    static func spans(_ rows: [PostgresRow]) throws -> TimeSpans {
        TimeSpans(
            try rows.map { row in
                let (start, end) = try row.decode((Date, Date).self); return DateInterval(start: start, end: end)
            })
    }

    /// The approved exclusions of a series overlapping `[from, to)`, as spans, read inside a transaction.
    static func approvedSpans(seriesID: Int64, from: Date, to: Date, on connection: PostgresConnection, logger: Logger) async throws -> TimeSpans {
        try Self.spans(try await connection.rows(Self.approvedSpansQuery(seriesID: seriesID, from: from, to: to), logger: logger))
    }

    public func approvedSpans(seriesID: Int64, from: Date, to: Date) async throws -> TimeSpans {
        try Self.spans(try await self.database.query(Self.approvedSpansQuery(seriesID: seriesID, from: from, to: to)))
    }

    /// Excludes a window from an objective the scope reaches (its kind one the objective allows), in the caller's
    /// transaction when bound to one: the ticket timers it covers are recomputed and the closed periods it touches
    /// asked to be. The audit line is the caller's (`ApplyExclusion`).
    public func create(objectiveID: Int64, _ draft: ExclusionDraft, scope: AccessScope, actor: AuditActor) async throws -> Exclusion {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let (objective, _) = try await ObjectiveRepository.lock(id: objectiveID, scope: scope, on: connection, logger: logger)
            return try await Self.insert(draft, objective: objective, actor: actor, on: connection, logger: logger)
        }
    }

    /// Inserts an exclusion of an objective already locked in the transaction and recomputes what it touches.
    static func insert(
        _ draft: ExclusionDraft, objective: Objective, actor: AuditActor, on connection: PostgresConnection, logger: Logger
    ) async throws -> Exclusion {
        try draft.validate(allowedKinds: objective.exclusionKinds).throwIfAny()
        guard let kind = draft.kind, let start = draft.startsAt, let end = draft.endsAt else { throw ValidationErrors([FieldError("kind", "Incomplete.")]) }
        try await MeasurementRepository.refuseSummarised(window: DateInterval(start: start, end: max(start, end)), on: connection, logger: logger)
        let id = try await connection.rows(
            """
            INSERT INTO exclusions (series_id, objective_id, kind, reason, starts_at, ends_at, created_by)
            VALUES (\(objective.seriesID), \(objective.id), \(kind.rawValue), \(draft.reason.trimmed), \(start), \(end), \(actor.userID))
            RETURNING id
            """, logger: logger
        ).first!.decode(Int64.self)
        let created = try Self.exclusion(try await connection.rows("\(unescaped: Self.select) WHERE x.id = \(id)", logger: logger).first!)
        try await Self.applyChange(of: created, objective: objective, on: connection, logger: logger)
        return created
    }

    /// Withdraws an approved exclusion; the covered time counts again from the next computation. Returns it before and
    /// after; the audit line is the caller's (`RevokeExclusion`).
    public func revoke(id: Int64, objectiveID: Int64, reason: String, scope: AccessScope, actor: AuditActor) async throws
        -> (before: Exclusion, after: Exclusion)
    {
        let logger = self.database.logger
        let reason = reason.trimmed
        guard !reason.isEmpty, reason.count <= 2000 else {
            throw ValidationErrors([FieldError("reason", "Say why the exclusion is revoked (at most 2000 characters).")])
        }
        return try await self.database.transaction { connection in
            let (objective, _) = try await ObjectiveRepository.lock(id: objectiveID, scope: scope, on: connection, logger: logger)
            guard
                let row = try await connection.rows(
                    "\(unescaped: Self.select) WHERE x.id = \(id) AND x.series_id = \(objective.seriesID) FOR UPDATE OF x", logger: logger
                ).first
            else { throw NotFound("exclusion") }
            let before = try Self.exclusion(row)
            guard before.status == .approved else { throw RuleViolation("This exclusion was already revoked.") }
            try await connection.rows(
                """
                UPDATE exclusions SET status = 'revoked', revoked_by = \(actor.userID), revoked_at = now(), revoke_reason = \(reason),
                    row_version = row_version + 1
                WHERE id = \(id)
                """, logger: logger)
            let after = try Self.exclusion(try await connection.rows("\(unescaped: Self.select) WHERE x.id = \(id)", logger: logger).first!)
            try await Self.applyChange(of: after, objective: objective, on: connection, logger: logger)
            return (before, after)
        }
    }

    /// Recomputes ticket timers the exclusion covers and asks for closed periods it touches to be recomputed.
    static func applyChange(of exclusion: Exclusion, objective: Objective, on connection: PostgresConnection, logger: Logger) async throws {
        if objective.sliKind.isTicketBased {
            try await TicketRepository.recomputeOutcomes(
                objective: objective, touching: exclusion.span, on: connection, logger: logger)
        }
        // A ticket outcome can become known long after the exclusion ends (business hours, weekends): for ticket SLIs every
        // closed period from the start on is looked at again; only those whose figures change get a new revision.
        let end = objective.sliKind.isTicketBased ? Date.distantFuture : exclusion.endsAt
        try await PeriodRecordRepository.requestRecompute(
            seriesID: exclusion.seriesID, span: DateInterval(start: exclusion.startsAt, end: end),
            reason: "exclusion", on: connection, logger: logger)
        try await PeriodRecordRepository.touch(seriesID: exclusion.seriesID, on: connection, logger: logger)
    }
}

import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Disputes of a closed period's figure or its credit, filed within the agreement's dispute window and decided by a
/// contract manager. An upheld dispute records its remedies, each made through the flow that owns it.
public struct DisputeRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = """
        SELECT d.id, d.agreement_id, a.title AS agreement_title, d.vendor_id, v.name AS vendor_name, d.objective_id, o.name AS objective_name, d.series_id,
               d.period_start, d.period_end, d.subject, d.credit_id, d.statement, d.evidence, d.status, fu.name AS filed_by,
               coalesce(fu.role <> 'vendor', false) AS filed_by_customer, d.filed_at, du.name AS decided_by, d.decided_at, d.decision_reason,
               a.time_zone, d.row_version,
               coalesce((SELECT json_agg(json_build_object('id', r.id, 'kind', r.kind, 'exclusion_id', r.exclusion_id, 'batch_id', r.batch_id,
                                                           'credit_id', r.credit_id, 'note', r.note, 'recorded_by', ru.name,
                                                           'recorded_at', to_char(r.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
                                         ORDER BY r.recorded_at, r.id)
                         FROM dispute_remedies r LEFT JOIN users ru ON ru.id = r.recorded_by WHERE r.dispute_id = d.id)::text, '[]') AS remedies
        """

    static let tables = """
        FROM disputes d JOIN agreements a ON a.id = d.agreement_id JOIN vendors v ON v.id = d.vendor_id
        JOIN objectives o ON o.id = d.objective_id
        LEFT JOIN users fu ON fu.id = d.filed_by LEFT JOIN users du ON du.id = d.decided_by
        """

    static let select = Self.columns + "\n" + Self.tables

    private struct RemedyCell: Decodable {
        var id: Int64
        var kind: String
        var exclusion_id: Int64?
        var batch_id: Int64?
        var credit_id: Int64?
        var note: String
        var recorded_by: String?
        var recorded_at: String
    }

    static func dispute(_ row: PostgresRow) throws -> Dispute {
        let cells = row.makeRandomAccess()
        let remedies = try JSONDecoder().decode([RemedyCell].self, from: Data(try cells.value("remedies", as: String.self).utf8))
        return Dispute(
            id: try cells.value("id"), agreementID: try cells.value("agreement_id"), agreementTitle: try cells.value("agreement_title"),
            vendorID: try cells.value("vendor_id"), vendorName: try cells.value("vendor_name"), objectiveID: try cells.value("objective_id"),
            objectiveName: try cells.value("objective_name"), seriesID: try cells.value("series_id"), periodStart: try cells.value("period_start"), periodEnd: try cells.value("period_end"),
            subject: DisputeSubject(rawValue: try cells.value("subject")) ?? .period, creditID: try cells.value("credit_id"),
            statement: try cells.value("statement"), evidence: try cells.value("evidence"),
            status: DisputeStatus(rawValue: try cells.value("status")) ?? .open, filedBy: try cells.value("filed_by"),
            filedByCustomer: try cells.value("filed_by_customer"), filedAt: try cells.value("filed_at"), decidedBy: try cells.value("decided_by"),
            decidedAt: try cells.value("decided_at"), decisionReason: try cells.value("decision_reason"),
            remedies: remedies.compactMap { cell in
                guard let kind = RemedyKind(rawValue: cell.kind) else { return nil }
                return DisputeRemedy(
                    id: cell.id, kind: kind, exclusionID: cell.exclusion_id, batchID: cell.batch_id, creditID: cell.credit_id, note: cell.note,
                    recordedBy: cell.recorded_by, recordedAt: RFC3339.parse(cell.recorded_at) ?? Bounds.earliest)
            },
            timeZone: try cells.value("time_zone"), rowVersion: try cells.value("row_version"))
    }


    /// Disputes the filter matches, open first, then newest.
    public func list(_ filter: DisputeFilter, page: PageRequest, scope: AccessScope) async throws -> PageOf<Dispute> {
        let rows = try await self.database.query(
            """
            \(unescaped: Self.columns), count(*) OVER () AS total \(unescaped: Self.tables)
            WHERE \(visibleTo: scope, vendor: "d.vendor_id")
              AND (\(filter.vendorID)::int8 IS NULL OR d.vendor_id = \(filter.vendorID))
              AND (\(filter.creditID)::int8 IS NULL OR d.credit_id = \(filter.creditID))
              AND (\(filter.status?.rawValue)::text IS NULL OR d.status = \(filter.status?.rawValue))
            ORDER BY d.status = 'open' DESC, d.filed_at DESC, d.id DESC LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        return PageOf(items: try rows.map(Self.dispute), total: total, request: page)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Dispute {
        guard
            let row = try await self.database.query(
                "\(unescaped: Self.select) WHERE d.id = \(id) AND \(visibleTo: scope, vendor: "d.vendor_id")"
            ).first
        else { throw NotFound("dispute") }
        return try Self.dispute(row)
    }

    public func history(id: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        _ = try await self.find(id: id, scope: scope)
        return try await GovernanceHistoryRepository.list(.dispute, id: id, on: self.database)
    }

    /// Files a dispute of a closed period of an objective the caller sees, within the agreement's dispute window.
    public func file(_ draft: DisputeDraft, scope: AccessScope, actor: AuditActor, now: Date) async throws -> Dispute {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            guard let objectiveID = draft.objectiveID else {
                try DisputeRules.check(draft, periodEnd: nil, hasCredit: false, creditStatus: nil, terms: .standard, zone: .gmt, now: now).throwIfAny()
                throw RuleViolation("Choose the objective.")
            }
            let (objective, placement) = try await ObjectiveRepository.lock(id: objectiveID, scope: scope, on: connection, logger: logger)
            let agreement = try await AgreementRepository.lock(id: placement.agreementID, scope: scope, on: connection, logger: logger)
            guard agreement.kind == .vendor, let vendorID = agreement.vendorID else {
                throw RuleViolation("Disputes are filed under a vendor SLA, not a master SLA.")
            }
            let terms = try await GovernanceTermsRepository.find(agreementID: agreement.id, on: connection, logger: logger)
            let period: (Date, Date)? = try await draft.periodStart.asyncFlatMap { start in
                try await connection.rows(
                    """
                    SELECT period_start, period_end FROM period_results WHERE series_id = \(objective.seriesID) AND period_start = \(start)
                    ORDER BY revision DESC LIMIT 1
                    """, logger: logger
                ).first?.decode((Date, Date).self)
            }
            let credit: (Int64, String)? = try await period.asyncFlatMap { period in
                try await connection.rows(
                    "SELECT id, status FROM credits WHERE series_id = \(objective.seriesID) AND period_start = \(period.0) FOR UPDATE",
                    logger: logger
                ).first?.decode((Int64, String).self)
            }
            try DisputeRules.check(
                draft, periodEnd: period?.1, hasCredit: credit != nil, creditStatus: credit.flatMap { CreditStatus(rawValue: $0.1) }, terms: terms,
                zone: TimeZone(identifier: agreement.timeZone) ?? .gmt, now: now
            ).throwIfAny()
            guard let (start, end) = period, let subject = draft.subject else { throw RuleViolation("Incomplete dispute.") }
            let open = try await connection.rows(
                """
                SELECT id FROM disputes WHERE series_id = \(objective.seriesID) AND period_start = \(start) AND subject = \(subject.rawValue)
                  AND status = 'open'
                """, logger: logger
            ).first?.decode(Int64.self)
            if let open { throw RuleViolation("Dispute \(open) of this period's \(subject.rawValue == "credit" ? "credit" : "figure") is still open.") }
            let id = try await connection.rows(
                """
                INSERT INTO disputes (agreement_id, vendor_id, objective_id, series_id, period_start, period_end, subject, credit_id, statement,
                                      evidence, filed_by, filed_at)
                VALUES (\(agreement.id), \(vendorID), \(objective.id), \(objective.seriesID), \(start), \(end), \(subject.rawValue),
                        \(subject == .credit ? credit?.0 : nil), \(draft.statement.trimmed), \(draft.evidence.trimmed), \(actor.userID), \(now))
                RETURNING id
                """, logger: logger
            ).first!.decode(Int64.self)
            // the history line, audit and announcement are the caller's (`Dispute.filed`)
            guard let row = try await connection.rows("\(unescaped: Self.select) WHERE d.id = \(id)", logger: logger).first else {
                throw NotFound("dispute")
            }
            return try Self.dispute(row)
        }
    }

    static func lock(id: Int64, scope: AccessScope, on connection: PostgresConnection, logger: Logger) async throws -> Dispute {
        guard
            let row = try await connection.rows(
                "\(unescaped: Self.select) WHERE d.id = \(id) AND \(visibleTo: scope, vendor: "d.vendor_id") FOR UPDATE OF d",
                logger: logger
            ).first
        else { throw NotFound("dispute") }
        return try Self.dispute(row)
    }

    /// The dispute, locked for a decision in the caller's transaction.
    public func lock(id: Int64, scope: AccessScope) async throws -> Dispute {
        let logger = self.database.logger
        return try await self.database.transaction { connection in try await Self.lock(id: id, scope: scope, on: connection, logger: logger) }
    }

    /// Writes a decision on a dispute locked in the caller's transaction and reads the dispute back.
    public func record(_ decision: Decision<DisputeStatus>, id: Int64, actor: AuditActor, now: Date) async throws -> Dispute {
        try await DecisionRows.record(decision, table: "disputes", id: id, actor: actor, now: now, on: self.database)
        guard let row = try await self.database.query("\(unescaped: Self.select) WHERE d.id = \(id)").first else { throw NotFound("dispute") }
        return try Self.dispute(row)
    }

    /// Links a remedy to the dispute (locked by the caller): the exclusion or batch named must be of the disputed
    /// objective, a waived credit must be the disputed period's; returns the dispute with its remedies.
    public func linkRemedy(_ kind: RemedyKind, linkedID: Int64?, note: String, to dispute: Dispute, actor: AuditActor, now: Date) async throws -> Dispute {
        if note.count > ClaimRules.statementLength { throw ValidationErrors([FieldError("note", "At most 4000 characters.")]) }
        let series = dispute.seriesID
        var exclusionID: Int64?
        var batchID: Int64?
        var creditID: Int64?
        switch kind {
        case .exclusion:
            guard let linkedID, try await !self.database.query("SELECT 1 FROM exclusions WHERE id = \(linkedID) AND series_id = \(series)").isEmpty
            else { throw ValidationErrors([FieldError("exclusion_id", "Name an exclusion of the disputed objective.")]) }
            exclusionID = linkedID
        case .correctedData:
            guard let linkedID,
                try await !self.database.query("SELECT 1 FROM measurement_batches WHERE id = \(linkedID) AND series_id = \(series)").isEmpty
            else { throw ValidationErrors([FieldError("batch_id", "Name a batch of data sent for the disputed objective.")]) }
            batchID = linkedID
        case .waivedCredit:
            guard
                let credit = try await self.database.query(
                    "SELECT id, status FROM credits WHERE series_id = \(series) AND period_start = \(dispute.periodStart)"
                ).first?.decode((Int64, String).self), credit.1 == CreditStatus.waived.rawValue
            else { throw RuleViolation("Waive the disputed period's credit first; then it is linked here.") }
            creditID = credit.0
        }
        try await self.database.query(
            """
            INSERT INTO dispute_remedies (dispute_id, kind, exclusion_id, batch_id, credit_id, note, recorded_by, recorded_at)
            VALUES (\(dispute.id), \(kind.rawValue), \(exclusionID), \(batchID), \(creditID), \(note.trimmed), \(actor.userID), \(now))
            """)
        guard let row = try await self.database.query("\(unescaped: Self.select) WHERE d.id = \(dispute.id)").first else { throw NotFound("dispute") }
        return try Self.dispute(row)
    }

    /// The open dispute of a series' period, if one is open.
    public func openDispute(creditSeries series: Int64, periodStart: Date) async throws -> Int64? {
        try await self.database.query(
            "SELECT id FROM disputes WHERE series_id = \(series) AND period_start = \(periodStart) AND status = 'open' ORDER BY id LIMIT 1"
        ).first?.decode(Int64.self)
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

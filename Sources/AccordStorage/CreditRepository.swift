import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// The credit ledger: one credit per period of a series, computed at close, then moved along by contract managers.
/// A recomputed period updates a credit still `computed`; one already approved, issued or waived is left as agreed and
/// the difference is written to the audit trail for the next review.
public struct CreditRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = """
        SELECT c.id, c.series_id, c.objective_id, o.name AS objective_name, c.agreement_id, a.title AS agreement_title, c.vendor_id,
               v.name AS vendor_name, c.period_start, c.period_end, c.revision, c.attainment::text AS attainment,
               c.tier_percent::text AS tier_percent, c.tier_threshold::text AS tier_threshold, c.percent::text AS percent, c.on_probation, c.period_fee::text AS period_fee,
               c.currency, c.amount::text AS amount, c.status, c.invoice_reference, c.waive_reason, c.row_version, c.created_at, c.updated_at,
               a.time_zone AS time_zone
        """

    static let tables = """
        FROM credits c JOIN objectives o ON o.id = c.objective_id JOIN agreements a ON a.id = c.agreement_id
        LEFT JOIN vendors v ON v.id = c.vendor_id
        """

    static let select = Self.columns + "\n" + Self.tables

    static func credit(_ row: PostgresRow) throws -> Credit {
        let cells = row.makeRandomAccess()
        func number(_ column: String) throws -> Decimal { Decimal(string: try cells.value(column, as: String.self)) ?? 0 }
        return Credit(
            id: try cells.value("id"), seriesID: try cells.value("series_id"), objectiveID: try cells.value("objective_id"),
            objectiveName: try cells.value("objective_name"), agreementID: try cells.value("agreement_id"),
            agreementTitle: try cells.value("agreement_title"), vendorID: try cells.value("vendor_id"), vendorName: try cells.value("vendor_name"),
            periodStart: try cells.value("period_start"), periodEnd: try cells.value("period_end"), revision: try cells.value("revision"),
            attainment: try number("attainment"), tierPercent: try number("tier_percent"),
            tierThreshold: try cells.value("tier_threshold", as: String?.self).flatMap { Decimal(string: $0) }, percent: try number("percent"),
            onProbation: try cells.value("on_probation"), periodFee: try number("period_fee"), currency: try cells.value("currency"),
            amount: try number("amount"), status: CreditStatus(rawValue: try cells.value("status")) ?? .computed,
            invoiceReference: try cells.value("invoice_reference"), waiveReason: try cells.value("waive_reason"),
            rowVersion: try cells.value("row_version"), createdAt: try cells.value("created_at"), updatedAt: try cells.value("updated_at"),
            timeZone: try cells.value("time_zone"))
    }

    public struct Filter: Sendable, Equatable {
        public var vendorID: Int64?
        public var seriesID: Int64?
        public var status: CreditStatus?
        public var from: Date?
        public var to: Date?

        public init(vendorID: Int64? = nil, seriesID: Int64? = nil, status: CreditStatus? = nil, from: Date? = nil, to: Date? = nil) {
            self.vendorID = vendorID
            self.seriesID = seriesID
            self.status = status
            self.from = from
            self.to = to
        }
    }

    public func list(filter: Filter, page: PageRequest, scope: AccessScope) async throws -> PageOf<Credit> {
        let rows = try await self.rows(filter: filter, page: page, scope: scope)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        return PageOf(items: try rows.map(Self.credit), total: total, request: page)
    }

    /// Every credit the filter matches, for the CSV export (no paging).
    public func all(filter: Filter, scope: AccessScope) async throws -> [Credit] {
        try await self.rows(filter: filter, page: nil, scope: scope).map(Self.credit)
    }

    /// The credits a filter matches, newest period first, with the total before paging; every one without `page`.
    func rows(filter: Filter, page: PageRequest?, scope: AccessScope) async throws -> [PostgresRow] {
        try await self.database.query(
            """
            \(unescaped: Self.columns), count(*) OVER () AS total \(unescaped: Self.tables)
            WHERE (\(scope.vendorID)::int8 IS NULL OR c.vendor_id = \(scope.vendorID))
              AND (\(filter.vendorID)::int8 IS NULL OR c.vendor_id = \(filter.vendorID))
              AND (\(filter.seriesID)::int8 IS NULL OR c.series_id = \(filter.seriesID))
              AND (\(filter.status?.rawValue)::text IS NULL OR c.status = \(filter.status?.rawValue))
              AND (\(filter.from)::timestamptz IS NULL OR c.period_start >= \(filter.from))
              AND (\(filter.to)::timestamptz IS NULL OR c.period_start < \(filter.to))
            ORDER BY c.period_start DESC, c.id DESC LIMIT \(page?.size)::int8 OFFSET \(page?.offset ?? 0)
            """)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Credit {
        guard
            let row = try await self.database.query(
                "\(unescaped: Self.select) WHERE c.id = \(id) AND (\(scope.vendorID)::int8 IS NULL OR c.vendor_id = \(scope.vendorID))"
            ).first
        else { throw NotFound("credit") }
        return try Self.credit(row)
    }

    /// Moves a credit along (approve, issue, waive), checking the row version the person saw.
    public func perform(_ action: CreditAction, id: Int64, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws -> Credit {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            guard
                let row = try await connection.rows(
                    "\(unescaped: Self.select) WHERE c.id = \(id) AND (\(scope.vendorID)::int8 IS NULL OR c.vendor_id = \(scope.vendorID)) FOR UPDATE OF c",
                    logger: logger
                ).first
            else { throw NotFound("credit") }
            let before = try Self.credit(row)
            guard before.rowVersion == expectedRowVersion else {
                throw EditConflict(entity: "credit", changedBy: "another user", changedAt: before.updatedAt, currentRowVersion: before.rowVersion)
            }
            let status = try action.apply(to: before.status)
            if case .issue = action,
                let dispute = try await DisputeRepository.openDispute(
                    creditSeries: before.seriesID, periodStart: before.periodStart, on: connection, logger: logger)
            {
                throw RuleViolation("Dispute \(dispute) of this period is open: the credit is issued once it is decided.")
            }
            var invoice: String? = nil
            var reason: String? = nil
            if case .issue(let reference) = action { invoice = reference.trimmed }
            if case .waive(let text) = action { reason = text.trimmed }
            try await connection.rows(
                """
                UPDATE credits SET status = \(status.rawValue), invoice_reference = coalesce(\(invoice), invoice_reference),
                    waive_reason = coalesce(\(reason), waive_reason), row_version = row_version + 1, updated_at = now()
                WHERE id = \(id)
                """, logger: logger)
            let after = try Self.credit(try await connection.rows("\(unescaped: Self.select) WHERE c.id = \(id)", logger: logger).first!)
            try await AuditRepository.record(
                on: connection, logger: logger, actor: actor, action: action.name, entity: "credit", entityID: id, before: before, after: after)
            return after
        }
    }

    /// Records, updates or withdraws the computed credit of a recorded period revision; returns the id of a credit it
    /// created.
    @discardableResult
    static func apply(
        _ figures: CreditFigures?, for record: PeriodRecord, actor: AuditActor, on connection: PostgresConnection, logger: Logger
    )
        async throws -> Int64?
    {
        let existing = try await connection.rows(
            "\(unescaped: Self.select) WHERE c.series_id = \(record.seriesID) AND c.period_start = \(record.periodStart) FOR UPDATE OF c",
            logger: logger
        ).first.map(Self.credit)
        switch (existing, figures) {
        case (nil, nil):
            return nil
        case (nil, let figures?):
            let id = try await connection.rows(
                """
                INSERT INTO credits (series_id, objective_id, agreement_id, vendor_id, period_start, period_end, revision, attainment, tier_percent,
                    tier_threshold, percent, on_probation, period_fee, currency, amount)
                VALUES (\(record.seriesID), \(record.objectiveID), \(figures.agreementID), \(figures.vendorID), \(record.periodStart),
                    \(record.periodEnd), \(record.revision), \((figures.attainment ?? record.attainment ?? 0).description)::numeric, \(figures.tierPercent.description)::numeric,
                    \(figures.tierThreshold?.description)::numeric, \(figures.percent.description)::numeric, \(figures.onProbation), \(figures.periodFee.description)::numeric, \(figures.currency),
                    \(figures.amount.description)::numeric)
                ON CONFLICT (series_id, period_start) DO NOTHING
                RETURNING id
                """, logger: logger
            ).first?.decode(Int64.self)
            if let id, record.revision > 1 {
                try await AuditRepository.record(
                    on: connection, logger: logger, actor: actor, action: "create", entity: "credit", entityID: id, after: figures)
            }
            return id
        case (let credit?, _) where credit.status != .computed:
            try await AuditRepository.record(
                on: connection, logger: logger, actor: actor, action: "recompute_differs", entity: "credit", entityID: credit.id, before: credit,
                after: figures)
        case (let credit?, nil):
            try await connection.rows("DELETE FROM credits WHERE id = \(credit.id)", logger: logger)
            try await AuditRepository.record(
                on: connection, logger: logger, actor: actor, action: "withdraw", entity: "credit", entityID: credit.id, before: credit)
        case (let credit?, let figures?):
            try await connection.rows(
                """
                UPDATE credits SET revision = \(record.revision), attainment = \((figures.attainment ?? record.attainment ?? 0).description)::numeric,
                    tier_percent = \(figures.tierPercent.description)::numeric, tier_threshold = \(figures.tierThreshold?.description)::numeric,
                    percent = \(figures.percent.description)::numeric,
                    on_probation = \(figures.onProbation), period_fee = \(figures.periodFee.description)::numeric, amount = \(figures.amount.description)::numeric,
                    row_version = row_version + 1, updated_at = now()
                WHERE id = \(credit.id)
                """, logger: logger)
            try await AuditRepository.record(
                on: connection, logger: logger, actor: actor, action: "recompute", entity: "credit", entityID: credit.id, before: credit,
                after: figures)
        }
        return nil
    }
}

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


    public func list(filter: CreditFilter, page: PageRequest, scope: AccessScope) async throws -> PageOf<Credit> {
        let rows = try await self.rows(filter: filter, page: page, scope: scope)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        return PageOf(items: try rows.map(Self.credit), total: total, request: page)
    }

    /// Every credit the filter matches, for the CSV export (no paging).
    public func all(filter: CreditFilter, scope: AccessScope) async throws -> [Credit] {
        try await self.rows(filter: filter, page: nil, scope: scope).map(Self.credit)
    }

    /// The credits a filter matches, newest period first, with the total before paging; every one without `page`.
    func rows(filter: CreditFilter, page: PageRequest?, scope: AccessScope) async throws -> [PostgresRow] {
        try await self.database.query(
            """
            \(unescaped: Self.columns), count(*) OVER () AS total \(unescaped: Self.tables)
            WHERE \(visibleTo: scope, vendor: "c.vendor_id")
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
                "\(unescaped: Self.select) WHERE c.id = \(id) AND \(visibleTo: scope, vendor: "c.vendor_id")"
            ).first
        else { throw NotFound("credit") }
        return try Self.credit(row)
    }

    /// The credit, locked for a change, if `scope` sees it.
    public func lock(id: Int64, scope: AccessScope) async throws -> Credit {
        guard
            let row = try await self.database.query(
                "\(unescaped: Self.select) WHERE c.id = \(id) AND \(visibleTo: scope, vendor: "c.vendor_id") FOR UPDATE OF c"
            ).first
        else { throw NotFound("credit") }
        return try Self.credit(row)
    }

    /// Writes a step's status, invoice reference and waive reason on the credit; returns the credit as written.
    public func write(_ step: CreditStep, id: Int64) async throws -> Credit {
        try await self.database.query(
            """
            UPDATE credits SET status = \(step.status.rawValue), invoice_reference = coalesce(\(step.invoiceReference), invoice_reference),
                waive_reason = coalesce(\(step.waiveReason), waive_reason), row_version = row_version + 1, updated_at = now()
            WHERE id = \(id)
            """)
        guard let changed = try await self.database.query("\(unescaped: Self.select) WHERE c.id = \(id)").first else { throw NotFound("credit") }
        return try Self.credit(changed)
    }

    /// The credit's history, oldest first (the credit must be visible in `scope`).
    public func history(id: Int64, scope: AccessScope) async throws -> [CreditHistoryStep] {
        let credit = try await self.find(id: id, scope: scope)
        let steps = try await self.database.query(
            """
            SELECT at, action, after->>'status', actor_label, actor_id IS NOT NULL,
                   coalesce(after->>'invoiceReference', ''), coalesce(after->>'waiveReason', '')
            FROM audit_log WHERE entity = 'credit' AND entity_id = \(String(id)) ORDER BY at, id
            """
        ).map { row in
            let (at, action, status, label, byUser, invoice, reason) = try row.decode((Date, String, String?, String, Bool, String, String).self)
            let note: String? =
                switch action {
                case "issue": invoice.isEmpty ? nil : "invoice \(invoice)"
                case "waive": reason.isEmpty ? nil : reason
                default: nil
                }
            return CreditHistoryStep(at: at, action: action, status: status, by: byUser ? label : nil, byUser: byUser, note: note)
        }
        // a credit recorded at a period's first close is audited with the period's record, not on its own: its row says when
        if steps.first?.action == "create" { return steps }
        return [CreditHistoryStep(at: credit.createdAt, action: "create", status: CreditStatus.computed.rawValue, by: nil, byUser: false, note: nil)] + steps
    }


    public func summary(filter: CreditFilter, scope: AccessScope) async throws -> [CreditSummaryRow] {
        try await self.database.query(
            """
            SELECT c.vendor_id, v.name, to_char(c.period_start AT TIME ZONE a.time_zone, 'YYYY "Q"Q') AS quarter, c.currency, count(*)::int8,
                   coalesce(sum(c.amount) FILTER (WHERE c.status IN ('computed', 'approved')), 0)::text,
                   coalesce(sum(c.amount) FILTER (WHERE c.status = 'issued'), 0)::text,
                   coalesce(sum(c.amount) FILTER (WHERE c.status = 'waived'), 0)::text
            \(unescaped: Self.tables)
            WHERE \(visibleTo: scope, vendor: "c.vendor_id")
              AND (\(filter.vendorID)::int8 IS NULL OR c.vendor_id = \(filter.vendorID))
              AND (\(filter.seriesID)::int8 IS NULL OR c.series_id = \(filter.seriesID))
              AND (\(filter.status?.rawValue)::text IS NULL OR c.status = \(filter.status?.rawValue))
              AND (\(filter.from)::timestamptz IS NULL OR c.period_start >= \(filter.from))
              AND (\(filter.to)::timestamptz IS NULL OR c.period_start < \(filter.to))
            GROUP BY c.vendor_id, v.name, quarter, c.currency
            ORDER BY quarter DESC, v.name NULLS FIRST, c.currency
            """
        ).map { row in
            let (vendorID, vendorName, quarter, currency, count, owed, issued, waived) = try row.decode(
                (Int64?, String?, String, String, Int, String, String, String).self)
            return CreditSummaryRow(
                vendorId: vendorID, vendorName: vendorName, quarter: quarter, currency: currency, credits: count, owed: Decimal(string: owed) ?? 0,
                issued: Decimal(string: issued) ?? 0, waived: Decimal(string: waived) ?? 0)
        }
    }

    /// Records, updates or withdraws the computed credit of a recorded period revision (in the caller's transaction);
    /// says which it did.
    public func apply(_ figures: CreditFigures?, for record: PeriodRecord) async throws -> CreditRecomputation {
        let existing = try await self.database.query(
            "\(unescaped: Self.select) WHERE c.series_id = \(record.seriesID) AND c.period_start = \(record.periodStart) FOR UPDATE OF c"
        ).first.map(Self.credit)
        switch (existing, figures) {
        case (nil, nil):
            return .none
        case (nil, let figures?):
            let id = try await self.database.query(
                """
                INSERT INTO credits (series_id, objective_id, agreement_id, vendor_id, period_start, period_end, revision, attainment, tier_percent,
                    tier_threshold, percent, on_probation, period_fee, currency, amount)
                VALUES (\(record.seriesID), \(record.objectiveID), \(figures.agreementID), \(figures.vendorID), \(record.periodStart),
                    \(record.periodEnd), \(record.revision), \((figures.attainment ?? record.attainment ?? 0).description)::numeric, \(figures.tierPercent.description)::numeric,
                    \(figures.tierThreshold?.description)::numeric, \(figures.percent.description)::numeric, \(figures.onProbation), \(figures.periodFee.description)::numeric, \(figures.currency),
                    \(figures.amount.description)::numeric)
                ON CONFLICT (series_id, period_start) DO NOTHING
                RETURNING id
                """
            ).first?.decode(Int64.self)
            return id.map(CreditRecomputation.created) ?? .none
        case (let credit?, _) where credit.status != .computed:
            return .kept(credit)
        case (let credit?, nil):
            try await self.database.query("DELETE FROM credits WHERE id = \(credit.id)")
            return .withdrawn(credit)
        case (let credit?, let figures?):
            try await self.database.query(
                """
                UPDATE credits SET revision = \(record.revision), attainment = \((figures.attainment ?? record.attainment ?? 0).description)::numeric,
                    tier_percent = \(figures.tierPercent.description)::numeric, tier_threshold = \(figures.tierThreshold?.description)::numeric,
                    percent = \(figures.percent.description)::numeric,
                    on_probation = \(figures.onProbation), period_fee = \(figures.periodFee.description)::numeric, amount = \(figures.amount.description)::numeric,
                    row_version = row_version + 1, updated_at = now()
                WHERE id = \(credit.id)
                """)
            return .updated(credit)
        }
    }
}

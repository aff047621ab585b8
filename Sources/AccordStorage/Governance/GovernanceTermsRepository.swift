import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// The governance terms of each agreement; an agreement without its own row has the standard terms.
public struct GovernanceTermsRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let select = """
        SELECT notice_hours, dispute_window_days, rca_due_business_days, rca_on_sla_breach, rca_attainment_floor::text AS rca_attainment_floor,
               rca_repeat_within, deny_periods::text AS deny_periods, notice_period_days, auto_renews, adhoc_review_on_trigger,
               share_internal_figures, row_version
        FROM agreement_governance
        """

    static func terms(_ row: PostgresRow) throws -> GovernanceTerms {
        let cells = row.makeRandomAccess()
        return GovernanceTerms(
            noticeHours: try cells.value("notice_hours"), disputeWindowDays: try cells.value("dispute_window_days"),
            rcaDueBusinessDays: try cells.value("rca_due_business_days"), rcaOnSLABreach: try cells.value("rca_on_sla_breach"),
            rcaAttainmentFloor: try cells.value("rca_attainment_floor", as: String?.self).flatMap { Decimal(string: $0) },
            rcaRepeatWithin: try cells.value("rca_repeat_within"),
            denyPeriods: try JSONDecoder().decode([DenyPeriod].self, from: Data(try cells.value("deny_periods", as: String.self).utf8)),
            noticePeriodDays: try cells.value("notice_period_days"), autoRenews: try cells.value("auto_renews"),
            adhocReviewOnTrigger: try cells.value("adhoc_review_on_trigger"),
            shareInternalFigures: try cells.value("share_internal_figures"), rowVersion: try cells.value("row_version"))
    }

    /// The terms of an agreement the caller sees.
    public func find(agreementID: Int64, scope: AccessScope) async throws -> GovernanceTerms {
        _ = try await AgreementRepository(database: self.database).find(id: agreementID, scope: scope)
        return try await Self.find(agreementID: agreementID, on: self.database)
    }

    /// Which of `agreementIDs` share the customer's internal figures with their vendor.
    public func sharingInternalFigures(_ agreementIDs: [Int64]) async throws -> Set<Int64> {
        guard !agreementIDs.isEmpty else { return [] }
        return Set(
            try await self.database.query(
                "SELECT agreement_id FROM agreement_governance WHERE share_internal_figures AND agreement_id = ANY(\(agreementIDs))"
            ).map { try $0.decode(Int64.self) })
    }

    static func find(agreementID: Int64, on database: Database) async throws -> GovernanceTerms {
        try await database.query("\(unescaped: Self.select) WHERE agreement_id = \(agreementID)").first.map(Self.terms) ?? .standard
    }

    static func find(agreementID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> GovernanceTerms {
        try await connection.rows("\(unescaped: Self.select) WHERE agreement_id = \(agreementID)", logger: logger).first.map(Self.terms)
            ?? .standard
    }

    /// The agreement's terms, locked with the agreement for a change in the caller's transaction; a row version other
    /// than `expected` is a conflict.
    public func lock(agreementID: Int64, expected: Int, scope: AccessScope) async throws -> GovernanceTerms {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            _ = try await AgreementRepository.lock(id: agreementID, scope: scope, on: connection, logger: logger)
            let before = try await Self.find(agreementID: agreementID, on: connection, logger: logger)
            guard before.rowVersion == expected else {
                let changedAt = try await connection.rows(
                    "SELECT updated_at FROM agreement_governance WHERE agreement_id = \(agreementID)", logger: logger
                ).first?.decode(Date.self)
                throw EditConflict(
                    entity: "governance terms", changedBy: "another user", changedAt: changedAt ?? Bounds.earliest, currentRowVersion: before.rowVersion)
            }
            return before
        }
    }

    /// Writes terms locked in the caller's transaction and reads them back.
    public func write(agreementID: Int64, _ terms: GovernanceTerms, actor: AuditActor) async throws -> GovernanceTerms {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let deny = String(decoding: try JSONEncoder().encode(terms.denyPeriods), as: UTF8.self)
            try await connection.rows(
                """
                INSERT INTO agreement_governance (agreement_id, notice_hours, dispute_window_days, rca_due_business_days, rca_on_sla_breach,
                    rca_attainment_floor, rca_repeat_within, deny_periods, notice_period_days, auto_renews, adhoc_review_on_trigger, share_internal_figures, updated_by)
                VALUES (\(agreementID), \(terms.noticeHours), \(terms.disputeWindowDays), \(terms.rcaDueBusinessDays), \(terms.rcaOnSLABreach),
                    \(terms.rcaAttainmentFloor?.plain)::numeric, \(terms.rcaRepeatWithin), \(deny)::jsonb, \(terms.noticePeriodDays), \(terms.autoRenews), \(terms.adhocReviewOnTrigger), \(terms.shareInternalFigures), \(actor.userID))
                ON CONFLICT (agreement_id) DO UPDATE SET notice_hours = excluded.notice_hours,
                    dispute_window_days = excluded.dispute_window_days, rca_due_business_days = excluded.rca_due_business_days,
                    rca_on_sla_breach = excluded.rca_on_sla_breach, rca_attainment_floor = excluded.rca_attainment_floor,
                    rca_repeat_within = excluded.rca_repeat_within, deny_periods = excluded.deny_periods,
                    notice_period_days = excluded.notice_period_days, auto_renews = excluded.auto_renews,
                    adhoc_review_on_trigger = excluded.adhoc_review_on_trigger, share_internal_figures = excluded.share_internal_figures,
                    updated_by = excluded.updated_by, updated_at = now(), row_version = agreement_governance.row_version + 1
                """, logger: logger)
            return try await Self.find(agreementID: agreementID, on: connection, logger: logger)
        }
    }
}

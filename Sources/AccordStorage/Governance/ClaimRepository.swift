import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Exclusion claims: filed by a vendor's user (or a contract manager on its behalf) against one vendor SLA, decided by a
/// contract manager. An approved claim becomes one exclusion per objective it names, through the exclusion flow.
public struct ClaimRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let select = """
        SELECT c.id, c.agreement_id, a.title AS agreement_title, c.vendor_id, v.name AS vendor_name, c.kind, c.starts_at, c.ends_at,
               c.announced_at, c.statement, c.evidence, c.status, fu.name AS filed_by, coalesce(fu.role <> 'vendor', false) AS filed_by_customer,
               c.filed_at, du.name AS decided_by, c.decided_at, c.decision_reason, a.time_zone, c.row_version,
               coalesce((SELECT json_agg(json_build_object('objective_id', co.objective_id, 'name', o.name, 'exclusion_id', co.exclusion_id)
                                         ORDER BY o.name, o.id)
                         FROM exclusion_claim_objectives co JOIN objectives o ON o.id = co.objective_id WHERE co.claim_id = c.id)::text,
                        '[]') AS objectives
        FROM exclusion_claims c JOIN agreements a ON a.id = c.agreement_id JOIN vendors v ON v.id = c.vendor_id
        LEFT JOIN users fu ON fu.id = c.filed_by LEFT JOIN users du ON du.id = c.decided_by
        """

    private struct ObjectiveCell: Decodable {
        var objective_id: Int64
        var name: String
        var exclusion_id: Int64?
    }

    static func claim(_ row: PostgresRow) throws -> ExclusionClaim {
        let cells = row.makeRandomAccess()
        let objectives = try JSONDecoder().decode([ObjectiveCell].self, from: Data(try cells.value("objectives", as: String.self).utf8))
        return ExclusionClaim(
            id: try cells.value("id"), agreementID: try cells.value("agreement_id"), agreementTitle: try cells.value("agreement_title"),
            vendorID: try cells.value("vendor_id"), vendorName: try cells.value("vendor_name"),
            kind: ExclusionKind(rawValue: try cells.value("kind")) ?? .plannedMaintenance, startsAt: try cells.value("starts_at"),
            endsAt: try cells.value("ends_at"), announcedAt: try cells.value("announced_at"), statement: try cells.value("statement"),
            evidence: try cells.value("evidence"), status: ClaimStatus(rawValue: try cells.value("status")) ?? .pending,
            filedBy: try cells.value("filed_by"), filedByCustomer: try cells.value("filed_by_customer"), filedAt: try cells.value("filed_at"),
            decidedBy: try cells.value("decided_by"), decidedAt: try cells.value("decided_at"), decisionReason: try cells.value("decision_reason"),
            objectives: objectives.map { .init(objectiveID: $0.objective_id, name: $0.name, exclusionID: $0.exclusion_id) },
            timeZone: try cells.value("time_zone"), rowVersion: try cells.value("row_version"))
    }


    /// Claims the filter matches, pending first, then newest.
    public func list(_ filter: ClaimFilter, page: PageRequest, scope: AccessScope) async throws -> PageOf<ExclusionClaim> {
        let rows = try await self.database.query(
            """
            \(unescaped: Self.select)
            WHERE \(visibleTo: scope, vendor: "c.vendor_id")
              AND (\(filter.vendorID)::int8 IS NULL OR c.vendor_id = \(filter.vendorID))
              AND (\(filter.agreementID)::int8 IS NULL OR c.agreement_id = \(filter.agreementID))
              AND (\(filter.status?.rawValue)::text IS NULL OR c.status = \(filter.status?.rawValue))
            ORDER BY c.status = 'pending' DESC, c.filed_at DESC, c.id DESC LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try await self.database.query(
            """
            SELECT count(*)::int8 FROM exclusion_claims c
            WHERE \(visibleTo: scope, vendor: "c.vendor_id")
              AND (\(filter.vendorID)::int8 IS NULL OR c.vendor_id = \(filter.vendorID))
              AND (\(filter.agreementID)::int8 IS NULL OR c.agreement_id = \(filter.agreementID))
              AND (\(filter.status?.rawValue)::text IS NULL OR c.status = \(filter.status?.rawValue))
            """
        ).first?.decode(Int.self) ?? 0
        return PageOf(items: try rows.map(Self.claim), total: total, request: page)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> ExclusionClaim {
        guard
            let row = try await self.database.query(
                "\(unescaped: Self.select) WHERE c.id = \(id) AND \(visibleTo: scope, vendor: "c.vendor_id")"
            ).first
        else { throw NotFound("claim") }
        return try Self.claim(row)
    }

    public func history(id: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        _ = try await self.find(id: id, scope: scope)
        return try await GovernanceHistoryRepository.list(.claim, id: id, on: self.database)
    }

    /// The objectives of the agreement's version in force on `day` (in its zone), with the kinds each honours.
    public func claimable(agreementID: Int64, on day: LocalDate, scope: AccessScope) async throws -> [ClaimRules.ClaimableObjective] {
        _ = try await AgreementRepository(database: self.database).find(id: agreementID, scope: scope)
        return try Self.claimable(try await self.database.query(Self.claimableQuery(agreementID: agreementID, day: day)))
    }

    static func claimableQuery(agreementID: Int64, day: LocalDate) -> PostgresQuery {
        """
        SELECT o.id, o.name, array_to_string(o.exclusion_kinds, ',') FROM objectives o
        WHERE o.version_id = (SELECT id FROM agreement_versions WHERE agreement_id = \(agreementID) AND state = 'active'
                              AND effective_from <= \(day.description)::date ORDER BY effective_from DESC LIMIT 1)
        ORDER BY o.name, o.id
        """
    }

    static func claimable(_ rows: [PostgresRow]) throws -> [ClaimRules.ClaimableObjective] {
        try rows.map { row in
            let (id, name, kinds) = try row.decode((Int64, String, String).self)
            return .init(id: id, name: name, kinds: kinds.split(separator: ",").compactMap { ExclusionKind(rawValue: String($0)) })
        }
    }

    /// Files a claim against a vendor SLA the caller sees, checked against the objectives and governance terms in force
    /// when its window starts.
    public func file(agreementID: Int64, _ draft: ExclusionClaimDraft, scope: AccessScope, actor: AuditActor, now: Date) async throws
        -> ExclusionClaim
    {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let agreement = try await AgreementRepository.lock(id: agreementID, scope: scope, on: connection, logger: logger)
            guard agreement.kind == .vendor, let vendorID = agreement.vendorID else {
                throw RuleViolation("Exclusions are claimed under a vendor SLA, not a master SLA.")
            }
            guard agreement.status == .active else { throw RuleViolation("Only an active agreement takes claims.") }
            let zone = TimeZone(identifier: agreement.timeZone) ?? .gmt
            let day = LocalDate.of(draft.startsAt.flatMap { Bounds.contains($0) ? $0 : nil } ?? now, in: zone)
            let claimable = try Self.claimable(
                try await connection.rows(Self.claimableQuery(agreementID: agreementID, day: day), logger: logger))
            let terms = try await GovernanceTermsRepository.find(agreementID: agreementID, on: connection, logger: logger)
            try ClaimRules.check(draft, objectives: claimable, terms: terms, zone: zone, now: now).throwIfAny()
            guard let kind = draft.kind, let start = draft.startsAt, let end = draft.endsAt else { throw RuleViolation("Incomplete claim.") }
            try await MeasurementRepository.refuseSummarised(window: DateInterval(start: start, end: max(start, end)), on: connection, logger: logger)
            let announced = kind == .plannedMaintenance ? draft.announcedAt : nil
            let id = try await connection.rows(
                """
                INSERT INTO exclusion_claims (agreement_id, vendor_id, kind, starts_at, ends_at, announced_at, statement, evidence, filed_by, filed_at)
                VALUES (\(agreementID), \(vendorID), \(kind.rawValue), \(start), \(end), \(announced), \(draft.statement.trimmed),
                        \(draft.evidence.trimmed), \(actor.userID), \(now))
                RETURNING id
                """, logger: logger
            ).first!.decode(Int64.self)
            for objectiveID in Set(draft.objectiveIDs).sorted() {
                try await connection.rows(
                    "INSERT INTO exclusion_claim_objectives (claim_id, objective_id) VALUES (\(id), \(objectiveID))", logger: logger)
            }
            // the history line, audit and announcement are the caller's (`ExclusionClaim.filed`)
            guard let row = try await connection.rows("\(unescaped: Self.select) WHERE c.id = \(id)", logger: logger).first else {
                throw NotFound("claim")
            }
            return try Self.claim(row)
        }
    }

    /// The claim, locked for a decision in the caller's transaction.
    public func lock(id: Int64, scope: AccessScope) async throws -> ExclusionClaim {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            guard
                let row = try await connection.rows(
                    "\(unescaped: Self.select) WHERE c.id = \(id) AND \(visibleTo: scope, vendor: "c.vendor_id") FOR UPDATE OF c",
                    logger: logger
                ).first
            else { throw NotFound("claim") }
            return try Self.claim(row)
        }
    }

    /// Records the exclusion an approved claim created for one of its objectives.
    public func link(claimID: Int64, objectiveID: Int64, exclusionID: Int64) async throws {
        try await self.database.query(
            "UPDATE exclusion_claim_objectives SET exclusion_id = \(exclusionID) WHERE claim_id = \(claimID) AND objective_id = \(objectiveID)")
    }

    /// Writes a decision on a claim locked in the caller's transaction and reads the claim back.
    public func record(_ decision: Decision<ClaimStatus>, id: Int64, actor: AuditActor, now: Date) async throws -> ExclusionClaim {
        try await DecisionRows.record(decision, table: "exclusion_claims", id: id, actor: actor, now: now, on: self.database)
        guard let row = try await self.database.query("\(unescaped: Self.select) WHERE c.id = \(id)").first else { throw NotFound("claim") }
        return try Self.claim(row)
    }
}

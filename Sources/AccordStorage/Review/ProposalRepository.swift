import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Renegotiation proposals. A vendor's users reach the proposals of their vendor's agreements; the customer's people
/// reach all. Applying an agreed proposal creates and activates the amended version in the same transaction.
public struct ProposalRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = """
        SELECT p.id, p.agreement_id, a.title, a.vendor_id, p.parent_id, p.meeting_id, p.status, p.title, p.rationale,
               to_char(p.effective_from, 'YYYY-MM-DD'), p.changes::text, p.replay_periods, p.proposed_by_vendor_id, p.customer_accepted_at,
               p.vendor_accepted_at, p.applied_version, p.reason, p.created_at, p.row_version
        FROM renegotiation_proposals p JOIN agreements a ON a.id = p.agreement_id
        """

    static func proposal(_ row: PostgresRow) throws -> RenegotiationProposal? {
        let v = try row.decode(
            (Int64, Int64, String, Int64?, Int64?, Int64?, String, String, String, String, String, Int, Int64?, Date?, Date?, Int?, String, Date, Int).self)
        guard let status = ProposalState(rawValue: v.6), let effective = LocalDate(v.9) else { return nil }
        // stored changes that no longer decode are an error to hear of, never a proposal quietly missing
        let changes = try JSONDecoder().decode([TermsChange].self, from: Data(v.10.utf8))
        return RenegotiationProposal(
            id: v.0, agreementID: v.1, agreementTitle: v.2, vendorID: v.3, parentID: v.4, meetingID: v.5, status: status, title: v.7, rationale: v.8,
            effectiveFrom: effective, changes: changes, replayPeriods: v.11, proposedByVendorID: v.12, customerAcceptedAt: v.13, vendorAcceptedAt: v.14,
            appliedVersion: v.15, reason: v.16, createdAt: v.17, rowVersion: v.18)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> RenegotiationProposal {
        guard
            let row = try await self.database.query(
                "\(unescaped: Self.columns) WHERE p.id = \(id) AND \(visibleTo: scope, vendor: "a.vendor_id")"
            ).first,
            let proposal = try Self.proposal(row)
        else { throw NotFound("proposal") }
        return proposal
    }

    public func list(agreementID: Int64?, openOnly: Bool, page: PageRequest, scope: AccessScope) async throws -> PageOf<RenegotiationProposal> {
        let rows = try await self.database.query(
            """
            \(unescaped: Self.columns)
            WHERE \(visibleTo: scope, vendor: "a.vendor_id") AND (\(agreementID)::int8 IS NULL OR p.agreement_id = \(agreementID))
              AND (NOT \(openOnly) OR p.status IN ('proposed', 'in_negotiation'))
            ORDER BY p.status NOT IN ('proposed', 'in_negotiation'), p.created_at DESC, p.id DESC LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total =
            try await self.database.query(
                """
                SELECT count(*)::int8 FROM renegotiation_proposals p JOIN agreements a ON a.id = p.agreement_id
                WHERE \(visibleTo: scope, vendor: "a.vendor_id") AND (\(agreementID)::int8 IS NULL OR p.agreement_id = \(agreementID))
                  AND (NOT \(openOnly) OR p.status IN ('proposed', 'in_negotiation'))
                """
            ).first?.decode(Int.self) ?? 0
        return PageOf(items: try rows.compactMap(Self.proposal), total: total, request: page)
    }

    /// Open proposals of these agreements (a vendor's: of its own agreements), for agendas and packs.
    public func open(agreementIDs: [Int64], vendorID: Int64?, asOf: Date) async throws -> [RenegotiationProposal] {
        try await self.database.query(
            """
            \(unescaped: Self.columns)
            WHERE p.agreement_id = ANY(\(agreementIDs)::int8[]) AND p.status IN ('proposed', 'in_negotiation') AND p.created_at <= \(asOf)
              AND \(visibleTo: AccessScope(audience: vendorID), vendor: "a.vendor_id")
            ORDER BY p.created_at, p.id LIMIT 50
            """
        ).compactMap(Self.proposal)
    }

    /// The thread a proposal belongs to: its ancestors and descendants, oldest first.
    public func thread(of proposal: RenegotiationProposal) async throws -> [RenegotiationProposal] {
        try await self.database.query(
            """
            WITH RECURSIVE up(id, parent_id) AS (
                SELECT id, parent_id FROM renegotiation_proposals WHERE id = \(proposal.id)
                UNION SELECT p.id, p.parent_id FROM renegotiation_proposals p JOIN up ON p.id = up.parent_id
            ), root AS (SELECT id FROM up WHERE parent_id IS NULL LIMIT 1),
            down(id) AS (
                SELECT id FROM root
                UNION SELECT p.id FROM renegotiation_proposals p JOIN down ON p.parent_id = down.id
            )
            \(unescaped: Self.columns) WHERE p.id IN (SELECT id FROM down) ORDER BY p.created_at, p.id LIMIT 100
            """
        ).compactMap(Self.proposal)
    }

    /// Files a proposal (or a counter-proposal, which supersedes its parent) on an agreement the caller sees.
    public func create(
        agreementID: Int64, _ draft: ProposalDraft, parentID: Int64?, current: [Int64: Objective], scope: AccessScope, actor: AuditActor, now: Date,
        today: LocalDate
    ) async throws -> RenegotiationProposal {
        try ProposalRules.check(draft, current: current, today: today, byVendor: scope.vendorID != nil).throwIfAny()
        guard let effective = draft.effectiveFrom else { throw RuleViolation("Incomplete proposal.") }
        let changes = draft.changes.filter { !$0.isEmpty }.map { change -> TermsChange in
            var named = change
            named.objectiveName = current[change.seriesID]?.name ?? change.objectiveName
            return named
        }
        return try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let agreement = try await AgreementRepository.lock(id: agreementID, scope: scope, on: connection, logger: bound.logger)
            guard agreement.status == .active else { throw RuleViolation("Only an agreement in force is renegotiated.") }
            if let vendor = scope.vendorID, agreement.vendorID != vendor { throw NotFound("agreement") }
            if let parentID {
                guard
                    let row = try await bound.query(
                        "\(unescaped: Self.columns) WHERE p.id = \(parentID) AND p.agreement_id = \(agreementID) FOR UPDATE OF p"
                    ).first,
                    let parent = try Self.proposal(row)
                else { throw NotFound("proposal") }
                try ProposalRules.counter(parent, by: scope.vendorID == nil ? .customer : .vendor)
                try await bound.query(
                    "UPDATE renegotiation_proposals SET status = 'superseded', row_version = row_version + 1 WHERE id = \(parentID)")
            }
            if let meeting = draft.meetingID,
                try await bound.query(
                    "SELECT 1 FROM review_meetings m WHERE m.id = \(meeting) AND m.series_id IN (\(unescaped: ReviewRepository.visibleSeries(scope)))"
                ).isEmpty
            {
                throw ValidationErrors([FieldError("meeting_id", "No meeting \(meeting) you can see.")])
            }
            let json = String(decoding: try JSONEncoder().encode(changes), as: UTF8.self)
            guard
                let id = try await bound.query(
                    """
                    INSERT INTO renegotiation_proposals (agreement_id, parent_id, meeting_id, status, title, rationale, effective_from, changes,
                        replay_periods, proposed_by_vendor_id, proposed_by, customer_accepted_by, customer_accepted_at, vendor_accepted_by,
                        vendor_accepted_at, created_at)
                    VALUES (\(agreementID), \(parentID), \(draft.meetingID), \(parentID == nil ? "proposed" : "in_negotiation"), \(draft.title.trimmed),
                        \(draft.rationale.trimmed), \(effective.description)::date, \(json)::jsonb, \(draft.replayPeriods ?? 12), \(scope.vendorID),
                        \(actor.userID), \(scope.vendorID == nil ? actor.userID : nil), \(scope.vendorID == nil ? now : nil),
                        \(scope.vendorID == nil ? nil : actor.userID), \(scope.vendorID == nil ? nil : now), \(now))
                    RETURNING id
                    """
                ).first?.decode(Int64.self)
            else { throw RuleViolation("The proposal was not stored.") }
            guard let row = try await bound.query("\(unescaped: Self.columns) WHERE p.id = \(id)").first, let proposal = try Self.proposal(row) else {
                throw NotFound("proposal")
            }
            return proposal
        }
    }

    /// The proposal, locked for an answer in the caller's transaction, with its agreement's time zone.
    public func lock(id: Int64, scope: AccessScope) async throws -> (RenegotiationProposal, zone: TimeZone) {
        guard
            let row = try await self.database.query(
                """
                \(unescaped: Self.columns)
                WHERE p.id = \(id) AND \(visibleTo: scope, vendor: "a.vendor_id") FOR UPDATE OF p
                """
            ).first,
            let proposal = try Self.proposal(row)
        else { throw NotFound("proposal") }
        let zone = try await self.database.query("SELECT time_zone FROM agreements WHERE id = \(proposal.agreementID)").first?.decode(String.self)
        return (proposal, zone.flatMap(TimeZone.init(identifier:)) ?? .gmt)
    }

    /// Writes an answer on a proposal locked in the caller's transaction (an acceptance by `side`, the version it
    /// applied) and reads the proposal back.
    public func record(
        _ answer: ProposalRules.Answer, id: Int64, acceptedBy side: ProposalRules.Side?, appliedVersion: Int?, actor: AuditActor, now: Date
    ) async throws -> RenegotiationProposal {
        if let side {
            try await self.database.query(
                """
                UPDATE renegotiation_proposals SET
                    customer_accepted_by = coalesce(customer_accepted_by, CASE WHEN \(side == .customer) THEN \(actor.userID) END),
                    customer_accepted_at = coalesce(customer_accepted_at, CASE WHEN \(side == .customer) THEN \(now) END),
                    vendor_accepted_by = coalesce(vendor_accepted_by, CASE WHEN \(side == .vendor) THEN \(actor.userID) END),
                    vendor_accepted_at = coalesce(vendor_accepted_at, CASE WHEN \(side == .vendor) THEN \(now) END)
                WHERE id = \(id)
                """)
        }
        try await self.database.query(
            """
            UPDATE renegotiation_proposals SET status = \(answer.next.rawValue), applied_version = \(appliedVersion), reason = \(answer.note),
                row_version = row_version + 1
            WHERE id = \(id)
            """)
        guard let row = try await self.database.query("\(unescaped: Self.columns) WHERE p.id = \(id)").first, let after = try Self.proposal(row) else {
            throw NotFound("proposal")
        }
        return after
    }

    /// Applies an accepted proposal in the caller's transaction; returns the version it made and its activation.
    public func apply(_ proposal: RenegotiationProposal, byVendor: Bool, actor: AuditActor) async throws
        -> (amended: AgreementVersion, activation: VersionActivation)
    {
        try await self.database.transaction { connection in
            try await Self.apply(proposal, byVendor: byVendor, actor: actor, on: self.database.bound(to: connection))
        }
    }

    /// The amended version: copied from the latest, the proposal's terms set on its objectives, activated.
    static func apply(_ proposal: RenegotiationProposal, byVendor: Bool, actor: AuditActor, on database: Database) async throws
        -> (amended: AgreementVersion, activation: VersionActivation)
    {
        guard let connection = database.connection else { throw RuleViolation("Applying a proposal needs a transaction.") }
        let version = try await VersionRepository.amend(
            agreementID: proposal.agreementID, effectiveFrom: proposal.effectiveFrom, note: "Renegotiation proposal #\(proposal.id): \(proposal.title)",
            actor: actor, on: connection, logger: database.logger)
        let copied = try await ObjectiveRepository(database: database).list(versionID: version.id, scope: .organisation)
        for change in proposal.changes {
            guard let objective = copied.first(where: { $0.seriesID == change.seriesID }) else {
                throw RuleViolation("\(change.objectiveName) is no longer in the agreement: counter the proposal with the current objectives.")
            }
            // the terms must still hold together on the latest version they are applied to
            let changed = change.applied(to: objective)
            let sla = changed.slaTarget
            let slo = changed.sloTarget
            let credits = changed.credits
            guard slo > sla, credits.validate().isEmpty, changed.movingTerms.validate(window: changed.window, slaTarget: sla).isEmpty else {
                throw RuleViolation(
                    byVendor
                        ? "\(objective.name): the proposal no longer fits the agreement's current terms; the customer will counter it."
                        : "\(objective.name): with this proposal the internal SLO (\(slo.plain) %) would not be stricter than the SLA (\(sla.plain) %), or the credit schedule or ramp would not hold: counter it with the SLO, credits or ramp to match.")
            }
            let tiers = try change.creditTiers.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
            let moving = try AuditRepository.json(changed.movingTerms)
            try await database.query(
                """
                UPDATE objectives SET sla_target = \(sla)::numeric, slo_target = \(slo)::numeric,
                    credit_tiers = coalesce(\(tiers)::jsonb, credit_tiers), credit_cap_percent = \(credits.capPercent)::numeric,
                    moving_terms = \(moving)::jsonb, updated_by = \(actor.userID)
                WHERE id = \(objective.id)
                """)
        }
        return (version, try await VersionRepository.activate(version, actor: actor, on: connection, logger: database.logger))
    }

    public func history(id: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        _ = try await self.find(id: id, scope: scope)
        return try await GovernanceHistoryRepository.list(.proposal, id: id, on: self.database)
    }
}

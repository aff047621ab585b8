import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Corrective and preventive actions raised from RCAs. Reached through their RCA: a vendor's users see the actions of
/// RCAs their vendor is a party to.
public struct ActionRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The people who may own an action of an RCA with these parties: the customer's staff (when the customer is a
    /// party and the reader is the customer) and each vendor party's users and contacts; disabled users left out.
    public func ownerCandidates(customer: Bool, vendorIDs: [Int64]) async throws -> [OwnerCandidate] {
        var result: [OwnerCandidate] = []
        if customer {
            result += try await self.database.query(
                "SELECT id, name FROM users WHERE vendor_id IS NULL AND role <> 'vendor' AND NOT disabled ORDER BY lower(name), id LIMIT 500"
            ).map { row in
                let (id, name) = try row.decode((Int64, String).self)
                return OwnerCandidate(key: "user:\(id)", name: name, vendorID: nil, party: "The customer")
            }
        }
        guard !vendorIDs.isEmpty else { return result }
        result += try await self.database.query(
            """
            SELECT kind, id, name, vendor_id, vendor FROM (
                SELECT 'user' AS kind, u.id, u.name, u.vendor_id, v.name AS vendor FROM users u JOIN vendors v ON v.id = u.vendor_id
                WHERE u.vendor_id = ANY(\(vendorIDs)::int8[]) AND NOT u.disabled
                UNION ALL
                SELECT 'contact', c.id, c.name, c.vendor_id, v.name FROM vendor_contacts c JOIN vendors v ON v.id = c.vendor_id
                WHERE c.vendor_id = ANY(\(vendorIDs)::int8[])
            ) people ORDER BY lower(vendor), vendor_id, lower(name), kind, id LIMIT 1000
            """
        ).map { row in
            let (kind, id, name, vendorID, vendor) = try row.decode((String, Int64, String, Int64, String).self)
            return OwnerCandidate(key: "\(kind):\(id)", name: name, vendorID: vendorID, party: vendor)
        }
        return result
    }

    static let columns = """
        SELECT ca.id, ca.rca_id, r.title, ca.action_type, ca.description, ca.owner_name, ca.owner_vendor_id, coalesce(v.name, 'The customer'),
               to_char(ca.due_on, 'YYYY-MM-DD'), to_char(ca.check_after, 'YYYY-MM-DD'), ca.status, ca.evidence, ca.reason, ca.verified_at,
               ca.row_version
        FROM corrective_actions ca JOIN rcas r ON r.id = ca.rca_id LEFT JOIN vendors v ON v.id = ca.owner_vendor_id
        """

    static func action(_ row: PostgresRow) throws -> CorrectiveAction? {
        let v = try row.decode((Int64, Int64, String, String, String, String, Int64?, String, String, String?, String, String, String, Date?, Int).self)
        guard let type = ActionType(rawValue: v.3), let status = ActionState(rawValue: v.10), let due = LocalDate(v.8) else { return nil }
        return CorrectiveAction(
            id: v.0, rcaID: v.1, rcaTitle: v.2, type: type, description: v.4, ownerName: v.5, ownerVendorID: v.6, ownerParty: v.7, dueOn: due,
            checkAfter: v.9.flatMap(LocalDate.init), status: status, evidence: v.11, reason: v.12, verifiedAt: v.13, rowVersion: v.14)
    }

    /// The actions of an RCA, the earliest due first.
    static func actions(ofRCA id: Int64, on database: Database) async throws -> [CorrectiveAction] {
        try await database.query("\(unescaped: Self.columns) WHERE ca.rca_id = \(id) ORDER BY ca.due_on, ca.id").compactMap(Self.action)
    }

    static func visible(_ id: Int64, scope: AccessScope) -> PostgresQuery {
        """
        SELECT ca.rca_id FROM corrective_actions ca WHERE ca.id = \(id)
          AND \(visibleTo: scope, when: Visible.rcaParty("ca.rca_id"))
        """
    }

    public func find(id: Int64, scope: AccessScope) async throws -> CorrectiveAction {
        guard try await !self.database.query(Self.visible(id, scope: scope)).isEmpty,
            let row = try await self.database.query("\(unescaped: Self.columns) WHERE ca.id = \(id)").first, let action = try Self.action(row)
        else { throw NotFound("action") }
        return action
    }


    public func list(_ filter: ActionFilter, page: PageRequest, scope: AccessScope) async throws -> PageOf<CorrectiveAction> {
        let rows = try await self.database.query(
            """
            \(unescaped: Self.columns)
            WHERE \(visibleTo: scope, when: Visible.rcaParty("ca.rca_id"))
              AND (NOT \(filter.openOnly) OR ca.status IN ('open', 'in_progress'))
              AND (\(filter.ownerVendorID)::int8 IS NULL OR ca.owner_vendor_id = \(filter.ownerVendorID))
              AND (\(filter.overdueOn?.description)::date IS NULL
                   OR (ca.due_on < \(filter.overdueOn?.description)::date AND ca.status IN ('open', 'in_progress')))
            ORDER BY ca.status IN ('done', 'verified', 'cancelled'), ca.due_on, ca.id LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try await self.database.query(
            """
            SELECT count(*)::int8 FROM corrective_actions ca
            WHERE \(visibleTo: scope, when: Visible.rcaParty("ca.rca_id"))
              AND (NOT \(filter.openOnly) OR ca.status IN ('open', 'in_progress'))
              AND (\(filter.ownerVendorID)::int8 IS NULL OR ca.owner_vendor_id = \(filter.ownerVendorID))
              AND (\(filter.overdueOn?.description)::date IS NULL
                   OR (ca.due_on < \(filter.overdueOn?.description)::date AND ca.status IN ('open', 'in_progress')))
            """
        ).first?.decode(Int.self) ?? 0
        return PageOf(items: try rows.compactMap(Self.action), total: total, request: page)
    }

    public func history(id: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        _ = try await self.find(id: id, scope: scope)
        return try await GovernanceHistoryRepository.list(.action, id: id, on: self.database)
    }

    /// Raises an action on an RCA the caller sees and that is not closed.
    public func create(rcaID: Int64, _ draft: ActionDraft, scope: AccessScope, actor: AuditActor, now: Date) async throws -> CorrectiveAction {
        try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let rca = try await RCARepository.lock(rcaID, scope: scope, on: bound)
            guard rca.status != .closed else { throw RuleViolation("This RCA is closed: raise the action on a new one.") }
            let names = Dictionary(uniqueKeysWithValues: rca.parties.map { ($0.vendorID, $0.name) })
            try RCARules.check(draft, partyNames: names).throwIfAny()
            if let vendor = scope.vendorID, draft.ownerVendorID != vendor {
                throw ValidationErrors([FieldError("owner_party", "A vendor raises actions its own party owns.")])
            }
            guard let type = draft.type, let due = draft.dueOn else { throw RuleViolation("Incomplete action.") }
            let id = try await bound.query(
                """
                INSERT INTO corrective_actions (rca_id, action_type, description, owner_name, owner_vendor_id, due_on, check_after, created_by, created_at)
                VALUES (\(rcaID), \(type.rawValue), \(draft.description.trimmed), \(draft.ownerName.trimmed), \(draft.ownerVendorID),
                        \(due.description)::date, \(draft.checkAfter?.description)::date, \(actor.userID), \(now))
                RETURNING id
                """
            ).first!.decode(Int64.self)
            // the history lines and the audit record are the caller's (`CorrectiveAction.raised`)
            return try await self.reload(id, on: bound)
        }
    }

    func reload(_ id: Int64, on database: Database) async throws -> CorrectiveAction {
        guard let row = try await database.query("\(unescaped: Self.columns) WHERE ca.id = \(id)").first, let action = try Self.action(row) else {
            throw NotFound("action")
        }
        return action
    }

    /// Moves an action along; closing needs evidence, the customer verifies and reopens. Returns it before and after:
    /// the history line and audit record are the caller's (`ActionStep.moved`).
    public func perform(
        _ step: ActionStep, id: Int64, byCustomer: Bool, expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor, now: Date
    ) async throws -> (before: CorrectiveAction, after: CorrectiveAction) {
        try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            guard try await !bound.query(Self.visible(id, scope: scope)).isEmpty else { throw NotFound("action") }
            try await bound.query("SELECT 1 FROM corrective_actions WHERE id = \(id) FOR UPDATE")
            let before = try await self.reload(id, on: bound)
            if let expectedRowVersion, expectedRowVersion != before.rowVersion {
                throw EditConflict(entity: "action", changedBy: "another user", changedAt: before.verifiedAt ?? now, currentRowVersion: before.rowVersion)
            }
            if let vendor = scope.vendorID, before.ownerVendorID != vendor {
                throw RuleViolation("This action belongs to another party: its owner moves it, and the customer verifies it.")
            }
            let next = try ActionRules.apply(step, to: before.status, byCustomer: byCustomer)
            var evidence = before.evidence
            var reason = before.reason
            switch step {
            case .start, .verify: break
            case .finish(let text): evidence = text.trimmed
            case .reopen(let text), .cancel(let text): reason = text.trimmed
            }
            try await bound.query(
                """
                UPDATE corrective_actions SET status = \(next.rawValue), evidence = \(evidence), reason = \(reason),
                    verified_by = CASE WHEN \(next.rawValue) = 'verified' THEN \(actor.userID) END,
                    verified_at = CASE WHEN \(next.rawValue) = 'verified' THEN \(now) END, row_version = row_version + 1
                WHERE id = \(id)
                """)
            return (before, try await self.reload(id, on: bound))
        }
    }
}

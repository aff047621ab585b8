import AccordDomain
import Foundation
import Logging
import PostgresNIO

extension RCARepository {
    public static let maximumBreaches = 50

    /// Opens a joint RCA of breaches of one master SLA (one vendor's or several vendors'); the parties are the customer
    /// and every vendor whose breach it covers, except that a breach of the customer's internal SLO alone invites its
    /// vendor only where the agreement shares the internal figures or `shareWithVendors` (the vendor then reads it
    /// against its SLA). It falls due the terms' number of business days after today, on the business calendar of the
    /// first breach's objective (Monday to Friday without one).
    public func open(
        breachIDs: [Int64], title: String, scope: AccessScope, actor: AuditActor, now: Date, automaticRule: String? = nil,
        shareWithVendors: Bool = false
    ) async throws -> RootCauseAnalysis {
        let ids = Array(Set(breachIDs)).sorted()
        guard !ids.isEmpty, ids.count <= Self.maximumBreaches else {
            throw ValidationErrors([FieldError("breach_ids", "Choose 1 to \(Self.maximumBreaches) breaches to analyse.")])
        }
        let title = title.trimmed
        if title.count > 200 { throw ValidationErrors([FieldError("title", "The title may be at most 200 characters.")]) }
        return try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let rows = try await bound.query(
                """
                SELECT b.id, b.vendor_id, a.id, a.kind, a.master_id, a.time_zone, o.calendar_id, o.name, b.period_start, b.severity,
                       coalesce(g.share_internal_figures, false)
                FROM breaches b JOIN objectives o ON o.id = b.objective_id JOIN agreement_versions av ON av.id = o.version_id
                JOIN agreements a ON a.id = av.agreement_id LEFT JOIN agreement_governance g ON g.agreement_id = a.id
                WHERE b.id = ANY(\(ids)) AND \(visibleTo: scope, vendor: "a.vendor_id")
                ORDER BY b.period_start, b.id
                """)
            let breaches = try rows.map { try $0.decode((Int64, Int64?, Int64, String, Int64?, String, Int64?, String, Date, String, Bool).self) }
            if let missing = ids.first(where: { id in !breaches.contains { $0.0 == id } }) {
                throw ValidationErrors([FieldError("breach_ids", "Breach \(missing) was not found.")])
            }
            if let taken = try await bound.query("SELECT breach_id, rca_id FROM rca_breaches WHERE breach_id = ANY(\(ids)) LIMIT 1").first {
                let (breach, rca) = try taken.decode((Int64, Int64).self)
                throw RuleViolation("Breach \(breach) is already analysed in RCA \(rca).")
            }
            let masters = Set(breaches.map { $0.3 == "vendor" ? $0.4 ?? $0.2 : $0.2 })
            guard masters.count == 1, let master = masters.first, let first = breaches.first else {
                throw ValidationErrors([FieldError("breach_ids", "The breaches of one joint RCA belong to one master SLA.")])
            }
            let zone = TimeZone(identifier: first.5) ?? .gmt
            let terms = try await GovernanceTermsRepository.find(agreementID: first.2, on: connection, logger: bound.logger)
            let calendar = try await first.6.asyncFlatMap { id in
                try await bound.query("SELECT \(unescaped: CalendarRepository.columns) FROM calendars k WHERE k.id = \(id)").first
                    .map(CalendarRepository.calendar)
            }
            let today = LocalDate.of(now, in: zone)
            let due = BusinessDays.adding(terms.rcaDueBusinessDays, after: today, calendar: calendar) ?? today.adding(days: terms.rcaDueBusinessDays) ?? today
            // a vendor whose breaches missed only the customer's internal SLO is invited only when the RCA is shared with it
            let shown = breaches.filter { $0.9 == "sla" || $0.10 || shareWithVendors }
            let vendors = Array(Set(shown.compactMap(\.1))).sorted()
            let named = shown.first { $0.1 != nil } ?? first
            let involved = vendors.isEmpty ? Set(breaches.compactMap(\.1)).count : vendors.count
            let generated = Self.defaultTitle(
                objective: named.7, severity: named.9, month: Self.month(named.8, zone), joint: involved > 1, namesSLO: vendors.isEmpty || named.10)
            let name = title.isEmpty ? String(generated.prefix(200)) : title
            let id = try await bound.query(
                """
                INSERT INTO rcas (title, master_id, calendar_id, time_zone, due_on, automatic, trigger_rule, opened_by, opened_at, shared_with_vendors)
                VALUES (\(name), \(master), \(first.6), \(zone.identifier), \(due.description)::date, \(automaticRule != nil), \(automaticRule ?? ""),
                        \(actor.userID), \(now), \(shareWithVendors))
                RETURNING id
                """
            ).first!.decode(Int64.self)
            for breach in breaches { try await bound.query("INSERT INTO rca_breaches (rca_id, breach_id) VALUES (\(id), \(breach.0))") }
            try await bound.query("INSERT INTO rca_parties (rca_id, vendor_id) VALUES (\(id), NULL)")
            for vendor in vendors { try await bound.query("INSERT INTO rca_parties (rca_id, vendor_id) VALUES (\(id), \(vendor))") }
            return try await Self.refreshHash(id, on: bound)
        }
    }

    /// The title of an RCA opened without one: the objective's when one vendor is involved (no party reads another's
    /// objective). `namesSLO`: no vendor reads the RCA against its SLA, so a breach of the SLO alone may say so.
    static func defaultTitle(objective: String, severity: String, month: String, joint: Bool, namesSLO: Bool) -> String {
        if joint { return "Joint RCA: breaches of \(month)" }
        if severity == "sla" { return "\(objective): SLA breach of \(month)" }
        return namesSLO ? "\(objective): SLO breach of \(month)" : "\(objective): analysis of \(month)"
    }

    static func month(_ start: Date, _ zone: TimeZone) -> String { PeriodEffects.month(start, zone) }

    /// Stores the hash of the current content; signatures on another hash no longer count.
    @discardableResult
    static func refreshHash(_ id: Int64, on database: Database) async throws -> RootCauseAnalysis {
        var rca = try await Self.load(id, on: database)
        let hash = try await Self.hash(rca, on: database)
        if hash != rca.contentHash {
            try await database.query("UPDATE rcas SET content_hash = \(hash), row_version = row_version + 1 WHERE id = \(id)")
            rca = try await Self.load(id, on: database)
        }
        return rca
    }


    /// Runs a change of content on an RCA the caller is a party to, while it is being written; the RCA moves to in
    /// progress and its hash is refreshed. Returns the RCA before and after.
    func changeContent(
        _ id: Int64, scope: AccessScope, change: (RootCauseAnalysis, Database) async throws -> Void
    ) async throws -> (before: RootCauseAnalysis, after: RootCauseAnalysis) {
        try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let before = try await Self.lock(id, scope: scope, on: bound)
            guard before.status.isEditable else {
                throw RuleViolation("An RCA that is \(before.status.label) is not edited\(before.status == .submitted ? "; the customer returns it first" : "").")
            }
            try await change(before, bound)
            try await bound.query("UPDATE rcas SET status = 'in_progress' WHERE id = \(id) AND status <> 'in_progress'")
            return (before, try await Self.refreshHash(id, on: bound))
        }
    }

    public func editAnalysis(id: Int64, _ draft: RCAAnalysisDraft, scope: AccessScope) async throws -> (before: RootCauseAnalysis, after: RootCauseAnalysis) {
        try await self.changeContent(id, scope: scope) { rca, database in
            let names = Dictionary(uniqueKeysWithValues: rca.parties.map { ($0.vendorID, $0.name) })
            try RCARules.check(draft, partyNames: names).throwIfAny()
            let whys = String(
                decoding: try JSONEncoder().encode(draft.fiveWhys.map(\.trimmed).filter { !$0.isEmpty }), as: UTF8.self)
            try await database.query(
                """
                UPDATE rcas SET trigger_statement = \(draft.triggerStatement.trimmed), root_cause = \(draft.rootCause.trimmed),
                    root_cause_category = \(draft.category?.rawValue), five_whys = \(whys)::jsonb
                WHERE id = \(id)
                """)
            for party in rca.parties {
                let share = draft.shares.isEmpty ? nil : draft.shares[party.vendorID]
                try await database.query(
                    "UPDATE rca_parties SET share = \(share?.plain)::numeric WHERE rca_id = \(id) AND coalesce(vendor_id, 0) = \(party.vendorID ?? 0)")
            }
        }
    }

    public func addTimelineEntry(id: Int64, _ draft: TimelineDraft, scope: AccessScope, actor: AuditActor, now: Date) async throws
        -> (before: RootCauseAnalysis, after: RootCauseAnalysis)
    {
        try RCARules.check(draft).throwIfAny()
        guard let at = draft.at else { throw ValidationErrors([FieldError("at", "Give the instant of the entry.")]) }
        return try await self.changeContent(id, scope: scope) { _, database in
            try await database.query(
                """
                INSERT INTO rca_timeline (rca_id, at, text, evidence_url, author_vendor_id, author_user_id, created_at)
                VALUES (\(id), \(at), \(draft.text.trimmed), \(draft.evidenceURL.trimmed), \(scope.vendorID), \(actor.userID), \(now))
                """)
        }
    }

    public func addFactor(id: Int64, _ draft: FactorDraft, scope: AccessScope, now: Date) async throws -> (before: RootCauseAnalysis, after: RootCauseAnalysis) {
        try await self.changeContent(id, scope: scope) { rca, database in
            let names = Dictionary(uniqueKeysWithValues: rca.parties.map { ($0.vendorID, $0.name) })
            try RCARules.check(draft, partyNames: names).throwIfAny()
            guard let category = draft.category else { throw ValidationErrors([FieldError("category", "Choose the factor's category.")]) }
            try await database.query(
                """
                INSERT INTO rca_factors (rca_id, category, description, responsible_vendor_id, author_vendor_id, created_at)
                VALUES (\(id), \(category.rawValue), \(draft.description.trimmed), \(draft.responsibleVendorID), \(scope.vendorID), \(now))
                """)
        }
    }

    /// The RCA, locked for a change in the caller's transaction.
    public func lock(id: Int64, scope: AccessScope) async throws -> RootCauseAnalysis {
        try await self.database.transaction { connection in try await Self.lock(id, scope: scope, on: self.database.bound(to: connection)) }
    }

    /// Records a party's signature (`party` nil: the customer's) on the content whose hash is given, and reads the RCA back.
    public func recordSignature(id: Int64, hash: String, party: Int64?, actor: AuditActor, now: Date) async throws -> RootCauseAnalysis {
        try await self.database.query(
            """
            UPDATE rca_parties SET signed_hash = \(hash), signed_by = \(actor.userID), signed_at = \(now)
            WHERE rca_id = \(id) AND coalesce(vendor_id, 0) = \(party ?? 0)
            """)
        return try await Self.load(id, on: self.database)
    }

    /// Records an RCA's next state (who accepted it and when, when it closed) and reads it back.
    public func recordStep(id: Int64, to next: RCAState, returnComment: String?, actor: AuditActor, now: Date) async throws -> RootCauseAnalysis {
        try await self.database.query(
            """
            UPDATE rcas SET status = \(next.rawValue), return_comment = \(returnComment),
                accepted_by = CASE WHEN \(next.rawValue) = 'accepted' THEN \(actor.userID) ELSE accepted_by END,
                accepted_at = CASE WHEN \(next.rawValue) = 'accepted' THEN \(now) ELSE accepted_at END,
                closed_at = CASE WHEN \(next.rawValue) = 'closed' THEN \(now) ELSE closed_at END, row_version = row_version + 1
            WHERE id = \(id)
            """)
        return try await Self.load(id, on: self.database)
    }

    /// For each vendor party, the agreement of its breach in the RCA: the one its announcements route through.
    public func partyAgreements(id: Int64) async throws -> [Int64: Int64] {
        let rows = try await self.database.query(
            """
            SELECT DISTINCT ON (a.vendor_id) a.vendor_id, a.id
            FROM rca_breaches rb JOIN breaches b ON b.id = rb.breach_id JOIN objectives o ON o.id = b.objective_id
            JOIN agreement_versions av ON av.id = o.version_id JOIN agreements a ON a.id = av.agreement_id
            WHERE rb.rca_id = \(id) AND a.vendor_id IS NOT NULL ORDER BY a.vendor_id, rb.breach_id
            """)
        return try Dictionary(rows.map { try $0.decode((Int64, Int64).self) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether an RCA already covers the series' period (any breach of it).
    public func coversPeriod(seriesID: Int64, periodStart: Date) async throws -> Bool {
        try await !self.database.query(
            """
            SELECT 1 FROM rca_breaches rb JOIN breaches b ON b.id = rb.breach_id
            WHERE b.series_id = \(seriesID) AND b.period_start = \(periodStart)
            """
        ).isEmpty
    }
}

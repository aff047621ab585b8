import AccordDomain
import Crypto
import Foundation
import Logging
import PostgresNIO


/// Joint root-cause analyses. A vendor's users reach an RCA only when their vendor is a party to it; the customer's
/// people reach every one. Every change of content recomputes the content hash, which voids earlier signatures.
public struct RCARepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: - Reading

    static func visible(_ id: Int64, scope: AccessScope) -> PostgresQuery {
        """
        SELECT 1 FROM rcas r WHERE r.id = \(id)
          AND \(visibleTo: scope, when: Visible.rcaParty("r.id"))
        """
    }

    public func find(id: Int64, scope: AccessScope) async throws -> RootCauseAnalysis {
        if try await self.database.query(Self.visible(id, scope: scope)).isEmpty { throw NotFound("rca") }
        return try await Self.load(id, on: self.database)
    }

    /// The RCA, locked for the transaction `database` is bound to.
    static func lock(_ id: Int64, scope: AccessScope, on database: Database) async throws -> RootCauseAnalysis {
        if try await database.query(Self.visible(id, scope: scope)).isEmpty { throw NotFound("rca") }
        try await database.query("SELECT 1 FROM rcas WHERE id = \(id) FOR UPDATE")
        return try await Self.load(id, on: database)
    }

    /// Everything of one RCA, read in a handful of queries.
    static func load(_ id: Int64, on database: Database) async throws -> RootCauseAnalysis {
        guard
            let row = try await database.query(
                """
                SELECT r.id, r.title, r.status, r.master_id, r.time_zone, to_char(r.due_on, 'YYYY-MM-DD') AS due_on, r.automatic, r.trigger_rule,
                       r.trigger_statement, r.root_cause, r.root_cause_category, r.five_whys::text AS five_whys, r.content_hash, r.return_comment,
                       u.name AS opened_by, r.opened_at, r.accepted_at, r.row_version, r.shared_with_vendors
                FROM rcas r LEFT JOIN users u ON u.id = r.opened_by WHERE r.id = \(id)
                """
            ).first
        else { throw NotFound("rca") }
        let cells = row.makeRandomAccess()
        let parties = try await database.query(
            """
            SELECT p.vendor_id, coalesce(v.name, 'The customer'), p.share::text, p.signed_hash = r.content_hash, u.name, p.signed_at
            FROM rca_parties p JOIN rcas r ON r.id = p.rca_id LEFT JOIN vendors v ON v.id = p.vendor_id LEFT JOIN users u ON u.id = p.signed_by
            WHERE p.rca_id = \(id) ORDER BY p.vendor_id NULLS FIRST
            """
        ).map { row in
            let v = try row.decode((Int64?, String, String?, Bool?, String?, Date?).self)
            return RCAParty(vendorID: v.0, name: v.1, share: v.2.flatMap { Decimal(string: $0) }, signed: v.3 ?? false, signedBy: v.4, signedAt: v.5)
        }
        let names = Dictionary(uniqueKeysWithValues: parties.map { ($0.vendorID ?? 0, $0.name) })
        func party(_ vendorID: Int64?) -> String { names[vendorID ?? 0] ?? "a former party" }
        let breaches = try await database.query(
            """
            SELECT b.id, b.objective_id, o.name, a.title, b.vendor_id, v.name, b.period_start, b.period_end, b.severity, b.attainment::text,
                   b.target::text,
                   (SELECT pr.budget_consumed::text FROM period_results pr WHERE pr.series_id = b.series_id AND pr.period_start = b.period_start
                    ORDER BY pr.revision DESC LIMIT 1),
                   c.amount::text, c.currency,
                   coalesce((SELECT pr.sla_target::text FROM period_results pr WHERE pr.series_id = b.series_id AND pr.period_start = b.period_start
                             AND pr.revision = b.revision), o.sla_target::text),
                   coalesce(g.share_internal_figures, false)
            FROM rca_breaches rb JOIN breaches b ON b.id = rb.breach_id JOIN objectives o ON o.id = b.objective_id
            JOIN agreement_versions av ON av.id = o.version_id JOIN agreements a ON a.id = av.agreement_id
            LEFT JOIN vendors v ON v.id = b.vendor_id
            LEFT JOIN credits c ON c.series_id = b.series_id AND c.period_start = b.period_start
            LEFT JOIN agreement_governance g ON g.agreement_id = a.id
            WHERE rb.rca_id = \(id) ORDER BY b.period_start, b.id
            """
        ).map { row in
            let v = try row.decode(
                (Int64, Int64, String, String, Int64?, String?, Date, Date, String, String, String, String?, String?, String?, String, Bool).self)
            return RCABreach(
                id: v.0, objectiveID: v.1, objectiveName: v.2, agreementTitle: v.3, vendorID: v.4, vendorName: v.5, periodStart: v.6, periodEnd: v.7,
                severity: v.8, attainment: Decimal(string: v.9) ?? 0, target: Decimal(string: v.10) ?? 0,
                budgetConsumed: v.11.flatMap { Decimal(string: $0) }, creditAmount: v.12, currency: v.13, slaTarget: Decimal(string: v.14) ?? 0,
                sharesInternalFigures: v.15)
        }
        let timeline = try await database.query(
            "SELECT id, at, text, evidence_url, author_vendor_id FROM rca_timeline WHERE rca_id = \(id) ORDER BY at, id"
        ).map { row in
            let v = try row.decode((Int64, Date, String, String, Int64?).self)
            return TimelineEntry(id: v.0, at: v.1, text: v.2, evidenceURL: v.3, authorVendorID: v.4, authorParty: party(v.4))
        }
        let factors = try await database.query(
            "SELECT id, category, description, responsible_vendor_id FROM rca_factors WHERE rca_id = \(id) ORDER BY id"
        ).compactMap { row -> ContributingFactor? in
            let v = try row.decode((Int64, String, String, Int64?).self)
            guard let category = RootCauseCategory(rawValue: v.1) else { return nil }
            return ContributingFactor(id: v.0, category: category, description: v.2, responsibleVendorID: v.3, responsibleParty: party(v.3))
        }
        let title: String = try cells.value("title")
        let actions = try await ActionRepository.actions(ofRCA: id, on: database)
        return RootCauseAnalysis(
            id: id, title: title, status: RCAState(rawValue: try cells.value("status")) ?? .requested, masterID: try cells.value("master_id"),
            timeZone: try cells.value("time_zone"), dueOn: LocalDate(try cells.value("due_on", as: String.self)) ?? LocalDate(year: 1970, month: 1, day: 1)!,
            automatic: try cells.value("automatic"), triggerRule: try cells.value("trigger_rule"), triggerStatement: try cells.value("trigger_statement"),
            rootCause: try cells.value("root_cause"), rootCauseCategory: try cells.value("root_cause_category", as: String?.self).flatMap(RootCauseCategory.init),
            fiveWhys: try JSONDecoder().decode([String].self, from: Data(try cells.value("five_whys", as: String.self).utf8)),
            contentHash: try cells.value("content_hash"), returnComment: try cells.value("return_comment"), openedBy: try cells.value("opened_by"),
            openedAt: try cells.value("opened_at"), acceptedAt: try cells.value("accepted_at"), parties: parties, breaches: breaches, timeline: timeline,
            factors: factors, actions: actions, rowVersion: try cells.value("row_version"), sharedWithVendors: try cells.value("shared_with_vendors"))
    }


    /// RCAs the filter matches, the earliest due first among open ones; `today` decides which are overdue.
    public func list(_ filter: RCAFilter, today: LocalDate, page: PageRequest, scope: AccessScope) async throws -> PageOf<RCASummary> {
        let rows = try await self.database.query(
            """
            SELECT r.id, r.title, r.status, to_char(r.due_on, 'YYYY-MM-DD'), r.opened_at, r.automatic,
                   (SELECT string_agg(coalesce(v.name, 'The customer'), ', ' ORDER BY p.vendor_id NULLS FIRST) FROM rca_parties p
                    LEFT JOIN vendors v ON v.id = p.vendor_id WHERE p.rca_id = r.id),
                   (SELECT count(*)::int8 FROM rca_breaches rb JOIN breaches b ON b.id = rb.breach_id JOIN objectives o ON o.id = b.objective_id
                    JOIN agreement_versions av ON av.id = o.version_id LEFT JOIN agreement_governance g ON g.agreement_id = av.agreement_id
                    -- a vendor counts the breaches it reads (RCABreach.isShownToVendors)
                    WHERE rb.rca_id = r.id AND \(visibleTo: scope, when: "b.severity = 'sla' OR r.shared_with_vendors OR coalesce(g.share_internal_figures, false)")),
                   count(*) OVER ()
            FROM rcas r
            WHERE \(visibleTo: scope, when: Visible.rcaParty("r.id"))
              AND (\(filter.vendorID)::int8 IS NULL OR EXISTS (SELECT 1 FROM rca_parties p WHERE p.rca_id = r.id AND p.vendor_id = \(filter.vendorID)))
              AND (\(filter.status?.rawValue)::text IS NULL OR r.status = \(filter.status?.rawValue))
              AND (\(filter.overdueOn?.description)::date IS NULL
                   OR (r.due_on < \(filter.overdueOn?.description)::date AND r.status IN ('requested', 'in_progress', 'returned')))
            ORDER BY r.status IN ('accepted', 'closed'), r.due_on, r.id DESC LIMIT \(page.size) OFFSET \(page.offset)
            """)
        var total = 0
        let items = try rows.map { row in
            let v = try row.decode((Int64, String, String, String, Date, Bool, String?, Int, Int).self)
            total = v.8
            let status = RCAState(rawValue: v.2) ?? .requested
            let due = LocalDate(v.3) ?? today
            return RCASummary(
                id: v.0, title: v.1, status: status, dueOn: due, openedAt: v.4, automatic: v.5,
                parties: (v.6 ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }, breachCount: v.7,
                overdue: [.requested, .inProgress, .returned].contains(status) && due < today)
        }
        return PageOf(items: items, total: total, request: page)
    }

    public func history(id: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        if try await self.database.query(Self.visible(id, scope: scope)).isEmpty { throw NotFound("rca") }
        return try await GovernanceHistoryRepository.list(.rca, id: id, on: self.database)
    }

    /// Root-cause categories of contributing factors, counted per responsible vendor (nil: the customer), over RCAs the
    /// scope sees; a vendor's scope counts only factors it is responsible for.
    public func categoryCounts(scope: AccessScope) async throws -> [(vendorID: Int64?, vendorName: String, category: RootCauseCategory, count: Int)] {
        try await self.database.query(
            """
            SELECT f.responsible_vendor_id, coalesce(v.name, 'The customer'), f.category, count(*)::int8
            FROM rca_factors f LEFT JOIN vendors v ON v.id = f.responsible_vendor_id
            WHERE \(visibleTo: scope, vendor: "f.responsible_vendor_id")
            GROUP BY 1, 2, 3 ORDER BY 2, 4 DESC
            """
        ).compactMap { row in
            let v = try row.decode((Int64?, String, String, Int).self)
            guard let category = RootCauseCategory(rawValue: v.2) else { return nil }
            return (v.0, v.1, category, v.3)
        }
    }

    /// The RCA each of these breaches is analysed in, where one is (the breaches were found through the caller's scope).
    public func analyses(ofBreaches ids: [Int64]) async throws -> [Int64: Int64] {
        guard !ids.isEmpty else { return [:] }
        return Dictionary(
            try await self.database.query("SELECT breach_id, rca_id FROM rca_breaches WHERE breach_id = ANY(\(ids))").map { try $0.decode((Int64, Int64).self) },
            uniquingKeysWith: { first, _ in first })
    }


    /// Current breaches of vendor SLAs the scope sees that no RCA covers, newest first (at most 300).
    public func unanalysedBreaches(scope: AccessScope) async throws -> [UnanalysedBreach] {
        try await self.database.query(
            """
            SELECT b.id, o.name, a.title, coalesce(v.name, ''), b.period_start, a.time_zone, b.severity, b.attainment::text
            FROM breaches b JOIN objectives o ON o.id = b.objective_id JOIN agreement_versions av ON av.id = o.version_id
            JOIN agreements a ON a.id = av.agreement_id LEFT JOIN vendors v ON v.id = b.vendor_id
            WHERE b.current AND a.kind = 'vendor' AND NOT EXISTS (SELECT 1 FROM rca_breaches rb WHERE rb.breach_id = b.id)
              AND \(visibleTo: scope, vendor: "a.vendor_id")
            ORDER BY b.period_start DESC, b.id DESC LIMIT 300
            """
        ).map { row in
            let v = try row.decode((Int64, String, String, String, Date, String, String, String).self)
            let month = Self.month(v.4, TimeZone(identifier: v.5) ?? .gmt)
            let attainment = (Decimal(string: v.7) ?? 0).rounded(places: 3).plain
            return UnanalysedBreach(id: v.0, label: "\(v.1) · \(v.2) (\(v.3)) · \(month) · \(v.6.uppercased()) · \(attainment) %")
        }
    }

    /// The SHA-256 (hex) of the RCA's canonical content with its evidence files' digests.
    static func hash(_ rca: RootCauseAnalysis, on database: Database) async throws -> String {
        let evidence = try await database.query(
            "SELECT id, file_name, sha256 FROM evidence_files WHERE subject_kind = 'rca' AND subject_id = \(rca.id) ORDER BY id"
        ).map { row in
            let v = try row.decode((Int64, String, String).self)
            return EvidenceDigest(id: v.0, fileName: v.1, sha256: v.2)
        }
        return SHA256.hash(data: Data(RCARules.canonicalContent(rca, evidence: evidence).utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Monthly statements, the keys that sign them, and the months whose statement is due. Statements are never updated
/// or deleted (a trigger refuses it); a new revision is a new row naming the one it supersedes.
public struct StatementRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: - Keys

    /// The newest signing key with its seed, made (and stored) the first time one is needed.
    public func signingKey(makeWith generate: @Sendable () -> (publicKey: String, privateKey: String), at now: Date) async throws -> (id: Int, privateKey: String) {
        if let row = try await self.database.query("SELECT id, private_key FROM signing_keys ORDER BY id DESC LIMIT 1").first {
            let (id, key) = try row.decode((Int, String).self)
            return (id, key)
        }
        let made = generate()
        let rows = try await self.database.query(
            """
            INSERT INTO signing_keys (public_key, private_key, created_at)
            SELECT \(made.publicKey), \(made.privateKey), \(now) WHERE NOT EXISTS (SELECT 1 FROM signing_keys)
            RETURNING id, private_key
            """)
        if let row = rows.first {
            let (id, key) = try row.decode((Int, String).self)
            return (id, key)
        }
        // another runner made one first
        guard let row = try await self.database.query("SELECT id, private_key FROM signing_keys ORDER BY id DESC LIMIT 1").first else {
            throw NotFound("signing key")
        }
        let (id, key) = try row.decode((Int, String).self)
        return (id, key)
    }

    /// Every public key, oldest first: what anyone checks a statement against.
    public func publicKeys() async throws -> [(id: Int, publicKey: String, createdAt: Date)] {
        try await self.database.query("SELECT id, public_key, created_at FROM signing_keys ORDER BY id").map { row in
            let (id, key, created) = try row.decode((Int, String, Date).self)
            return (id, key, created)
        }
    }

    // MARK: - Due months

    /// Marks the month (in the agreement's zone) in which the objective's period ended as due for a statement, ten
    /// minutes on: the agreement's other periods closing in the same run join it in one statement.
    public func markDue(objectiveID: Int64, periodEnd: Date, at now: Date) async throws {
        try await self.database.query(
            """
            INSERT INTO statements_due (agreement_id, month, due_at)
            SELECT a.id, date_trunc('month', (\(periodEnd)::timestamptz - interval '1 second') AT TIME ZONE a.time_zone)::date,
                   \(now)::timestamptz + interval '10 minutes'
            FROM objectives o JOIN agreement_versions v ON v.id = o.version_id JOIN agreements a ON a.id = v.agreement_id
            WHERE o.id = \(objectiveID)
            ON CONFLICT (agreement_id, month) DO UPDATE SET due_at = greatest(statements_due.due_at, excluded.due_at)
            """)
    }

    /// Takes up to `limit` due months (without `waiting`, also those still within their ten minutes), oldest first (so each agreement's chain is in month order); the caller issues
    /// each in the same transaction, which removes its row.
    public func takeDue(now: Date, limit: Int, waiting: Bool = true) async throws -> [(agreementID: Int64, month: LocalDate)] {
        try await self.database.query(
            """
            SELECT agreement_id, to_char(month, 'YYYY-MM-DD') FROM statements_due WHERE (NOT \(waiting) OR due_at <= \(now))
            ORDER BY month, agreement_id LIMIT \(limit) FOR UPDATE SKIP LOCKED
            """
        ).compactMap { row in
            let (agreement, month) = try row.decode((Int64, String).self)
            return LocalDate(month).map { (agreement, $0) }
        }
    }

    /// Who receives an agreement's statements: the customer's people the RACI names on it (any activity; the contract
    /// managers when it names no one), and the vendor's side: its contacts and the vendor users the RACI names. One
    /// entry per address; disabled users and contacts without an address are left out.
    public func recipients(agreementID: Int64, vendorID: Int64?) async throws -> [(userID: Int64?, email: String, name: String, vendorID: Int64?)] {
        let rows = try await self.database.query(
            """
            WITH customer AS (
                SELECT DISTINCT u.id, u.email, u.name FROM raci_assignments r JOIN users u ON u.id = r.party_id
                WHERE r.agreement_id = \(agreementID) AND r.party_kind = 'person' AND u.role <> 'vendor' AND NOT u.disabled
            ), everyone AS (
                SELECT id, email, name, NULL::bigint AS vendor_id, 0 AS rank FROM customer
                UNION ALL
                SELECT u.id, u.email, u.name, NULL, 0 FROM users u
                WHERE u.role = 'contract_manager' AND NOT u.disabled AND NOT EXISTS (SELECT 1 FROM customer)
                UNION ALL
                SELECT NULL, c.email, c.name, c.vendor_id, 1 FROM vendor_contacts c WHERE c.vendor_id = \(vendorID) AND c.email <> ''
                UNION ALL
                SELECT u.id, u.email, u.name, u.vendor_id, 1 FROM raci_assignments r JOIN users u ON u.id = r.party_id
                WHERE r.agreement_id = \(agreementID) AND r.party_kind = 'vendor_user' AND u.vendor_id = \(vendorID) AND NOT u.disabled
            )
            SELECT DISTINCT ON (lower(email)) id, email, name, vendor_id FROM everyone ORDER BY lower(email), rank, id NULLS LAST
            """)
        return try rows.map { row in
            let (id, email, name, vendor) = try row.decode((Int64?, String, String, Int64?).self)
            return (id, email, name, vendor)
        }
    }

    public func clearDue(agreementID: Int64, month: LocalDate) async throws {
        try await self.database.query("DELETE FROM statements_due WHERE agreement_id = \(agreementID) AND month = \(month.description)::date")
    }

    // MARK: - Facts

    /// The latest revision of every period of the agreement's objectives that ended in the month `[from, to]`, with
    /// its objective and credit.
    public func periodLines(agreementID: Int64, endingAfter from: Date, through to: Date) async throws
        -> [(record: PeriodRecord, name: String, sliKind: String, credit: StatementFacts.Credit?)]
    {
        let records = try await self.database.query(
            """
            SELECT \(unescaped: PeriodRecordRepository.recordColumns) FROM (
                SELECT DISTINCT ON (r.series_id, r.period_start) r.* FROM period_results r
                JOIN objectives o ON o.id = r.objective_id JOIN agreement_versions v ON v.id = o.version_id
                WHERE v.agreement_id = \(agreementID) AND r.period_end > \(from) AND r.period_end <= \(to)
                ORDER BY r.series_id, r.period_start, r.revision DESC
            ) latest ORDER BY period_start, series_id
            """
        ).map(PeriodRecordRepository.record)
        guard !records.isEmpty else { return [] }
        var names: [Int64: (String, String)] = [:]
        for row in try await self.database.query("SELECT id, name, sli_kind FROM objectives WHERE id = ANY(\(records.map(\.objectiveID)))") {
            let (id, name, kind) = try row.decode((Int64, String, String).self)
            names[id] = (name, kind)
        }
        var credits: [String: StatementFacts.Credit] = [:]
        for row in try await self.database.query(
            """
            SELECT series_id, period_start, tier_percent::text, percent::text, on_probation, period_fee::text, currency, amount::text, status
            FROM credits WHERE series_id = ANY(\(records.map(\.seriesID))) AND period_end > \(from) AND period_end <= \(to)
            """)
        {
            let v = try row.decode((Int64, Date, String, String, Bool, String, String, String, String).self)
            credits["\(v.0)|\(RFC3339.format(v.1))"] = StatementFacts.Credit(
                tierPercent: Decimal(string: v.2) ?? 0, percent: Decimal(string: v.3) ?? 0, onProbation: v.4, periodFee: Decimal(string: v.5) ?? 0,
                currency: v.6, amount: Decimal(string: v.7) ?? 0, status: v.8)
        }
        return records.map { record in
            let (name, kind) = names[record.objectiveID] ?? ("objective \(record.objectiveID)", "ratio")
            return (record, name, kind, credits["\(record.seriesID)|\(RFC3339.format(record.periodStart))"])
        }
    }

    /// The approved exclusions of an objective overlapping a span: "planned maintenance 2026-11-03T02:00:00Z – …".
    public func exclusions(objectiveID: Int64, span: DateInterval) async throws -> [String] {
        try await self.database.query(
            """
            SELECT kind, starts_at, ends_at FROM exclusions
            WHERE objective_id = \(objectiveID) AND status = 'approved' AND starts_at < \(span.end) AND ends_at > \(span.start)
            ORDER BY starts_at, id
            """
        ).map { row in
            let (kind, starts, ends) = try row.decode((String, Date, Date).self)
            return "\(kind.replacingOccurrences(of: "_", with: " ")) \(RFC3339.format(starts)) – \(RFC3339.format(ends))"
        }
    }

    /// The claims and disputes of the agreement decided in `[from, to)`.
    public func decisions(agreementID: Int64, from: Date, to: Date) async throws -> [StatementFacts.Decision] {
        let claims = try await self.database.query(
            """
            SELECT id, status, decided_at, kind, starts_at, ends_at FROM exclusion_claims
            WHERE agreement_id = \(agreementID) AND decided_at >= \(from) AND decided_at < \(to) AND status IN ('approved', 'rejected')
            """
        ).map { row in
            let (id, status, decided, kind, starts, ends) = try row.decode((Int64, String, Date, String, Date, Date).self)
            return StatementFacts.Decision(
                kind: "claim", id: id, status: status, decidedAt: decided,
                summary: "\(kind.replacingOccurrences(of: "_", with: " ")) \(RFC3339.format(starts)) – \(RFC3339.format(ends))")
        }
        let disputes = try await self.database.query(
            """
            SELECT d.id, d.status, d.decided_at, o.name, d.period_start FROM disputes d JOIN objectives o ON o.id = d.objective_id
            WHERE d.agreement_id = \(agreementID) AND d.decided_at >= \(from) AND d.decided_at < \(to) AND d.status IN ('upheld', 'rejected')
            """
        ).map { row in
            let (id, status, decided, objective, start) = try row.decode((Int64, String, Date, String, Date).self)
            return StatementFacts.Decision(kind: "dispute", id: id, status: status, decidedAt: decided, summary: "\(objective), period from \(RFC3339.format(start))")
        }
        return claims + disputes
    }

    // MARK: - Statements

    static let columns = """
        SELECT s.id, s.agreement_id, s.vendor_id, to_char(s.month, 'YYYY-MM-DD'), s.revision, s.canonical, s.sha256, s.signature, s.key_id, k.public_key,
               s.previous_sha256, s.supersedes_id, s.issued_at, s.content_sha256
        FROM statements s JOIN signing_keys k ON k.id = s.key_id
        """

    static func statement(_ row: PostgresRow) throws -> (IssuedStatement, contentSHA256: String)? {
        let v = try row.decode((Int64, Int64, Int64?, String, Int, String, String, String, Int, String, String?, Int64?, Date, String).self)
        guard let month = LocalDate(v.3) else { return nil }
        return (
            IssuedStatement(
                id: v.0, agreementID: v.1, vendorID: v.2, month: month, revision: v.4, canonical: v.5, sha256: v.6, signature: v.7, keyID: v.8, publicKey: v.9,
                previousSHA256: v.10, supersedesID: v.11, issuedAt: v.12), v.13
        )
    }

    /// The agreement's newest statement (the chain's head), and the newest revision of the month's, with the digest of
    /// the figures each was made from.
    public func heads(agreementID: Int64, month: LocalDate) async throws -> (chain: IssuedStatement?, month: (IssuedStatement, contentSHA256: String)?) {
        let chain = try await self.database.query("\(unescaped: Self.columns) WHERE s.agreement_id = \(agreementID) ORDER BY s.id DESC LIMIT 1")
            .first.flatMap(Self.statement)?.0
        let latest = try await self.database.query(
            "\(unescaped: Self.columns) WHERE s.agreement_id = \(agreementID) AND s.month = \(month.description)::date ORDER BY s.revision DESC LIMIT 1"
        ).first.flatMap(Self.statement)
        return (chain, latest)
    }

    public struct NewStatement: Sendable {
        public var agreementID: Int64
        public var vendorID: Int64?
        public var month: LocalDate
        public var revision: Int
        public var canonical: String
        public var sha256: String
        public var signature: String
        public var keyID: Int
        public var previousSHA256: String?
        public var supersedesID: Int64?
        public var contentSHA256: String
        public var issuedAt: Date

        public init(
            agreementID: Int64, vendorID: Int64?, month: LocalDate, revision: Int, canonical: String, sha256: String, signature: String, keyID: Int,
            previousSHA256: String?, supersedesID: Int64?, contentSHA256: String, issuedAt: Date
        ) {
            self.agreementID = agreementID
            self.vendorID = vendorID
            self.month = month
            self.revision = revision
            self.canonical = canonical
            self.sha256 = sha256
            self.signature = signature
            self.keyID = keyID
            self.previousSHA256 = previousSHA256
            self.supersedesID = supersedesID
            self.contentSHA256 = contentSHA256
            self.issuedAt = issuedAt
        }
    }

    public func insert(_ new: NewStatement) async throws -> IssuedStatement {
        let rows = try await self.database.query(
            """
            INSERT INTO statements (agreement_id, vendor_id, month, revision, canonical, sha256, signature, key_id, previous_sha256, supersedes_id,
                                    content_sha256, issued_at)
            VALUES (\(new.agreementID), \(new.vendorID), \(new.month.description)::date, \(new.revision), \(new.canonical), \(new.sha256), \(new.signature),
                    \(new.keyID), \(new.previousSHA256), \(new.supersedesID), \(new.contentSHA256), \(new.issuedAt))
            RETURNING id
            """)
        guard let id = try rows.first?.decode(Int64.self) else { throw NotFound("statement") }
        return try await self.find(id: id, scope: .organisation)
    }

    /// A statement `scope` may read: a vendor only its own agreements'.
    public func find(id: Int64, scope: AccessScope) async throws -> IssuedStatement {
        let vendor = scope.vendorID
        guard
            let row = try await self.database.query(
                "\(unescaped: Self.columns) WHERE s.id = \(id) AND (\(vendor)::int8 IS NULL OR s.vendor_id = \(vendor)::int8)"
            ).first, let statement = try Self.statement(row)?.0
        else { throw NotFound("statement") }
        return statement
    }

    /// A vendor's newest statements across its agreements, the latest revision of each month, newest issued first.
    public func recent(vendorID: Int64, limit: Int) async throws -> [IssuedStatement] {
        try await self.database.query(
            """
            \(unescaped: Self.columns)
            WHERE s.vendor_id = \(vendorID)
              AND NOT EXISTS (SELECT 1 FROM statements later WHERE later.supersedes_id = s.id)
            ORDER BY s.issued_at DESC, s.id DESC LIMIT \(min(max(1, limit), 50))
            """
        ).compactMap { try Self.statement($0)?.0 }
    }

    /// The agreement's statements, newest month first, every revision.
    public func list(agreementID: Int64, scope: AccessScope, page: PageRequest) async throws -> PageOf<IssuedStatement> {
        let vendor = scope.vendorID
        let rows = try await self.database.query(
            """
            \(unescaped: Self.columns)
            WHERE s.agreement_id = \(agreementID) AND (\(vendor)::int8 IS NULL OR s.vendor_id = \(vendor)::int8)
            ORDER BY s.month DESC, s.revision DESC LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try await self.database.query(
            "SELECT count(*)::int8 FROM statements WHERE agreement_id = \(agreementID) AND (\(vendor)::int8 IS NULL OR vendor_id = \(vendor)::int8)"
        ).first?.decode(Int.self) ?? 0
        return PageOf(items: try rows.compactMap { try Self.statement($0)?.0 }, total: total, request: page)
    }
}

import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// What a review reads from the rest of the data: breaches, alerts, RCAs, actions, claims, disputes, credits and notice
/// dates of a set of agreements, bounded in number (a pack lists at most 200 of each). `vendorID` narrows every list to
/// one vendor's records (a vendor's pack).
public struct ReviewFactsRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public static let listLimit = 200

    public struct Breach: Sendable, Equatable {
        public var id: Int64
        public var objectiveID: Int64
        public var objectiveName: String
        public var vendorID: Int64?
        public var party: String
        public var periodStart: Date
        public var periodEnd: Date
        public var attainment: Decimal
        public var target: Decimal
        public var timeZone: String
    }

    /// Current SLA breaches of periods that ended in `[from, to)`.
    public func breaches(agreementIDs: [Int64], vendorID: Int64?, from: Date, to: Date) async throws -> [Breach] {
        try await self.database.query(
            """
            SELECT b.id, b.objective_id, o.name, b.vendor_id, coalesce(v.name, 'The customer'), b.period_start, b.period_end, b.attainment::text,
                   b.target::text, a.time_zone
            FROM breaches b JOIN objectives o ON o.id = b.objective_id JOIN agreement_versions av ON av.id = o.version_id
            JOIN agreements a ON a.id = av.agreement_id LEFT JOIN vendors v ON v.id = b.vendor_id
            WHERE a.id = ANY(\(agreementIDs)::int8[]) AND b.current AND b.severity = 'sla' AND b.period_end > \(from) AND b.period_end <= \(to)
              AND \(visibleTo: AccessScope(audience: vendorID), vendor: "b.vendor_id")
            ORDER BY b.period_end DESC, b.id LIMIT \(Self.listLimit)
            """
        ).map { row in
            let v = try row.decode((Int64, Int64, String, Int64?, String, Date, Date, String, String, String).self)
            return Breach(
                id: v.0, objectiveID: v.1, objectiveName: v.2, vendorID: v.3, party: v.4, periodStart: v.5, periodEnd: v.6,
                attainment: Decimal(string: v.7) ?? 0, target: Decimal(string: v.8) ?? 0, timeZone: v.9)
        }
    }

    public struct Alert: Sendable, Equatable {
        public var objectiveID: Int64
        public var objectiveName: String
        public var party: String
        public var rule: String
        public var severity: String
        public var at: Date
    }

    /// Burn-rate alerts that started firing in `[from, to)` (internal: never in a vendor's pack).
    public func alertsFired(seriesIDs: [Int64], from: Date, to: Date) async throws -> [Alert] {
        try await self.database.query(
            """
            SELECT o.id, o.name, coalesce(v.name, 'The customer'), e.rule, e.severity, e.at
            FROM alert_events e JOIN objectives o ON o.id = e.objective_id JOIN agreement_versions av ON av.id = o.version_id
            JOIN agreements a ON a.id = av.agreement_id LEFT JOIN vendors v ON v.id = a.vendor_id
            WHERE e.series_id = ANY(\(seriesIDs)::int8[]) AND e.state = 'firing' AND e.at >= \(from) AND e.at < \(to)
            ORDER BY e.at DESC LIMIT \(Self.listLimit)
            """
        ).map { row in
            let v = try row.decode((Int64, String, String, String, String, Date).self)
            return Alert(objectiveID: v.0, objectiveName: v.1, party: v.2, rule: v.3, severity: v.4, at: v.5)
        }
    }

    public struct RCA: Sendable, Equatable {
        public var id: Int64
        public var title: String
        public var status: String
        public var dueOn: LocalDate
        public var parties: String
    }

    /// RCAs about these agreements open at `asOf`: opened by then and not accepted or closed before it (one accepted or
    /// closed since reads "open at the cut-off": the pack holds no later fact).
    public func openRCAs(agreementIDs: [Int64], vendorID: Int64?, asOf: Date) async throws -> [RCA] {
        try await self.database.query(
            """
            SELECT r.id, r.title, CASE WHEN r.status IN ('accepted', 'closed') THEN 'open at the cut-off' ELSE r.status END,
                   to_char(r.due_on, 'YYYY-MM-DD'),
                   (SELECT string_agg(coalesce(v.name, 'The customer'), ', ' ORDER BY p.vendor_id NULLS FIRST)
                    FROM rca_parties p LEFT JOIN vendors v ON v.id = p.vendor_id WHERE p.rca_id = r.id)
            FROM rcas r
            WHERE r.opened_at <= \(asOf)
              AND (r.status NOT IN ('accepted', 'closed') OR coalesce(r.accepted_at, r.closed_at) > \(asOf))
              AND EXISTS (SELECT 1 FROM rca_breaches rb JOIN breaches b ON b.id = rb.breach_id JOIN objectives o ON o.id = b.objective_id
                          JOIN agreement_versions av ON av.id = o.version_id
                          WHERE rb.rca_id = r.id AND av.agreement_id = ANY(\(agreementIDs)::int8[]))
              AND \(visibleTo: AccessScope(audience: vendorID), when: Visible.rcaParty("r.id"))
            ORDER BY r.due_on, r.id LIMIT \(Self.listLimit)
            """
        ).compactMap { row in
            let v = try row.decode((Int64, String, String, String, String?).self)
            return LocalDate(v.3).map { RCA(id: v.0, title: v.1, status: v.2, dueOn: $0, parties: v.4 ?? "") }
        }
    }

    public struct Action: Sendable, Equatable {
        public var id: Int64
        public var rcaID: Int64
        public var description: String
        public var ownerName: String
        public var ownerVendorID: Int64?
        public var party: String
        public var dueOn: LocalDate
        public var status: String
    }

    /// Open corrective actions of RCAs about these agreements (a vendor: of RCAs it is a party to), created by `asOf`.
    public func openActions(agreementIDs: [Int64], vendorID: Int64?, asOf: Date) async throws -> [Action] {
        try await self.database.query(
            """
            SELECT ca.id, ca.rca_id, ca.description, ca.owner_name, ca.owner_vendor_id, coalesce(v.name, 'The customer'),
                   to_char(ca.due_on, 'YYYY-MM-DD'), CASE WHEN ca.status IN ('open', 'in_progress') THEN ca.status ELSE 'open at the cut-off' END
            FROM corrective_actions ca LEFT JOIN vendors v ON v.id = ca.owner_vendor_id
            WHERE ca.created_at <= \(asOf) AND (ca.status IN ('open', 'in_progress') OR ca.verified_at > \(asOf))
              AND EXISTS (SELECT 1 FROM rca_breaches rb JOIN breaches b ON b.id = rb.breach_id JOIN objectives o ON o.id = b.objective_id
                          JOIN agreement_versions av ON av.id = o.version_id
                          WHERE rb.rca_id = ca.rca_id AND av.agreement_id = ANY(\(agreementIDs)::int8[]))
              AND \(visibleTo: AccessScope(audience: vendorID), when: Visible.rcaParty("ca.rca_id"))
            ORDER BY ca.due_on, ca.id LIMIT \(Self.listLimit)
            """
        ).compactMap { row in
            let v = try row.decode((Int64, Int64, String, String, Int64?, String, String, String).self)
            return LocalDate(v.6).map {
                Action(id: v.0, rcaID: v.1, description: v.2, ownerName: v.3, ownerVendorID: v.4, party: v.5, dueOn: $0, status: v.7)
            }
        }
    }

    public struct Claim: Sendable, Equatable {
        public var id: Int64
        public var kind: String
        public var party: String
        public var startsAt: Date
        public var endsAt: Date
        public var filedAt: Date
    }

    /// Claims awaiting a decision at `asOf`: filed by then and not decided before it.
    public func pendingClaims(agreementIDs: [Int64], vendorID: Int64?, asOf: Date) async throws -> [Claim] {
        try await self.database.query(
            """
            SELECT c.id, c.kind, v.name, c.starts_at, c.ends_at, c.filed_at FROM exclusion_claims c JOIN vendors v ON v.id = c.vendor_id
            WHERE c.filed_at <= \(asOf) AND (c.status = 'pending' OR c.decided_at > \(asOf)) AND c.agreement_id = ANY(\(agreementIDs)::int8[]) AND \(visibleTo: AccessScope(audience: vendorID), vendor: "c.vendor_id")
            ORDER BY c.filed_at, c.id LIMIT \(Self.listLimit)
            """
        ).map { row in
            let v = try row.decode((Int64, String, String, Date, Date, Date).self)
            return Claim(id: v.0, kind: v.1, party: v.2, startsAt: v.3, endsAt: v.4, filedAt: v.5)
        }
    }

    public struct Dispute: Sendable, Equatable {
        public var id: Int64
        public var objectiveID: Int64
        public var subject: String
        public var objectiveName: String
        public var party: String
        public var periodStart: Date
        public var filedAt: Date
        public var timeZone: String
    }

    /// Disputes open at `asOf`: filed by then and not decided before it.
    public func openDisputes(agreementIDs: [Int64], vendorID: Int64?, asOf: Date) async throws -> [Dispute] {
        try await self.database.query(
            """
            SELECT d.id, d.objective_id, d.subject, o.name, v.name, d.period_start, d.filed_at, a.time_zone
            FROM disputes d JOIN vendors v ON v.id = d.vendor_id JOIN objectives o ON o.id = d.objective_id JOIN agreements a ON a.id = d.agreement_id
            WHERE d.filed_at <= \(asOf) AND (d.status = 'open' OR d.decided_at > \(asOf)) AND d.agreement_id = ANY(\(agreementIDs)::int8[]) AND \(visibleTo: AccessScope(audience: vendorID), vendor: "d.vendor_id")
            ORDER BY d.filed_at, d.id LIMIT \(Self.listLimit)
            """
        ).map { row in
            let v = try row.decode((Int64, Int64, String, String, String, Date, Date, String).self)
            return Dispute(id: v.0, objectiveID: v.1, subject: v.2, objectiveName: v.3, party: v.4, periodStart: v.5, filedAt: v.6, timeZone: v.7)
        }
    }

    public struct Credit: Sendable, Equatable {
        public var id: Int64
        public var objectiveID: Int64
        public var objectiveName: String
        public var party: String
        public var periodStart: Date
        public var amount: Decimal
        public var currency: String
        public var status: String
        public var timeZone: String
    }

    /// Credits computed and awaiting approval, and credits of periods that ended in `(from, to]`;
    /// nothing of a period ending after `to`, the pack's cut-off.
    public func credits(agreementIDs: [Int64], vendorID: Int64?, from: Date, to: Date) async throws -> [Credit] {
        try await self.database.query(
            """
            SELECT c.id, c.objective_id, o.name, coalesce(v.name, 'The customer'), c.period_start, c.amount::text, c.currency, c.status, a.time_zone
            FROM credits c JOIN objectives o ON o.id = c.objective_id JOIN agreements a ON a.id = c.agreement_id LEFT JOIN vendors v ON v.id = c.vendor_id
            WHERE c.agreement_id = ANY(\(agreementIDs)::int8[]) AND \(visibleTo: AccessScope(audience: vendorID), vendor: "c.vendor_id")
              AND c.period_end <= \(to) AND (c.status = 'computed' OR c.period_end > \(from))
            ORDER BY c.period_start DESC, c.id LIMIT \(Self.listLimit)
            """
        ).map { row in
            let v = try row.decode((Int64, Int64, String, String, Date, String, String, String, String).self)
            return Credit(
                id: v.0, objectiveID: v.1, objectiveName: v.2, party: v.3, periodStart: v.4, amount: Decimal(string: v.5) ?? 0, currency: v.6, status: v.7,
                timeZone: v.8)
        }
    }


    /// Agreements with a notice deadline: the agreement's notice date, or its end less the notice period of its terms.
    public func notices(agreementIDs: [Int64]?, vendorID: Int64?) async throws -> [NoticeDeadline] {
        try await self.database.query(
            """
            SELECT a.id, a.title, a.vendor_id, to_char(a.end_date, 'YYYY-MM-DD'),
                   to_char(coalesce(a.notice_date, a.end_date - g.notice_period_days), 'YYYY-MM-DD'), coalesce(g.auto_renews, false)
            FROM agreements a LEFT JOIN agreement_governance g ON g.agreement_id = a.id
            WHERE a.status = 'active' AND coalesce(a.notice_date, a.end_date - g.notice_period_days) IS NOT NULL
              AND (\(agreementIDs)::int8[] IS NULL OR a.id = ANY(\(agreementIDs)::int8[]))
              AND \(visibleTo: AccessScope(audience: vendorID), vendor: "a.vendor_id")
            ORDER BY 5, a.id LIMIT 1000
            """
        ).compactMap { row in
            let v = try row.decode((Int64, String, Int64?, String?, String, Bool).self)
            return LocalDate(v.4).map {
                NoticeDeadline(agreementID: v.0, title: v.1, vendorID: v.2, endDate: v.3.flatMap(LocalDate.init), deadline: $0, autoRenews: v.5)
            }
        }
    }
}

import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// What a vendor's portal and scorecard add to the portfolio's figures: how its SLAs contribute to the masters they
/// underpin, and its shares of responsibility in joint RCAs. Figures of other vendors never leave these queries.
public struct PortalRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The dashboard says "100+" past this many: counting stops there, so a backlog costs no more than a few.
    public static let overdueShown = 100

    /// Open RCAs past their due date and open actions past theirs on `today` (each counted up to `overdueShown`), in
    /// one query over the partial indexes of open work: the dashboard's flags.
    public func overdueCounts(today: LocalDate, scope: AccessScope) async throws -> (rcas: Int, actions: Int) {
        let row = try await self.database.query(
            """
            SELECT (SELECT count(*)::int8 FROM (SELECT 1 FROM rcas r
                    WHERE r.status IN ('requested', 'in_progress', 'returned') AND r.due_on < \(today.description)::date
                      AND \(visibleTo: scope, when: Visible.rcaParty("r.id"))
                    LIMIT \(Self.overdueShown)) AS shown),
                   (SELECT count(*)::int8 FROM (SELECT 1 FROM corrective_actions ca
                    WHERE ca.status IN ('open', 'in_progress') AND ca.due_on < \(today.description)::date
                      AND \(visibleTo: scope, when: Visible.rcaParty("ca.rca_id"))
                    LIMIT \(Self.overdueShown)) AS shown)
            """
        ).first
        let (rcas, actions) = try row?.decode((Int, Int).self) ?? (0, 0)
        return (rcas, actions)
    }


    public func contributions(vendorID: Int64, since: Date) async throws -> [PortalContribution] {
        try await self.database.query(
            """
            SELECT a.id, a.title, s.name, a.dependency_kind,
                   (SELECT count(DISTINCT mb.period_start)::int8 FROM breaches mb JOIN objectives mo ON mo.id = mb.objective_id
                    JOIN agreement_versions mv ON mv.id = mo.version_id
                    WHERE mv.agreement_id = a.master_id AND mb.severity = 'sla' AND mb.current AND mb.period_start >= \(since)),
                   (SELECT count(DISTINCT mb.period_start)::int8 FROM breaches mb JOIN objectives mo ON mo.id = mb.objective_id
                    JOIN agreement_versions mv ON mv.id = mo.version_id
                    WHERE mv.agreement_id = a.master_id AND mb.severity = 'sla' AND mb.current AND mb.period_start >= \(since)
                      AND EXISTS (SELECT 1 FROM breaches vb JOIN objectives vo ON vo.id = vb.objective_id JOIN agreement_versions vv ON vv.id = vo.version_id
                                  WHERE vv.agreement_id = a.id AND vb.severity = 'sla' AND vb.current
                                    AND vb.period_start < mb.period_end AND vb.period_end > mb.period_start)),
                   (SELECT avg(p.share)::text FROM rca_parties p JOIN rcas r ON r.id = p.rca_id
                    WHERE p.vendor_id = \(vendorID) AND p.share IS NOT NULL AND r.master_id = a.master_id AND r.status IN ('accepted', 'closed'))
            FROM agreements a JOIN services s ON s.id = a.service_id
            WHERE a.vendor_id = \(vendorID) AND a.kind = 'vendor' AND a.status = 'active'
            ORDER BY lower(a.title), a.id
            """
        ).map { row in
            let v = try row.decode((Int64, String, String, String?, Int, Int, String?).self)
            return PortalContribution(
                agreementID: v.0, agreementTitle: v.1, serviceName: v.2, dependency: v.3 ?? "serial", masterBreaches: v.4, alsoBreached: v.5,
                averageShare: v.6.flatMap { Decimal(string: $0) }.map { $0.rounded(places: 1) })
        }
    }

    /// Each vendor's average share of responsibility in accepted joint RCAs of the master (customer: nil key).
    public func averageShares(masterID: Int64) async throws -> [Int64?: Decimal] {
        var shares: [Int64?: Decimal] = [:]
        for row in try await self.database.query(
            """
            SELECT p.vendor_id, avg(p.share)::text FROM rca_parties p JOIN rcas r ON r.id = p.rca_id
            WHERE r.master_id = \(masterID) AND p.share IS NOT NULL AND r.status IN ('accepted', 'closed') GROUP BY p.vendor_id
            """)
        {
            let (vendor, share) = try row.decode((Int64?, String).self)
            shares[vendor] = Decimal(string: share)?.rounded(places: 1)
        }
        return shares
    }

    /// The vendor's average share over every accepted joint RCA it was a party to, and how many gave shares.
    public func averageShare(vendorID: Int64) async throws -> (share: Decimal?, rcas: Int) {
        let row = try await self.database.query(
            """
            SELECT avg(p.share)::text, count(*)::int8 FROM rca_parties p JOIN rcas r ON r.id = p.rca_id
            WHERE p.vendor_id = \(vendorID) AND p.share IS NOT NULL AND r.status IN ('accepted', 'closed')
            """
        ).first
        let (share, count) = try row?.decode((String?, Int).self) ?? (nil, 0)
        return (share.flatMap { Decimal(string: $0) }.map { $0.rounded(places: 1) }, count)
    }


    public func recentBreaches(vendorID: Int64, since: Date, limit: Int = 20) async throws -> [VendorBreach] {
        try await self.database.query(
            """
            SELECT b.objective_id, o.name, a.title, b.period_start, b.period_end, a.time_zone, b.attainment::text, b.target::text
            FROM breaches b JOIN objectives o ON o.id = b.objective_id JOIN agreement_versions av ON av.id = o.version_id
            JOIN agreements a ON a.id = av.agreement_id
            WHERE a.vendor_id = \(vendorID) AND b.severity = 'sla' AND b.current AND b.period_start >= \(since)
            ORDER BY b.period_start DESC, b.id DESC LIMIT \(limit)
            """
        ).map { row in
            let v = try row.decode((Int64, String, String, Date, Date, String, String, String).self)
            return VendorBreach(
                objectiveID: v.0, objectiveName: v.1, agreementTitle: v.2, periodStart: v.3, periodEnd: v.4, timeZone: v.5,
                attainment: Decimal(string: v.6) ?? 0, target: Decimal(string: v.7) ?? 0)
        }
    }
}

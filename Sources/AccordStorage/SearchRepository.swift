import AccordDomain
import Foundation
import PostgresNIO

/// Finds vendors, agreements, objectives (as their latest terms name them), RCAs, review series, meetings and
/// proposals by a part of their name or by their number, each only where the scope may read it.
public struct SearchRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// `text`: words to find in names (as typed, `%` and `_` taken literally), or a number (`12`, `#12`).
    public func find(_ text: String, scope: AccessScope, limit: Int) async throws -> [SearchHit] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.hasPrefix("#") ? String(trimmed.dropFirst()) : trimmed
        let number: Int64? = digits.count <= 18 && !digits.isEmpty && digits.allSatisfy(\.isASCII) ? Int64(digits) : nil
        let escaped = trimmed.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        let pattern = "%\(escaped)%"
        // each kind gets its share of the answer: many matching vendors do not push the agreements out
        let each = min(max(1, limit / 4), 50)
        let rows = try await self.database.query(
            """
            SELECT kind, id, title, detail FROM (
                (SELECT 'vendor' AS kind, v.id, v.name AS title, '' AS detail, 0 AS rank FROM vendors v
                 WHERE (v.name ILIKE \(pattern) OR v.id = \(number)) AND \(visibleTo: scope, vendor: "v.id")
                 ORDER BY (v.id = \(number)) DESC, lower(v.name), v.id LIMIT \(each))
                UNION ALL
                (SELECT 'agreement', a.id, a.title, a.kind || ' · ' || replace(a.status, '_', ' '), 1 FROM agreements a
                 WHERE (a.title ILIKE \(pattern) OR a.id = \(number)) AND \(visibleTo: scope, vendor: "a.vendor_id")
                 ORDER BY (a.id = \(number)) DESC, lower(a.title), a.id LIMIT \(each))
                UNION ALL
                (SELECT 'objective', latest.id, latest.name, latest.agreement, 2 FROM (
                    SELECT DISTINCT ON (o.series_id) o.id, o.name, a.title AS agreement, o.series_id
                    FROM objectives o JOIN agreement_versions av ON av.id = o.version_id JOIN agreements a ON a.id = av.agreement_id
                    WHERE \(visibleTo: scope, vendor: "a.vendor_id")
                    ORDER BY o.series_id, av.number DESC, o.id DESC
                 ) latest WHERE latest.name ILIKE \(pattern) OR latest.id = \(number)
                 ORDER BY (latest.id = \(number)) DESC, lower(latest.name), latest.id LIMIT \(each))
                UNION ALL
                (SELECT 'rca', r.id, r.title, replace(r.status, '_', ' '), 3 FROM rcas r
                 WHERE (r.title ILIKE \(pattern) OR r.id = \(number)) AND \(visibleTo: scope, when: Visible.rcaParty("r.id"))
                 ORDER BY (r.id = \(number)) DESC, lower(r.title), r.id LIMIT \(each))
                UNION ALL
                (SELECT 'series', rs.id, rs.title, rs.tier || ' review', 4 FROM review_series rs
                 WHERE rs.title ILIKE \(pattern) AND rs.id IN (\(unescaped: ReviewRepository.visibleSeries(scope)))
                 ORDER BY lower(rs.title), rs.id LIMIT \(each))
                UNION ALL
                (SELECT 'meeting', m.id, rs.title, to_char(m.day, 'FMDD Mon YYYY'), 5
                 FROM review_meetings m JOIN review_series rs ON rs.id = m.series_id
                 WHERE m.id = \(number) AND rs.id IN (\(unescaped: ReviewRepository.visibleSeries(scope))))
                UNION ALL
                (SELECT 'proposal', p.id, p.title, a.title, 6 FROM renegotiation_proposals p JOIN agreements a ON a.id = p.agreement_id
                 WHERE (p.title ILIKE \(pattern) OR p.id = \(number)) AND \(visibleTo: scope, vendor: "a.vendor_id")
                 ORDER BY (p.id = \(number)) DESC, lower(p.title), p.id LIMIT \(each))
            ) hits
            ORDER BY rank, (id = \(number)) DESC, lower(title), id LIMIT \(min(max(1, limit), 200))
            """)
        return try rows.compactMap { row in
            let (kind, id, title, detail) = try row.decode((String, Int64, String, String).self)
            return SearchHit.Kind(rawValue: kind).map { SearchHit(kind: $0, id: id, title: title, detail: detail) }
        }
    }
}

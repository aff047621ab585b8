import AccordDomain
import Foundation
import PostgresNIO

/// Security events: refusals recorded so an admin can see who probes what. Aggregated — a repeat within the hour adds
/// to a count — and capped: past `rowsPerHour` rows in an hour, further kinds of refusal add to one overflow row per
/// kind, so no flood can fill the table.
public struct SecurityEventRepository: Sendable {
    let database: Database
    public static let rowsPerHour = 10_000

    public init(database: Database) {
        self.database = database
    }

    /// `route`: the request path with ids and long segments replaced, so routes stay few.
    public static func route(of path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).prefix(8).map { segment -> String in
            if segment.allSatisfy(\.isNumber) { return "{id}" }
            if segment.count > 40 || segment.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value > 0x7E }) { return "{…}" }
            return String(segment)
        }
        return "/" + segments.joined(separator: "/")
    }

    public func record(kind: SecurityEvent.Kind, userID: Int64?, vendorID: Int64?, address: String, path: String, at now: Date) async throws {
        let hour = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
        let route = Self.route(of: path)
        let address = String(address.prefix(64))
        let updated = try await self.database.query(
            """
            UPDATE security_events SET count = count + 1, last_at = \(now)
            WHERE hour = \(hour) AND kind = \(kind.rawValue) AND coalesce(user_id, 0) = \(userID ?? 0) AND address = \(address) AND route = \(route)
            RETURNING 1
            """)
        guard updated.isEmpty else { return }
        let inserted = try await self.database.query(
            """
            INSERT INTO security_events (hour, kind, user_id, vendor_id, address, route, first_at, last_at)
            SELECT \(hour), \(kind.rawValue), \(userID), \(vendorID), \(address), \(route), \(now), \(now)
            WHERE (SELECT count(*) FROM security_events WHERE hour = \(hour)) < \(Self.rowsPerHour)
            ON CONFLICT (hour, kind, coalesce(user_id, 0), address, route) DO UPDATE
                SET count = security_events.count + 1, last_at = excluded.last_at
            RETURNING 1
            """)
        guard inserted.isEmpty else { return }
        try await self.database.query(
            """
            INSERT INTO security_events (hour, kind, user_id, vendor_id, address, route, first_at, last_at)
            VALUES (\(hour), \(kind.rawValue), NULL, NULL, '*', '*', \(now), \(now))
            ON CONFLICT (hour, kind, coalesce(user_id, 0), address, route) DO UPDATE
                SET count = security_events.count + 1, last_at = excluded.last_at
            """)
    }

    /// The latest events, newest hour first, optionally of one vendor's users.
    public func list(vendorID: Int64?, page: PageRequest) async throws -> PageOf<SecurityEvent> {
        let rows = try await self.database.query(
            """
            SELECT e.hour, e.kind, e.user_id, u.name || ' <' || u.email || '>', e.vendor_id, v.name, e.address, e.route, e.count, e.first_at,
                   e.last_at, count(*) OVER ()
            FROM security_events e LEFT JOIN users u ON u.id = e.user_id LEFT JOIN vendors v ON v.id = e.vendor_id
            WHERE (\(vendorID)::int8 IS NULL OR e.vendor_id = \(vendorID))
            ORDER BY e.hour DESC, e.count DESC, e.id LIMIT \(page.size) OFFSET \(page.offset)
            """)
        var total = 0
        let events = try rows.map { row in
            let v = try row.decode((Date, String, Int64?, String?, Int64?, String?, String, String, Int64, Date, Date, Int).self)
            total = v.11
            return SecurityEvent(
                hour: v.0, kind: SecurityEvent.Kind(rawValue: v.1) ?? .forbidden, userID: v.2, userLabel: v.3, vendorID: v.4, vendorName: v.5,
                address: v.6, route: v.7, count: v.8, firstAt: v.9, lastAt: v.10)
        }
        return PageOf(items: events, total: total, request: page)
    }
}

import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// The reminders of RCAs and actions falling due: candidates read by their due dates (an index, not the portfolio),
/// each reminder sent once, recorded under its key in the transaction that announces it.
public struct ReminderRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// An open RCA due on or before `horizon`, with what its reminder needs.
    public struct DueRCA: Sendable {
        public var id: Int64
        public var dueOn: LocalDate
        public var timeZone: String
        public var calendar: BusinessCalendar?
    }

    public func openRCAs(dueBy horizon: LocalDate) async throws -> [DueRCA] {
        let rows = try await self.database.query(
            """
            SELECT r.id, to_char(r.due_on, 'YYYY-MM-DD'), r.time_zone, r.calendar_id FROM rcas r
            WHERE r.status IN ('requested', 'in_progress', 'returned') AND r.due_on <= \(horizon.description)::date
            ORDER BY r.due_on, r.id LIMIT 1000
            """)
        var calendars: [Int64: BusinessCalendar] = [:]
        var result: [DueRCA] = []
        for row in rows {
            let (id, due, zone, calendarID) = try row.decode((Int64, String, String, Int64?).self)
            var calendar: BusinessCalendar?
            if let calendarID {
                if calendars[calendarID] == nil {
                    calendars[calendarID] = try await self.database.query(
                        "SELECT \(unescaped: CalendarRepository.columns) FROM calendars k WHERE k.id = \(calendarID)"
                    ).first.map(CalendarRepository.calendar)
                }
                calendar = calendars[calendarID]
            }
            if let due = LocalDate(due) { result.append(DueRCA(id: id, dueOn: due, timeZone: zone, calendar: calendar)) }
        }
        return result
    }

    /// Open actions due on or before `horizon`, with their RCA's zone: two queries, however many there are.
    public func openActions(dueBy horizon: LocalDate) async throws -> [(action: CorrectiveAction, timeZone: String)] {
        let actions = try await self.database.query(
            """
            \(unescaped: ActionRepository.columns)
            WHERE ca.status IN ('open', 'in_progress') AND ca.due_on <= \(horizon.description)::date ORDER BY ca.due_on, ca.id LIMIT 1000
            """
        ).compactMap(ActionRepository.action)
        let rcaIDs = Array(Set(actions.map(\.rcaID)))
        guard !rcaIDs.isEmpty else { return [] }
        let zones = Dictionary(
            try await self.database.query("SELECT id, time_zone FROM rcas WHERE id = ANY(\(rcaIDs))").map { try $0.decode((Int64, String).self) },
            uniquingKeysWith: { first, _ in first })
        return actions.map { ($0, zones[$0.rcaID] ?? "UTC") }
    }

    /// Claims a reminder's key in the caller's transaction: true the first time, false when it was sent already.
    public func claim(_ key: String) async throws -> Bool {
        try await Self.claim(key, on: self.database)
    }

    /// The agreement an action's reminder routes through: its owner's agreement among the RCA's breaches.
    public func agreement(of action: CorrectiveAction) async throws -> Int64? {
        try await self.database.query(
            """
            SELECT a.id FROM rca_breaches rb JOIN breaches b ON b.id = rb.breach_id JOIN objectives o ON o.id = b.objective_id
            JOIN agreement_versions av ON av.id = o.version_id JOIN agreements a ON a.id = av.agreement_id
            WHERE rb.rca_id = \(action.rcaID) AND (\(action.ownerVendorID)::int8 IS NULL OR a.vendor_id = \(action.ownerVendorID)) LIMIT 1
            """
        ).first?.decode(Int64.self)
    }

    /// Which of these reminder keys were already sent: one query, so a run skips them without a transaction each.
    public func sent(_ keys: [String]) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return Set(try await self.database.query("SELECT key FROM governance_reminders WHERE key = ANY(\(keys)::text[])").map { try $0.decode(String.self) })
    }

    static func claim(_ key: String, on database: Database) async throws -> Bool {
        try await !database.query("INSERT INTO governance_reminders (key) VALUES (\(key)) ON CONFLICT (key) DO NOTHING RETURNING key").isEmpty
    }
}

import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Business calendars. A vendor user's scope sees only calendars its own agreements' objectives use.
public struct CalendarRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = "k.id, k.name, k.time_zone, k.weekly_hours::text AS weekly_hours, k.holidays::text AS holidays, k.row_version, k.updated_at"

    static let decoder = JSONDecoder()

    static func calendar(_ row: PostgresRow) throws -> BusinessCalendar {
        let cells = row.makeRandomAccess()
        let hours = try Self.decoder.decode([WeeklyHours].self, from: Data((try cells.value("weekly_hours", as: String.self)).utf8))
        let holidays = try Self.decoder.decode([Holiday].self, from: Data((try cells.value("holidays", as: String.self)).utf8))
        return BusinessCalendar(
            id: try cells.value("id"), name: try cells.value("name"), timeZone: try cells.value("time_zone"), weeklyHours: hours,
            holidays: holidays, rowVersion: try cells.value("row_version"), updatedAt: try cells.value("updated_at"))
    }

    public func list(search: String?, page: PageRequest, scope: AccessScope) async throws -> PageOf<BusinessCalendar> {
        let pattern = search?.nilIfEmpty.map { "%\($0)%" }
        let rows = try await self.database.query(
            """
            SELECT \(unescaped: Self.columns), count(*) OVER () AS total FROM calendars k
            WHERE \(visibleTo: scope, when: "EXISTS ( SELECT 1 FROM objectives o JOIN agreement_versions av ON av.id = o.version_id JOIN agreements a ON a.id = av.agreement_id WHERE o.calendar_id = k.id AND a.vendor_id = $vendor)")
              AND (\(pattern)::text IS NULL OR k.name ILIKE \(pattern) OR k.time_zone ILIKE \(pattern))
            ORDER BY lower(k.name), k.id LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        return PageOf(items: try rows.map(Self.calendar), total: total, request: page)
    }

    public func all() async throws -> [BusinessCalendar] {
        try await self.database.query("SELECT \(unescaped: Self.columns) FROM calendars k ORDER BY lower(k.name)").map(Self.calendar)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> BusinessCalendar {
        let rows = try await self.database.query(
            """
            SELECT \(unescaped: Self.columns) FROM calendars k WHERE k.id = \(id)
              AND \(visibleTo: scope, when: "EXISTS ( SELECT 1 FROM objectives o JOIN agreement_versions av ON av.id = o.version_id JOIN agreements a ON a.id = av.agreement_id WHERE o.calendar_id = k.id AND a.vendor_id = $vendor)")
            """)
        guard let row = rows.first else { throw NotFound("calendar") }
        return try Self.calendar(row)
    }

    /// A calendar by id, or nil when it was removed.
    static func load(_ id: Int64, on database: Database) async throws -> BusinessCalendar? {
        try await database.query("SELECT \(unescaped: Self.columns) FROM calendars k WHERE k.id = \(id)").first.map(Self.calendar)
    }

    static func lock(id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> BusinessCalendar {
        let rows = try await connection.rows("SELECT \(unescaped: Self.columns) FROM calendars k WHERE k.id = \(id) FOR UPDATE", logger: logger)
        guard let row = rows.first else { throw NotFound("calendar") }
        return try Self.calendar(row)
    }

    /// Inserts a calendar in the caller's transaction and reads it back; a taken name is a field error.
    public func insert(_ draft: BusinessCalendarDraft, actor: AuditActor) async throws -> BusinessCalendar {
        let hours = try AuditRepository.json(draft.weeklyHours.sorted { $0.weekday < $1.weekday })
        let holidays = try AuditRepository.json(draft.holidays.sorted { $0.date < $1.date })
        do {
            let id = try await self.database.query(
                """
                INSERT INTO calendars (name, time_zone, weekly_hours, holidays, updated_by)
                VALUES (\(draft.name.trimmed), \(draft.timeZone), \(hours)::jsonb, \(holidays)::jsonb, \(actor.userID)) RETURNING id
                """
            ).first.map { try $0.decode(Int64.self) }
            guard let id else { throw NotFound("calendar") }
            return try await self.lock(id: id)
        } catch {
            throw Self.taken(error, name: draft.name)
        }
    }

    /// The calendar, locked for a change in the caller's transaction.
    public func lock(id: Int64) async throws -> BusinessCalendar {
        let logger = self.database.logger
        return try await self.database.transaction { connection in try await Self.lock(id: id, on: connection, logger: logger) }
    }

    public func conflict(id: Int64) async throws -> EditConflict {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            try await editConflict(entity: "calendar", table: "calendars", id: id, on: connection, logger: logger)
        }
    }

    /// Writes a calendar locked in the caller's transaction and reads it back.
    public func write(id: Int64, _ draft: BusinessCalendarDraft, actor: AuditActor) async throws -> BusinessCalendar {
        let hours = try AuditRepository.json(draft.weeklyHours.sorted { $0.weekday < $1.weekday })
        let holidays = try AuditRepository.json(draft.holidays.sorted { $0.date < $1.date })
        do {
            try await self.database.query(
                """
                UPDATE calendars SET name = \(draft.name.trimmed), time_zone = \(draft.timeZone), weekly_hours = \(hours)::jsonb,
                    holidays = \(holidays)::jsonb, row_version = row_version + 1, updated_at = now(), updated_by = \(actor.userID)
                WHERE id = \(id)
                """)
        } catch {
            throw Self.taken(error, name: draft.name)
        }
        return try await self.lock(id: id)
    }

    static func taken(_ error: any Error, name: String) -> any Error {
        mapUniqueViolation(error, constraint: "calendars_name_key", field: "name", message: "A calendar named \(name.trimmed) already exists.")
    }
}

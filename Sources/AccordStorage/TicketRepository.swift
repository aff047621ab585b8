import AccordDomain
import Crypto
import Foundation
import Logging
import PostgresNIO


/// Ticket events and the timer outcomes computed from each ticket's whole stored history.
///
/// Outcomes are stored with the instant they become known if nothing else happens: a running timer's breach is known
/// at its deadline, so reads count an outcome once `known_at` has passed. A later event (a resolution, a pause) or an
/// exclusion recomputes the ticket, and a changed outcome reaches closed periods through a recompute request.
public struct TicketRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// How far past a ticket's last event its timers are followed when looking for the instant a breach becomes known.
    static let horizon: TimeInterval = 90 * 86_400

    public func ingest(
        objectiveID: Int64, source: String, events: [TicketEvent], scope: AccessScope, sender: BatchSender
    ) async throws -> IngestedTicketBatch {
        let source = source.trimmed
        guard !source.isEmpty, source.count <= 200 else {
            throw ValidationErrors([FieldError("source", "source is required (at most 200 characters).")])
        }
        guard let first = events.map(\.at).min(), let last = events.map(\.at).max() else {
            throw ValidationErrors([FieldError("events", "The batch holds no events.")])
        }
        let hash = Self.contentHash(source: source, events: events)
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let (objective, _) = try await ObjectiveRepository.lock(id: objectiveID, scope: scope, on: connection, logger: logger)
            guard objective.sliKind.isTicketBased else {
                throw RuleViolation("This objective measures a ratio: send buckets to /measurements instead of ticket events.")
            }
            try await connection.rows(
                "SELECT pg_advisory_xact_lock(\(MeasurementRepository.lockNamespace), \(Int32(truncatingIfNeeded: objective.seriesID)))",
                logger: logger)
            let batch = try await connection.rows(
                """
                INSERT INTO measurement_batches (series_id, objective_id, source, kind, user_id, credential, row_count, content_hash, first_start, last_end)
                VALUES (\(objective.seriesID), \(objective.id), \(source), 'ticket_events', \(sender.userID), \(sender.credential), \(events.count),
                        \(hash), \(first), \(last))
                RETURNING id, received_at
                """, logger: logger
            ).first!.decode((Int64, Date).self)
            let inserted = try await connection.rows(
                """
                INSERT INTO ticket_events (series_id, batch_id, ticket, priority, kind, at)
                SELECT \(objective.seriesID), \(batch.0), t, p, k, a
                FROM unnest(\(events.map(\.ticket))::text[], \(events.map(\.priority))::text[], \(events.map(\.kind.rawValue))::text[],
                            \(events.map(\.at))::timestamptz[]) AS e(t, p, k, a)
                ON CONFLICT DO NOTHING
                RETURNING 1
                """, logger: logger
            ).count
            let tickets = Array(Set(events.map(\.ticket))).sorted()
            let earliest = try await Self.recomputeOutcomes(objective: objective, tickets: tickets, on: connection, logger: logger)
            try await PeriodRecordRepository.requestRecompute(
                seriesID: objective.seriesID, span: DateInterval(start: min(first, earliest ?? first), end: .distantFuture), reason: "late_data",
                on: connection, logger: logger)
            try await PeriodRecordRepository.touch(seriesID: objective.seriesID, on: connection, logger: logger)
            return IngestedTicketBatch(
                batchID: batch.0, seriesID: objective.seriesID, source: source, accepted: inserted, duplicates: events.count - inserted,
                ticketsRecomputed: tickets.count, contentHash: hash, receivedAt: batch.1)
        }
    }

    /// Computes the timers of one series waiting in `ticket_replays` again from each ticket's whole history, and asks
    /// for its closed periods from the earliest outcome that moved to be recomputed. Claimed with `FOR UPDATE SKIP
    /// LOCKED`, so replicas share the work; returns how many tickets were replayed, or nil when none is waiting.
    public func replayNext(now: Date) async throws -> Int? {
        let logger = self.database.logger
        return try await self.database.transaction { connection -> Int? in
            guard
                let series = try await connection.rows(
                    "SELECT series_id FROM ticket_replays ORDER BY requested_at, series_id LIMIT 1 FOR UPDATE SKIP LOCKED", logger: logger
                ).first?.decode(Int64.self)
            else { return nil }
            try await connection.rows("DELETE FROM ticket_replays WHERE series_id = \(series)", logger: logger)
            guard
                let objectiveID = try await connection.rows(
                    "SELECT id FROM objectives WHERE series_id = \(series) ORDER BY id DESC LIMIT 1", logger: logger
                ).first?.decode(Int64.self)
            else { return 0 }
            // a series whose objective cannot be read is dropped from the queue rather than blocking the rest of it
            guard let (objective, _) = try? await ObjectiveRepository.lock(id: objectiveID, scope: .organisation, on: connection, logger: logger),
                objective.sliKind.isTicketBased
            else { return 0 }
            try await connection.rows(
                "SELECT pg_advisory_xact_lock(\(MeasurementRepository.lockNamespace), \(Int32(truncatingIfNeeded: series)))", logger: logger)
            let tickets = try await connection.rows(
                "SELECT DISTINCT ticket FROM ticket_events WHERE series_id = \(series) ORDER BY ticket", logger: logger
            ).map { try $0.decode(String.self) }
            var earliest: Date?
            for start in stride(from: 0, to: tickets.count, by: 1000) {
                let chunk = Array(tickets[start..<min(start + 1000, tickets.count)])
                if let moved = try await Self.recomputeOutcomes(objective: objective, tickets: chunk, on: connection, logger: logger) {
                    earliest = min(earliest ?? moved, moved)
                }
            }
            if let earliest, earliest < now {
                try await PeriodRecordRepository.requestRecompute(
                    seriesID: series, span: DateInterval(start: earliest, end: now), reason: "late_data", on: connection, logger: logger)
                try await PeriodRecordRepository.touch(seriesID: series, on: connection, logger: logger)
            }
            return tickets.count
        }
    }

    /// Recomputes the tickets whose timers run over `span` (an exclusion created or revoked).
    static func recomputeOutcomes(objective: Objective, touching span: DateInterval, on connection: PostgresConnection, logger: Logger) async throws {
        let tickets = try await connection.rows(
            """
            SELECT DISTINCT ticket FROM ticket_outcomes
            WHERE series_id = \(objective.seriesID) AND started_at < \(span.end) AND (known_at IS NULL OR known_at > \(span.start))
            """, logger: logger
        ).map { try $0.decode(String.self) }
        _ = try await Self.recomputeOutcomes(objective: objective, tickets: tickets, on: connection, logger: logger)
    }

    /// Replaces the stored outcomes of `tickets` with ones computed from their whole history; returns the earliest
    /// instant at which an old or new outcome is known, so the periods from there on can be looked at again.
    @discardableResult
    static func recomputeOutcomes(objective: Objective, tickets: [String], on connection: PostgresConnection, logger: Logger) async throws -> Date? {
        guard !tickets.isEmpty else { return nil }
        let series = objective.seriesID
        let rows = try await connection.rows(
            "SELECT ticket, priority, kind, at FROM ticket_events WHERE series_id = \(series) AND ticket = ANY(\(tickets)::text[]) ORDER BY ticket, at",
            logger: logger)
        var history: [String: [TicketEvent]] = [:]
        for row in rows {
            let (ticket, priority, kind, at) = try row.decode((String, String, String, Date).self)
            guard let kind = TicketEvent.Kind(rawValue: kind) else { continue }
            history[ticket, default: []].append(TicketEvent(ticket: ticket, priority: priority, kind: kind, at: at))
        }
        let allEvents = history.values.joined()
        let from = allEvents.map(\.at).min() ?? .distantPast
        let to = (allEvents.map(\.at).max() ?? from).addingTimeInterval(Self.horizon)
        let excluded = try await ExclusionRepository.approvedSpans(seriesID: series, from: from, to: to, on: connection, logger: logger)
        let timer = TicketTimer(
            measure: objective.sliKind == .ticketResponse ? .response : .resolution,
            schedule: try await Self.schedule(calendarID: objective.calendarID, on: connection, logger: logger),
            goals: objective.priorityGoals)
        var outcomes: [TimerOutcome] = []
        var ignored: [IgnoredTicketEvent] = []
        for ticket in tickets {
            guard let events = history[ticket] else { continue }
            let horizon = (events.map(\.at).max() ?? from).addingTimeInterval(Self.horizon)
            let replay = TicketReplay(events, now: horizon)
            outcomes += timer.outcomes(of: replay, excluded: excluded, now: horizon)
            ignored += replay.ignored
        }
        try await connection.rows(
            "DELETE FROM ticket_ignored_events WHERE series_id = \(series) AND ticket = ANY(\(tickets)::text[])", logger: logger)
        if !ignored.isEmpty {
            try await connection.rows(
                """
                INSERT INTO ticket_ignored_events (series_id, ticket, kind, at, reason)
                SELECT \(series), t, k, a, r
                FROM unnest(\(ignored.map(\.event.ticket))::text[], \(ignored.map(\.event.kind.rawValue))::text[],
                            \(ignored.map(\.event.at))::timestamptz[], \(ignored.map(\.reason))::text[]) AS i(t, k, a, r)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        let previous = try await connection.rows(
            "DELETE FROM ticket_outcomes WHERE series_id = \(series) AND ticket = ANY(\(tickets)::text[]) RETURNING coalesce(known_at, started_at)",
            logger: logger
        ).map { try $0.decode(Date.self) }
        // PostgresNIO binds no arrays of optionals: absent instants travel as NaN seconds, absent verdicts as -1.
        func seconds(_ date: Date?) -> Double { date?.timeIntervalSince1970 ?? .nan }
        let met: [Int16] = outcomes.map { outcome in
            switch outcome.state {
            case .met: 1
            case .breached: 0
            case .running: -1
            }
        }
        try await connection.rows(
            """
            INSERT INTO ticket_outcomes (series_id, ticket, cycle, priority, started_at, deadline, stopped_at, known_at, met)
            SELECT \(series), t, c, p, s,
                   CASE WHEN d = 'NaN' THEN NULL ELSE to_timestamp(d) END, CASE WHEN x = 'NaN' THEN NULL ELSE to_timestamp(x) END,
                   CASE WHEN k = 'NaN' THEN NULL ELSE to_timestamp(k) END, CASE m WHEN 1 THEN true WHEN 0 THEN false END
            FROM unnest(\(outcomes.map(\.ticket))::text[], \(outcomes.map(\.cycle))::int4[], \(outcomes.map(\.priority))::text[],
                        \(outcomes.map(\.startedAt))::timestamptz[], \(outcomes.map { seconds($0.deadline) })::float8[],
                        \(outcomes.map { seconds($0.stoppedAt) })::float8[], \(outcomes.map { seconds($0.knownAt) })::float8[],
                        \(met)::int2[]) AS o(t, c, p, s, d, x, k, m)
            """, logger: logger)
        return (previous + outcomes.map { $0.knownAt ?? $0.startedAt }).min()
    }

    static func schedule(calendarID: Int64?, on connection: PostgresConnection, logger: Logger) async throws -> WorkingSchedule {
        guard let calendarID else { return .allDay }
        let rows = try await connection.rows(
            "SELECT \(unescaped: CalendarRepository.columns) FROM calendars k WHERE k.id = \(calendarID)", logger: logger)
        guard let row = rows.first else { return .allDay }
        return .business(try CalendarRepository.calendar(row))
    }



    static let outcomeColumns = "ticket, cycle, priority, started_at, deadline, stopped_at, known_at, met"

    static func outcome(_ row: PostgresRow) throws -> TicketOutcomeRow {
        let v = try row.decode((String, Int, String, Date, Date?, Date?, Date?, Bool?).self)
        return TicketOutcomeRow(
            ticket: v.0, cycle: v.1, priority: v.2, startedAt: v.3, deadline: v.4, stoppedAt: v.5, knownAt: v.6, met: v.7, ignoredEvents: [])
    }

    /// Outcomes known inside a span, breaches first: the tickets behind a period's figure.
    public func outcomes(seriesID: Int64, span: DateInterval, limit: Int = 200) async throws -> [TicketOutcomeRow] {
        try await self.outcomes(seriesID: seriesID, span: span, page: PageRequest(number: 1, size: limit)).items
    }

    /// One page of the outcomes known inside a span (breaches first, then by the instant they became known), each with
    /// its ticket's ignored events.
    public func outcomes(seriesID: Int64, span: DateInterval, page: PageRequest) async throws -> PageOf<TicketOutcomeRow> {
        let rows = try await self.database.query(
            """
            SELECT \(unescaped: Self.outcomeColumns), count(*) OVER ()::int8 FROM ticket_outcomes
            WHERE series_id = \(seriesID) AND known_at >= \(span.start) AND known_at < \(span.end)
            ORDER BY met NULLS FIRST, known_at, ticket, cycle LIMIT \(page.size) OFFSET \(page.offset)
            """)
        var items = try rows.map(Self.outcome)
        let total = try rows.first.map { try $0.makeRandomAccess()[8].decode(Int64.self) } ?? 0
        let ignored = try await self.ignoredEvents(seriesID: seriesID, tickets: Array(Set(items.map(\.ticket))), limit: Self.ignoredPerRow)
        for index in items.indices { items[index].ignoredEvents = ignored[items[index].ticket] ?? [] }
        return PageOf(items: items, total: Int(total), request: page)
    }

    /// The events of `tickets` that could not apply, oldest first, at most `limit` per ticket.
    func ignoredEvents(seriesID: Int64, tickets: [String], limit: Int = Self.historyLimit) async throws -> [String: [IgnoredEventRow]] {
        guard !tickets.isEmpty else { return [:] }
        var result: [String: [IgnoredEventRow]] = [:]
        for row in try await self.database.query(
            """
            SELECT ticket, kind, at, reason FROM (
                SELECT ticket, kind, at, reason, row_number() OVER (PARTITION BY ticket ORDER BY at, kind) AS n FROM ticket_ignored_events
                WHERE series_id = \(seriesID) AND ticket = ANY(\(tickets)::text[])) AS ignored
            WHERE n <= \(limit)
            ORDER BY ticket, at, kind
            """)
        {
            let (ticket, kind, at, reason) = try row.decode((String, String, Date, String).self)
            result[ticket, default: []].append(IgnoredEventRow(type: kind, at: at, reason: reason))
        }
        return result
    }

    /// Everything stored about one ticket: each event (applied, or ignored with the reason) and each timer cycle.
    /// The most events a ticket's lineage lists (a help desk's ticket has dozens).
    public static let historyLimit = 10_000
    /// The most ignored events each row of a period's ticket list carries; the ticket's lineage has them all.
    public static let ignoredPerRow = 20


    public func history(seriesID: Int64, ticket: String) async throws -> TicketHistory {
        let ignored = try await self.ignoredEvents(seriesID: seriesID, tickets: [ticket])[ticket] ?? []
        let events = try await self.database.query(
            """
            SELECT kind, priority, at, batch_id FROM ticket_events WHERE series_id = \(seriesID) AND ticket = \(ticket)
            ORDER BY at LIMIT \(Self.historyLimit)
            """
        ).map { row -> TicketHistory.EventRow in
            let (kind, priority, at, batch) = try row.decode((String, String, Date, Int64).self)
            let reason = ignored.first { $0.type == kind && $0.at == at }?.reason
            return TicketHistory.EventRow(type: kind, priority: priority, at: at, batchId: batch, applied: reason == nil, reason: reason)
        }.sorted { ($0.at, TicketTimer.rank(of: $0.type)) < ($1.at, TicketTimer.rank(of: $1.type)) }
        guard !events.isEmpty else { throw NotFound("ticket") }
        let cycles = try await self.database.query(
            "SELECT \(unescaped: Self.outcomeColumns) FROM ticket_outcomes WHERE series_id = \(seriesID) AND ticket = \(ticket) ORDER BY cycle"
        ).map(Self.outcome)
        return TicketHistory(ticket: ticket, events: events, cycles: cycles)
    }

    static func contentHash(source: String, events: [TicketEvent]) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(source.utf8))
        for event in events.sorted(by: { ($0.ticket, $0.at, $0.kind.rawValue) < ($1.ticket, $1.at, $1.kind.rawValue) }) {
            hasher.update(data: Data("\n\(event.ticket),\(event.priority),\(event.kind.rawValue),\(event.at.timeIntervalSince1970)".utf8))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

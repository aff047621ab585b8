import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Review series, their attendees and their meetings. The customer's people reach every series; a vendor's users reach
/// a series whose scope includes one of their vendor's agreements (its own agreement, the vendor itself, or a master
/// SLA it underpins). Only the customer's people plan, move or cancel.
public struct ReviewRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: - Series

    static let seriesColumns = """
        SELECT rs.id, rs.title, rs.tier, rs.scope_kind, rs.agreement_id, rs.vendor_id, rs.recurrence::text, rs.time_zone, rs.start_minute,
               rs.duration_minutes, rs.pre_read_days, rs.calendar_id, to_char(rs.starts_on, 'YYYY-MM-DD'), rs.location, rs.active, rs.row_version,
               coalesce(CASE rs.scope_kind WHEN 'vendor' THEN sv.name || ' (all agreements)'
                             WHEN 'master' THEN sa.title || ' (master SLA with its vendor SLAs)'
                             ELSE sa.title END, 'removed')
        FROM review_series rs LEFT JOIN agreements sa ON sa.id = rs.agreement_id LEFT JOIN vendors sv ON sv.id = rs.vendor_id
        """

    /// The series a vendor may read: its own vendor, one of its agreements, or a master SLA one of its agreements
    /// underpins. SQL text with the vendor's id as an integer literal, to embed in queries.
    static func visibleSeries(_ scope: AccessScope) -> String {
        guard let vendor = scope.vendorID else { return "SELECT rs.id FROM review_series rs" }
        return """
            SELECT rs.id FROM review_series rs
            WHERE rs.vendor_id = \(vendor)
               OR EXISTS (SELECT 1 FROM agreements a WHERE a.vendor_id = \(vendor)
                          AND (a.id = rs.agreement_id OR (rs.scope_kind = 'master' AND a.master_id = rs.agreement_id)))
            """
    }

    static func series(_ row: PostgresRow) throws -> ReviewSeries? {
        let v = try row.decode((Int64, String, String, String, Int64?, Int64?, String, String, Int, Int, Int, Int64?, String, String, Bool, Int, String).self)
        guard let tier = ReviewTier(rawValue: v.2), let scope = ReviewScope(kind: v.3, agreementID: v.4, vendorID: v.5),
            let recurrence = try? JSONDecoder().decode(Recurrence.self, from: Data(v.6.utf8)), let time = ClockTime(minutes: v.8),
            let starts = LocalDate(v.12)
        else { return nil }
        return ReviewSeries(
            id: v.0, title: v.1, tier: tier, scope: scope, scopeLabel: v.16, recurrence: recurrence, timeZone: v.7, startTime: time, durationMinutes: v.9,
            preReadDays: v.10, calendarID: v.11, startsOn: starts, location: v.13, active: v.14, rowVersion: v.15)
    }

    public func series(id: Int64, scope: AccessScope) async throws -> ReviewSeries {
        guard
            let row = try await self.database.query(
                "\(unescaped: Self.seriesColumns) WHERE rs.id = \(id) AND rs.id IN (\(unescaped: Self.visibleSeries(scope)))"
            ).first,
            let series = try Self.series(row)
        else { throw NotFound("review series") }
        return series
    }

    static func loadSeries(_ id: Int64, on database: Database) async throws -> ReviewSeries {
        guard let row = try await database.query("\(unescaped: Self.seriesColumns) WHERE rs.id = \(id)").first, let series = try Self.series(row) else {
            throw NotFound("review series")
        }
        return series
    }

    public func listSeries(scope: AccessScope, page: PageRequest) async throws -> PageOf<ReviewSeries> {
        let rows = try await self.database.query(
            """
            \(unescaped: Self.seriesColumns) WHERE rs.id IN (\(unescaped: Self.visibleSeries(scope)))
            ORDER BY NOT rs.active, array_position(ARRAY['operational', 'tactical', 'strategic', 'annual'], rs.tier), lower(rs.title), rs.id
            LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try await self.database.query("SELECT count(*)::int8 FROM (\(unescaped: Self.visibleSeries(scope))) s").first?.decode(Int.self) ?? 0
        return PageOf(items: try rows.compactMap(Self.series), total: total, request: page)
    }

    /// Active series whose meetings are planned less than `through` less a week: the planning job tops them up, so a
    /// run reads only the series that need it (about one a week each).
    public func seriesToPlan(through: LocalDate) async throws -> [Int64] {
        guard let due = through.adding(days: -7) else { return [] }
        return try await self.database.query(
            "SELECT id FROM review_series WHERE active AND (planned_through IS NULL OR planned_through < \(due.description)::date) ORDER BY id LIMIT 500"
        ).map { try $0.decode(Int64.self) }
    }

    /// The vendors whose data a series covers: the vendor of an agreement, the vendor itself, or every vendor under a master.
    public func vendors(of scope: ReviewScope) async throws -> [(id: Int64, name: String)] {
        try await Self.vendors(of: scope, on: self.database)
    }

    static func vendors(of scope: ReviewScope, on database: Database) async throws -> [(id: Int64, name: String)] {
        try await database.query(
            """
            SELECT DISTINCT v.id, v.name FROM vendors v
            WHERE v.id = \(scope.vendorID)
               OR v.id IN (SELECT a.vendor_id FROM agreements a
                           WHERE a.id = \(scope.agreementID) OR (\(scope.kind) = 'master' AND a.master_id = \(scope.agreementID)))
            ORDER BY v.name, v.id
            """
        ).map { row in
            let (id, name) = try row.decode((Int64, String).self)
            return (id, name)
        }
    }

    /// The agreements a series covers: for RACI, renewals and facts.
    static func agreementIDs(of scope: ReviewScope, on database: Database) async throws -> [Int64] {
        try await database.query(
            """
            SELECT a.id FROM agreements a
            WHERE a.id = \(scope.agreementID) OR a.vendor_id = \(scope.vendorID)
               OR (\(scope.kind) = 'master' AND a.master_id = \(scope.agreementID))
            ORDER BY a.id
            """
        ).map { try $0.decode(Int64.self) }
    }

    /// Creates a series with its attendees and plans its meetings up to `through`.
    public func createSeries(_ draft: ReviewSeriesDraft, through: LocalDate, scope: AccessScope, actor: AuditActor, now: Date) async throws
        -> ReviewSeries
    {
        guard scope == .organisation else { throw NotFound("review series") }
        var errors = draft.validate()
        guard errors.isEmpty, let tier = draft.tier, let reviewScope = draft.scope, var recurrence = draft.recurrence, let time = draft.startTime,
            let duration = draft.durationMinutes, let starts = draft.startsOn
        else { throw errors }
        return try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            switch reviewScope {
            case .agreement(let id):
                if try await bound.query("SELECT 1 FROM agreements WHERE id = \(id)").isEmpty { errors.add("scope", "No agreement \(id).") }
            case .master(let id):
                if try await bound.query("SELECT 1 FROM agreements WHERE id = \(id) AND kind = 'master'").isEmpty {
                    errors.add("scope", "A multi-vendor review covers a master SLA: agreement \(id) is not one.")
                }
            case .vendor(let id):
                if try await bound.query("SELECT 1 FROM vendors WHERE id = \(id)").isEmpty { errors.add("scope", "No vendor \(id).") }
            }
            if let calendar = draft.calendarID, try await bound.query("SELECT 1 FROM calendars WHERE id = \(calendar)").isEmpty {
                errors.add("calendar_id", "No business calendar \(calendar).")
            }
            try errors.throwIfAny()
            let vendorIDs = try await Self.vendors(of: reviewScope, on: bound).map(\.id)
            try await Self.checkAttendees(draft, vendorIDs: vendorIDs, on: bound)
            // the tier's usual rhythm is denser while a vendor the series reviews is on probation (its last day today or later)
            if draft.usualCadence, !vendorIDs.isEmpty,
                !(try await bound.query(
                    "SELECT 1 FROM vendors WHERE id = ANY(\(vendorIDs)) AND probation_until >= (\(now) AT TIME ZONE \(draft.timeZone))::date"
                ).isEmpty)
            {
                recurrence = recurrence.duringProbation
            }
            let json = String(decoding: try JSONEncoder().encode(recurrence), as: UTF8.self)
            guard
                let id = try await bound.query(
                    """
                    INSERT INTO review_series (title, tier, scope_kind, agreement_id, vendor_id, recurrence, time_zone, start_minute, duration_minutes,
                        pre_read_days, calendar_id, starts_on, location, created_by, created_at)
                    VALUES (\(draft.title.trimmed), \(tier.rawValue), \(reviewScope.kind), \(reviewScope.agreementID), \(reviewScope.vendorID),
                        \(json)::jsonb, \(draft.timeZone), \(time.minutes), \(duration), \(draft.effectivePreReadDays), \(draft.calendarID),
                        \(starts.description)::date, \(draft.location.trimmed), \(actor.userID), \(now))
                    RETURNING id
                    """
                ).first?.decode(Int64.self)
            else { throw RuleViolation("The series was not stored.") }
            for user in Set(draft.attendeeUserIDs) {
                try await bound.query("INSERT INTO review_attendees (series_id, user_id) VALUES (\(id), \(user))")
            }
            for contact in Set(draft.attendeeContactIDs) {
                try await bound.query("INSERT INTO review_attendees (series_id, contact_id) VALUES (\(id), \(contact))")
            }
            let series = try await Self.loadSeries(id, on: bound)
            _ = try await Self.plan(series, through: through, today: LocalDate.of(now, in: TimeZone(identifier: series.timeZone) ?? .gmt), on: bound)
            return series
        }
    }

    /// Attendees must be the customer's people or contacts and users of the series' vendors.
    static func checkAttendees(_ draft: ReviewSeriesDraft, vendorIDs: [Int64], on database: Database) async throws {
        var errors = ValidationErrors()
        if !draft.attendeeUserIDs.isEmpty {
            let known = Set(
                try await database.query(
                    """
                    SELECT id FROM users WHERE id = ANY(\(draft.attendeeUserIDs)::int8[]) AND NOT disabled
                      AND (vendor_id IS NULL OR vendor_id = ANY(\(vendorIDs)::int8[]))
                    """
                ).map { try $0.decode(Int64.self) })
            for id in draft.attendeeUserIDs where !known.contains(id) {
                errors.add("attendees", "User \(id) cannot attend: not a person of the customer or of this review's vendors.")
            }
        }
        if !draft.attendeeContactIDs.isEmpty {
            let known = Set(
                try await database.query(
                    "SELECT id FROM vendor_contacts WHERE id = ANY(\(draft.attendeeContactIDs)::int8[]) AND vendor_id = ANY(\(vendorIDs)::int8[])"
                ).map { try $0.decode(Int64.self) })
            for id in draft.attendeeContactIDs where !known.contains(id) {
                errors.add("attendees", "Contact \(id) cannot attend: not a contact of this review's vendors.")
            }
        }
        try errors.throwIfAny()
    }

    /// Ends a series: its planned meetings from today on are cancelled (their calendar entries follow).
    public func endSeries(id: Int64, scope: AccessScope, now: Date) async throws -> (before: ReviewSeries, after: ReviewSeries) {
        guard scope == .organisation else { throw NotFound("review series") }
        return try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let before = try await Self.loadSeries(id, on: bound)
            guard before.active else { throw RuleViolation("This series has already ended.") }
            try await bound.query("UPDATE review_series SET active = false, row_version = row_version + 1 WHERE id = \(id)")
            try await bound.query(
                """
                UPDATE review_meetings SET status = 'cancelled', reason = 'The series ended.', sequence = sequence + 1, updated_at = \(now),
                    row_version = row_version + 1
                WHERE series_id = \(id) AND status = 'planned' AND starts_at > \(now)
                """)
            return (before, try await Self.loadSeries(id, on: bound))
        }
    }

    // MARK: - Attendees

    /// Replaces a series' attendees: the customer's people and the contacts and users of the series' vendors.
    public func setAttendees(seriesID: Int64, userIDs: [Int64], contactIDs: [Int64], scope: AccessScope) async throws
        -> (before: [ReviewAttendee], after: [ReviewAttendee])
    {
        guard scope == .organisation else { throw NotFound("review series") }
        guard userIDs.count + contactIDs.count <= 100 else { throw ValidationErrors([FieldError("attendees", "At most 100 attendees.")]) }
        return try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            try await bound.query("SELECT 1 FROM review_series WHERE id = \(seriesID) FOR UPDATE")
            let series = try await Self.loadSeries(seriesID, on: bound)
            let before = try await Self.attendees(seriesID: seriesID, on: bound)
            let vendorIDs = try await Self.vendors(of: series.scope, on: bound).map(\.id)
            try await Self.checkAttendees(
                ReviewSeriesDraft(attendeeUserIDs: userIDs, attendeeContactIDs: contactIDs), vendorIDs: vendorIDs, on: bound)
            // removed people go, added ones come; those who stay keep their attendee id, so past attendance still names them
            try await bound.query(
                """
                DELETE FROM review_attendees WHERE series_id = \(seriesID)
                  AND NOT (coalesce(user_id, 0) = ANY(\(userIDs)::int8[]) OR coalesce(contact_id, 0) = ANY(\(contactIDs)::int8[]))
                """)
            for user in Set(userIDs) {
                try await bound.query(
                    """
                    INSERT INTO review_attendees (series_id, user_id) VALUES (\(seriesID), \(user))
                    ON CONFLICT (series_id, coalesce(user_id, 0), coalesce(contact_id, 0)) DO NOTHING
                    """)
            }
            for contact in Set(contactIDs) {
                try await bound.query(
                    """
                    INSERT INTO review_attendees (series_id, contact_id) VALUES (\(seriesID), \(contact))
                    ON CONFLICT (series_id, coalesce(user_id, 0), coalesce(contact_id, 0)) DO NOTHING
                    """)
            }
            return (before, try await Self.attendees(seriesID: seriesID, on: bound))
        }
    }

    /// The series' attendees; `mailable`: only those mail may reach (no disabled user: a former colleague left on a
    /// series gets no pack or invitation).
    public func attendees(seriesID: Int64, mailable: Bool = false) async throws -> [ReviewAttendee] {
        try await Self.attendees(seriesID: seriesID, mailable: mailable, on: self.database)
    }

    static func attendees(seriesID: Int64, mailable: Bool = false, on database: Database) async throws -> [ReviewAttendee] {
        try await database.query(
            """
            SELECT ra.id, ra.user_id, ra.contact_id, coalesce(u.name, c.name, 'removed'), coalesce(u.email, c.email, ''),
                   coalesce(u.vendor_id, c.vendor_id), coalesce(v.name, 'The customer')
            FROM review_attendees ra LEFT JOIN users u ON u.id = ra.user_id LEFT JOIN vendor_contacts c ON c.id = ra.contact_id
            LEFT JOIN vendors v ON v.id = coalesce(u.vendor_id, c.vendor_id)
            WHERE ra.series_id = \(seriesID) AND (NOT \(mailable) OR u.id IS NULL OR NOT u.disabled)
            ORDER BY coalesce(u.vendor_id, c.vendor_id) NULLS FIRST, lower(coalesce(u.name, c.name)), ra.id
            """
        ).map { row in
            let v = try row.decode((Int64, Int64?, Int64?, String, String, Int64?, String).self)
            return ReviewAttendee(id: v.0, userID: v.1, contactID: v.2, name: v.3, email: v.4, vendorID: v.5, party: v.6)
        }
    }


    public func candidates(for reviewScope: ReviewScope) async throws -> [AttendeeCandidate] {
        let agreements = try await Self.agreementIDs(of: reviewScope, on: self.database)
        let vendors = try await Self.vendors(of: reviewScope, on: self.database).map(\.id)
        return try await self.database.query(
            """
            WITH named AS (
                SELECT DISTINCT party_kind, party_id FROM raci_assignments
                WHERE agreement_id = ANY(\(agreements)::int8[]) AND activity IN ('review_chairing', 'pack_preparation')
            )
            SELECT * FROM (
            SELECT u.id AS user_id, NULL::int8 AS contact_id, u.name AS name, coalesce(v.name, 'The customer') AS party,
                   EXISTS (SELECT 1 FROM named n WHERE n.party_kind IN ('person', 'vendor_user') AND n.party_id = u.id)
            FROM users u LEFT JOIN vendors v ON v.id = u.vendor_id
            WHERE NOT u.disabled AND (u.vendor_id IS NULL OR u.vendor_id = ANY(\(vendors)::int8[]))
            UNION ALL
            SELECT NULL::int8, c.id, c.name, v.name,
                   EXISTS (SELECT 1 FROM named n WHERE n.party_kind = 'vendor_contact' AND n.party_id = c.id)
            FROM vendor_contacts c JOIN vendors v ON v.id = c.vendor_id
            WHERE c.vendor_id = ANY(\(vendors)::int8[])
            ) candidates
            ORDER BY party <> 'The customer', party, name
            """
        ).map { row in
            let v = try row.decode((Int64?, Int64?, String, String, Bool).self)
            return AttendeeCandidate(userID: v.0, contactID: v.1, name: v.2, party: v.3, proposed: v.4)
        }
    }

    // MARK: - Meetings

    static let meetingColumns = """
        SELECT m.id, m.series_id, to_char(m.day, 'YYYY-MM-DD'), m.starts_at, m.ends_at, m.pack_due_at, m.status, m.ad_hoc, m.reason, m.sequence,
               m.updated_at, m.attendance::text, m.notes::text, m.minutes_opened_at, to_char(m.comment_until, 'YYYY-MM-DD'), m.locked_at,
               m.minutes_hash, m.row_version
        FROM review_meetings m
        """

    static func meeting(_ row: PostgresRow) throws -> ReviewMeeting? {
        let v = try row.decode(
            (Int64, Int64, String, Date, Date, Date, String, Bool, String, Int, Date, String, String, Date?, String?, Date?, String?, Int).self)
        guard let day = LocalDate(v.2), let status = ReviewMeeting.Status(rawValue: v.6) else { return nil }
        let decoder = JSONDecoder()
        let minutes = ReviewMeeting.Minutes(
            attendance: (try? decoder.decode([Int64].self, from: Data(v.11.utf8))) ?? [],
            notes: (try? decoder.decode([ReviewMeeting.Minutes.Note].self, from: Data(v.12.utf8))) ?? [], openedAt: v.13,
            commentUntil: v.14.flatMap(LocalDate.init), lockedAt: v.15, hash: v.16)
        return ReviewMeeting(
            id: v.0, seriesID: v.1, day: day, startsAt: v.3, endsAt: v.4, packDueAt: v.5, status: status, adHoc: v.7, reason: v.8, sequence: v.9,
            updatedAt: v.10, minutes: minutes, rowVersion: v.17)
    }

    /// Plans the series' meetings from today (or its first day) through `through`; a day already planned, moved or
    /// cancelled is left as it is. Returns how many were added.
    static func plan(_ series: ReviewSeries, through: LocalDate, today: LocalDate, on database: Database) async throws -> Int {
        guard series.active, let zone = TimeZone(identifier: series.timeZone) else { return 0 }
        let calendar = try await series.calendarID.asyncFlatMap { try await CalendarRepository.load($0, on: database) }
        let planned = MeetingPlanner.plan(
            series.recurrence, anchor: series.startsOn, from: max(series.startsOn, today), through: through, startTime: series.startTime,
            durationMinutes: series.durationMinutes, zone: zone, preReadDays: series.preReadDays, calendar: calendar)
        var added = 0
        for meeting in planned {
            added += try await database.query(
                """
                INSERT INTO review_meetings (series_id, planned_on, day, starts_at, ends_at, pack_due_at)
                VALUES (\(series.id), \(meeting.day.description)::date, \(meeting.day.description)::date, \(meeting.startsAt), \(meeting.endsAt),
                        \(meeting.packDueAt))
                ON CONFLICT (series_id, planned_on) DO NOTHING RETURNING id
                """
            ).count
        }
        try await database.query("UPDATE review_series SET planned_through = \(through.description)::date WHERE id = \(series.id)")
        return added
    }

    /// Records the meetings a series held before it was set up in Accord: planned from its rule from `from` to
    /// yesterday, so their packs and minutes can be kept with the rest (importing a review history). Returns how many.
    public func backfill(seriesID: Int64, from: LocalDate, now: Date) async throws -> Int {
        let series = try await Self.loadSeries(seriesID, on: self.database)
        guard let zone = TimeZone(identifier: series.timeZone), let yesterday = LocalDate.of(now, in: zone).adding(days: -1) else { return 0 }
        let calendar = try await series.calendarID.asyncFlatMap { try await CalendarRepository.load($0, on: self.database) }
        var added = 0
        for meeting in MeetingPlanner.plan(
            series.recurrence, anchor: min(series.startsOn, from), from: from, through: yesterday, startTime: series.startTime,
            durationMinutes: series.durationMinutes, zone: zone, preReadDays: series.preReadDays, calendar: calendar)
        {
            added += try await self.database.query(
                """
                INSERT INTO review_meetings (series_id, planned_on, day, starts_at, ends_at, pack_due_at, updated_at)
                VALUES (\(series.id), \(meeting.day.description)::date, \(meeting.day.description)::date, \(meeting.startsAt), \(meeting.endsAt),
                        \(meeting.packDueAt), \(meeting.startsAt))
                ON CONFLICT (series_id, planned_on) DO NOTHING RETURNING id
                """
            ).count
        }
        return added
    }

    /// Plans one series ahead (the planning job calls it for every active series).
    public func plan(seriesID: Int64, through: LocalDate, now: Date) async throws -> Int {
        let series = try await Self.loadSeries(seriesID, on: self.database)
        return try await Self.plan(series, through: through, today: LocalDate.of(now, in: TimeZone(identifier: series.timeZone) ?? .gmt), on: self.database)
    }

    public func meetings(seriesID: Int64, scope: AccessScope) async throws -> [ReviewMeeting] {
        _ = try await self.series(id: seriesID, scope: scope)
        return try await self.database.query("\(unescaped: Self.meetingColumns) WHERE m.series_id = \(seriesID) ORDER BY m.starts_at, m.id")
            .compactMap(Self.meeting)
    }

    public func meeting(id: Int64, scope: AccessScope) async throws -> (ReviewMeeting, ReviewSeries) {
        guard
            let row = try await self.database.query(
                "\(unescaped: Self.meetingColumns) WHERE m.id = \(id) AND m.series_id IN (\(unescaped: Self.visibleSeries(scope)))"
            ).first,
            let meeting = try Self.meeting(row)
        else { throw NotFound("meeting") }
        return (meeting, try await Self.loadSeries(meeting.seriesID, on: self.database))
    }

    /// Meetings starting from `from` to `through` whose attendees have not been sent their current version: planned
    /// ones not yet invited (or moved since), and cancelled ones that were invited. Locked (`SKIP LOCKED`) in the
    /// caller's transaction; `markInvited` records what was sent.
    public func meetingsToInvite(from: Date, through: Date, limit: Int) async throws -> [(ReviewMeeting, ReviewSeries)] {
        let rows = try await self.database.query(
            """
            \(unescaped: Self.meetingColumns)
            WHERE m.starts_at >= \(from) AND m.starts_at <= \(through)
              AND (m.invited_status IS DISTINCT FROM m.status OR m.invited_sequence IS DISTINCT FROM m.sequence)
              AND (m.status = 'planned' OR m.invited_status = 'planned')
            ORDER BY m.starts_at, m.id LIMIT \(limit) FOR UPDATE OF m SKIP LOCKED
            """)
        var found: [(ReviewMeeting, ReviewSeries)] = []
        for row in rows {
            guard let meeting = try Self.meeting(row) else { continue }
            found.append((meeting, try await Self.loadSeries(meeting.seriesID, on: self.database)))
        }
        return found
    }

    public func markInvited(meetingID: Int64, sequence: Int, status: ReviewMeeting.Status) async throws {
        try await self.database.query(
            "UPDATE review_meetings SET invited_sequence = \(sequence), invited_status = \(status.rawValue) WHERE id = \(meetingID)")
    }

    /// Planned meetings whose pre-read deadline has come and whose packs are not mailed yet (a pack frozen, the meeting
    /// not begun: a pack after the start is no pre-read), locked for the caller's transaction, earliest deadline first.
    public func meetingsToMailPacks(now: Date, limit: Int) async throws -> [(ReviewMeeting, ReviewSeries)] {
        let rows = try await self.database.query(
            """
            \(unescaped: Self.meetingColumns)
            WHERE m.status = 'planned' AND m.packs_mailed_at IS NULL AND m.pack_due_at <= \(now) AND m.starts_at > \(now)
              AND EXISTS (SELECT 1 FROM review_packs p WHERE p.meeting_id = m.id)
            ORDER BY m.pack_due_at, m.id LIMIT \(min(max(1, limit), 100)) FOR UPDATE OF m SKIP LOCKED
            """)
        var found: [(ReviewMeeting, ReviewSeries)] = []
        for row in rows {
            guard let meeting = try Self.meeting(row) else { continue }
            found.append((meeting, try await Self.loadSeries(meeting.seriesID, on: self.database)))
        }
        return found
    }

    public func markPacksMailed(meetingID: Int64, now: Date) async throws {
        try await self.database.query("UPDATE review_meetings SET packs_mailed_at = \(now) WHERE id = \(meetingID)")
    }

    /// The meeting, locked in the caller's transaction; when the caller read a row version (`expected`), a meeting
    /// changed since is a conflict named after what was being edited (`entity`).
    static func lockMeeting(_ id: Int64, scope: AccessScope, expected: Int? = nil, entity: String = "meeting", on database: Database) async throws
        -> ReviewMeeting
    {
        guard
            let row = try await database.query(
                "\(unescaped: Self.meetingColumns) WHERE m.id = \(id) AND m.series_id IN (\(unescaped: Self.visibleSeries(scope))) FOR UPDATE OF m"
            ).first,
            let meeting = try Self.meeting(row)
        else { throw NotFound("meeting") }
        if let expected, expected != meeting.rowVersion {
            throw EditConflict(entity: entity, changedBy: "another user", changedAt: meeting.updatedAt, currentRowVersion: meeting.rowVersion)
        }
        return meeting
    }

    /// The meetings before `meeting` in its series, latest first.
    public func previousMeeting(before meeting: ReviewMeeting) async throws -> ReviewMeeting? {
        try await self.database.query(
            """
            \(unescaped: Self.meetingColumns)
            WHERE m.series_id = \(meeting.seriesID) AND m.starts_at < \(meeting.startsAt) AND m.status = 'planned'
            ORDER BY m.starts_at DESC LIMIT 1
            """
        ).compactMap(Self.meeting).first
    }

    /// Meetings in `[from, to)` of the series the scope sees, with their series, earliest first.
    public func meetings(from: Date, to: Date, scope: AccessScope, includeCancelled: Bool = true, limit: Int = 500) async throws -> [(
        ReviewMeeting, ReviewSeries
    )] {
        let rows = try await self.database.query(
            """
            \(unescaped: Self.meetingColumns)
            WHERE m.starts_at >= \(from) AND m.starts_at < \(to) AND m.series_id IN (\(unescaped: Self.visibleSeries(scope)))
              AND (\(includeCancelled) OR m.status = 'planned')
            ORDER BY m.starts_at, m.id LIMIT \(min(max(1, limit), 2000))
            """)
        let meetings = try rows.compactMap(Self.meeting)
        var series: [Int64: ReviewSeries] = [:]
        for id in Set(meetings.map(\.seriesID)) { series[id] = try await Self.loadSeries(id, on: self.database) }
        return meetings.compactMap { meeting in series[meeting.seriesID].map { (meeting, $0) } }
    }

    /// Moves a meeting to another day and time; its pack's due date follows; calendar entries get a new sequence.
    public func move(
        meetingID: Int64, to day: LocalDate, at time: ClockTime?, reason: String, expectedRowVersion: Int?, scope: AccessScope, now: Date
    ) async throws -> (before: ReviewMeeting, after: ReviewMeeting, series: ReviewSeries) {
        guard scope == .organisation else { throw NotFound("meeting") }
        return try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let before = try await Self.lockMeeting(meetingID, scope: scope, expected: expectedRowVersion, on: bound)
            let series = try await Self.loadSeries(before.seriesID, on: bound)
            guard before.status == .planned else { throw RuleViolation("This meeting is cancelled: add an ad-hoc meeting instead.") }
            guard before.minutes.openedAt == nil else { throw RuleViolation("This meeting has minutes: it took place and cannot move.") }
            let today = LocalDate.of(now, in: TimeZone(identifier: series.timeZone) ?? .gmt)
            guard day >= today, day.daysSince1970 - today.daysSince1970 <= 2 * 366 else {
                throw ValidationErrors([FieldError("day", "Move the meeting to a day from today (\(today)) within two years.")])
            }
            let planned = try await Self.planOne(series, day: day, time: time ?? series.startTime, on: bound)
            try await bound.query(
                """
                UPDATE review_meetings SET day = \(day.description)::date, starts_at = \(planned.startsAt), ends_at = \(planned.endsAt),
                    pack_due_at = \(planned.packDueAt), pack_claimed_at = NULL, reason = \(reason.trimmed), sequence = sequence + 1, updated_at = \(now),
                    row_version = row_version + 1
                WHERE id = \(meetingID)
                """)
            return (before, try await Self.lockMeeting(meetingID, scope: scope, on: bound), series)
        }
    }

    static func planOne(_ series: ReviewSeries, day: LocalDate, time: ClockTime, on database: Database) async throws -> PlannedMeeting {
        guard let zone = TimeZone(identifier: series.timeZone), let start = MeetingPlanner.instant(day, time, zone: zone) else {
            throw RuleViolation("The series' time zone is not known.")
        }
        let calendar = try await series.calendarID.asyncFlatMap { try await CalendarRepository.load($0, on: database) }
        let due = BusinessDays.subtracting(series.preReadDays, before: day, calendar: calendar) ?? day
        return PlannedMeeting(
            day: day, startsAt: start, endsAt: start.addingTimeInterval(TimeInterval(series.durationMinutes * 60)),
            packDueAt: PeriodPlanner.startInstant(due, in: zone) ?? start)
    }

    public func cancel(meetingID: Int64, reason: String, expectedRowVersion: Int?, scope: AccessScope, now: Date) async throws
        -> (before: ReviewMeeting, after: ReviewMeeting, series: ReviewSeries)
    {
        guard scope == .organisation else { throw NotFound("meeting") }
        guard !reason.trimmed.isEmpty else { throw ValidationErrors([FieldError("reason", "Say why the meeting is cancelled; attendees see it.")]) }
        guard reason.count <= 2000 else { throw ValidationErrors([FieldError("reason", "At most 2,000 characters.")]) }
        return try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let before = try await Self.lockMeeting(meetingID, scope: scope, expected: expectedRowVersion, on: bound)
            guard before.status == .planned else { throw RuleViolation("This meeting is already cancelled.") }
            guard before.minutes.openedAt == nil else { throw RuleViolation("This meeting has minutes: it took place and cannot be cancelled.") }
            try await bound.query(
                """
                UPDATE review_meetings SET status = 'cancelled', reason = \(reason.trimmed), sequence = sequence + 1, updated_at = \(now),
                    row_version = row_version + 1
                WHERE id = \(meetingID)
                """)
            let after = try await Self.lockMeeting(meetingID, scope: scope, on: bound)
            return (before, after, try await Self.loadSeries(before.seriesID, on: bound))
        }
    }

    /// An ad-hoc meeting of a series (after a breach, or on request).
    public func addMeeting(
        seriesID: Int64, day: LocalDate, time: ClockTime?, reason: String, scope: AccessScope, now: Date
    ) async throws -> ReviewMeeting {
        guard scope == .organisation else { throw NotFound("review series") }
        return try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let series = try await Self.loadSeries(seriesID, on: bound)
            guard series.active else { throw RuleViolation("This series has ended.") }
            let id = try await Self.insertAdHoc(series, day: day, time: time, reason: reason, now: now, on: bound)
            return try await Self.lockMeeting(id, scope: scope, on: bound)
        }
    }

    /// After a breach: an ad-hoc meeting of the agreement's (or its vendor's) most frequent active review series, two
    /// business days after `now`, unless the series meets within five days anyway; once per `key` (the breached
    /// period). Returns the meeting added, if one was.
    public func addAfterBreach(agreementID: Int64, vendorID: Int64?, reason: String, key: String, now: Date) async throws -> Int64? {
        guard
            let seriesID = try await self.database.query(
                """
                SELECT id FROM review_series WHERE active AND (agreement_id = \(agreementID) OR vendor_id = \(vendorID))
                ORDER BY array_position(ARRAY['operational', 'tactical', 'strategic', 'annual'], tier), id LIMIT 1
                """
            ).first?.decode(Int64.self),
            try await self.database.query(
                """
                SELECT 1 FROM review_meetings WHERE series_id = \(seriesID) AND status = 'planned'
                  AND starts_at >= \(now) AND starts_at < \(now.addingTimeInterval(5 * 86_400))
                """
            ).isEmpty,
            try await ReminderRepository.claim(key, on: self.database)
        else { return nil }
        let series = try await Self.loadSeries(seriesID, on: self.database)
        let zone = TimeZone(identifier: series.timeZone) ?? .gmt
        let calendar = try await series.calendarID.asyncFlatMap { try await CalendarRepository.load($0, on: self.database) }
        guard let day = BusinessDays.adding(2, after: LocalDate.of(now, in: zone), calendar: calendar) else { return nil }
        return try await Self.insertAdHoc(series, day: day, time: nil, reason: "Ad-hoc review after a breach (\(reason))", now: now, on: self.database)
    }

    static func insertAdHoc(_ series: ReviewSeries, day: LocalDate, time: ClockTime?, reason: String, now: Date, on database: Database) async throws
        -> Int64
    {
        let today = LocalDate.of(now, in: TimeZone(identifier: series.timeZone) ?? .gmt)
        var errors = ValidationErrors()
        if day < today || day.daysSince1970 - today.daysSince1970 > 2 * 366 { errors.add("day", "Give a day from today (\(today)) within two years.") }
        if reason.trimmed.isEmpty { errors.add("reason", "Say why the meeting is added.") }
        if reason.count > 2000 { errors.add("reason", "At most 2,000 characters.") }
        try errors.throwIfAny()
        let planned = try await Self.planOne(series, day: day, time: time ?? series.startTime, on: database)
        guard
            let id = try await database.query(
                """
                INSERT INTO review_meetings (series_id, day, starts_at, ends_at, pack_due_at, ad_hoc, reason, updated_at)
                VALUES (\(series.id), \(day.description)::date, \(planned.startsAt), \(planned.endsAt), \(max(now, min(planned.packDueAt, planned.startsAt))),
                        true, \(reason.trimmed), \(now))
                RETURNING id
                """
            ).first?.decode(Int64.self)
        else { throw RuleViolation("The meeting was not stored.") }
        return id
    }

    public func history(meetingID: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        _ = try await self.meeting(id: meetingID, scope: scope)
        return try await GovernanceHistoryRepository.list(.meeting, id: meetingID, on: self.database)
    }
}

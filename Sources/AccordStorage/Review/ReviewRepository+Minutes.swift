import AccordDomain
import Crypto
import Foundation
import Logging
import PostgresNIO

/// Minutes: attendance and notes, decisions, action items and open questions. The customer's people write them; a
/// vendor's users read the items that concern their vendor (or every party) and move the action items their vendor owns.
/// Once the comment period has passed the minutes lock: no more edits, and the SHA-256 of their content is kept.
extension ReviewRepository {
    static let itemColumns = """
        SELECT i.id, i.meeting_id, i.series_id, i.kind, i.text, i.party_vendor_id, i.owner_name, i.owner_vendor_id, coalesce(v.name, 'The customer'),
               to_char(i.due_on, 'YYYY-MM-DD'), i.status, i.decided_by, i.decided_at, to_char(i.raised_on, 'YYYY-MM-DD'),
               to_char(i.closed_on, 'YYYY-MM-DD'), i.outcome, i.row_version
        FROM review_items i LEFT JOIN vendors v ON v.id = i.owner_vendor_id
        """

    static func item(_ row: PostgresRow) throws -> ReviewItem? {
        let v = try row.decode(
            (Int64, Int64, Int64, String, String, Int64?, String, Int64?, String, String?, String, String, Date?, String, String?, String, Int).self)
        guard let kind = ReviewItem.Kind(rawValue: v.3), let status = ReviewItem.Status(rawValue: v.10), let raised = LocalDate(v.13) else { return nil }
        return ReviewItem(
            id: v.0, meetingID: v.1, seriesID: v.2, kind: kind, text: v.4, partyVendorID: v.5, ownerName: v.6, ownerVendorID: v.7, ownerParty: v.8,
            dueOn: v.9.flatMap(LocalDate.init), status: status, decidedBy: v.11, decidedAt: v.12, raisedOn: raised, closedOn: v.14.flatMap(LocalDate.init),
            outcome: v.15, rowVersion: v.16)
    }

    /// The items a vendor reads: those that concern it or every party, and not owned by another vendor. SQL text with
    /// the vendor's id as an integer literal.
    static func itemVisible(_ scope: AccessScope) -> String {
        guard let vendor = scope.vendorID else { return "SELECT i.id FROM review_items i" }
        return """
            SELECT i.id FROM review_items i
            WHERE (i.party_vendor_id IS NULL OR i.party_vendor_id = \(vendor)) AND (i.owner_vendor_id IS NULL OR i.owner_vendor_id = \(vendor))
            """
    }

    public func items(meetingID: Int64, scope: AccessScope) async throws -> [ReviewItem] {
        _ = try await self.meeting(id: meetingID, scope: scope)
        return try await Self.items(meetingID: meetingID, scope: scope, on: self.database)
    }

    static func items(meetingID: Int64, scope: AccessScope, on database: Database) async throws -> [ReviewItem] {
        try await database.query(
            """
            \(unescaped: Self.itemColumns) WHERE i.meeting_id = \(meetingID) AND i.id IN (\(unescaped: Self.itemVisible(scope)))
            ORDER BY array_position(ARRAY['decision', 'action', 'question'], i.kind), i.id
            """
        ).compactMap(Self.item)
    }

    /// The items of several meetings in one query (lists of meetings), by meeting.
    public func items(meetingIDs: [Int64], scope: AccessScope) async throws -> [Int64: [ReviewItem]] {
        guard !meetingIDs.isEmpty else { return [:] }
        let items = try await self.database.query(
            """
            \(unescaped: Self.itemColumns) WHERE i.meeting_id = ANY(\(meetingIDs)::int8[]) AND i.id IN (\(unescaped: Self.itemVisible(scope)))
              AND i.series_id IN (\(unescaped: Self.visibleSeries(scope)))
            ORDER BY i.meeting_id, array_position(ARRAY['decision', 'action', 'question'], i.kind), i.id
            """
        ).compactMap(Self.item)
        return Dictionary(grouping: items, by: \.meetingID)
    }

    /// Open action items and undecided questions raised in earlier meetings of the series: they roll into the next agenda,
    /// keeping the day they were raised.
    public func carriedItems(seriesID: Int64, before day: LocalDate, scope: AccessScope) async throws -> [ReviewItem] {
        try await self.database.query(
            """
            \(unescaped: Self.itemColumns)
            WHERE i.series_id = \(seriesID) AND i.status = 'open' AND i.raised_on < \(day.description)::date
              AND i.id IN (\(unescaped: Self.itemVisible(scope)))
            ORDER BY i.due_on NULLS LAST, i.raised_on, i.id LIMIT 200
            """
        ).compactMap(Self.item)
    }

    /// Open action items a vendor owns, earliest due first (its portal's "waiting on you").
    public func openItems(ownerVendorID: Int64, scope: AccessScope) async throws -> [ReviewItem] {
        try await self.database.query(
            """
            \(unescaped: Self.itemColumns)
            WHERE i.owner_vendor_id = \(ownerVendorID) AND i.kind = 'action' AND i.status = 'open'
              AND i.id IN (\(unescaped: Self.itemVisible(scope))) AND i.series_id IN (\(unescaped: Self.visibleSeries(scope)))
            ORDER BY i.due_on, i.id LIMIT 50
            """
        ).compactMap(Self.item)
    }

    public func item(id: Int64, scope: AccessScope) async throws -> ReviewItem {
        guard
            let row = try await self.database.query(
                """
                \(unescaped: Self.itemColumns) WHERE i.id = \(id) AND i.id IN (\(unescaped: Self.itemVisible(scope)))
                  AND i.series_id IN (\(unescaped: Self.visibleSeries(scope)))
                """
            ).first,
            let item = try Self.item(row)
        else { throw NotFound("review item") }
        return item
    }

    /// Opens the meeting's minutes (the comment period starts) on first save; refuses once locked.
    static func openMinutes(_ meeting: ReviewMeeting, series: ReviewSeries, now: Date, on database: Database) async throws -> ReviewMeeting {
        guard meeting.status == .planned else { throw RuleViolation("This meeting was cancelled: it has no minutes.") }
        guard !meeting.minutes.locked else { throw RuleViolation("These minutes are locked: the comment period ended.") }
        guard meeting.startsAt <= now.addingTimeInterval(86_400) else {
            throw RuleViolation("Minutes are written during or after the meeting (it starts \(RFC3339.format(meeting.startsAt))).")
        }
        guard meeting.minutes.openedAt == nil else { return meeting }
        let zone = TimeZone(identifier: series.timeZone) ?? .gmt
        let calendar = try await series.calendarID.asyncFlatMap { try await CalendarRepository.load($0, on: database) }
        let until = MinutesRules.commentUntil(opened: max(meeting.day, LocalDate.of(now, in: zone)), calendar: calendar)
        try await database.query(
            """
            UPDATE review_meetings SET minutes_opened_at = \(now), comment_until = \(until?.description)::date, row_version = row_version + 1
            WHERE id = \(meeting.id)
            """)
        var opened = meeting
        opened.minutes.openedAt = now
        opened.minutes.commentUntil = until
        opened.rowVersion += 1
        return opened
    }

    /// Saves attendance and notes per agenda item.
    public func saveMinutes(
        meetingID: Int64, attendance: [Int64], notes: [ReviewMeeting.Minutes.Note], expectedRowVersion: Int?, scope: AccessScope, now: Date
    ) async throws -> (before: ReviewMeeting, after: ReviewMeeting) {
        guard scope == .organisation else { throw NotFound("meeting") }
        var errors = ValidationErrors()
        if notes.count > 100 { errors.add("notes", "At most 100 notes.") }
        for (index, note) in notes.enumerated() {
            if note.text.count > 10000 { errors.add("notes[\(index)]", "A note is at most 10,000 characters.") }
            if note.item.count > 500 { errors.add("notes[\(index)]", "A note's agenda item is at most 500 characters.") }
        }
        try errors.throwIfAny()
        return try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let locked = try await Self.lockMeeting(meetingID, scope: scope, expected: expectedRowVersion, entity: "minutes", on: bound)
            let series = try await Self.loadSeries(locked.seriesID, on: bound)
            let before = try await Self.openMinutes(locked, series: series, now: now, on: bound)
            let known = Set(try await Self.attendees(seriesID: series.id, on: bound).map(\.id))
            let unknown = attendance.filter { !known.contains($0) }
            if !unknown.isEmpty { throw ValidationErrors([FieldError("attendance", "Not attendees of this series: \(unknown.map(String.init).joined(separator: ", ")).")]) }
            let kept = notes.filter { !$0.text.trimmed.isEmpty }.map { ReviewMeeting.Minutes.Note(item: $0.item.trimmed, text: $0.text.trimmed) }
            let attendanceJSON = String(decoding: try JSONEncoder().encode(Array(Set(attendance)).sorted()), as: UTF8.self)
            let notesJSON = String(decoding: try JSONEncoder().encode(kept), as: UTF8.self)
            try await bound.query(
                """
                UPDATE review_meetings SET attendance = \(attendanceJSON)::jsonb, notes = \(notesJSON)::jsonb, updated_at = \(now),
                    row_version = row_version + 1
                WHERE id = \(meetingID)
                """)
            return (before, try await Self.lockMeeting(meetingID, scope: scope, on: bound))
        }
    }

    /// Records a decision, an action item or an open question in the meeting's minutes. `partyVendorID`: the vendor the
    /// item concerns (an action owned by a vendor concerns that vendor).
    public func addItem(
        meetingID: Int64, _ draft: ReviewItemDraft, partyVendorID: Int64?, scope: AccessScope, actor: AuditActor, now: Date
    ) async throws -> ReviewItem {
        guard scope == .organisation else { throw NotFound("meeting") }
        return try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let locked = try await Self.lockMeeting(meetingID, scope: scope, on: bound)
            let series = try await Self.loadSeries(locked.seriesID, on: bound)
            var errors = MinutesRules.check(draft, meetingDay: locked.day)
            let vendors = Set(try await Self.vendors(of: series.scope, on: bound).map(\.id))
            if let owner = draft.ownerVendorID, !vendors.contains(owner) { errors.add("owner_party", "The owner's party is the customer or a vendor of this review.") }
            if let party = partyVendorID, !vendors.contains(party) { errors.add("party", "The item concerns a vendor of this review, or every party.") }
            try errors.throwIfAny()
            _ = try await Self.openMinutes(locked, series: series, now: now, on: bound)
            guard let kind = draft.kind else { throw RuleViolation("Incomplete item.") }
            let party = draft.ownerVendorID ?? partyVendorID
            guard
                let id = try await bound.query(
                    """
                    INSERT INTO review_items (meeting_id, series_id, kind, text, party_vendor_id, owner_name, owner_vendor_id, due_on, status,
                        decided_by, decided_at, raised_on, created_by, created_at)
                    VALUES (\(meetingID), \(series.id), \(kind.rawValue), \(draft.text.trimmed), \(party), \(draft.ownerName.trimmed),
                        \(kind == .action ? draft.ownerVendorID : nil), \(kind == .action ? draft.dueOn?.description : nil)::date,
                        \(kind == .decision ? "decided" : "open"), \(kind == .decision ? draft.decidedBy.trimmed : ""),
                        \(kind == .decision ? now : nil), \(locked.day.description)::date, \(actor.userID), \(now))
                    RETURNING id
                    """
                ).first?.decode(Int64.self)
            else { throw RuleViolation("The item was not stored.") }
            try await bound.query("UPDATE review_meetings SET updated_at = \(now), row_version = row_version + 1 WHERE id = \(meetingID)")
            guard let row = try await bound.query("\(unescaped: Self.itemColumns) WHERE i.id = \(id)").first, let item = try Self.item(row) else {
                throw NotFound("review item")
            }
            return item
        }
    }


    /// Closes an open item: in any later meeting of the series too, since open items roll forward. A vendor marks done
    /// only the action items its vendor owns.
    public func perform(_ step: ReviewItemStep, itemID: Int64, scope: AccessScope, actor: AuditActor, now: Date) async throws
        -> (before: ReviewItem, after: ReviewItem)
    {
        try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            guard
                let row = try await bound.query(
                    "\(unescaped: Self.itemColumns) WHERE i.id = \(itemID) AND i.id IN (\(unescaped: Self.itemVisible(scope))) FOR UPDATE OF i"
                ).first,
                let before = try Self.item(row)
            else { throw NotFound("review item") }
            let (status, outcome, decidedBy) = try step.decide(on: before, vendorID: scope.vendorID, actorLabel: actor.label)
            let series = try await Self.loadSeries(before.seriesID, on: bound)
            let today = LocalDate.of(now, in: TimeZone(identifier: series.timeZone) ?? .gmt)
            try await bound.query(
                """
                UPDATE review_items SET status = \(status.rawValue), closed_on = \(today.description)::date, outcome = \(outcome),
                    decided_by = \(decidedBy), decided_at = CASE WHEN \(status.rawValue) = 'decided' THEN \(now) ELSE decided_at END,
                    row_version = row_version + 1
                WHERE id = \(itemID)
                """)
            guard let row = try await bound.query("\(unescaped: Self.itemColumns) WHERE i.id = \(itemID)").first, let after = try Self.item(row) else {
                throw NotFound("review item")
            }
            return (before, after)
        }
    }

    /// Locks the minutes whose comment period has ended (in each series' zone): their content hash is kept. Claims the
    /// meetings with `SKIP LOCKED`, so two runners lock each once. Returns the meetings locked with their minutes' hash.
    public func lockDueMinutes(now: Date) async throws -> [(meetingID: Int64, sha256: String)] {
        // the latest calendar day anywhere: a comment period that ended there may have ended everywhere east of it
        let latest = LocalDate.of(now, in: TimeZone(secondsFromGMT: 14 * 3600) ?? .gmt)
        return try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            let due = try await bound.query(
                """
                \(unescaped: Self.meetingColumns)
                WHERE m.locked_at IS NULL AND m.comment_until < \(latest.description)::date
                ORDER BY m.comment_until, m.id LIMIT 200 FOR UPDATE OF m SKIP LOCKED
                """
            ).compactMap(Self.meeting)
            var locked: [(meetingID: Int64, sha256: String)] = []
            for meeting in due {
                let series = try await Self.loadSeries(meeting.seriesID, on: bound)
                let today = LocalDate.of(now, in: TimeZone(identifier: series.timeZone) ?? .gmt)
                guard MinutesRules.shouldLock(commentUntil: meeting.minutes.commentUntil, today: today) else { continue }
                let content = MinutesRules.canonicalContent(
                    meeting: meeting, attendees: try await Self.attendees(seriesID: series.id, on: bound),
                    items: try await Self.items(meetingID: meeting.id, scope: .organisation, on: bound))
                let hash = SHA256.hash(data: Data(content.utf8)).map { String(format: "%02x", $0) }.joined()
                try await bound.query(
                    "UPDATE review_meetings SET locked_at = \(now), minutes_hash = \(hash), row_version = row_version + 1 WHERE id = \(meeting.id)")
                locked.append((meeting.id, hash))
            }
            return locked
        }
    }
}

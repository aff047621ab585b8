import Foundation

/// What a review series covers: one agreement, one vendor (all its agreements), or one master SLA with every vendor
/// SLA under it (a multi-vendor review).
public enum ReviewScope: Sendable, Equatable, Codable {
    case agreement(Int64)
    case vendor(Int64)
    case master(Int64)

    public var kind: String {
        switch self {
        case .agreement: "agreement"
        case .vendor: "vendor"
        case .master: "master"
        }
    }

    public var agreementID: Int64? {
        switch self {
        case .agreement(let id), .master(let id): id
        case .vendor: nil
        }
    }

    public var vendorID: Int64? {
        if case .vendor(let id) = self { return id }
        return nil
    }

    public init?(kind: String, agreementID: Int64?, vendorID: Int64?) {
        switch (kind, agreementID, vendorID) {
        case ("agreement", let id?, nil): self = .agreement(id)
        case ("master", let id?, nil): self = .master(id)
        case ("vendor", nil, let id?): self = .vendor(id)
        default: return nil
        }
    }
}

/// A recurring review: its tier, rule, time, length, zone and pre-read lead time.
public struct ReviewSeries: Sendable, Equatable, Codable {
    public var id: Int64
    public var title: String
    public var tier: ReviewTier
    public var scope: ReviewScope
    /// What the scope names: "Checkout availability (vendor SLA)", "Northwind (all agreements)".
    public var scopeLabel: String
    public var recurrence: Recurrence
    public var timeZone: String
    public var startTime: ClockTime
    public var durationMinutes: Int
    public var preReadDays: Int
    public var calendarID: Int64?
    public var startsOn: LocalDate
    public var location: String
    public var active: Bool
    public var rowVersion: Int

    public init(
        id: Int64, title: String, tier: ReviewTier, scope: ReviewScope, scopeLabel: String, recurrence: Recurrence, timeZone: String,
        startTime: ClockTime, durationMinutes: Int, preReadDays: Int, calendarID: Int64?, startsOn: LocalDate, location: String, active: Bool,
        rowVersion: Int
    ) {
        self.id = id
        self.title = title
        self.tier = tier
        self.scope = scope
        self.scopeLabel = scopeLabel
        self.recurrence = recurrence
        self.timeZone = timeZone
        self.startTime = startTime
        self.durationMinutes = durationMinutes
        self.preReadDays = preReadDays
        self.calendarID = calendarID
        self.startsOn = startsOn
        self.location = location
        self.active = active
        self.rowVersion = rowVersion
    }
}

/// A series as a form or an API client describes it, checked before anything is stored.
public struct ReviewSeriesDraft: Sendable, Equatable {
    public var title: String
    public var tier: ReviewTier?
    public var scope: ReviewScope?
    public var recurrence: Recurrence?
    public var timeZone: String
    public var startTime: ClockTime?
    public var durationMinutes: Int?
    /// Nil: the tier's default.
    public var preReadDays: Int?
    public var calendarID: Int64?
    public var startsOn: LocalDate?
    public var location: String
    /// Customer users and vendor contacts who attend.
    public var attendeeUserIDs: [Int64]
    public var attendeeContactIDs: [Int64]
    /// The rule is the tier's usual rhythm (`Recurrence.usual`): made denser when the series is created if a vendor it
    /// reviews is on probation that day.
    public var usualCadence = false

    public init(
        title: String = "", tier: ReviewTier? = nil, scope: ReviewScope? = nil, recurrence: Recurrence? = nil, timeZone: String = "UTC",
        startTime: ClockTime? = nil, durationMinutes: Int? = nil, preReadDays: Int? = nil, calendarID: Int64? = nil, startsOn: LocalDate? = nil,
        location: String = "", attendeeUserIDs: [Int64] = [], attendeeContactIDs: [Int64] = []
    ) {
        self.title = title
        self.tier = tier
        self.scope = scope
        self.recurrence = recurrence
        self.timeZone = timeZone
        self.startTime = startTime
        self.durationMinutes = durationMinutes
        self.preReadDays = preReadDays
        self.calendarID = calendarID
        self.startsOn = startsOn
        self.location = location
        self.attendeeUserIDs = attendeeUserIDs
        self.attendeeContactIDs = attendeeContactIDs
    }

    public var effectivePreReadDays: Int { self.preReadDays ?? self.tier?.defaultPreReadDays ?? 2 }

    /// Every problem, by field. A weekly rule belongs to an operational series; the other tiers meet monthly or less
    /// often, so an operational rule for a quarterly review is refused rather than silently planned.
    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        let title = self.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty { errors.add("title", "Give the series a title, e.g. \"Northwind monthly service review\".") }
        if title.count > 200 { errors.add("title", "At most 200 characters.") }
        if self.tier == nil { errors.add("tier", "Choose the tier: operational, tactical, strategic or annual.") }
        if self.scope == nil { errors.add("scope", "Choose what the series reviews: an agreement, a vendor or a master SLA.") }
        if let recurrence = self.recurrence {
            for error in recurrence.validate().errors { errors.add(error) }
            if let tier = self.tier {
                switch (tier, recurrence) {
                case (.operational, .weekly), (.tactical, .monthly), (.strategic, .quarterly), (.strategic, .monthly), (.annual, .yearly),
                    (.annual, .quarterly):
                    break
                case (.operational, _): errors.add("recurrence", "An operational review meets every week or every other week.")
                case (.tactical, _): errors.add("recurrence", "A tactical review meets monthly.")
                case (.strategic, _): errors.add("recurrence", "A strategic review meets quarterly (or monthly while a vendor is on probation).")
                case (.annual, _): errors.add("recurrence", "An annual review meets once a year (or quarterly).")
                }
            }
        } else {
            errors.add("recurrence", "Say when the series meets, e.g. the first Wednesday of each month.")
        }
        if TimeZone(identifier: self.timeZone) == nil { errors.add("time_zone", "Unknown time zone \"\(self.timeZone)\": use a name such as Europe/Berlin.") }
        if self.startTime == nil { errors.add("start_time", "Give the start time as HH:MM, e.g. 10:00.") }
        if let duration = self.durationMinutes {
            if !(15...MeetingPlanner.longestMeeting).contains(duration) { errors.add("duration_minutes", "A meeting lasts 15 to 480 minutes.") }
        } else {
            errors.add("duration_minutes", "Give the meeting's length in minutes, 15 to 480.")
        }
        if let days = self.preReadDays, !(0...30).contains(days) { errors.add("pre_read_days", "The pre-read lead time is 0 to 30 business days.") }
        if self.startsOn == nil { errors.add("starts_on", "Give the first day the series may meet, as YYYY-MM-DD.") }
        if self.location.count > 500 { errors.add("location", "At most 500 characters.") }
        if self.attendeeUserIDs.count + self.attendeeContactIDs.count > 100 { errors.add("attendees", "At most 100 attendees.") }
        return errors
    }
}

/// One meeting of a series, planned from its rule or added ad hoc.
public struct ReviewMeeting: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case planned
        case cancelled
    }

    public var id: Int64
    public var seriesID: Int64
    public var day: LocalDate
    public var startsAt: Date
    public var endsAt: Date
    public var packDueAt: Date
    public var status: Status
    public var adHoc: Bool
    public var reason: String
    /// Rises on every change, so calendar clients replace their copy.
    public var sequence: Int
    public var updatedAt: Date
    public var minutes: Minutes
    public var rowVersion: Int

    public init(
        id: Int64, seriesID: Int64, day: LocalDate, startsAt: Date, endsAt: Date, packDueAt: Date, status: Status, adHoc: Bool, reason: String,
        sequence: Int, updatedAt: Date, minutes: Minutes, rowVersion: Int
    ) {
        self.id = id
        self.seriesID = seriesID
        self.day = day
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.packDueAt = packDueAt
        self.status = status
        self.adHoc = adHoc
        self.reason = reason
        self.sequence = sequence
        self.updatedAt = updatedAt
        self.minutes = minutes
        self.rowVersion = rowVersion
    }

    /// The minutes of the meeting: who attended, notes per agenda item, the comment period and the lock.
    public struct Minutes: Sendable, Equatable, Codable {
        public struct Note: Sendable, Equatable, Codable {
            public var item: String
            public var text: String

            public init(item: String, text: String) {
                self.item = item
                self.text = text
            }
        }

        /// Attendee ids (of the series' attendee list) present.
        public var attendance: [Int64]
        public var notes: [Note]
        public var openedAt: Date?
        /// The last day of the comment period, in the series' zone.
        public var commentUntil: LocalDate?
        public var lockedAt: Date?
        public var hash: String?

        public init(
            attendance: [Int64] = [], notes: [Note] = [], openedAt: Date? = nil, commentUntil: LocalDate? = nil, lockedAt: Date? = nil,
            hash: String? = nil
        ) {
            self.attendance = attendance
            self.notes = notes
            self.openedAt = openedAt
            self.commentUntil = commentUntil
            self.lockedAt = lockedAt
            self.hash = hash
        }

        public var locked: Bool { self.lockedAt != nil }
    }
}

/// A series' attendee: a customer user or a vendor contact.
public struct ReviewAttendee: Sendable, Equatable, Codable {
    public var id: Int64
    public var userID: Int64?
    public var contactID: Int64?
    public var name: String
    public var email: String
    /// Nil: the customer.
    public var vendorID: Int64?
    public var party: String

    public init(id: Int64, userID: Int64?, contactID: Int64?, name: String, email: String, vendorID: Int64?, party: String) {
        self.id = id
        self.userID = userID
        self.contactID = contactID
        self.name = name
        self.email = email
        self.vendorID = vendorID
        self.party = party
    }
}

/// A decision, action item or undecided question recorded in a meeting's minutes.
public struct ReviewItem: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case decision, action, question
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case open, done, cancelled, decided
    }

    public var id: Int64
    public var meetingID: Int64
    public var seriesID: Int64
    public var kind: Kind
    public var text: String
    /// The vendor the item concerns; nil: every party of the meeting.
    public var partyVendorID: Int64?
    public var ownerName: String
    /// Nil: the customer owns it.
    public var ownerVendorID: Int64?
    public var ownerParty: String
    public var dueOn: LocalDate?
    public var status: Status
    public var decidedBy: String
    public var decidedAt: Date?
    /// The day of the meeting that raised it; kept as it rolls forward.
    public var raisedOn: LocalDate
    public var closedOn: LocalDate?
    /// What closed it: the decision on a question, or the reason it was dropped.
    public var outcome: String
    public var rowVersion: Int

    public init(
        id: Int64, meetingID: Int64, seriesID: Int64, kind: Kind, text: String, partyVendorID: Int64?, ownerName: String, ownerVendorID: Int64?,
        ownerParty: String, dueOn: LocalDate?, status: Status, decidedBy: String, decidedAt: Date?, raisedOn: LocalDate, closedOn: LocalDate?,
        outcome: String = "", rowVersion: Int
    ) {
        self.id = id
        self.meetingID = meetingID
        self.seriesID = seriesID
        self.kind = kind
        self.text = text
        self.partyVendorID = partyVendorID
        self.ownerName = ownerName
        self.ownerVendorID = ownerVendorID
        self.ownerParty = ownerParty
        self.dueOn = dueOn
        self.status = status
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.raisedOn = raisedOn
        self.closedOn = closedOn
        self.outcome = outcome
        self.rowVersion = rowVersion
    }

    /// Open: an action not done or cancelled, or a question not decided. Open items roll into the next agenda.
    public var isOpen: Bool { self.status == .open }
}

/// A decision, action item or question as entered in the minutes.
public struct ReviewItemDraft: Sendable, Equatable {
    public var kind: ReviewItem.Kind?
    public var text: String
    public var ownerName: String
    /// The party that owns an action: nil the customer.
    public var ownerVendorID: Int64?
    public var dueOn: LocalDate?
    /// Who decided (a decision).
    public var decidedBy: String

    public init(kind: ReviewItem.Kind?, text: String, ownerName: String = "", ownerVendorID: Int64? = nil, dueOn: LocalDate? = nil, decidedBy: String = "") {
        self.kind = kind
        self.text = text
        self.ownerName = ownerName
        self.ownerVendorID = ownerVendorID
        self.dueOn = dueOn
        self.decidedBy = decidedBy
    }
}

/// The rules of minutes: what an item needs, the comment period, and the content the lock's hash covers.
public enum MinutesRules {
    /// Business days between the minutes being opened and their lock.
    public static let defaultCommentDays = 3

    public static func check(_ draft: ReviewItemDraft, meetingDay: LocalDate) -> ValidationErrors {
        var errors = ValidationErrors()
        let text = draft.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let kind = draft.kind else {
            errors.add("kind", "Choose decision, action item or open question.")
            return errors
        }
        if text.isEmpty { errors.add("text", "Say what was \(kind == .decision ? "decided" : kind == .action ? "agreed to do" : "left open").") }
        if text.count > 4000 { errors.add("text", "At most 4,000 characters.") }
        switch kind {
        case .action:
            if draft.ownerName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                errors.add("owner_name", "An action item needs an owner: the person who will do it.")
            }
            if let due = draft.dueOn {
                if due < meetingDay { errors.add("due_on", "The due date is on or after the meeting's day, \(meetingDay).") }
                if due.daysSince1970 - meetingDay.daysSince1970 > 3 * 366 { errors.add("due_on", "The due date is within three years of the meeting.") }
            } else {
                errors.add("due_on", "An action item needs a due date (YYYY-MM-DD).")
            }
        case .decision:
            if draft.decidedBy.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                errors.add("decided_by", "Say who decided: a person or the meeting.")
            }
        case .question:
            break
        }
        if draft.ownerName.count > 200 { errors.add("owner_name", "At most 200 characters.") }
        if draft.decidedBy.count > 200 { errors.add("decided_by", "At most 200 characters.") }
        return errors
    }

    /// The day the comment period ends: `days` business days after the day the minutes were opened.
    public static func commentUntil(opened: LocalDate, days: Int = Self.defaultCommentDays, calendar: BusinessCalendar?) -> LocalDate? {
        BusinessDays.adding(days, after: opened, calendar: calendar)
    }

    /// Minutes lock once the comment period's last day has passed in the series' zone.
    public static func shouldLock(commentUntil: LocalDate?, today: LocalDate) -> Bool {
        guard let commentUntil else { return false }
        return today > commentUntil
    }

    /// The text the lock's SHA-256 covers, as canonical JSON (`CanonicalJSON`): attendance, notes and every item as
    /// minuted (not its later status). A newline inside a note is a character of that note, never a new line of the
    /// minutes.
    public static func canonicalContent(meeting: ReviewMeeting, attendees: [ReviewAttendee], items: [ReviewItem]) -> String {
        let present = Set(meeting.minutes.attendance)
        var content: [String: CanonicalJSON] = [:]
        content["format"] = .string("accord-minutes/2")
        content["meeting_id"] = .string(String(meeting.id))
        content["day"] = .string(meeting.day.description)
        content["attendance"] = .array(
            attendees.sorted { $0.id < $1.id }.map { attendee -> CanonicalJSON in
                var fields: [String: CanonicalJSON] = [:]
                fields["id"] = .string(String(attendee.id))
                fields["name"] = .string(attendee.name)
                fields["party"] = .string(attendee.party)
                fields["present"] = .bool(present.contains(attendee.id))
                return .object(fields)
            })
        content["notes"] = .array(meeting.minutes.notes.map { note -> CanonicalJSON in .object(["item": .string(note.item), "text": .string(note.text)]) })
        content["items"] = .array(
            items.sorted { $0.id < $1.id }.map { item -> CanonicalJSON in
                var fields: [String: CanonicalJSON] = [:]
                fields["id"] = .string(String(item.id))
                fields["kind"] = .string(item.kind.rawValue)
                fields["text"] = .string(item.text)
                // as minuted: an action's owner and due date, a decision's maker (a question decided later keeps its hash)
                if item.kind == .action {
                    fields["owner_name"] = .string(item.ownerName)
                    fields["owner_party"] = .string(item.ownerParty)
                    fields["due_on"] = .optional(item.dueOn?.description)
                }
                if item.kind == .decision { fields["decided_by"] = .string(item.decidedBy) }
                return .object(fields)
            })
        return CanonicalJSON.object(content).text
    }
}

extension ReviewMeeting {
    /// Where the meeting stands as people say it: `planned` (ahead), `under way`, `held` (over, no minutes yet),
    /// `minutes open`, `minutes locked`, or `cancelled`.
    public func stateLabel(now: Date) -> String {
        if self.status == .cancelled { return "cancelled" }
        if self.minutes.locked { return "minutes locked" }
        if now < self.startsAt { return "planned" }
        if now < self.endsAt { return "under way" }
        return self.minutes.openedAt == nil ? "held" : "minutes open"
    }
}

import AccordApplication
import AccordDomain
import Foundation

/// Review series, meetings and items as the API gives them and the pages show them; a vendor's users get them without
/// the customer's staff names, internal ids or other vendors' people.
struct SeriesOut: Encodable, Sendable {
    var id: Int64
    var title: String
    var tier: String
    var scopeKind: String
    var agreementID: Int64?
    var vendorID: Int64?
    var scopeLabel: String
    var recurrence: String
    var frequency: String
    var weekday: Int
    var ordinal: Int?
    var month: Int?
    var timeZone: String
    var startTime: String
    var durationMinutes: Int
    var preReadDays: Int
    var startsOn: LocalDate
    var location: String
    var active: Bool
    var attendees: [AttendeeOut]
    var rowVersion: Int

    enum CodingKeys: String, CodingKey {
        case id, title, tier, recurrence, frequency, weekday, ordinal, month, location, active, attendees
        case scopeKind = "scope_kind"
        case agreementID = "agreement_id"
        case vendorID = "vendor_id"
        case scopeLabel = "scope_label"
        case timeZone = "time_zone"
        case startTime = "start_time"
        case durationMinutes = "duration_minutes"
        case preReadDays = "pre_read_days"
        case startsOn = "starts_on"
        case rowVersion = "row_version"
    }

    init(_ series: ReviewSeries, attendees: [ReviewAttendee], viewerVendorID: Int64?) {
        self.id = series.id
        self.title = series.title
        self.tier = series.tier.rawValue
        self.scopeKind = series.scope.kind
        // a vendor does not see the id of a master SLA or the customer's people
        self.agreementID = viewerVendorID != nil && series.scope.kind == "master" ? nil : series.scope.agreementID
        self.vendorID = series.scope.vendorID
        self.scopeLabel = viewerVendorID != nil && series.scope.kind == "master" ? "Multi-vendor review" : series.scopeLabel
        self.recurrence = series.recurrence.description
        switch series.recurrence {
        case .weekly(let weekday, let every):
            (self.frequency, self.weekday, self.ordinal, self.month) = (every == 2 ? "fortnightly" : "weekly", weekday, nil, nil)
        case .monthly(let ordinal, let weekday): (self.frequency, self.weekday, self.ordinal, self.month) = ("monthly", weekday, ordinal, nil)
        case .quarterly(let ordinal, let weekday): (self.frequency, self.weekday, self.ordinal, self.month) = ("quarterly", weekday, ordinal, nil)
        case .yearly(let month, let ordinal, let weekday): (self.frequency, self.weekday, self.ordinal, self.month) = ("yearly", weekday, ordinal, month)
        }
        self.timeZone = series.timeZone
        self.startTime = series.startTime.description
        self.durationMinutes = series.durationMinutes
        self.preReadDays = series.preReadDays
        self.startsOn = series.startsOn
        self.location = series.location
        self.active = series.active
        self.attendees = AttendeeOut.list(attendees, viewerVendorID: viewerVendorID)
        self.rowVersion = series.rowVersion
    }
}

struct AttendeeOut: Encodable, Sendable {
    var id: Int64?
    var name: String
    var party: String

    /// A vendor sees its own people by name, the customer's counted, other vendors' not at all.
    static func list(_ attendees: [ReviewAttendee], viewerVendorID: Int64?) -> [AttendeeOut] {
        guard let viewer = viewerVendorID else { return attendees.map { AttendeeOut(id: $0.id, name: $0.name, party: $0.party) } }
        let customer = attendees.filter { $0.vendorID == nil }.count
        return (customer > 0 ? [AttendeeOut(id: nil, name: "\(customer) \(customer == 1 ? "person" : "people")", party: "The customer")] : [])
            + attendees.filter { $0.vendorID == viewer }.map { AttendeeOut(id: nil, name: $0.name, party: $0.party) }
    }
}

struct ItemOut: Encodable, Sendable {
    var id: Int64
    var meetingID: Int64
    var kind: String
    var text: String
    var ownerName: String
    var ownerParty: String
    var dueOn: LocalDate?
    var status: String
    var decidedBy: String
    var raisedOn: LocalDate
    var closedOn: LocalDate?
    var outcome: String
    var overdue: Bool

    enum CodingKeys: String, CodingKey {
        case id, kind, text, status, overdue, outcome
        case meetingID = "meeting_id"
        case ownerName = "owner_name"
        case ownerParty = "owner_party"
        case dueOn = "due_on"
        case decidedBy = "decided_by"
        case raisedOn = "raised_on"
        case closedOn = "closed_on"
    }

    init(_ item: ReviewItem, viewerVendorID: Int64?, today: LocalDate) {
        self.id = item.id
        self.meetingID = item.meetingID
        self.kind = item.kind.rawValue
        self.text = item.text
        // a vendor reads the customer's people as the customer
        let hidden = viewerVendorID != nil && item.ownerVendorID == nil
        self.ownerName = item.kind == .action ? (hidden ? "The customer" : item.ownerName) : ""
        self.ownerParty = item.ownerParty
        self.dueOn = item.dueOn
        self.status = item.status.rawValue
        // a vendor reads what was decided, not which of the customer's people decided it
        self.decidedBy = viewerVendorID != nil ? "" : item.decidedBy
        self.raisedOn = item.raisedOn
        self.closedOn = item.closedOn
        self.outcome = item.outcome
        self.overdue = item.status == .open && (item.dueOn.map { $0 < today } ?? false)
    }
}

struct PackOut: Encodable, Sendable {
    var id: Int64
    var audience: String
    var audienceVendorID: Int64?
    var revision: Int
    var sha256: String
    var moved: [String]
    var generatedAt: Date
    var generatedBy: String

    enum CodingKeys: String, CodingKey {
        case id, audience, revision, sha256, moved
        case audienceVendorID = "audience_vendor_id"
        case generatedAt = "generated_at"
        case generatedBy = "generated_by"
    }

    init(_ pack: StoredPack, audience: String, viewerVendorID: Int64?) {
        self.id = pack.id
        self.audience = audience
        self.audienceVendorID = pack.audienceVendorID
        self.revision = pack.revision
        self.sha256 = pack.sha256
        self.moved = pack.moved
        self.generatedAt = pack.generatedAt
        self.generatedBy = pack.generatedBy.map { viewerVendorID == nil ? $0 : "The customer" } ?? "At the pre-read deadline"
    }
}

struct MeetingOut: Encodable, Sendable {
    var id: Int64
    var seriesID: Int64
    var seriesTitle: String
    var tier: String
    var day: LocalDate
    var startsAt: Date
    var endsAt: Date
    var packDueAt: Date
    var status: String
    var adHoc: Bool
    var reason: String
    var sequence: Int
    var attendance: [Int64]?
    var notes: [ReviewMeeting.Minutes.Note]
    var minutesOpenedAt: Date?
    var commentUntil: LocalDate?
    var lockedAt: Date?
    var minutesHash: String?
    var rowVersion: Int
    var items: [ItemOut]
    var packs: [PackOut]

    enum CodingKeys: String, CodingKey {
        case id, tier, day, status, reason, sequence, attendance, notes, items, packs
        case seriesID = "series_id"
        case seriesTitle = "series_title"
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case packDueAt = "pack_due_at"
        case adHoc = "ad_hoc"
        case minutesOpenedAt = "minutes_opened_at"
        case commentUntil = "comment_until"
        case lockedAt = "locked_at"
        case minutesHash = "minutes_hash"
        case rowVersion = "row_version"
    }

    init(
        _ meeting: ReviewMeeting, series: ReviewSeries, items: [ReviewItem], packs: [PackOut], viewerVendorID: Int64?, today: LocalDate
    ) {
        self.id = meeting.id
        self.seriesID = series.id
        self.seriesTitle = series.title
        self.tier = series.tier.rawValue
        self.day = meeting.day
        self.startsAt = meeting.startsAt
        self.endsAt = meeting.endsAt
        self.packDueAt = meeting.packDueAt
        self.status = meeting.status.rawValue
        self.adHoc = meeting.adHoc
        self.reason = meeting.reason
        self.sequence = meeting.sequence
        self.attendance = viewerVendorID == nil ? meeting.minutes.attendance : nil
        self.notes = meeting.minutes.notes
        self.minutesOpenedAt = meeting.minutes.openedAt
        self.commentUntil = meeting.minutes.commentUntil
        self.lockedAt = meeting.minutes.lockedAt
        self.minutesHash = meeting.minutes.hash
        self.rowVersion = meeting.rowVersion
        self.items = items.map { ItemOut($0, viewerVendorID: viewerVendorID, today: today) }
        self.packs = packs
    }
}

struct ProposalOut: Encodable, Sendable {
    var proposal: RenegotiationProposal
    var whatIf: [WhatIfReplay.Result]
    var thread: [Int64]
    var history: [HistoryEntry]

    func encode(to encoder: any Encoder) throws {
        try self.proposal.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(self.whatIf, forKey: .whatIf)
        try container.encode(self.thread, forKey: .thread)
        try container.encode(self.history, forKey: .history)
    }

    enum Keys: String, CodingKey {
        case whatIf = "what_if"
        case thread, history
    }
}

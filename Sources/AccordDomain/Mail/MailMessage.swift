import Foundation

/// What a message is for. `notice` and `statement` are contractual: nobody's preference stops them.
public enum MailKind: String, Sendable, Codable, CaseIterable {
    case notification
    case digest
    case notice
    case reminder
    case pack
    case invitation
    case statement
    case test

    public var isContractual: Bool { self == .notice || self == .statement }
}

/// A file carried by a message: attached (a pack's Markdown and CSV), or the calendar part of an invitation.
public struct MailAttachment: Sendable, Codable, Equatable {
    public var filename: String
    /// `text/csv; charset=utf-8`, `text/calendar; charset=utf-8; method=REQUEST` …
    public var contentType: String
    public var content: String

    public init(filename: String, contentType: String, content: String) {
        self.filename = filename
        self.contentType = contentType
        self.content = content
    }

    enum CodingKeys: String, CodingKey {
        case filename
        case contentType = "content_type"
        case content
    }
}

/// A message as the outbox keeps it, before it is put in MIME form: written in the transaction of what it announces.
public struct MailDraft: Sendable, Equatable {
    public var kind: MailKind
    public var userID: Int64?
    public var toAddress: String
    public var toName: String
    public var subject: String
    public var text: String
    /// HTML shown after the text's paragraphs in the message's HTML form (a pack's tables), built from escaped text.
    public var html: String?
    /// The page it is about, relative to the server's public address (`/claims/4`).
    public var link: String?
    public var attachments: [MailAttachment]
    /// The iCalendar object of an invitation, moved or cancelled (its METHOD inside), sent as a `text/calendar` part.
    public var calendar: String?
    /// One message per key: the same reminder or pack is never queued twice for one person.
    public var dedupeKey: String?

    public init(
        kind: MailKind, userID: Int64? = nil, toAddress: String, toName: String, subject: String, text: String, html: String? = nil, link: String? = nil,
        attachments: [MailAttachment] = [], calendar: String? = nil, dedupeKey: String? = nil
    ) {
        self.kind = kind
        self.userID = userID
        self.toAddress = toAddress
        self.toName = toName
        self.subject = subject
        self.text = text
        self.html = html
        self.link = link
        self.attachments = attachments
        self.calendar = calendar
        self.dedupeKey = dedupeKey
    }
}

/// One message of the outbox with its delivery state.
public struct OutboxMessage: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable {
        case queued
        case sent
        case failed
    }

    public var id: Int64
    public var kind: MailKind
    public var userID: Int64?
    public var toAddress: String
    public var subject: String
    public var createdAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var sentAt: Date?
    public var gaveUpAt: Date?
    public var lastError: String?

    public init(
        id: Int64, kind: MailKind, userID: Int64?, toAddress: String, subject: String, createdAt: Date, attempts: Int, nextAttemptAt: Date?, sentAt: Date?,
        gaveUpAt: Date?, lastError: String?
    ) {
        self.id = id
        self.kind = kind
        self.userID = userID
        self.toAddress = toAddress
        self.subject = subject
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.sentAt = sentAt
        self.gaveUpAt = gaveUpAt
        self.lastError = lastError
    }

    public var state: State { self.sentAt != nil ? .sent : self.gaveUpAt != nil ? .failed : .queued }

    enum CodingKeys: String, CodingKey {
        case id, kind, subject, attempts, state
        case userID = "user_id"
        case toAddress = "to_address"
        case createdAt = "created_at"
        case nextAttemptAt = "next_attempt_at"
        case sentAt = "sent_at"
        case gaveUpAt = "gave_up_at"
        case lastError = "last_error"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(Int64.self, forKey: .id)
        self.kind = try container.decode(MailKind.self, forKey: .kind)
        self.userID = try container.decodeIfPresent(Int64.self, forKey: .userID)
        self.toAddress = try container.decode(String.self, forKey: .toAddress)
        self.subject = try container.decode(String.self, forKey: .subject)
        self.createdAt = try container.decode(Date.self, forKey: .createdAt)
        self.attempts = try container.decode(Int.self, forKey: .attempts)
        self.nextAttemptAt = try container.decodeIfPresent(Date.self, forKey: .nextAttemptAt)
        self.sentAt = try container.decodeIfPresent(Date.self, forKey: .sentAt)
        self.gaveUpAt = try container.decodeIfPresent(Date.self, forKey: .gaveUpAt)
        self.lastError = try container.decodeIfPresent(String.self, forKey: .lastError)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.kind, forKey: .kind)
        try container.encode(self.userID, forKey: .userID)
        try container.encode(self.toAddress, forKey: .toAddress)
        try container.encode(self.subject, forKey: .subject)
        try container.encode(self.createdAt, forKey: .createdAt)
        try container.encode(self.attempts, forKey: .attempts)
        try container.encode(self.state, forKey: .state)
        try container.encode(self.nextAttemptAt, forKey: .nextAttemptAt)
        try container.encode(self.sentAt, forKey: .sentAt)
        try container.encode(self.gaveUpAt, forKey: .gaveUpAt)
        try container.encode(self.lastError, forKey: .lastError)
    }
}

/// When a message that could not be delivered is tried again: 1, 2, 4 … minutes, at most 2 hours apart; after 10
/// attempts (about 8 hours) it is given up and shown to admins. A relay's permanent refusal (5xx) gives up at once.
public enum MailBackoff {
    public static let attempts = 10

    public static func retry(after attempt: Int, from now: Date) -> Date? {
        guard attempt < Self.attempts else { return nil }
        return now.addingTimeInterval(min(60 * pow(2, Double(max(0, attempt - 1))), 7200))
    }
}

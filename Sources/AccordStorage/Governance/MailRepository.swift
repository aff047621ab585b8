import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// The mail relay's settings, the outbox and each person's choice for their inbox items. Messages are written in the
/// transaction of what they announce and taken by the delivery job with `FOR UPDATE SKIP LOCKED` and a lease, so two
/// replicas never send one message at once and a runner that dies leaves it to the next.
public struct MailRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: - Settings

    public func settings() async throws -> MailSettings {
        guard let row = try await self.database.query(Self.settingsSelect).first else { return MailSettings() }
        return try Self.settings(row)
    }

    static let settingsSelect: PostgresQuery = """
        SELECT mode, host, port, security, username, password <> '' AS password_set, sender_address, sender_name, verify_certificate,
               timeout_seconds, updated_at FROM mail_settings WHERE id = 1
        """

    static func settings(_ row: PostgresRow) throws -> MailSettings {
        let cells = row.makeRandomAccess()
        return MailSettings(
            mode: MailMode(rawValue: try cells.value("mode")) ?? .off, host: try cells.value("host"), port: try cells.value("port"),
            security: MailSecurity(rawValue: try cells.value("security")) ?? .starttls, username: try cells.value("username"),
            passwordSet: try cells.value("password_set"), senderAddress: try cells.value("sender_address"), senderName: try cells.value("sender_name"),
            verifyCertificate: try cells.value("verify_certificate"), timeoutSeconds: try cells.value("timeout_seconds"),
            updatedAt: try cells.value("updated_at"))
    }

    /// The settings with the password, for the delivery job only.
    public func relay() async throws -> (settings: MailSettings, password: String) {
        let rows = try await self.database.query(
            """
            SELECT mode, host, port, security, username, password <> '' AS password_set, sender_address, sender_name, verify_certificate,
                   timeout_seconds, updated_at, password FROM mail_settings WHERE id = 1
            """)
        guard let row = rows.first else { return (MailSettings(), "") }
        return (try Self.settings(row), try row.makeRandomAccess().value("password"))
    }

    /// Writes the settings; a nil password keeps the stored one. Returns them as they were and as they are.
    public func write(_ draft: MailSettingsDraft, at now: Date) async throws -> (before: MailSettings, after: MailSettings) {
        let before = try await self.settings()
        let rows = try await self.database.query(
            """
            UPDATE mail_settings SET mode = \(draft.mode.rawValue), host = \(draft.host.trimmingCharacters(in: .whitespaces)), port = \(draft.port),
                security = \(draft.security.rawValue), username = \(draft.username), password = coalesce(\(draft.password), password),
                sender_address = \(draft.senderAddress), sender_name = \(draft.senderName), verify_certificate = \(draft.verifyCertificate),
                timeout_seconds = \(draft.timeoutSeconds), updated_at = \(now), row_version = row_version + 1
            WHERE id = 1
            RETURNING mode, host, port, security, username, password <> '' AS password_set, sender_address, sender_name, verify_certificate,
                      timeout_seconds, updated_at
            """)
        guard let row = rows.first else { throw NotFound("mail settings") }
        return (before, try Self.settings(row))
    }

    // MARK: - Preferences

    public func preference(userID: Int64) async throws -> InboxMail {
        let rows = try await self.database.query("SELECT inbox_mail FROM users WHERE id = \(userID)")
        guard let text = try rows.first?.decode(String.self) else { throw NotFound("user") }
        return InboxMail(rawValue: text) ?? .immediate
    }

    /// Sets the choice; a person who turns to the digest gets their first one at the next digest hour, with what
    /// arrives from now on (what came before was mailed, or chosen not to be).
    public func setPreference(userID: Int64, _ preference: InboxMail, at now: Date) async throws -> InboxMail {
        let rows = try await self.database.query(
            """
            UPDATE users SET digest_through = CASE WHEN inbox_mail <> 'digest' AND \(preference.rawValue) = 'digest' THEN \(now)::timestamptz ELSE digest_through END,
                             inbox_mail = \(preference.rawValue)
            WHERE id = \(userID) RETURNING inbox_mail
            """)
        guard let text = try rows.first?.decode(String.self) else { throw NotFound("user") }
        return InboxMail(rawValue: text) ?? .immediate
    }

    // MARK: - The outbox

    /// Queues a message unless mail is off; with a dedupe key, a second message of that key to that address is not
    /// queued. Returns the message's id, or nil when nothing was queued.
    @discardableResult
    public func enqueue(_ draft: MailDraft, at now: Date) async throws -> Int64? {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            try await Self.enqueue(draft, at: now, on: connection, logger: logger)
        }
    }

    @discardableResult
    static func enqueue(_ draft: MailDraft, at now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Int64? {
        guard MailAddress.isValid(draft.toAddress) else { return nil }
        let attachments = String(decoding: try JSONEncoder().encode(draft.attachments), as: UTF8.self)
        let subject = String(draft.subject.prefix(400))
        return try await connection.rows(
            """
            INSERT INTO mail_outbox (kind, user_id, to_address, to_name, subject, body_text, body_html, link, attachments, calendar, message_token,
                                     dedupe_key, created_at, next_attempt_at)
            SELECT \(draft.kind.rawValue), \(draft.userID), \(draft.toAddress), \(draft.toName), \(subject), \(draft.text), \(draft.html),
                   \(draft.link), \(attachments)::jsonb, \(draft.calendar), \(UUID().uuidString.lowercased()), \(draft.dedupeKey), \(now), \(now)
            FROM mail_settings WHERE id = 1 AND mode <> 'off'
            ON CONFLICT (to_address, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
            RETURNING id
            """, logger: logger
        ).first?.decode(Int64.self)
    }

    /// Queues an inbox item's mail for each of `userIDs` who takes items as they arrive.
    static func enqueueNotifications(_ announcement: Announcement, userIDs: [Int64], at now: Date, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        guard !userIDs.isEmpty else { return }
        try await connection.rows(
            """
            INSERT INTO mail_outbox (kind, user_id, to_address, to_name, subject, body_text, link, message_token, dedupe_key, created_at, next_attempt_at)
            SELECT \(announcement.event.isContractualNotice ? "notice" : "notification"), u.id, u.email, u.name, \(String(announcement.title.prefix(380))), \(announcement.title), \(announcement.link), md5(random()::text || u.id::text || clock_timestamp()::text),
                   \(announcement.dedupeKey.map { "inbox:" + $0 }), \(now), \(now)
            FROM users u, mail_settings s
            WHERE u.id = ANY(\(userIDs)) AND NOT u.disabled AND (u.inbox_mail = 'immediate' OR \(announcement.event.isContractualNotice))
              AND s.id = 1 AND s.mode <> 'off'
            ON CONFLICT (to_address, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
            """, logger: logger)
    }

    /// A message the job is sending, as it was queued.
    public struct Due: Sendable {
        public var id: Int64
        public var kind: MailKind
        public var userID: Int64?
        public var toAddress: String
        public var toName: String
        public var subject: String
        public var text: String
        public var html: String?
        public var link: String?
        public var attachments: [MailAttachment]
        public var calendar: String?
        public var messageToken: String
        public var createdAt: Date
        public var attempts: Int
    }

    /// Claims up to `limit` due messages and leases them until `leaseUntil`.
    public func claimDue(limit: Int, now: Date, leaseUntil: Date) async throws -> [Due] {
        try await self.database.transaction { connection in
            let due = try await connection.rows(
                """
                SELECT id, kind, user_id, to_address, to_name, subject, body_text, body_html, link, attachments::text AS attachments, calendar,
                       message_token, created_at, attempts
                FROM mail_outbox WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= \(now)
                ORDER BY next_attempt_at, id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """, logger: self.database.logger
            ).map { row in
                let cells = row.makeRandomAccess()
                let attachments = try JSONDecoder().decode([MailAttachment].self, from: Data((try cells.value("attachments", as: String.self)).utf8))
                return Due(
                    id: try cells.value("id"), kind: MailKind(rawValue: try cells.value("kind")) ?? .notification, userID: try cells.value("user_id"),
                    toAddress: try cells.value("to_address"), toName: try cells.value("to_name"), subject: try cells.value("subject"),
                    text: try cells.value("body_text"), html: try cells.value("body_html"), link: try cells.value("link"), attachments: attachments, calendar: try cells.value("calendar"),
                    messageToken: try cells.value("message_token"), createdAt: try cells.value("created_at"), attempts: try cells.value("attempts"))
            }
            if !due.isEmpty {
                try await connection.rows(
                    "UPDATE mail_outbox SET next_attempt_at = \(leaseUntil) WHERE id = ANY(\(due.map(\.id)))", logger: self.database.logger)
            }
            return due
        }
    }

    /// Records one attempt: sent, retried at `retryAt`, or given up on when `retryAt` is nil.
    public func recordAttempt(id: Int64, at now: Date, error: String?, retryAt: Date?) async throws {
        try await self.database.query(
            """
            UPDATE mail_outbox SET attempts = attempts + 1, last_attempt_at = \(now), last_error = \(error.map { String($0.prefix(500)) }),
                sent_at = CASE WHEN \(error)::text IS NULL THEN \(now)::timestamptz END,
                gave_up_at = CASE WHEN \(error)::text IS NOT NULL AND \(retryAt)::timestamptz IS NULL THEN \(now)::timestamptz END,
                next_attempt_at = coalesce(\(retryAt)::timestamptz, next_attempt_at)
            WHERE id = \(id) AND sent_at IS NULL AND gave_up_at IS NULL
            """)
    }

    /// The outbox, newest first; `failedOnly` lists the messages given up on.
    public func list(failedOnly: Bool, page: PageRequest) async throws -> PageOf<OutboxMessage> {
        let rows = try await self.database.query(
            """
            SELECT id, kind, user_id, to_address, subject, created_at, attempts, next_attempt_at, sent_at, gave_up_at, last_error,
                   count(*) OVER () AS total
            FROM mail_outbox WHERE NOT \(failedOnly) OR gave_up_at IS NOT NULL
            ORDER BY created_at DESC, id DESC LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        return PageOf(items: try rows.map(Self.message), total: total, request: page)
    }

    public func counts() async throws -> (queued: Int, sent: Int, failed: Int) {
        let row = try await self.database.query(
            """
            SELECT count(*) FILTER (WHERE sent_at IS NULL AND gave_up_at IS NULL)::int8, count(*) FILTER (WHERE sent_at IS NOT NULL)::int8,
                   count(*) FILTER (WHERE gave_up_at IS NOT NULL)::int8 FROM mail_outbox
            """
        ).first
        guard let row else { return (0, 0, 0) }
        let (queued, sent, failed) = try row.decode((Int, Int, Int).self)
        return (queued, sent, failed)
    }

    /// Puts a message given up on back in the queue, now.
    public func retry(id: Int64, at now: Date) async throws -> OutboxMessage {
        let rows = try await self.database.query(
            """
            UPDATE mail_outbox SET gave_up_at = NULL, next_attempt_at = \(now), attempts = 0 WHERE id = \(id) AND gave_up_at IS NOT NULL
            RETURNING id, kind, user_id, to_address, subject, created_at, attempts, next_attempt_at, sent_at, gave_up_at, last_error
            """)
        guard let row = rows.first else { throw NotFound("failed message") }
        return try Self.message(row)
    }

    static func message(_ row: PostgresRow) throws -> OutboxMessage {
        let cells = row.makeRandomAccess()
        return OutboxMessage(
            id: try cells.value("id"), kind: MailKind(rawValue: try cells.value("kind")) ?? .notification, userID: try cells.value("user_id"),
            toAddress: try cells.value("to_address"), subject: try cells.value("subject"), createdAt: try cells.value("created_at"),
            attempts: try cells.value("attempts"), nextAttemptAt: try cells.value("next_attempt_at"), sentAt: try cells.value("sent_at"),
            gaveUpAt: try cells.value("gave_up_at"), lastError: try cells.value("last_error"))
    }

    // MARK: - Digests

    /// A person whose daily digest is due, with their unread items created after their last digest.
    public struct DigestDue: Sendable {
        public var userID: Int64
        public var email: String
        public var name: String
        public var items: [InboxItem]
    }

    /// Takes the people who take a digest, have unread items newer than their last one, and had none since `since`
    /// (`FOR UPDATE SKIP LOCKED`): queues what `compose` makes of each one's items and moves their `digest_through` to
    /// `now`, in one transaction. Returns how many digests were queued.
    public func takeDigests(since: Date, now: Date, limit: Int, compose: @Sendable (DigestDue) -> MailDraft) async throws -> Int {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let people = try await connection.rows(
                """
                SELECT u.id, u.email, u.name, u.digest_through FROM users u
                WHERE u.inbox_mail = 'digest' AND NOT u.disabled AND (u.digest_through IS NULL OR u.digest_through < \(since))
                  AND EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL
                              AND n.created_at > coalesce(u.digest_through, '-infinity') AND n.created_at <= \(now))
                ORDER BY u.id LIMIT \(limit) FOR UPDATE OF u SKIP LOCKED
                """, logger: logger)
            var queued = 0
            for person in people {
                let (userID, email, name, through) = try person.decode((Int64, String, String, Date?).self)
                let items = try await connection.rows(
                    """
                    SELECT id, event, subject_kind, subject_id, title, link, to_act, created_at, read_at FROM notifications
                    WHERE user_id = \(userID) AND read_at IS NULL AND created_at > coalesce(\(through)::timestamptz, '-infinity') AND created_at <= \(now)
                    ORDER BY to_act DESC, created_at DESC LIMIT 200
                    """, logger: logger
                ).compactMap(InboxRepository.item)
                if try await Self.enqueue(compose(DigestDue(userID: userID, email: email, name: name, items: items)), at: now, on: connection, logger: logger) != nil {
                    queued += 1
                }
                try await connection.rows("UPDATE users SET digest_through = \(now) WHERE id = \(userID)", logger: logger)
            }
            return queued
        }
    }
}

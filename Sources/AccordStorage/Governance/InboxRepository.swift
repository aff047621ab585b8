import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Each user's inbox, and the outbox of webhook deliveries written in the same transaction as the event.
public struct InboxRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Delivers an announcement to inboxes and the webhook outbox, in the caller's transaction when the repository is
    /// bound to one.
    public func announce(_ announcement: Announcement, actor: AuditActor, at now: Date) async throws {
        let logger = self.database.logger
        try await self.database.transaction { connection in
            _ = try await Self.announce(announcement, actor: actor, at: now, on: connection, logger: logger)
        }
    }

    /// Delivers an announcement inside the transaction of the change it announces; returns how many people got it.
    @discardableResult
    static func announce(_ announcement: Announcement, actor: AuditActor, at now: Date, on connection: PostgresConnection, logger: Logger)
        async throws -> Int
    {
        let matrix =
            try await announcement.agreementID.asyncFlatMap { try await RACIRepository.matrix(agreementID: $0, on: connection, logger: logger) }
            ?? RACIMatrix([])
        let managers = try await connection.rows(
            "SELECT id FROM users WHERE role = 'contract_manager' AND NOT disabled ORDER BY id", logger: logger
        ).map { try $0.decode(Int64.self) }
        let vendorUsers =
            try await announcement.vendorID.asyncFlatMap { vendorID in
                try await connection.rows("SELECT id FROM users WHERE vendor_id = \(vendorID) AND NOT disabled ORDER BY id", logger: logger)
                    .map { try $0.decode(Int64.self) }
            } ?? []
        let recipients = InboxRouting.recipients(
            of: announcement.event, matrix: matrix, customerUsers: managers, vendorUsers: vendorUsers, actorUserID: actor.userID)
        for recipient in recipients {
            try await connection.rows(
                """
                INSERT INTO notifications (user_id, event, subject_kind, subject_id, title, link, to_act, dedupe_key, created_at, vendor_id)
                SELECT id, \(announcement.event.rawValue), \(announcement.subjectKind), \(announcement.subjectID), \(announcement.title),
                       \(announcement.link), \(recipient.toAct), \(announcement.dedupeKey), \(now),
                       coalesce(\(announcement.vendorID)::int8, (SELECT a.vendor_id FROM agreements a WHERE a.id = \(announcement.agreementID)::int8))
                FROM users WHERE id = \(recipient.userID) AND NOT disabled
                ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
                """, logger: logger)
        }
        try await MailRepository.enqueueNotifications(announcement, userIDs: recipients.map(\.userID), at: now, on: connection, logger: logger)
        try await WebhookRepository.enqueue(announcement, at: now, on: connection, logger: logger)
        return recipients.count
    }

    public func list(userID: Int64, unreadOnly: Bool, page: PageRequest) async throws -> PageOf<InboxItem> {
        try await self.list(userID: userID, filter: InboxFilter(unreadOnly: unreadOnly), page: page)
    }

    public func list(userID: Int64, filter: InboxFilter, page: PageRequest) async throws -> PageOf<InboxItem> {
        let events: [String]? = filter.kind.map { $0.events.map(\.rawValue) }
        let rows = try await self.database.query(
            """
            SELECT id, event, subject_kind, subject_id, title, link, to_act, created_at, read_at, count(*) OVER () AS total
            FROM notifications WHERE user_id = \(userID) AND (NOT \(filter.unreadOnly) OR read_at IS NULL)
              AND (\(events)::text[] IS NULL OR event = ANY(\(events)::text[])) AND (\(filter.vendorID)::int8 IS NULL OR vendor_id = \(filter.vendorID)::int8)
            ORDER BY created_at DESC, id DESC LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        return PageOf(items: try rows.compactMap(Self.item), total: total, request: page)
    }

    static func item(_ row: PostgresRow) throws -> InboxItem? {
        let cells = row.makeRandomAccess()
        guard let event = InboxEvent(rawValue: try cells.value("event")) else { return nil }
        return InboxItem(
            id: try cells.value("id"), event: event, subjectKind: try cells.value("subject_kind"), subjectID: try cells.value("subject_id"),
            title: try cells.value("title"), link: try cells.value("link"), toAct: try cells.value("to_act"),
            createdAt: try cells.value("created_at"), readAt: try cells.value("read_at"))
    }

    public func unreadCount(userID: Int64) async throws -> Int {
        try await self.database.query("SELECT count(*)::int8 FROM notifications WHERE user_id = \(userID) AND read_at IS NULL")
            .first?.decode(Int.self) ?? 0
    }

    /// Marks one item (or, without `id`, every item) of the user read; an item of another user is not found.
    /// Marks the user's items among `ids` read (others' ids are passed over); returns how many were unread.
    @discardableResult
    public func markRead(userID: Int64, ids: [Int64], at now: Date) async throws -> Int {
        try await self.database.query(
            "UPDATE notifications SET read_at = \(now) WHERE user_id = \(userID) AND id = ANY(\(ids)::int8[]) AND read_at IS NULL RETURNING id"
        ).count
    }

    public func markRead(userID: Int64, id: Int64?, at now: Date) async throws {
        if let id {
            let rows = try await self.database.query(
                "UPDATE notifications SET read_at = coalesce(read_at, \(now)) WHERE id = \(id) AND user_id = \(userID) RETURNING id")
            if rows.isEmpty { throw NotFound("notification") }
        } else {
            try await self.database.query("UPDATE notifications SET read_at = \(now) WHERE user_id = \(userID) AND read_at IS NULL")
        }
    }

    /// The item of this user with `id`, marked read: where its link leads.
    public func open(userID: Int64, id: Int64, at now: Date) async throws -> InboxItem {
        guard
            let row = try await self.database.query(
                """
                UPDATE notifications SET read_at = coalesce(read_at, \(now)) WHERE id = \(id) AND user_id = \(userID)
                RETURNING id, event, subject_kind, subject_id, title, link, to_act, created_at, read_at
                """
            ).first, let item = try Self.item(row)
        else { throw NotFound("notification") }
        return item
    }
}

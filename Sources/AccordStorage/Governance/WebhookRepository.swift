import AccordDomain
import Foundation
import Logging
import PostgresNIO



/// Webhook endpoints and their outbox. Deliveries are written in the transaction of the event they announce and
/// taken by the job runner with `FOR UPDATE SKIP LOCKED`, so two replicas never send the same one at once.
public struct WebhookRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let select = """
        SELECT w.id, w.vendor_id, v.name AS vendor_name, w.url, w.description, w.active, w.created_at, w.row_version
        FROM webhooks w LEFT JOIN vendors v ON v.id = w.vendor_id
        """

    static func webhook(_ row: PostgresRow) throws -> Webhook {
        let cells = row.makeRandomAccess()
        return Webhook(
            id: try cells.value("id"), vendorID: try cells.value("vendor_id"), vendorName: try cells.value("vendor_name"), url: try cells.value("url"),
            description: try cells.value("description"), active: try cells.value("active"), createdAt: try cells.value("created_at"),
            rowVersion: try cells.value("row_version"))
    }

    static let deliveryColumns = """
        SELECT id, webhook_id, event, payload, created_at, attempts, next_attempt_at, delivered_at, gave_up_at, last_status, last_error,
               last_attempt_at FROM webhook_deliveries
        """

    static func delivery(_ row: PostgresRow) throws -> WebhookDelivery {
        let cells = row.makeRandomAccess()
        return WebhookDelivery(
            id: try cells.value("id"), webhookID: try cells.value("webhook_id"), event: try cells.value("event"), payload: try cells.value("payload"),
            createdAt: try cells.value("created_at"), attempts: try cells.value("attempts"), nextAttemptAt: try cells.value("next_attempt_at"),
            deliveredAt: try cells.value("delivered_at"), gaveUpAt: try cells.value("gave_up_at"), lastStatus: try cells.value("last_status"),
            lastError: try cells.value("last_error"), lastAttemptAt: try cells.value("last_attempt_at"))
    }

    /// Queues the announcement for every active endpoint of the organisation and of the vendor it concerns. A vendor's
    /// endpoints receive only what its portal would show.
    static func enqueue(_ announcement: Announcement, at now: Date, on connection: PostgresConnection, logger: Logger) async throws {
        let payload = WebhookPayload(
            event: announcement.event.rawValue, occurredAt: now, subject: .init(kind: announcement.subjectKind, id: announcement.subjectID),
            title: announcement.title, link: announcement.link, agreementID: announcement.agreementID, vendorID: announcement.vendorID)
        let text = try payload.json()
        try await connection.rows(
            """
            INSERT INTO webhook_deliveries (webhook_id, event, payload, created_at, next_attempt_at)
            SELECT id, \(announcement.event.rawValue), \(text), \(now), \(now) FROM webhooks
            WHERE active AND (vendor_id IS NULL OR vendor_id = \(announcement.vendorID)::int8)
            """, logger: logger)
    }

    public func list(scope: AccessScope) async throws -> [Webhook] {
        try await self.database.query(
            "\(unescaped: Self.select) WHERE \(visibleTo: scope, vendor: "w.vendor_id") ORDER BY w.vendor_id NULLS FIRST, w.id"
        ).map(Self.webhook)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Webhook {
        guard
            let row = try await self.database.query(
                "\(unescaped: Self.select) WHERE w.id = \(id) AND \(visibleTo: scope, vendor: "w.vendor_id")"
            ).first
        else { throw NotFound("webhook") }
        return try Self.webhook(row)
    }

    /// Inserts an endpoint of the organisation or of a vendor the scope reaches (at most `maximumPerVendor` a vendor),
    /// in the caller's transaction when bound to one; the audit line is the caller's (`WebhookRegistration`).
    public func insert(_ draft: WebhookDraft, secret: String, scope: AccessScope, actor: AuditActor) async throws -> Webhook {
        try draft.validate().throwIfAny()
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            if let vendorID = draft.vendorID { _ = try await VendorRepository.find(id: vendorID, scope: scope, on: connection, logger: logger) }
            if let vendorID = scope.vendorID {
                let count = try await connection.rows("SELECT count(*)::int8 FROM webhooks WHERE vendor_id = \(vendorID)", logger: logger)
                    .first?.decode(Int.self) ?? 0
                if count >= WebhookDraft.maximumPerVendor {
                    throw ValidationErrors([FieldError("url", "A vendor may have at most \(WebhookDraft.maximumPerVendor) endpoints.")])
                }
            }
            let id = try await connection.rows(
                """
                INSERT INTO webhooks (vendor_id, url, secret, description, created_by)
                VALUES (\(draft.vendorID), \(draft.url.trimmed), \(secret), \(draft.description.trimmed), \(actor.userID)) RETURNING id
                """, logger: logger
            ).first!.decode(Int64.self)
            guard let row = try await connection.rows("\(unescaped: Self.select) WHERE w.id = \(id)", logger: logger).first else {
                throw NotFound("webhook")
            }
            return try Self.webhook(row)
        }
    }

    /// The endpoint, locked for a change in the caller's transaction.
    public func lock(id: Int64, scope: AccessScope) async throws -> Webhook {
        guard
            let row = try await self.database.query(
                "\(unescaped: Self.select) WHERE w.id = \(id) AND \(visibleTo: scope, vendor: "w.vendor_id") FOR UPDATE OF w"
            ).first
        else { throw NotFound("webhook") }
        return try Self.webhook(row)
    }

    /// Replaces the signing secret of an endpoint locked in the caller's transaction (the caller shows the new one once).
    public func writeSecret(id: Int64, _ secret: String) async throws -> Webhook {
        try await self.database.query("UPDATE webhooks SET secret = \(secret), row_version = row_version + 1 WHERE id = \(id)")
        return try await self.lock(id: id, scope: .organisation)
    }

    /// Turns an endpoint locked in the caller's transaction off (its queued deliveries stay, unsent) or on again.
    public func writeActive(id: Int64, _ active: Bool) async throws -> Webhook {
        try await self.database.query("UPDATE webhooks SET active = \(active), row_version = row_version + 1 WHERE id = \(id)")
        return try await self.lock(id: id, scope: .organisation)
    }

    /// The newest deliveries of an endpoint the caller sees.
    public func deliveries(webhookID: Int64, page: PageRequest, scope: AccessScope) async throws -> PageOf<WebhookDelivery> {
        _ = try await self.find(id: webhookID, scope: scope)
        let total = try await self.database.query("SELECT count(*)::int8 FROM webhook_deliveries WHERE webhook_id = \(webhookID)")
            .first?.decode(Int.self) ?? 0
        let rows = try await self.database.query(
            """
            \(unescaped: Self.deliveryColumns) WHERE webhook_id = \(webhookID) ORDER BY created_at DESC, id DESC
            LIMIT \(page.size) OFFSET \(page.offset)
            """)
        return PageOf(items: try rows.map(Self.delivery), total: total, request: page)
    }

    /// A delivery due now, taken with its endpoint for one attempt.
    public struct DueDelivery: Sendable {
        public var delivery: WebhookDelivery
        public var url: String
        public var secret: String
        /// The endpoint's vendor, nil for the organisation's own.
        public var vendorID: Int64?
        /// An organisation endpoint an admin added: only such an endpoint may reach the admin's allow-list (a name a
        /// contract manager registered cannot be pointed at an internal receiver later).
        public var addedByAdmin: Bool
    }

    /// Claims up to `limit` due deliveries of active endpoints with `FOR UPDATE SKIP LOCKED` and leases them until
    /// `leaseUntil`: another runner skips them meanwhile, and takes them again if this one dies before recording.
    public func claimDue(limit: Int, now: Date, leaseUntil: Date) async throws -> [DueDelivery] {
        try await self.database.transaction { connection in
            let due = try await connection.rows(
                """
                SELECT d.id, d.webhook_id, d.event, d.payload, d.created_at, d.attempts, d.next_attempt_at, d.delivered_at, d.gave_up_at,
                       d.last_status, d.last_error, d.last_attempt_at, w.url, w.secret, w.vendor_id AS endpoint_vendor_id,
                       EXISTS (SELECT 1 FROM users u WHERE u.id = w.created_by AND u.role = 'admin') AS added_by_admin
                FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                WHERE d.delivered_at IS NULL AND d.gave_up_at IS NULL AND d.next_attempt_at <= \(now) AND w.active
                ORDER BY d.next_attempt_at, d.id LIMIT \(limit) FOR UPDATE OF d SKIP LOCKED
                """, logger: self.database.logger
            ).map { row in
                let cells = row.makeRandomAccess()
                return DueDelivery(
                    delivery: try Self.delivery(row), url: try cells.value("url"), secret: try cells.value("secret"),
                    vendorID: try cells.value("endpoint_vendor_id"), addedByAdmin: try cells.value("added_by_admin"))
            }
            let ids = due.map(\.delivery.id)
            if !ids.isEmpty {
                try await connection.rows(
                    "UPDATE webhook_deliveries SET next_attempt_at = \(leaseUntil) WHERE id = ANY(\(ids))", logger: self.database.logger)
            }
            return due
        }
    }

    /// Records one attempt: delivered, retried at `retryAt`, or given up on when `retryAt` is nil.
    public func recordAttempt(id: Int64, at now: Date, status: Int?, error: String?, delivered: Bool, retryAt: Date?) async throws {
        try await self.database.query(
            """
            UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = \(now), last_status = \(status),
                last_error = \(error.map { String($0.prefix(500)) }), delivered_at = CASE WHEN \(delivered) THEN \(now)::timestamptz END,
                gave_up_at = CASE WHEN NOT \(delivered) AND \(retryAt)::timestamptz IS NULL THEN \(now)::timestamptz END,
                next_attempt_at = coalesce(\(retryAt)::timestamptz, next_attempt_at)
            WHERE id = \(id) AND delivered_at IS NULL AND gave_up_at IS NULL
            """)
    }
}

/// The body every endpoint receives, signed as it is sent.
public struct WebhookPayload: Sendable, Codable, Equatable {
    public struct Subject: Sendable, Codable, Equatable {
        public var kind: String
        public var id: Int64
    }

    public var event: String
    public var occurredAt: Date
    public var subject: Subject
    public var title: String
    public var link: String
    public var agreementID: Int64?
    public var vendorID: Int64?

    enum CodingKeys: String, CodingKey {
        case event, occurredAt = "occurred_at", subject, title, link, agreementID = "agreement_id", vendorID = "vendor_id"
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date))
        }
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

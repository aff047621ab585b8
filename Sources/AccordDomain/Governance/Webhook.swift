import Foundation

/// An endpoint that receives the organisation's events (no vendor) or one vendor's.
public struct Webhook: Sendable, Codable, Equatable {
    public var id: Int64
    public var vendorID: Int64?
    public var vendorName: String?
    public var url: String
    public var description: String
    public var active: Bool
    public var createdAt: Date
    public var rowVersion: Int

    public init(id: Int64, vendorID: Int64?, vendorName: String?, url: String, description: String, active: Bool, createdAt: Date, rowVersion: Int) {
        self.id = id
        self.vendorID = vendorID
        self.vendorName = vendorName
        self.url = url
        self.description = description
        self.active = active
        self.createdAt = createdAt
        self.rowVersion = rowVersion
    }
}

/// One event queued for one endpoint, and how its delivery went.
public struct WebhookDelivery: Sendable, Codable, Equatable {
    public var id: Int64
    public var webhookID: Int64
    public var event: String
    public var payload: String
    public var createdAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date
    public var deliveredAt: Date?
    public var gaveUpAt: Date?
    public var lastStatus: Int?
    public var lastError: String?
    public var lastAttemptAt: Date?

    public var state: String { self.deliveredAt != nil ? "delivered" : self.gaveUpAt != nil ? "failed" : self.attempts == 0 ? "queued" : "retrying" }

    public init(id: Int64, webhookID: Int64, event: String, payload: String, createdAt: Date, attempts: Int, nextAttemptAt: Date, deliveredAt: Date?, gaveUpAt: Date?, lastStatus: Int?, lastError: String?, lastAttemptAt: Date?) {
        self.id = id
        self.webhookID = webhookID
        self.event = event
        self.payload = payload
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.gaveUpAt = gaveUpAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.lastAttemptAt = lastAttemptAt
    }
}

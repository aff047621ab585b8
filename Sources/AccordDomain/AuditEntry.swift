import Foundation

/// One line of the append-only audit trail.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var at: Date
    public var actorID: Int64?
    public var actorLabel: String
    public var action: String
    public var entity: String
    public var entityID: String?
    public var address: String?
    public var before: String?
    public var after: String?
    /// The vendor the entry concerns, if any.
    public var vendorID: Int64?

    public init(
        id: Int64, at: Date, actorID: Int64?, actorLabel: String, action: String, entity: String, entityID: String?, address: String?,
        before: String?, after: String?, vendorID: Int64? = nil
    ) {
        self.id = id
        self.at = at
        self.actorID = actorID
        self.actorLabel = actorLabel
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.address = address
        self.before = before
        self.after = after
        self.vendorID = vendorID
    }
}

/// Filters for browsing the audit trail.
public struct AuditFilter: Sendable, Equatable {
    public var entity: String?
    public var action: String?
    public var actor: String?
    public var from: LocalDate?
    public var to: LocalDate?
    public var vendorID: Int64?

    public init(
        entity: String? = nil, action: String? = nil, actor: String? = nil, from: LocalDate? = nil, to: LocalDate? = nil, vendorID: Int64? = nil
    ) {
        self.entity = entity
        self.action = action
        self.actor = actor
        self.from = from
        self.to = to
        self.vendorID = vendorID
    }
}

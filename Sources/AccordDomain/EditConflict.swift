import Foundation

/// An edit was made against a row that someone else changed since it was read.
public struct EditConflict: Error, Sendable, Equatable {
    public var entity: String
    public var changedBy: String
    public var changedAt: Date
    public var currentRowVersion: Int

    public init(entity: String, changedBy: String, changedAt: Date, currentRowVersion: Int) {
        self.entity = entity
        self.changedBy = changedBy
        self.changedAt = changedAt
        self.currentRowVersion = currentRowVersion
    }

    public var message: String {
        let formatter = ISO8601DateFormatter()
        return "This \(self.entity) was changed by \(self.changedBy) at \(formatter.string(from: self.changedAt)) after you opened it. "
            + "Review the current values and apply your change again."
    }
}

/// A rule of the domain refused an action (for example activating a version without objectives).
public struct RuleViolation: Error, Sendable, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }
}

import Foundation

/// A business service the organisation depends on, such as "Checkout".
public struct Service: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    public var description: String
    public var owner: String
    public var rowVersion: Int
    public var updatedAt: Date

    public init(id: Int64, name: String, description: String, owner: String, rowVersion: Int, updatedAt: Date) {
        self.id = id
        self.name = name
        self.description = description
        self.owner = owner
        self.rowVersion = rowVersion
        self.updatedAt = updatedAt
    }
}

public struct ServiceDraft: Sendable, Codable, Equatable {
    public var name: String
    public var description: String
    public var owner: String

    public init(name: String, description: String = "", owner: String = "") {
        self.name = name
        self.description = description
        self.owner = owner
    }

    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        Text.requireName(self.name, field: "name", into: &errors)
        if self.description.count > 4000 { errors.add("description", "Description must be at most 4000 characters.") }
        if self.owner.count > 200 { errors.add("owner", "Owner must be at most 200 characters.") }
        return errors
    }
}

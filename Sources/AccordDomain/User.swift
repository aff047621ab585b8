import Foundation

/// A person who signs in to Accord.
public struct User: Sendable, Codable, Equatable {
    public var id: Int64
    public var email: String
    public var name: String
    public var role: Role
    public var vendorID: Int64?
    public var disabled: Bool

    public init(id: Int64, email: String, name: String, role: Role, vendorID: Int64?, disabled: Bool = false) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.vendorID = vendorID
        self.disabled = disabled
    }

    /// The data this user may see and change.
    public var scope: AccessScope {
        if self.role == .vendor, let vendorID = self.vendorID { return .vendor(vendorID) }
        return .organisation
    }
}

public struct UserDraft: Sendable, Equatable {
    public var email: String
    public var name: String
    public var role: Role?
    public var vendorID: Int64?
    public var password: String

    public init(email: String, name: String, role: Role?, vendorID: Int64?, password: String) {
        self.email = email
        self.name = name
        self.role = role
        self.vendorID = vendorID
        self.password = password
    }

    public static let minimumPasswordLength = 12

    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        if !Text.looksLikeEmail(self.email) { errors.add("email", "Email must look like name@example.com.") }
        Text.requireName(self.name, field: "name", into: &errors)
        switch self.role {
        case nil: errors.add("role", "Choose a role.")
        case .vendor? where self.vendorID == nil: errors.add("vendor_id", "A vendor user must belong to a vendor.")
        case let role? where role != .vendor && self.vendorID != nil:
            errors.add("vendor_id", "Only vendor users belong to a vendor.")
        default: break
        }
        if self.password.count < Self.minimumPasswordLength {
            errors.add("password", "Password must be at least \(Self.minimumPasswordLength) characters.")
        }
        if self.password.count > 72 { errors.add("password", "Password must be at most 72 characters.") }
        return errors
    }
}

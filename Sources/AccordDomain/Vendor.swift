import Foundation

/// An external provider the organisation holds agreements with.
public struct Vendor: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    public var description: String
    public var website: String
    /// While today is on or before this date, credits are multiplied by the objective's probation factor.
    public var probationUntil: LocalDate?
    public var rowVersion: Int
    public var updatedAt: Date

    public init(
        id: Int64, name: String, description: String, website: String, probationUntil: LocalDate?, rowVersion: Int, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.website = website
        self.probationUntil = probationUntil
        self.rowVersion = rowVersion
        self.updatedAt = updatedAt
    }

    public func isOnProbation(on day: LocalDate) -> Bool {
        guard let until = self.probationUntil else { return false }
        return day <= until
    }
}

/// What a person submits to create or change a vendor.
public struct VendorDraft: Sendable, Codable, Equatable {
    public var name: String
    public var description: String
    public var website: String
    public var probationUntil: LocalDate?

    public init(name: String, description: String = "", website: String = "", probationUntil: LocalDate? = nil) {
        self.name = name
        self.description = description
        self.website = website
        self.probationUntil = probationUntil
    }

    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        Text.requireName(self.name, field: "name", into: &errors)
        if self.description.count > 4000 { errors.add("description", "Description must be at most 4000 characters.") }
        if !self.website.isEmpty, !(self.website.hasPrefix("https://") || self.website.hasPrefix("http://")) {
            errors.add("website", "Website must start with https:// or http://.")
        }
        return errors
    }
}

/// A person at a vendor that Accord's users deal with.
public struct VendorContact: Sendable, Codable, Equatable {
    public var id: Int64
    public var vendorID: Int64
    public var name: String
    public var email: String
    public var phone: String
    public var title: String
    public var rowVersion: Int
    public var updatedAt: Date

    public init(
        id: Int64, vendorID: Int64, name: String, email: String, phone: String, title: String, rowVersion: Int, updatedAt: Date
    ) {
        self.id = id
        self.vendorID = vendorID
        self.name = name
        self.email = email
        self.phone = phone
        self.title = title
        self.rowVersion = rowVersion
        self.updatedAt = updatedAt
    }
}

public struct VendorContactDraft: Sendable, Codable, Equatable {
    public var name: String
    public var email: String
    public var phone: String
    public var title: String

    public init(name: String, email: String = "", phone: String = "", title: String = "") {
        self.name = name
        self.email = email
        self.phone = phone
        self.title = title
    }

    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        Text.requireName(self.name, field: "name", into: &errors)
        if !self.email.isEmpty, !Text.looksLikeEmail(self.email) {
            errors.add("email", "Email must look like name@example.com.")
        }
        if self.phone.count > 50 { errors.add("phone", "Phone must be at most 50 characters.") }
        if self.title.count > 200 { errors.add("title", "Title must be at most 200 characters.") }
        return errors
    }
}

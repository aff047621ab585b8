import AccordDomain
import AccordStorage
import Foundation

/// A contract manager adds a vendor.
public struct CreateVendor: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(_ draft: VendorDraft, scope: AccessScope, actor: AuditActor) async throws -> Vendor {
        try draft.validate().throwIfAny()
        guard scope == .organisation else { throw NotFound("vendor") }
        return try await self.change.run(actor: actor) { repositories, _ in
            let vendor = try await repositories.vendors.insert(draft, actor: actor)
            return (vendor, [.audit(AuditRecord(action: "create", entity: "vendor", entityID: vendor.id, after: vendor))])
        }
    }
}

/// A contract manager edits a vendor's name, description, website or probation, against the version they read.
public struct EditVendor: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(id: Int64, _ draft: VendorDraft, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws -> Vendor {
        try draft.validate().throwIfAny()
        return try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.vendors.lock(id: id, scope: scope)
            guard before.rowVersion == expectedRowVersion else { throw try await repositories.vendors.conflict(id: id) }
            let after = try await repositories.vendors.write(id: id, draft, actor: actor)
            return (after, [.audit(AuditRecord(action: "update", entity: "vendor", entityID: id, before: before, after: after))])
        }
    }
}

/// A contract manager deletes a vendor nothing refers to any more.
public struct DeleteVendor: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(id: Int64, scope: AccessScope, actor: AuditActor) async throws {
        guard scope == .organisation else { throw NotFound("vendor") }
        try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.vendors.lock(id: id, scope: scope)
            try await repositories.vendors.remove(id: id)
            return ((), [.audit(AuditRecord(action: "delete", entity: "vendor", entityID: id, before: before))])
        }
    }
}

/// What pages and the API read of vendors: the list, one vendor, its contacts.
public struct VendorQueries: Sendable {
    let repositories: Repositories

    public func list(search: String?, page: PageRequest, scope: AccessScope) async throws -> PageOf<Vendor> {
        try await self.repositories.vendors.list(search: search, page: page, scope: scope)
    }

    /// Every vendor in scope, by name, for choosing one in a form.
    public func all(scope: AccessScope) async throws -> [Vendor] {
        try await self.repositories.vendors.all(scope: scope)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Vendor {
        try await self.repositories.vendors.find(id: id, scope: scope)
    }

    public func contacts(vendorID: Int64, scope: AccessScope) async throws -> [VendorContact] {
        try await self.repositories.contacts.list(vendorID: vendorID, scope: scope)
    }

    /// The vendor's agreements (at most 200), for its page.
    public func agreements(vendorID: Int64, scope: AccessScope) async throws -> [Agreement] {
        try await self.repositories.agreements.list(.init(vendorID: vendorID), page: PageRequest(number: 1, size: 200), scope: scope).items
    }

    public func contact(id: Int64, vendorID: Int64, scope: AccessScope) async throws -> VendorContact {
        try await self.repositories.contacts.find(id: id, vendorID: vendorID, scope: scope)
    }
}

extension UseCases {
    public var createVendor: CreateVendor { CreateVendor(repositories: self.repositories, clock: self.clock) }
    public var editVendor: EditVendor { EditVendor(repositories: self.repositories, clock: self.clock) }
    public var deleteVendor: DeleteVendor { DeleteVendor(repositories: self.repositories, clock: self.clock) }
    public var vendors: VendorQueries { VendorQueries(repositories: self.repositories) }
}

/// A contract manager, or the vendor's own user, adds a contact to a vendor.
public struct AddContact: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(vendorID: Int64, _ draft: VendorContactDraft, scope: AccessScope, actor: AuditActor) async throws -> VendorContact {
        try draft.validate().throwIfAny()
        return try await self.change.run(actor: actor) { repositories, _ in
            let contact = try await repositories.contacts.insert(vendorID: vendorID, draft, scope: scope, actor: actor)
            return (contact, [.audit(AuditRecord(action: "create", entity: "vendor_contact", entityID: contact.id, after: contact))])
        }
    }
}

/// A contact's details edited, against the version read.
public struct EditContact: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(
        id: Int64, vendorID: Int64, _ draft: VendorContactDraft, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor
    ) async throws -> VendorContact {
        try draft.validate().throwIfAny()
        return try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.contacts.lock(id: id, vendorID: vendorID, scope: scope)
            guard before.rowVersion == expectedRowVersion else { throw try await repositories.contacts.conflict(id: id) }
            let after = try await repositories.contacts.write(id: id, vendorID: vendorID, draft, actor: actor)
            return (after, [.audit(AuditRecord(action: "update", entity: "vendor_contact", entityID: id, before: before, after: after))])
        }
    }
}

/// A contact removed from its vendor.
public struct RemoveContact: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(id: Int64, vendorID: Int64, scope: AccessScope, actor: AuditActor) async throws {
        try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.contacts.lock(id: id, vendorID: vendorID, scope: scope)
            try await repositories.contacts.remove(id: id)
            return ((), [.audit(AuditRecord(action: "delete", entity: "vendor_contact", entityID: id, before: before))])
        }
    }
}

extension UseCases {
    public var addContact: AddContact { AddContact(repositories: self.repositories, clock: self.clock) }
    public var editContact: EditContact { EditContact(repositories: self.repositories, clock: self.clock) }
    public var removeContact: RemoveContact { RemoveContact(repositories: self.repositories, clock: self.clock) }
}

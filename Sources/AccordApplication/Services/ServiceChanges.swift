import AccordDomain
import AccordStorage
import Foundation

/// A contract manager adds a business service.
public struct CreateService: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(_ draft: ServiceDraft, scope: AccessScope, actor: AuditActor) async throws -> Service {
        try draft.validate().throwIfAny()
        guard scope == .organisation else { throw NotFound("service") }
        return try await self.change.run(actor: actor) { repositories, _ in
            let service = try await repositories.services.insert(draft, actor: actor)
            return (service, [.audit(AuditRecord(action: "create", entity: "service", entityID: service.id, after: service))])
        }
    }
}

/// A contract manager edits a service, against the version they read.
public struct EditService: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(id: Int64, _ draft: ServiceDraft, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws -> Service {
        try draft.validate().throwIfAny()
        guard scope == .organisation else { throw NotFound("service") }
        return try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.services.lock(id: id)
            guard before.rowVersion == expectedRowVersion else { throw try await repositories.services.conflict(id: id) }
            let after = try await repositories.services.write(id: id, draft, actor: actor)
            return (after, [.audit(AuditRecord(action: "update", entity: "service", entityID: id, before: before, after: after))])
        }
    }
}

/// A contract manager deletes a service no agreement covers.
public struct DeleteService: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(id: Int64, scope: AccessScope, actor: AuditActor) async throws {
        guard scope == .organisation else { throw NotFound("service") }
        try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.services.lock(id: id)
            try await repositories.services.remove(id: id)
            return ((), [.audit(AuditRecord(action: "delete", entity: "service", entityID: id, before: before))])
        }
    }
}

/// What pages and the API read of services.
public struct ServiceQueries: Sendable {
    let repositories: Repositories

    public func list(search: String?, page: PageRequest, scope: AccessScope) async throws -> PageOf<Service> {
        try await self.repositories.services.list(search: search, page: page, scope: scope)
    }

    /// Every service, by name, for choosing one in a form.
    public func all() async throws -> [Service] {
        try await self.repositories.services.all()
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Service {
        try await self.repositories.services.find(id: id, scope: scope)
    }

    /// The agreements covering a service (at most 200), for its page.
    public func agreements(serviceID: Int64, scope: AccessScope) async throws -> [Agreement] {
        try await self.repositories.agreements.list(.init(serviceID: serviceID), page: PageRequest(number: 1, size: 200), scope: scope).items
    }
}

extension UseCases {
    public var createService: CreateService { CreateService(repositories: self.repositories, clock: self.clock) }
    public var editService: EditService { EditService(repositories: self.repositories, clock: self.clock) }
    public var deleteService: DeleteService { DeleteService(repositories: self.repositories, clock: self.clock) }
    public var services: ServiceQueries { ServiceQueries(repositories: self.repositories) }
}

import AccordDomain
import AccordStorage
import Foundation

/// A contract manager adds a business calendar (its zone, weekly hours and holidays).
public struct CreateCalendar: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(_ draft: BusinessCalendarDraft, scope: AccessScope, actor: AuditActor) async throws -> BusinessCalendar {
        try draft.validate().throwIfAny()
        guard scope == .organisation else { throw NotFound("calendar") }
        return try await self.change.run(actor: actor) { repositories, _ in
            let calendar = try await repositories.calendars.insert(draft, actor: actor)
            return (calendar, [.audit(AuditRecord(action: "create", entity: "calendar", entityID: calendar.id, after: calendar))])
        }
    }
}

/// A contract manager edits a calendar, against the version they read.
public struct EditCalendar: Sendable {
    let change: Change

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.change = Change(repositories: repositories, clock: clock)
    }

    public func callAsFunction(
        id: Int64, _ draft: BusinessCalendarDraft, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor
    ) async throws -> BusinessCalendar {
        try draft.validate().throwIfAny()
        guard scope == .organisation else { throw NotFound("calendar") }
        return try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.calendars.lock(id: id)
            guard before.rowVersion == expectedRowVersion else { throw try await repositories.calendars.conflict(id: id) }
            let after = try await repositories.calendars.write(id: id, draft, actor: actor)
            return (after, [.audit(AuditRecord(action: "update", entity: "calendar", entityID: id, before: before, after: after))])
        }
    }
}

/// What pages and the API read of calendars.
public struct CalendarQueries: Sendable {
    let repositories: Repositories

    public func list(search: String?, page: PageRequest, scope: AccessScope) async throws -> PageOf<BusinessCalendar> {
        try await self.repositories.calendars.list(search: search, page: page, scope: scope)
    }

    /// Every calendar, by name, for choosing one in a form.
    public func all() async throws -> [BusinessCalendar] {
        try await self.repositories.calendars.all()
    }

    public func find(id: Int64, scope: AccessScope) async throws -> BusinessCalendar {
        try await self.repositories.calendars.find(id: id, scope: scope)
    }
}

extension UseCases {
    public var createCalendar: CreateCalendar { CreateCalendar(repositories: self.repositories, clock: self.clock) }
    public var editCalendar: EditCalendar { EditCalendar(repositories: self.repositories, clock: self.clock) }
    public var calendars: CalendarQueries { CalendarQueries(repositories: self.repositories) }
}

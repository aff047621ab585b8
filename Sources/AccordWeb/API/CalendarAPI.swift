import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/calendars`.
struct CalendarAPI {
    let dependencies: AppDependencies
    var calendars: CalendarQueries { self.dependencies.useCases.calendars }
    var useCases: UseCases { self.dependencies.useCases }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("calendars", use: self.getCalendars)
        group.post("calendars", use: self.postCalendars)
        group.get("calendars/:id", use: self.getCalendar)
        group.patch("calendars/:id", use: self.patchCalendar)
    }

    @Sendable func getCalendars(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let page = try await self.calendars.list(search: request.query("q"), page: request.apiPage(), scope: context.scope)
        return JSON.response(ListEnvelope(page) { $0 })
    }

    @Sendable func postCalendars(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        return JSON.response(
            try await self.useCases.createCalendar(try DraftParsing.calendar(input), scope: context.scope, actor: context.actor), status: .created)
    }

    @Sendable func getCalendar(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await self.calendars.find(id: try context.id(), scope: context.scope))
    }

    @Sendable func patchCalendar(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let calendar = try await self.calendars.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        return JSON.response(
            try await self.useCases.editCalendar(
                id: calendar.id, try DraftParsing.calendar(input, fallback: calendar), expectedRowVersion: try DraftParsing.rowVersion(input),
                scope: context.scope, actor: context.actor))
    }
}

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
        group.get("calendars") { request, context in
            _ = try context.requireUser()
            let page = try await self.calendars.list(search: request.query("q"), page: request.apiPage(), scope: context.scope)
            return JSON.response(ListEnvelope(page) { $0 })
        }
        group.post("calendars") { request, context in
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.json(context: context)
            return JSON.response(
                try await self.useCases.createCalendar(try DraftParsing.calendar(input), scope: context.scope, actor: context.actor), status: .created)
        }
        group.get("calendars/:id") { _, context in
            _ = try context.requireUser()
            return JSON.response(try await self.calendars.find(id: try context.id(), scope: context.scope))
        }
        group.patch("calendars/:id") { request, context in
            let calendar = try await self.calendars.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.json(context: context)
            return JSON.response(
                try await self.useCases.editCalendar(
                    id: calendar.id, try DraftParsing.calendar(input, fallback: calendar), expectedRowVersion: try DraftParsing.rowVersion(input),
                    scope: context.scope, actor: context.actor))
        }
    }
}

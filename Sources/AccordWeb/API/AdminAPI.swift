import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/me`, `/api/v1/users` and `/api/v1/audit`.
struct AdminAPI {
    let dependencies: AppDependencies

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("me") { _, context in JSON.response(try context.requireUser()) }
        group.get("users") { request, context in
            _ = try context.requireUser(\.isAdmin)
            return JSON.response(ListEnvelope(try await self.dependencies.useCases.accounts.users(search: request.query("q"), page: request.apiPage())) { $0 })
        }
        group.post("users") { request, context in
            _ = try context.requireUser(\.isAdmin)
            var request = request
            let input = try await request.json(context: context)
            let user = try await AdminPages(dependencies: self.dependencies).createUser(input, context: context)
            return JSON.response(user, status: .created)
        }
        group.get("audit") { request, context in
            _ = try context.requireUser(\.isAdmin)
            let page = try await self.dependencies.useCases.accounts.audit(AdminPages.auditFilter(request), page: request.apiPage())
            return JSON.response(ListEnvelope(page) { $0 })
        }
    }
}

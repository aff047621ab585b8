import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/me`, `/api/v1/users` and `/api/v1/audit`.
struct AdminAPI {
    let dependencies: AppDependencies

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("me", use: self.getMe)
        group.get("users", use: self.getUsers)
        group.post("users", use: self.postUsers)
        group.get("audit", use: self.getAudit)
    }

    @Sendable func getMe(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        JSON.response(try context.requireUser())
    }

    @Sendable func getUsers(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        return JSON.response(ListEnvelope(try await self.dependencies.useCases.accounts.users(search: request.query("q"), page: request.apiPage())) { $0 })
    }

    @Sendable func postUsers(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        var request = request
        let input = try await request.json(context: context)
        let user = try await AdminPages(dependencies: self.dependencies).createUser(input, context: context)
        return JSON.response(user, status: .created)
    }

    @Sendable func getAudit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let page = try await self.dependencies.useCases.accounts.audit(AdminPages.auditFilter(request), page: request.apiPage())
        return JSON.response(ListEnvelope(page) { $0 })
    }
}

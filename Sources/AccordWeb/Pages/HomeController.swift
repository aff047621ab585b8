import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// The start page: what the signed-in person can reach, with counts.
struct HomeController {
    let dependencies: AppDependencies

    struct HomeView {
        var chrome: Chrome
        var name: String
        var vendorCount: Int
        var agreementCount: Int
        var activeCount: Int
        var draftCount: Int
        var isInternal: Bool
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("/", use: self.get)
    }

    @Sendable func get(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        if user.role == .vendor { return try await VendorPortal(dependencies: self.dependencies).render(request, context, user: user) }
        let one = PageRequest(number: 1, size: 1)
        let vendors = try await self.dependencies.useCases.vendors.list(search: nil, page: one, scope: context.scope).total
        let all = try await self.dependencies.useCases.agreements.list(.init(), page: one, scope: context.scope).total
        let active = try await self.dependencies.useCases.agreements.list(.init(status: .active), page: one, scope: context.scope).total
        let drafts = try await self.dependencies.useCases.agreements.list(.init(status: .draft), page: one, scope: context.scope).total
        let view = HomeView(
            chrome: Chrome(title: "Overview", context: context, notice: request.notice), name: user.name, vendorCount: vendors,
            agreementCount: all, activeCount: active, draftCount: drafts, isInternal: user.role != .vendor)
        return self.dependencies.renderer.response(view, template: "home")
    }
}

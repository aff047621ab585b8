import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Administrators: user accounts and the audit trail.
struct AdminPages {
    let dependencies: AppDependencies
    var renderer: PageRenderer { self.dependencies.renderer }

    struct UserListView {
        var chrome: Chrome
        var users: [Row]
        var search: String
        var pager: Pager

        struct Row {
            var id: Int64
            var name: String
            var email: String
            var role: String
            var vendor: String?
            var disabled: Bool
        }
    }

    struct UserFormView {
        var chrome: Chrome
        var form: FormState
        var roles: [Choice]
        var vendors: [Choice]
    }

    struct AuditView {
        var chrome: Chrome
        var entries: [Row]
        var entities: [Choice]
        var vendors: [Choice]
        var filter: [String: String]
        var pager: Pager
        var isEmpty: Bool

        struct Row {
            var at: String
            var actor: String
            var action: String
            var entity: String
            var entityID: String
            var address: String
            var vendor: String?
            var before: String?
            var after: String?
        }
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("users", use: self.getUsers)
        router.get("users/new", use: self.getUsersNew)
        router.post("users", use: self.postUsers)
        router.post("users/:id/disable", use: self.postUserDisable)
        router.post("users/:id/enable", use: self.postUserEnable)
        router.get("audit", use: self.getAudit)
    }

    @Sendable func getUsers(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let search = request.query("q")
        let page = try await self.dependencies.useCases.accounts.users(search: search, page: request.page())
        let vendors = Dictionary(uniqueKeysWithValues: try await self.dependencies.useCases.vendors.all(scope: .organisation).map { ($0.id, $0.name) })
        let rows = page.items.map {
            UserListView.Row(
                id: $0.id, name: $0.name, email: $0.email, role: $0.role.label, vendor: $0.vendorID.flatMap { vendors[$0] }, disabled: $0.disabled
            )
        }
        let view = UserListView(
            chrome: Chrome(title: "Users", context: context, notice: request.notice), users: rows, search: search.orEmpty,
            pager: Pager(page, path: "/users", query: [("q", search)]))
        return self.renderer.response(view, template: "users/list")
    }

    @Sendable func getUsersNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        return try await self.userForm(context, state: FormState(values: ["role": "viewer"]))
    }

    @Sendable func postUsers(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        var request = request
        let input = try await request.form(context: context)
        var values = input.formValues
        values["password"] = nil
        return try await saveOrRedisplay(input: Input(values.mapValues(InputValue.text)), render: { try await self.userForm(context, state: $0) })
        {
            _ = try await self.createUser(input, context: context)
            return Redirect.to("/users", notice: .created)
        }
    }

    @Sendable func postUserDisable(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        _ = try await self.dependencies.useCases.setUserDisabled(id: try context.id(), disabled: true, actor: context.actor)
        return Redirect.to("/users", notice: .updated)
    }

    @Sendable func postUserEnable(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        _ = try await self.dependencies.useCases.setUserDisabled(id: try context.id(), disabled: false, actor: context.actor)
        return Redirect.to("/users", notice: .updated)
    }

    @Sendable func getAudit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let filter = Self.auditFilter(request)
        let page = try await self.dependencies.useCases.accounts.audit(filter, page: request.page())
        let formatter = ISO8601DateFormatter()
        let vendors = try await self.dependencies.useCases.vendors.all(scope: .organisation)
        let vendorNames = Dictionary(uniqueKeysWithValues: vendors.map { ($0.id, $0.name) })
        let rows = page.items.map {
            AuditView.Row(
                at: formatter.string(from: $0.at), actor: $0.actorLabel, action: $0.action, entity: $0.entity, entityID: $0.entityID ?? "",
                address: $0.address ?? "", vendor: $0.vendorID.flatMap { vendorNames[$0] }, before: $0.before, after: $0.after)
        }
        let entities = try await self.dependencies.useCases.accounts.auditedEntities()
        let query: [(String, String?)] = [
            ("entity", filter.entity), ("action", filter.action), ("actor", filter.actor), ("from", filter.from?.description),
            ("to", filter.to?.description), ("vendor_id", filter.vendorID.map(String.init)),
        ]
        let view = AuditView(
            chrome: Chrome(title: "Audit log", context: context), entries: rows,
            entities: entities.map { Choice(value: $0, label: $0, selected: $0 == filter.entity) },
            vendors: vendors.map { Choice(value: "\($0.id)", label: $0.name, selected: $0.id == filter.vendorID) },
            filter: Dictionary(uniqueKeysWithValues: query.compactMap { key, value in value.map { (key, $0) } }),
            pager: Pager(page, path: "/audit", query: query), isEmpty: rows.isEmpty)
        return self.renderer.response(view, template: "audit/list")
    }

    static func auditFilter(_ request: Request) -> AuditFilter {
        AuditFilter(
            entity: request.query("entity"), action: request.query("action"), actor: request.query("actor"),
            from: request.query("from").flatMap(LocalDate.init), to: request.query("to").flatMap(LocalDate.init),
            vendorID: request.query("vendor_id").flatMap { Int64($0) })
    }

    func createUser(_ input: Input, context: AccordRequestContext) async throws -> User {
        var reader = InputReader(input)
        let draft = UserDraft(
            email: reader.string("email"), name: reader.string("name"), role: reader.choice("role", label: "Role", as: Role.self),
            vendorID: reader.id("vendor_id", label: "Vendor"), password: input.raw("password"))
        try reader.combined(with: draft.validate()).throwIfAny()
        return try await self.dependencies.useCases.createUser(hasher: self.dependencies.hasher)(draft, actor: context.actor)
    }

    private func userForm(_ context: AccordRequestContext, state: FormState) async throws -> Response {
        let vendors = try await self.dependencies.useCases.vendors.all(scope: .organisation)
        let view = UserFormView(
            chrome: Chrome(title: "New user", context: context), form: state,
            roles: Role.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: state.values["role"] == $0.rawValue) },
            vendors: vendors.map { Choice(value: String($0.id), label: $0.name, selected: state.values["vendor_id"] == String($0.id)) })
        return self.renderer.response(view, template: "users/form", status: state.errors.isEmpty ? .ok : .unprocessableContent)
    }
}

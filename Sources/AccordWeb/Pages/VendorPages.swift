import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// The vendor pages: list, detail, create, edit, delete, and the vendor's contacts.
struct VendorPages {
    let dependencies: AppDependencies
    var vendors: VendorQueries { self.dependencies.useCases.vendors }
    var useCases: UseCases { self.dependencies.useCases }
    var renderer: PageRenderer { self.dependencies.renderer }

    struct ListView {
        var chrome: Chrome
        var vendors: [Row]
        var search: String
        var pager: Pager
        var canManage: Bool
        var isEmpty: Bool

        struct Row {
            var url: String
            var name: String
            var website: String
            var probation: String?
        }
    }

    struct ShowView {
        var chrome: Chrome
        var vendor: Vendor
        var website: String?
        var description: String?
        var probation: String?
        var contacts: [VendorContact]
        var hasContacts: Bool
        var agreements: [Agreement]
        var canManage: Bool
        var canEditContacts: Bool
        var url: String
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("vendors", use: self.getVendors)
        router.get("vendors/new", use: self.getVendorsNew)
        router.post("vendors", use: self.postVendors)
        router.get("vendors/:id", use: self.getVendor)
        router.get("vendors/:id/edit", use: self.getVendorEdit)
        router.post("vendors/:id/edit", use: self.postVendorEdit)
        router.get("vendors/:id/delete", use: self.getVendorDelete)
        router.post("vendors/:id/delete", use: self.postVendorDelete)
        ContactPages(dependencies: self.dependencies).addRoutes(to: router)
    }

    @Sendable func getVendors(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.list(request, context)
    }

    @Sendable func getVendorsNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        return self.form(context, vendor: nil, state: FormState())
    }

    @Sendable func postVendors(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.create(request, context)
    }

    @Sendable func getVendor(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.show(request, context)
    }

    @Sendable func getVendorEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return self.form(context, vendor: vendor, state: FormState(values: vendor.formValues, rowVersion: vendor.rowVersion))
    }

    @Sendable func postVendorEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.update(request, context)
    }

    @Sendable func getVendorDelete(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        let view = ConfirmView(
            chrome: Chrome(title: "Delete \(vendor.name)", context: context), question: "Delete the vendor \(vendor.name)?",
            detail: "Its contacts are deleted with it. A vendor with agreements or user accounts cannot be deleted.",
            action: "/vendors/\(vendor.id)/delete", cancelURL: "/vendors/\(vendor.id)", button: "Delete vendor")
        return self.renderer.response(view, template: "confirm")
    }

    @Sendable func postVendorDelete(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let id = try context.id()
        _ = try await self.vendors.find(id: id, scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        try await self.useCases.deleteVendor(id: id, scope: context.scope, actor: context.actor)
        return Redirect.to("/vendors", notice: .deleted)
    }

    private func list(_ request: Request, _ context: AccordRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let search = request.query("q")
        let page = try await self.vendors.list(search: search, page: request.page(), scope: context.scope)
        let today = LocalDate.of(self.dependencies.clock(), in: TimeZone(identifier: "UTC")!)
        let rows = page.items.map {
            ListView.Row(
                url: "/vendors/\($0.id)", name: $0.name, website: $0.website,
                probation: $0.isOnProbation(on: today) ? $0.probationUntil.map { "until \(Figures.date($0))" } : nil)
        }
        let view = ListView(
            chrome: Chrome(title: "Vendors", context: context, notice: request.notice), vendors: rows, search: search.orEmpty,
            pager: Pager(page, path: "/vendors", query: [("q", search)]), canManage: user.role.may(.manageContracts), isEmpty: rows.isEmpty)
        return self.renderer.response(view, template: "vendors/list")
    }

    private func show(_ request: Request, _ context: AccordRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
        let contacts = try await self.vendors.contacts(vendorID: vendor.id, scope: context.scope)
        let agreements = try await self.vendors.agreements(vendorID: vendor.id, scope: context.scope)
        let today = LocalDate.of(self.dependencies.clock(), in: TimeZone(identifier: "UTC")!)
        let view = ShowView(
            chrome: Chrome(title: vendor.name, context: context, notice: request.notice), vendor: vendor,
            website: vendor.website.isEmpty ? nil : vendor.website, description: vendor.description.isEmpty ? nil : vendor.description,
            probation: vendor.isOnProbation(on: today) ? vendor.probationUntil.map(Figures.date) : nil, contacts: contacts, hasContacts: !contacts.isEmpty,
            agreements: agreements,
            canManage: user.role.may(.manageContracts), canEditContacts: user.role.may(.manageContracts) || user.role == .vendor,
            url: "/vendors/\(vendor.id)")
        return self.renderer.response(view, template: "vendors/show")
    }

    private func form(_ context: AccordRequestContext, vendor: Vendor?, state: FormState) -> Response {
        let view = EntityFormView(
            context: context, noun: "vendor", editing: vendor?.name, collection: "/vendors", itemURL: vendor.map { "/vendors/\($0.id)" }, form: state)
        return self.renderer.response(view, template: "vendors/form", status: view.status)
    }

    private func create(_ request: Request, _ context: AccordRequestContext) async throws -> Response {
        _ = try context.requireUser(.manageContracts)
        return try await submitForm(request, context: context, render: { self.form(context, vendor: nil, state: $0) }) { input in
            let vendor = try await self.useCases.createVendor(try DraftParsing.vendor(input), scope: context.scope, actor: context.actor)
            return Redirect.to("/vendors/\(vendor.id)", notice: .created)
        }
    }

    private func update(_ request: Request, _ context: AccordRequestContext) async throws -> Response {
        let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return try await submitForm(request, context: context, render: { self.form(context, vendor: vendor, state: $0) }) { input in
            _ = try await self.useCases.editVendor(
                id: vendor.id, try DraftParsing.vendor(input), expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope,
                actor: context.actor)
            return Redirect.to("/vendors/\(vendor.id)", notice: .updated)
        }
    }
}

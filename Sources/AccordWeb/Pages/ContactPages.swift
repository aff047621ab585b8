import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// A vendor's contacts: contract managers, and the vendor's own users, keep them current.
struct ContactPages {
    let dependencies: AppDependencies
    var vendors: VendorQueries { self.dependencies.useCases.vendors }
    var useCases: UseCases { self.dependencies.useCases }

    struct FormView {
        var chrome: Chrome
        var heading: String
        var vendorName: String
        var action: String
        var cancelURL: String
        var form: FormState
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("vendors/:id/contacts/new", use: self.getVendorContactsNew)
        router.post("vendors/:id/contacts", use: self.postVendorContacts)
        router.get("vendors/:id/contacts/:contact/edit", use: self.getVendorContactEdit)
        router.post("vendors/:id/contacts/:contact/edit", use: self.postVendorContactEdit)
        router.get("vendors/:id/contacts/:contact/delete", use: self.getVendorContactDelete)
        router.post("vendors/:id/contacts/:contact/delete", use: self.postVendorContactDelete)
    }

    @Sendable func getVendorContactsNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.editContacts)
        return self.form(context, vendor: vendor, contact: nil, state: FormState())
    }

    @Sendable func postVendorContacts(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.editContacts)
        return try await submitForm(request, context: context, render: { self.form(context, vendor: vendor, contact: nil, state: $0) }) { input in
            _ = try await self.useCases.addContact(vendorID: vendor.id, try DraftParsing.contact(input), scope: context.scope, actor: context.actor)
            return Redirect.to("/vendors/\(vendor.id)", notice: .created)
        }
    }

    @Sendable func getVendorContactEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (vendor, contact) = try await self.load(context)
        _ = try context.requireUser(.editContacts)
        return self.form(context, vendor: vendor, contact: contact, state: FormState(values: contact.formValues, rowVersion: contact.rowVersion))
    }

    @Sendable func postVendorContactEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (vendor, contact) = try await self.load(context)
        _ = try context.requireUser(.editContacts)
        return try await submitForm(request, context: context, render: { self.form(context, vendor: vendor, contact: contact, state: $0) }) {
            input in
            _ = try await self.useCases.editContact(
                id: contact.id, vendorID: vendor.id, try DraftParsing.contact(input), expectedRowVersion: try DraftParsing.rowVersion(input),
                scope: context.scope, actor: context.actor)
            return Redirect.to("/vendors/\(vendor.id)", notice: .updated)
        }
    }

    @Sendable func getVendorContactDelete(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (vendor, contact) = try await self.load(context)
        _ = try context.requireUser(.editContacts)
        let view = ConfirmView(
            chrome: Chrome(title: "Delete contact", context: context), question: "Delete the contact \(contact.name) of \(vendor.name)?",
            detail: "This cannot be undone; the audit trail keeps a record.",
            action: "/vendors/\(vendor.id)/contacts/\(contact.id)/delete", cancelURL: "/vendors/\(vendor.id)", button: "Delete contact")
        return self.dependencies.renderer.response(view, template: "confirm")
    }

    @Sendable func postVendorContactDelete(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (vendor, contact) = try await self.load(context)
        _ = try context.requireUser(.editContacts)
        try await self.useCases.removeContact(id: contact.id, vendorID: vendor.id, scope: context.scope, actor: context.actor)
        return Redirect.to("/vendors/\(vendor.id)", notice: .deleted)
    }

    private func load(_ context: AccordRequestContext) async throws -> (Vendor, VendorContact) {
        let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
        let contact = try await self.vendors.contact(id: try context.id("contact"), vendorID: vendor.id, scope: context.scope)
        return (vendor, contact)
    }

    private func form(_ context: AccordRequestContext, vendor: Vendor, contact: VendorContact?, state: FormState) -> Response {
        let view = FormView(
            chrome: Chrome(title: contact == nil ? "New contact" : "Edit contact", context: context),
            heading: contact.map { "Edit \($0.name)" } ?? "New contact", vendorName: vendor.name,
            action: contact.map { "/vendors/\(vendor.id)/contacts/\($0.id)/edit" } ?? "/vendors/\(vendor.id)/contacts",
            cancelURL: "/vendors/\(vendor.id)", form: state)
        return self.dependencies.renderer.response(
            view, template: "contacts/form", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

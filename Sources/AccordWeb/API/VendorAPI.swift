import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/vendors` and their contacts.
struct VendorAPI {
    let dependencies: AppDependencies
    var vendors: VendorQueries { self.dependencies.useCases.vendors }
    var useCases: UseCases { self.dependencies.useCases }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("vendors", use: self.getVendors)
        group.post("vendors", use: self.postVendors)
        group.get("vendors/:id", use: self.getVendor)
        group.patch("vendors/:id", use: self.patchVendor)
        group.delete("vendors/:id", use: self.deleteVendor)
        group.get("vendors/:id/contacts", use: self.getVendorContacts)
        group.post("vendors/:id/contacts", use: self.postVendorContacts)
        group.get("vendors/:id/contacts/:contact", use: self.getVendorContact)
        group.patch("vendors/:id/contacts/:contact", use: self.patchVendorContact)
        group.delete("vendors/:id/contacts/:contact", use: self.deleteVendorContact)
    }

    @Sendable func getVendors(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let page = try await self.vendors.list(search: request.query("q"), page: request.apiPage(), scope: context.scope)
        return JSON.response(ListEnvelope(page) { $0 })
    }

    @Sendable func postVendors(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        let vendor = try await self.useCases.createVendor(try DraftParsing.vendor(input), scope: context.scope, actor: context.actor)
        return JSON.response(vendor, status: .created)
    }

    @Sendable func getVendor(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await self.vendors.find(id: try context.id(), scope: context.scope))
    }

    @Sendable func patchVendor(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        let updated = try await self.useCases.editVendor(
            id: vendor.id, try DraftParsing.vendor(input, fallback: vendor.formValues), expectedRowVersion: try DraftParsing.rowVersion(input),
            scope: context.scope, actor: context.actor)
        return JSON.response(updated)
    }

    @Sendable func deleteVendor(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        try await self.useCases.deleteVendor(id: vendor.id, scope: context.scope, actor: context.actor)
        return Response.noContent
    }

    @Sendable func getVendorContacts(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
        return JSON.response(ItemsEnvelope(items: try await self.vendors.contacts(vendorID: vendor.id, scope: context.scope)))
    }

    @Sendable func postVendorContacts(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.editContacts)
        var request = request
        let input = try await request.json(context: context)
        let contact = try await self.useCases.addContact(
            vendorID: vendor.id, try DraftParsing.contact(input), scope: context.scope, actor: context.actor)
        return JSON.response(contact, status: .created)
    }

    @Sendable func getVendorContact(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await self.vendors.contact(id: try context.id("contact"), vendorID: try context.id(), scope: context.scope))
    }

    @Sendable func patchVendorContact(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let contact = try await self.vendors.contact(id: try context.id("contact"), vendorID: try context.id(), scope: context.scope)
        _ = try context.requireUser(.editContacts)
        var request = request
        let input = try await request.json(context: context)
        let updated = try await self.useCases.editContact(
            id: contact.id, vendorID: contact.vendorID, try DraftParsing.contact(input, fallback: contact.formValues),
            expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope, actor: context.actor)
        return JSON.response(updated)
    }

    @Sendable func deleteVendorContact(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let contact = try await self.vendors.contact(id: try context.id("contact"), vendorID: try context.id(), scope: context.scope)
        _ = try context.requireUser(.editContacts)
        try await self.useCases.removeContact(id: contact.id, vendorID: contact.vendorID, scope: context.scope, actor: context.actor)
        return Response.noContent
    }
}

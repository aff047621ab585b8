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
        group.get("vendors") { request, context in
            _ = try context.requireUser()
            let page = try await self.vendors.list(search: request.query("q"), page: request.apiPage(), scope: context.scope)
            return JSON.response(ListEnvelope(page) { $0 })
        }
        group.post("vendors") { request, context in
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.json(context: context)
            let vendor = try await self.useCases.createVendor(try DraftParsing.vendor(input), scope: context.scope, actor: context.actor)
            return JSON.response(vendor, status: .created)
        }
        group.get("vendors/:id") { _, context in
            _ = try context.requireUser()
            return JSON.response(try await self.vendors.find(id: try context.id(), scope: context.scope))
        }
        group.patch("vendors/:id") { request, context in
            let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.json(context: context)
            let updated = try await self.useCases.editVendor(
                id: vendor.id, try DraftParsing.vendor(input, fallback: vendor.formValues), expectedRowVersion: try DraftParsing.rowVersion(input),
                scope: context.scope, actor: context.actor)
            return JSON.response(updated)
        }
        group.delete("vendors/:id") { _, context in
            let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            try await self.useCases.deleteVendor(id: vendor.id, scope: context.scope, actor: context.actor)
            return Response.noContent
        }
        group.get("vendors/:id/contacts") { _, context in
            _ = try context.requireUser()
            let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
            return JSON.response(ItemsEnvelope(items: try await self.vendors.contacts(vendorID: vendor.id, scope: context.scope)))
        }
        group.post("vendors/:id/contacts") { request, context in
            let vendor = try await self.vendors.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(ContactPages.mayEdit)
            var request = request
            let input = try await request.json(context: context)
            let contact = try await self.useCases.addContact(
                vendorID: vendor.id, try DraftParsing.contact(input), scope: context.scope, actor: context.actor)
            return JSON.response(contact, status: .created)
        }
        group.get("vendors/:id/contacts/:contact") { _, context in
            _ = try context.requireUser()
            return JSON.response(try await self.vendors.contact(id: try context.id("contact"), vendorID: try context.id(), scope: context.scope))
        }
        group.patch("vendors/:id/contacts/:contact") { request, context in
            let contact = try await self.vendors.contact(id: try context.id("contact"), vendorID: try context.id(), scope: context.scope)
            _ = try context.requireUser(ContactPages.mayEdit)
            var request = request
            let input = try await request.json(context: context)
            let updated = try await self.useCases.editContact(
                id: contact.id, vendorID: contact.vendorID, try DraftParsing.contact(input, fallback: contact.formValues),
                expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope, actor: context.actor)
            return JSON.response(updated)
        }
        group.delete("vendors/:id/contacts/:contact") { _, context in
            let contact = try await self.vendors.contact(id: try context.id("contact"), vendorID: try context.id(), scope: context.scope)
            _ = try context.requireUser(ContactPages.mayEdit)
            try await self.useCases.removeContact(id: contact.id, vendorID: contact.vendorID, scope: context.scope, actor: context.actor)
            return Response.noContent
        }
    }
}

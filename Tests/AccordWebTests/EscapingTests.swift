import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

@Suite("Output escaping")
struct EscapingTests {
    static let hostile = #"<script>alert(1)</script>"'&"#

    @Test func aHostileVendorNameRendersEscapedOnEveryPageThatShowsIt() async throws {
        try await Harness.run { harness in
            // setup: vendor B carries the hostile name, with an agreement, a contact and a user
            let world = harness.world
            let vendor = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).editVendor(
                id: world.vendorB.id, VendorDraft(name: Self.hostile, description: Self.hostile, website: ""),
                expectedRowVersion: world.vendorB.rowVersion,
                scope: .organisation, actor: .system)
            let admin = try await harness.session(for: world.admin)
            let pages = [
                "/vendors", "/vendors/\(vendor.id)", "/vendors/\(vendor.id)/edit", "/vendors/\(vendor.id)/delete",
                "/vendors/\(vendor.id)/contacts/new",
                "/agreements", "/agreements/\(world.agreementB.id)", "/agreements/\(world.masterB.id)", "/agreements/new?kind=vendor", "/users/new",
                "/users", "/audit",
            ]
            for path in pages {
                // MUT
                let page = try await harness.get(path, as: admin)
                // validation
                #expect(page.status == .ok, "\(path)")
                #expect(!page.text.contains("<script>alert(1)</script>"), "\(path) renders the name unescaped")
                #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path) does not show the name")
            }
            let vendorUser = try await harness.session(for: world.vendorUserB)
            for path in ["/vendors/\(vendor.id)", "/agreements/\(world.agreementB.id)", "/"] {
                let page = try await harness.get(path, as: vendorUser)
                #expect(!page.text.contains("<script>alert(1)</script>"), "\(path)")
            }
        }
    }

    @Test func anInvalidFormKeepsWhatWasTypedEscaped() async throws {
        try await Harness.run { harness in
            let session = try await harness.session(for: harness.world.manager)
            let response = try await harness.post("/vendors", [("name", ""), ("website", Self.hostile), ("description", Self.hostile)], as: session)
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("Name is required."))
            #expect(response.text.contains("Website must start with https://"))
            #expect(!response.text.contains("<script>alert(1)</script>"))
            #expect(response.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
        }
    }
}

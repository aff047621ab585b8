import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import PostgresNIO
import Testing

@Suite("Audit trail")
struct AuditTrailTests {
    @Test func theDatabaseRefusesToChangeOrDeleteAuditEntries() async throws {
        try await TestDatabase.withDatabase { database in
            // setup
            let repositories = Repositories(database: database)
            _ = try await UseCases(repositories: repositories, logger: TestDatabase.logger).createVendor(VendorDraft(name: "Audited"), scope: .organisation, actor: .system)
            let count = try await database.query("SELECT count(*) FROM audit_log").first!.decode(Int.self)
            #expect(count == 1)
            // MUT + validation: each statement is refused by PostgreSQL itself
            await #expect(throws: PSQLError.self) { try await database.query("UPDATE audit_log SET actor_label = 'someone else'") }
            await #expect(throws: PSQLError.self) { try await database.query("DELETE FROM audit_log") }
            await #expect(throws: PSQLError.self) { try await database.query("TRUNCATE audit_log") }
            let after = try await database.query("SELECT count(*), min(actor_label) FROM audit_log").first!.decode((Int, String).self)
            #expect(after.0 == 1)
            #expect(after.1 == "system")
        }
    }

    @Test func changesRecordWhoWhatBeforeAndAfter() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let session = try await harness.session(for: world.manager)
            let response = try await harness.post(
                "/vendors/\(world.vendorA.id)/edit", [("name", "Alpha Hosting GmbH"), ("row_version", "\(world.vendorA.rowVersion)")], as: session)
            #expect(response.status == .seeOther)
            let entry = try #require(
                try await harness.repositories.audit.list(filter: AuditFilter(entity: "vendor", action: "update"), page: PageRequest()).items.first)
            #expect(entry.actorID == world.manager.id)
            #expect(entry.actorLabel.contains("Carla Contract"))
            #expect(entry.entityID == "\(world.vendorA.id)")
            #expect(entry.before?.contains("\"Alpha Hosting\"") == true)
            #expect(entry.after?.contains("Alpha Hosting GmbH") == true)
            // the admin page browses and filters it; other roles may not
            let admin = try await harness.session(for: world.admin)
            let page = try await harness.get("/audit?entity=vendor&action=update", as: admin)
            #expect(page.status == .ok)
            #expect(page.text.contains("Alpha Hosting GmbH"))
            #expect(try await harness.get("/audit", as: session).status == .forbidden)
            let token = try await harness.token(for: world.admin)
            let api = try await harness.api(.get, "/api/v1/audit?entity=vendor&action=update", token: token)
            #expect(api.json["total"] as? Int == 1)
        }
    }
}

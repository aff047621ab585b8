import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

@Suite("Repositories on PostgreSQL")
struct RepositoryTests {
    @Test func everyReadAndWriteIsScopedToTheVendor() async throws {
        try await TestDatabase.withDatabase { database in
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            let scopeA = AccessScope.vendor(world.vendorA.id)
            // reads
            await #expect(throws: NotFound.self) { try await repositories.vendors.find(id: world.vendorB.id, scope: scopeA) }
            await #expect(throws: NotFound.self) { try await repositories.agreements.find(id: world.agreementB.id, scope: scopeA) }
            await #expect(throws: NotFound.self) { try await repositories.objectives.find(id: world.objectiveB.id, scope: scopeA) }
            await #expect(throws: NotFound.self) { try await repositories.services.find(id: world.serviceB.id, scope: scopeA) }
            await #expect(throws: NotFound.self) { try await repositories.calendars.find(id: world.calendarB.id, scope: scopeA) }
            #expect(try await repositories.versions.list(agreementID: world.agreementB.id, scope: scopeA).isEmpty)
            #expect(try await repositories.contacts.list(vendorID: world.vendorB.id, scope: scopeA).isEmpty)
            #expect(try await repositories.agreements.list(.init(), page: PageRequest(), scope: scopeA).items.map(\.id) == [world.agreementA.id])
            // writes
            await #expect(throws: NotFound.self) {
                try await repositories.contacts.insert(vendorID: world.vendorB.id, VendorContactDraft(name: "X"), scope: scopeA, actor: .system)
            }
            await #expect(throws: NotFound.self) {
                try await repositories.contacts.lock(id: world.contactB.id, vendorID: world.vendorA.id, scope: scopeA)
            }
            await #expect(throws: NotFound.self) { try await repositories.objectives.delete(id: world.objectiveB.id, scope: scopeA) }
            // and the vendor's own data is reachable
            #expect(try await repositories.vendors.find(id: world.vendorA.id, scope: scopeA).name == "Alpha Hosting")
            #expect(try await repositories.services.find(id: world.serviceA.id, scope: scopeA).name == "Checkout")
        }
    }

    @Test func aStaleRowVersionIsAConflictNamingTheEditor() async throws {
        try await TestDatabase.withDatabase { database in
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            let actor = AuditActor(userID: world.manager.id, label: "Carla")
            _ = try await repositories.services.write(id: world.serviceA.id, ServiceDraft(name: "Checkout v2"), actor: actor)
            let conflict = try await repositories.services.conflict(id: world.serviceA.id)
            #expect(conflict.changedBy == "Carla Contract")
            #expect(conflict.currentRowVersion == 2)
            #expect(try await repositories.services.find(id: world.serviceA.id, scope: .organisation).name == "Checkout v2")
        }
    }

    @Test func duplicateNamesAndRestrictedDeletesGiveClearMessages() async throws {
        try await TestDatabase.withDatabase { database in
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            do {
                _ = try await repositories.vendors.insert(VendorDraft(name: "alpha hosting"), actor: .system)
                Issue.record("duplicate accepted")
            } catch let errors as ValidationErrors {
                #expect(errors.message(for: "name") == "A vendor named alpha hosting already exists.")
            }
            await #expect(throws: RuleViolation.self) {
                try await repositories.vendors.remove(id: world.vendorA.id)
            }
            await #expect(throws: RuleViolation.self) {
                try await repositories.services.remove(id: world.serviceA.id)
            }
            #expect(try await repositories.vendors.find(id: world.vendorA.id, scope: .organisation).id == world.vendorA.id)
        }
    }

    @Test func anAmendmentCopiesTheLatestTermsAndLeavesThemUntouched() async throws {
        try await TestDatabase.withDatabase { database in
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            let version = try await repositories.versions.amend(
                agreementID: world.agreementA.id, effectiveFrom: LocalDate("2026-09-01"), note: "Renegotiated", scope: .organisation, actor: .system)
            #expect(version.number == 2)
            #expect(version.state == .draft)
            let copy = try #require(try await repositories.objectives.list(versionID: version.id, scope: .organisation).first)
            #expect(copy.credits == world.objectiveA.credits)
            #expect(world.objectiveA.seriesID == world.objectiveA.id)
            #expect(copy.seriesID == world.objectiveA.seriesID)
            #expect(copy.id != world.objectiveA.id)
            #expect(copy.calendarID == world.calendarA.id)
            var draft = copy.draft
            draft.slaTarget = 99.5
            _ = try await repositories.objectives.update(
                id: copy.id, draft, expectedRowVersion: copy.rowVersion, scope: .organisation, actor: .system)
            let original = try await repositories.objectives.find(id: world.objectiveA.id, scope: .organisation).0
            #expect(original.slaTarget == 99.9)
            await #expect(throws: RuleViolation.self) {
                try await repositories.objectives.update(
                    id: world.objectiveA.id, draft, expectedRowVersion: original.rowVersion, scope: .organisation, actor: .system)
            }
        }
    }

    @Test func sessionsAndTokensStoreOnlyHashes() async throws {
        try await TestDatabase.withDatabase { database in
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            let now = Date()
            let session = try await repositories.sessions.create(userID: world.viewer.id, now: now)
            let token = try await repositories.tokens.insert(userID: world.viewer.id, name: "ci").token
            let stored = try await database.query("SELECT id_hash FROM sessions").first!.decode(String.self)
            #expect(stored != session.id && stored.count == 64)
            #expect(try await database.query("SELECT count(*) FROM api_tokens WHERE token_hash = \(token)").first!.decode(Int.self) == 0)
            #expect(try await repositories.tokens.user(forToken: token)?.id == world.viewer.id)
            #expect(try await repositories.tokens.user(forToken: token + "x") == nil)
            #expect(try await repositories.sessions.touch(id: session.id, now: now.addingTimeInterval(60))?.userID == world.viewer.id)
            #expect(try await repositories.sessions.purgeExpired(now: now.addingTimeInterval(3 * 3600)) == 1)
        }
    }

    @Test func aSessionsAndATokensUseIsWrittenAtMostOnceAMinute() async throws {
        try await TestDatabase.withDatabase { database in
            // setup
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            let start = RFC3339.parse("2026-12-01T09:00:00Z")!
            let session = try await repositories.sessions.create(userID: world.viewer.id, now: start)
            func lastSeen() async throws -> Date { try await database.query("SELECT last_seen_at FROM sessions").first!.decode(Date.self) }
            // MUT + validation: requests within the minute only read
            #expect(try await repositories.sessions.touch(id: session.id, now: start.addingTimeInterval(30))?.userID == world.viewer.id)
            #expect(try await repositories.sessions.touch(id: session.id, now: start.addingTimeInterval(59))?.userID == world.viewer.id)
            #expect(try await lastSeen() == start)
            // a request a minute on writes, and extends the idle timeout from then
            #expect(try await repositories.sessions.touch(id: session.id, now: start.addingTimeInterval(60)) != nil)
            #expect(try await lastSeen() == start.addingTimeInterval(60))
            #expect(try await repositories.sessions.touch(id: session.id, now: start.addingTimeInterval(60 + 29 * 60)) != nil)
            // tokens: the first use is written, the next ones within the minute are not
            let token = try await repositories.tokens.insert(userID: world.viewer.id, name: "feed").token
            #expect(try await repositories.tokens.user(forToken: token)?.id == world.viewer.id)
            let first = try await database.query("SELECT last_used_at FROM api_tokens").first!.decode(Date?.self)
            #expect(first != nil)
            try await database.query("UPDATE api_tokens SET last_used_at = now() - interval '30 seconds'")
            let marked = try await database.query("SELECT last_used_at FROM api_tokens").first!.decode(Date.self)
            #expect(try await repositories.tokens.user(forToken: token)?.id == world.viewer.id)
            #expect(try await database.query("SELECT last_used_at FROM api_tokens").first!.decode(Date.self) == marked)
            try await database.query("UPDATE api_tokens SET last_used_at = now() - interval '61 seconds'")
            #expect(try await repositories.tokens.user(forToken: token)?.id == world.viewer.id)
            #expect(try await database.query("SELECT last_used_at FROM api_tokens").first!.decode(Date.self) > marked)
        }
    }
}

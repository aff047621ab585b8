import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// A vendor user of vendor A asks for vendor B's data on every route, in the UI and through the API.
@Suite("Vendor isolation matrix")
struct VendorIsolationTests {
    /// Vendor B's ids for each kind of path parameter, by the resource the path names.
    static func foreignValues(for path: String, _ world: World, _ activity: Activity) -> [String: String] {
        let trimmed = path.replacingOccurrences(of: "/api/v1", with: "")
        if trimmed.hasPrefix("/credits") { return ["id": "\(activity.creditB)"] }
        if trimmed.hasPrefix("/vendors") { return ["id": "\(world.vendorB.id)", "contact": "\(world.contactB.id)"] }
        if trimmed.hasPrefix("/services") { return ["id": "\(world.serviceB.id)"] }
        if trimmed.hasPrefix("/calendars") { return ["id": "\(world.calendarB.id)"] }
        if trimmed.hasPrefix("/agreements") { return ["id": "\(world.agreementB.id)", "number": "1"] }
        if trimmed.hasPrefix("/objectives") {
            return ["id": "\(world.objectiveB.id)", "start": "2026-10-01T00:00:00Z", "exclusion": "\(activity.exclusionB)", "ticket": "T-1"]
        }
        if trimmed.hasPrefix("/users") { return ["id": "\(world.vendorUserB.id)"] }
        if trimmed.hasPrefix("/jobs") { return ["name": "period-closing"] }
        if trimmed.hasPrefix("/data-sources") || trimmed.hasPrefix("/admin/mail") || trimmed.hasPrefix("/mail/") { return ["id": "1"] }
        if trimmed.hasPrefix("/claims") { return ["id": "\(activity.claimB)", "file": "\(activity.claimFileB)"] }
        if trimmed.hasPrefix("/disputes") { return ["id": "\(activity.disputeB)", "file": "\(activity.claimFileB)", "kind": "exclusion"] }
        if trimmed.hasPrefix("/inbox") { return ["id": "\(activity.notificationB)"] }
        if trimmed.hasPrefix("/rcas") { return ["id": "\(activity.rcaB)", "file": "\(activity.rcaFileB)"] }
        if trimmed.hasPrefix("/actions") { return ["id": "\(activity.actionB)"] }
        if trimmed.hasPrefix("/webhooks") { return ["id": "\(activity.webhookB)"] }
        if trimmed.hasPrefix("/reviews") { return ["id": "\(activity.seriesB)"] }
        if trimmed.hasPrefix("/meetings") { return ["id": "\(activity.meetingB)"] }
        if trimmed.hasPrefix("/packs") { return ["id": "\(activity.packB)"] }
        if trimmed.hasPrefix("/review-items") { return ["id": "\(activity.itemB)"] }
        if trimmed.hasPrefix("/proposals") { return ["id": "\(activity.proposalB)"] }
        if trimmed.hasPrefix("/statements") { return ["id": "\(activity.statementB)"] }
        // a trust page no service publishes (B's service, unpublished)
        if trimmed.hasPrefix("/trust") { return ["slug": "payroll"] }
        // a feed URL vendor A was never given
        if trimmed.hasPrefix("/feeds") { return ["secret": "cal_not-a-secret-vendor-a-was-given"] }
        return [:]
    }

    /// Vendor B's recorded activity: an October below its SLA, closed (breach and credit), and an exclusion.
    struct Activity {
        var creditB: Int64
        var exclusionB: Int64
        var claimB: Int64
        var claimFileB: Int64
        var disputeB: Int64
        /// An inbox item of vendor B's user.
        var notificationB: Int64
        /// The joint RCA the terms opened on B's October breach, an action and a file of it.
        var rcaB: Int64
        var actionB: Int64
        var rcaFileB: Int64
        var webhookB: Int64
        /// Vendor B's monthly review: a meeting with its frozen packs, an action item of B's, and B's renegotiation proposal.
        var seriesB: Int64
        var meetingB: Int64
        var packB: Int64
        var itemB: Int64
        var proposalB: Int64
        /// A signed monthly statement of B's agreement.
        var statementB: Int64
    }

    static func seedActivity(_ harness: Harness) async throws -> Activity {
        let world = harness.world
        let start = RFC3339.parse("2026-10-05T00:00:00Z")!
        _ = try await harness.repositories.measurements.ingest(
            objectiveID: world.objectiveB.id, source: "probe",
            buckets: [MeasurementBucket(start: start, end: start.addingTimeInterval(3600), good: 990, valid: 1000)], scope: .organisation,
            sender: BatchSender(userID: world.analyst.id, credential: "test"))
        let exclusion = try await harness.repositories.exclusions.create(
            objectiveID: world.objectiveB.id,
            ExclusionDraft(
                kind: .plannedMaintenance, reason: "Beta window", startsAt: start.addingTimeInterval(7200), endsAt: start.addingTimeInterval(9000)),
            scope: .organisation, actor: .system)
        try await harness.repositories.periodRecords.syncSchedule()
        try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-12-15T00:00:00Z")!)
        let credits = try await harness.repositories.credits.all(filter: .init(vendorID: world.vendorB.id), scope: .organisation)
        // vendor B's claim (with a file) and dispute of October, decided so B's user has an inbox item
        let vendorB = AuditActor(userID: world.vendorUserB.id, label: world.vendorUserB.name)
        let manager = AuditActor(userID: world.manager.id, label: world.manager.name)
        let now = RFC3339.parse("2026-11-10T00:00:00Z")!
        let useCases = UseCases(repositories: harness.repositories, clock: { now }, logger: TestDatabase.logger)
        let claim = try await useCases.fileClaim(
            agreementID: world.agreementB.id,
            ExclusionClaimDraft(
                objectiveIDs: [world.objectiveB.id], kind: .customerCaused, startsAt: start, endsAt: start.addingTimeInterval(600), announcedAt: nil,
                statement: "Beta claim statement", evidence: ""),
            evidence: [], scope: .vendor(world.vendorB.id), actor: vendorB)
        let file = try await harness.repositories.evidence.attach(
            .claim, id: claim.id, EvidenceUpload(fileName: "beta.txt", declaredType: "text/plain", bytes: Array("Beta evidence".utf8)),
            scope: .vendor(world.vendorB.id), actor: vendorB, now: now
        ).file
        let dispute = try await useCases.fileDispute(
            DisputeDraft(
                objectiveID: world.objectiveB.id, periodStart: RFC3339.parse("2026-10-01T00:00:00Z"), subject: .credit,
                statement: "Beta dispute statement", evidence: ""),
            evidence: [], scope: .vendor(world.vendorB.id), actor: vendorB)
        _ = try await DecideClaim(repositories: harness.repositories, clock: { now })(
            id: claim.id, to: .rejected, reason: "Not customer caused", expectedRowVersion: nil, scope: .organisation, actor: manager)
        let inbox = try await harness.repositories.inbox.list(userID: world.vendorUserB.id, unreadOnly: false, page: PageRequest(number: 1, size: 5))
        let rca = try #require(
            try await harness.repositories.rcas.list(.init(), today: LocalDate("2026-12-15")!, page: PageRequest(number: 1, size: 5), scope: .vendor(world.vendorB.id))
                .items.first)
        let action = try await harness.repositories.actions.create(
            rcaID: rca.id,
            ActionDraft(type: .prevent, description: "Beta action", ownerName: "Bea Beta", ownerVendorID: world.vendorB.id, dueOn: LocalDate("2026-12-20"), checkAfter: nil),
            scope: .vendor(world.vendorB.id), actor: vendorB, now: now)
        let rcaFile = try await harness.repositories.evidence.attach(
            .rca, id: rca.id, EvidenceUpload(fileName: "beta-rca.txt", declaredType: "text/plain", bytes: Array("Beta RCA evidence".utf8)),
            scope: .vendor(world.vendorB.id), actor: vendorB, now: now
        ).file
        let webhook = try await harness.repositories.webhooks.insert(
            WebhookDraft(vendorID: world.vendorB.id, url: "https://hooks.beta.example/accord", description: "Beta hook"), secret: "beta-secret",
            scope: .vendor(world.vendorB.id), actor: vendorB)
        // vendor B's review: a series, a meeting held today with a pack, minutes with an action item, and a proposal
        let today = LocalDate.of(harness.clock.now, in: .gmt)
        let series = try await harness.repositories.reviews.createSeries(
            ReviewSeriesDraft(
                title: "Beta monthly review", tier: .tactical, scope: .agreement(world.agreementB.id), recurrence: .monthly(ordinal: 1, weekday: 2),
                timeZone: "UTC", startTime: ClockTime("10:00"), durationMinutes: 60, startsOn: today, attendeeUserIDs: [world.vendorUserB.id]),
            through: try #require(today.adding(days: 90)), scope: .organisation, actor: manager, now: harness.clock.now)
        let meeting = try await harness.repositories.reviews.addMeeting(
            seriesID: series.id, day: today, time: ClockTime("00:00"), reason: "Beta review", scope: .organisation,
            now: harness.clock.now)
        let packs = try await ReviewPacks(repositories: harness.repositories, clock: { harness.clock.now }).freeze(
            meetingID: meeting.id, scheduled: false, actor: manager)
        let item = try await harness.repositories.reviews.addItem(
            meetingID: meeting.id, ReviewItemDraft(kind: .action, text: "Beta action item", ownerName: "Bea Beta", ownerVendorID: world.vendorB.id, dueOn: today),
            partyVendorID: world.vendorB.id, scope: .organisation, actor: manager, now: harness.clock.now)
        let proposal = try await harness.repositories.proposals.create(
            agreementID: world.agreementB.id,
            ProposalDraft(
                title: "Beta proposal", rationale: "Beta rationale", effectiveFrom: today.adding(days: 60),
                changes: [TermsChange(seriesID: world.objectiveB.seriesID, objectiveName: "Availability", slaTarget: 99.5)]),
            parentID: nil, current: [world.objectiveB.seriesID: world.objectiveB], scope: .vendor(world.vendorB.id), actor: vendorB,
            now: harness.clock.now, today: today)
        return Activity(
            creditB: try #require(credits.first?.id), exclusionB: exclusion.id, claimB: claim.id, claimFileB: file.id, disputeB: dispute.id,
            notificationB: try #require(inbox.items.first?.id), rcaB: rca.id, actionB: action.id, rcaFileB: rcaFile.id, webhookB: webhook.id,
            seriesB: series.id, meetingB: meeting.id, packB: try #require(packs.last?.id), itemB: item.id, proposalB: proposal.id,
            statementB: try #require(
                try await harness.repositories.statements.list(agreementID: world.agreementB.id, scope: .organisation, page: PageRequest()).items.first?.id))
    }

    static let formFields: [(String, String)] = [
        ("name", "Hijacked"), ("title", "Hijacked"), ("row_version", "1"), ("status", "terminated"), ("effective_from", "2027-01-01"),
        ("sli_kind", "ratio"), ("sla_target", "90"), ("slo_target", "95"), ("window_kind", "calendar_month"), ("email", "x@example.com"),
    ]

    static let json = """
        {"name":"Hijacked","title":"Hijacked","row_version":1,"status":"terminated","effective_from":"2027-01-01","sli_kind":"ratio",
         "sla_target":90,"slo_target":95,"window_kind":"calendar_month","email":"x@example.com"}
        """

    func request(_ harness: Harness, _ route: RouteTable.Route, path: String, session: BrowserSession, token: String) async throws -> TestResponse {
        if route.isAPI {
            return try await harness.api(route.method, path, token: token, json: route.changesState && route.method != .delete ? Self.json : nil)
        }
        return route.method == .post ? try await harness.post(path, Self.formFields, as: session) : try await harness.get(path, as: session)
    }

    @Test func vendorAGets404ForEveryOneOfVendorBsIdsAndNothingChanges() async throws {
        let routes = try await RouteTable.all()
        try await Harness.run { harness in
            // setup
            let world = harness.world
            let activity = try await Self.seedActivity(harness)
            let session = try await harness.session(for: world.vendorUserA)
            let token = try await harness.token(for: world.vendorUserA)
            let before = try await DatabaseSnapshot.take(harness.database)
            var checked = 0
            // MUT
            for route in routes where route.path.contains("{") {
                guard let path = RouteTable.fill(route.path, Self.foreignValues(for: route.path, world, activity)) else {
                    Issue.record("no foreign id for \(route)")
                    continue
                }
                let response = try await self.request(harness, route, path: path, session: session, token: token)
                // validation: users, jobs and data sources are not vendor data; their admin-only routes refuse by role
                let adminOnly = ["/users/", "/jobs/", "/data-sources/", "/admin/mail/", "/mail/outbox/"].contains { route.path.contains($0) }
                let expected: HTTPResponse.Status = adminOnly ? .forbidden : .notFound
                #expect(response.status == expected, "\(route) as vendor A with vendor B's ids answered \(response.status)")
                #expect(!response.text.contains(world.vendorB.name), "\(route) leaked vendor B's name")
                checked += 1
            }
            #expect(checked > 40)
            let after = try await DatabaseSnapshot.take(harness.database)
            #expect(before == after)
        }
    }

    @Test func forgedParentIdsOnCreateAndUpdateAreRefused() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let session = try await harness.session(for: world.vendorUserA)
            let token = try await harness.token(for: world.vendorUserA)
            let before = try await DatabaseSnapshot.take(harness.database)
            // vendor A adds a contact under vendor B, through the form and the API
            #expect(try await harness.post("/vendors/\(world.vendorB.id)/contacts", [("name", "Mallory")], as: session).status == .notFound)
            #expect(
                try await harness.api(.post, "/api/v1/vendors/\(world.vendorB.id)/contacts", token: token, json: #"{"name":"Mallory"}"#).status
                    == .notFound)
            // vendor A edits B's contact through A's own vendor path
            let crossed = "/vendors/\(world.vendorA.id)/contacts/\(world.contactB.id)"
            #expect(try await harness.post("\(crossed)/edit", [("name", "Mallory"), ("row_version", "1")], as: session).status == .notFound)
            #expect(
                try await harness.api(.patch, "/api/v1\(crossed)", token: token, json: #"{"name":"Mallory","row_version":1}"#).status == .notFound)
            // vendor A adds an objective under B's agreement
            let objective = #"{"name":"Sneaky","sli_kind":"ratio","sla_target":90,"slo_target":95,"window_kind":"calendar_month"}"#
            #expect(
                try await harness.api(.post, "/api/v1/agreements/\(world.agreementB.id)/versions/1/objectives", token: token, json: objective).status
                    == .notFound)
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
            // a vendor_id in the body never moves A's contact to B
            let moved = try await harness.api(
                .patch, "/api/v1/vendors/\(world.vendorA.id)/contacts/\(world.contactA.id)", token: token,
                json: #"{"vendor_id":\#(world.vendorB.id),"row_version":1}"#)
            #expect(moved.status == .ok)
            #expect(moved.json["vendor_id"] as? Int == Int(world.vendorA.id))
            let contactsOfB = try await harness.repositories.contacts.list(vendorID: world.vendorB.id, scope: .organisation)
            #expect(contactsOfB.map(\.id) == [world.contactB.id])
        }
    }

    @Test func listsShowOnlyTheVendorsOwnData() async throws {
        try await Harness.run { harness in
            let world = harness.world
            _ = try await Self.seedActivity(harness)
            let session = try await harness.session(for: world.vendorUserA)
            let token = try await harness.token(for: world.vendorUserA)
            for path in [
                "/", "/vendors", "/agreements", "/services", "/calendars", "/vendors/\(world.vendorA.id)", "/agreements/\(world.agreementA.id)",
                "/dashboard", "/credits", "/credits.csv", "/vendors/\(world.vendorA.id)/scorecard",
                "/objectives/\(world.objectiveA.id)", "/claims", "/disputes", "/inbox", "/agreements/\(world.agreementA.id)/governance", "/rcas",
                "/actions", "/reviews", "/proposals", "/calendar",
            ] {
                let page = try await harness.get(path, as: session)
                #expect(page.status == .ok, "\(path)")
                #expect(!page.text.contains(world.vendorB.name), "\(path) shows vendor B")
                #expect(!page.text.contains("Beta payroll SLA"), "\(path) shows B's agreement")
                #expect(!page.text.contains("Payroll"), "\(path) shows B's service")
                #expect(!page.text.contains("New York hours"), "\(path) shows B's calendar")
                #expect(!page.text.contains("Beta window"), "\(path) shows B's exclusion")
                #expect(!page.text.contains("Beta claim") && !page.text.contains("Beta dispute"), "\(path) shows B's claim or dispute")
                #expect(!page.text.contains("Beta action") && !page.text.contains("Bea Beta"), "\(path) shows B's RCA or action")
                #expect(!page.text.contains("Beta monthly review") && !page.text.contains("Beta proposal"), "\(path) shows B's review or proposal")
            }
            for path in ["/api/v1/claims", "/api/v1/disputes", "/api/v1/rcas", "/api/v1/actions", "/api/v1/reviews", "/api/v1/proposals"] {
                let list = try await harness.api(.get, path, token: token)
                #expect(list.status == .ok, "\(path)")
                #expect(list.json["total"] as? Int == 0, "\(path) should list nothing of vendor B")
            }
            let credits = try await harness.api(.get, "/api/v1/credits", token: token)
            #expect(credits.json["total"] as? Int == 0)
            #expect(!credits.text.contains("Beta"))
            for path in ["/api/v1/vendors", "/api/v1/agreements", "/api/v1/services", "/api/v1/calendars"] {
                let list = try await harness.api(.get, path, token: token)
                #expect(list.status == .ok)
                #expect(!list.text.contains(world.vendorB.name) && !list.text.contains("Payroll") && !list.text.contains("New York"), "\(path)")
                #expect(list.json["total"] as? Int == 1, "\(path) should list exactly vendor A's one item")
            }
            // the vendor's own agreement is there
            #expect(try await harness.get("/agreements", as: session).text.contains("Alpha hosting SLA"))
        }
    }

    @Test func vendorUsersCannotCreateOrganisationData() async throws {
        try await Harness.run { harness in
            let session = try await harness.session(for: harness.world.vendorUserA)
            let token = try await harness.token(for: harness.world.vendorUserA)
            for path in ["/vendors", "/services", "/calendars", "/agreements", "/users"] {
                #expect(try await harness.post(path, [("name", "x")], as: session).status == .forbidden, "\(path)")
                #expect(try await harness.api(.post, "/api/v1\(path)", token: token, json: #"{"name":"x"}"#).status == .forbidden, "\(path)")
            }
            // but may keep its own contacts current
            let created = try await harness.post("/vendors/\(harness.world.vendorA.id)/contacts", [("name", "New Person")], as: session)
            #expect(created.status == .seeOther)
        }
    }
}

import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import AccordWeb
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A breach worked through to its causes and fixes: a joint RCA with two vendors under one master SLA, signed by every
/// party, returned, accepted, and an action verified; through the API, with the pages checked along the way.
@Suite("Joint root-cause analyses")
struct JointRCATests {
    struct Setup {
        var breachA: Int64
        var breachB: Int64
        var objectiveB: Int64
    }

    /// Vendor B also underpins master A; October breaches the SLA of both vendors' objectives, with automatic RCAs off.
    static func twoVendorBreaches(_ harness: Harness) async throws -> Setup {
        let world = harness.world
        let repositories = harness.repositories
        let agreement = try await repositories.agreements.create(
            AgreementDraft(
                kind: .vendor, title: "Beta checkout CDN", vendorID: world.vendorB.id, masterID: world.masterA.id, dependencyKind: .serial, fee: 500,
                startDate: LocalDate("2026-01-01")),
            scope: .organisation, actor: .system)
        let objective = try await repositories.objectives.create(
            agreementID: agreement.id, versionNumber: 1,
            ObjectiveDraft(name: "CDN availability", sliKind: .ratio, slaTarget: 99, sloTarget: 99.5, window: .calendarMonth), scope: .organisation,
            actor: .system)
        _ = try await repositories.agreements.changeStatus(
            id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
        for id in [world.agreementA.id, agreement.id] {
            _ = try await UseCases(repositories: repositories, logger: TestDatabase.logger).saveGovernanceTerms(
                agreementID: id, GovernanceTerms(rcaOnSLABreach: false), expectedRowVersion: 0, scope: .organisation, actor: .system)
        }
        let start = RFC3339.parse("2026-10-05T00:00:00Z")!
        for objectiveID in [world.objectiveA.id, objective.id] {
            _ = try await repositories.measurements.ingest(
                objectiveID: objectiveID, source: "probe",
                buckets: [MeasurementBucket(start: start, end: start.addingTimeInterval(3600), good: 900, valid: 1000)], scope: .organisation,
                sender: BatchSender(userID: world.analyst.id, credential: "test"))
        }
        try await repositories.periodRecords.syncSchedule()
        try await TestJobs.runAll(repositories, at: RFC3339.parse("2026-12-15T00:00:00Z")!)
        let a = try await repositories.periodRecords.breaches(seriesID: world.objectiveA.seriesID).first { $0.severity == "sla" }
        let b = try await repositories.periodRecords.breaches(seriesID: objective.seriesID).first { $0.severity == "sla" }
        #expect(try await repositories.rcas.list(.init(), today: LocalDate("2026-12-15")!, page: PageRequest(number: 1, size: 5), scope: .organisation).total == 0)
        return Setup(breachA: try #require(a?.id), breachB: try #require(b?.id), objectiveB: objective.id)
    }

    @Test func aJointRCAIsSignedByEveryPartyReturnedAcceptedAndItsActionVerified() async throws {
        try await Harness.run { harness in
            // setup
            let world = harness.world
            let setup = try await Self.twoVendorBreaches(harness)
            let manager = try await harness.token(for: world.manager)
            let alpha = try await harness.token(for: world.vendorUserA)
            let beta = try await harness.token(for: world.vendorUserB)
            // MUT: the manager opens one RCA of both breaches; vendors cannot open one
            #expect(try await harness.api(.post, "/api/v1/rcas", token: alpha, json: #"{"breach_ids":[\#(setup.breachA)]}"#).status == .forbidden)
            let opened = try await harness.api(.post, "/api/v1/rcas", token: manager, json: #"{"breach_ids":[\#(setup.breachA),\#(setup.breachB)]}"#)
            #expect(opened.status == .created, "\(opened.text)")
            let id = try #require(opened.json["id"] as? Int)
            let parties = try #require(opened.json["parties"] as? [[String: Any]])
            #expect(parties.compactMap { $0["name"] as? String } == ["The customer", "Alpha Hosting", "Beta Systems"])
            // due five business days after today on the Berlin calendar of the first breach's objective
            let today = LocalDate.of(harness.clock.now, in: TimeZone(identifier: "UTC")!)
            let due = BusinessDays.adding(5, after: today, calendar: world.calendarA)
            #expect(opened.json["due_on"] as? String == due?.description)
            // a breach is analysed once
            #expect(try await harness.api(.post, "/api/v1/rcas", token: manager, json: #"{"breach_ids":[\#(setup.breachA)]}"#).status == .conflict)
            // each vendor adds to one merged timeline
            #expect(try await harness.api(.post, "/api/v1/rcas/\(id)/timeline", token: beta, json: #"{"at":"2026-10-05T00:20:00Z","text":"CDN purge storm"}"#).status == .ok)
            let merged = try await harness.api(
                .post, "/api/v1/rcas/\(id)/timeline", token: alpha,
                json: #"{"at":"2026-10-05T00:05:00+02:00","text":"Origin errors begin","evidence_url":"https://status.alpha.example/1"}"#)
            let timeline = try #require(merged.json["timeline"] as? [[String: Any]])
            #expect(timeline.compactMap { $0["author_party"] as? String } == ["Alpha Hosting", "Beta Systems"])
            // the analysis: "human error" alone and shares not totalling 100 are refused
            let human = try await harness.api(.post, "/api/v1/rcas/\(id)/analysis", token: alpha, json: #"{"trigger":"Deploy","root_cause":"Human error","category":"process_or_human"}"#)
            #expect(human.status == .unprocessableContent && human.text.contains("not a root cause"), "\(human.text)")
            let analysis = """
                {"trigger":"A cache purge during the origin deploy","root_cause":"The deploy pipeline had no check that the CDN purge finished before traffic moved",
                 "category":"deploy_or_change","five_whys":["Errors at origin","Cold cache","Purge during deploy"],
                 "shares":[{"party":"customer","share":0},{"party":"\(world.vendorA.id)","share":70},{"party":"\(world.vendorB.id)","share":%@}]}
                """
            let ninety = try await harness.api(.post, "/api/v1/rcas/\(id)/analysis", token: alpha, json: analysis.replacingOccurrences(of: "%@", with: "20"))
            #expect(ninety.status == .unprocessableContent && ninety.text.contains("90"), "\(ninety.text)")
            #expect(try await harness.api(.post, "/api/v1/rcas/\(id)/analysis", token: alpha, json: analysis.replacingOccurrences(of: "%@", with: "30")).status == .ok)
            // signatures: submitting needs all three; an edit voids them
            for token in [manager, alpha] { #expect(try await harness.api(.post, "/api/v1/rcas/\(id)/sign", token: token, json: "{}").status == .ok) }
            let early = try await harness.api(.post, "/api/v1/rcas/\(id)/submit", token: alpha, json: "{}")
            #expect(early.status == .conflict && early.text.contains("Beta Systems"), "\(early.text)")
            // the page offers no submit button yet, and says whose signature is missing
            let unsigned = try await harness.get("/rcas/\(id)", as: try await harness.session(for: world.vendorUserA)).text
            #expect(!unsigned.contains("Submit for acceptance") && unsigned.contains("waiting for Beta Systems"))
            #expect(try await harness.api(.post, "/api/v1/rcas/\(id)/sign", token: beta, json: "{}").status == .ok)
            let factor = try await harness.api(
                .post, "/api/v1/rcas/\(id)/factors", token: beta, json: #"{"category":"capacity","description":"Purge rate limit too low","responsible":"\#(world.vendorB.id)"}"#)
            let voided = try #require(factor.json["parties"] as? [[String: Any]])
            #expect(voided.allSatisfy { $0["signed"] as? Bool == false })
            #expect(try await harness.api(.post, "/api/v1/rcas/\(id)/submit", token: alpha, json: "{}").status == .conflict)
            for token in [manager, alpha, beta] { #expect(try await harness.api(.post, "/api/v1/rcas/\(id)/sign", token: token, json: "{}").status == .ok) }
            #expect(try await harness.get("/rcas/\(id)", as: try await harness.session(for: world.vendorUserA)).text.contains("Submit for acceptance"))
            #expect(try await harness.api(.post, "/api/v1/rcas/\(id)/submit", token: beta, json: "{}").json["status"] as? String == "submitted")
            // accepting is the customer's; returning needs a comment
            #expect(try await harness.api(.post, "/api/v1/rcas/\(id)/accept", token: alpha, json: "{}").status == .forbidden)
            #expect(try await harness.api(.post, "/api/v1/rcas/\(id)/return", token: manager, json: "{}").status == .unprocessableContent)
            let returned = try await harness.api(.post, "/api/v1/rcas/\(id)/return", token: manager, json: #"{"comment":"Add the detection gap"}"#)
            #expect(returned.json["status"] as? String == "returned")
            _ = try await harness.api(
                .post, "/api/v1/rcas/\(id)/factors", token: alpha, json: #"{"category":"code_defect","description":"No alert on purge lag","responsible":"\#(world.vendorA.id)"}"#)
            for token in [manager, alpha, beta] { _ = try await harness.api(.post, "/api/v1/rcas/\(id)/sign", token: token, json: "{}") }
            #expect(try await harness.api(.post, "/api/v1/rcas/\(id)/submit", token: alpha, json: "{}").json["status"] as? String == "submitted")
            let accepted = try await harness.api(.post, "/api/v1/rcas/\(id)/accept", token: manager, json: "{}")
            #expect(accepted.json["status"] as? String == "accepted")
            // evidence is part of the signed content: an accepted RCA takes none, and a form of 17 files is refused whole
            func upload(_ count: Int) async throws -> TestResponse {
                let (type, body) = ClaimsAndDisputesTests.multipart((0..<count).map { ("late-\($0).txt", "text/plain", Array("after the fact".utf8)) })
                var headers = HTTPFields()
                headers[.authorization] = "Bearer \(alpha)"
                headers[.contentType] = type
                return try await harness.client.execute(uri: "/api/v1/rcas/\(id)/evidence", method: .post, headers: headers, body: body)
            }
            let late = try await upload(1)
            #expect(late.status == .conflict && late.text.contains("final"), "\(late.text)")
            let many = try await upload(17)
            #expect(many.status == .unprocessableContent && many.text.contains("16 files"), "\(many.text)")
            #expect(try await harness.database.query("SELECT count(*)::int8 FROM evidence_files WHERE subject_kind = 'rca'").first?.decode(Int.self) == 0)
            // an action: owner and due date required; closing needs evidence; the customer verifies
            #expect(try await harness.api(.post, "/api/v1/rcas/\(id)/actions", token: alpha, json: #"{"type":"prevent","description":"Gate deploys on purge completion","owner_party":"\#(world.vendorA.id)"}"#).status == .unprocessableContent)
            let raised = try await harness.api(
                .post, "/api/v1/rcas/\(id)/actions", token: alpha,
                json: #"{"type":"prevent","description":"Gate deploys on purge completion","owner_name":"Olli Alpha","owner_party":"\#(world.vendorA.id)","due_on":"2027-01-15","check_after":"2027-01-15"}"#)
            let action = try #require((raised.json["actions"] as? [[String: Any]])?.first?["id"] as? Int, "\(raised.text)")
            #expect(try await harness.api(.post, "/api/v1/actions/\(action)/finish", token: alpha, json: #"{"evidence":" "}"#).status == .unprocessableContent)
            // another vendor neither moves Alpha's action nor raises one in Alpha's name
            #expect(try await harness.api(.post, "/api/v1/actions/\(action)/finish", token: beta, json: #"{"evidence":"not mine"}"#).status == .conflict)
            #expect(
                try await harness.api(
                    .post, "/api/v1/rcas/\(id)/actions", token: beta,
                    json: #"{"type":"repair","description":"x","owner_name":"Olli","owner_party":"\#(world.vendorA.id)","due_on":"2027-01-15"}"#
                ).status == .unprocessableContent)
            #expect(try await harness.api(.post, "/api/v1/actions/\(action)/finish", token: alpha, json: #"{"evidence":"CHG-1042 merged"}"#).json["status"] as? String == "done")
            #expect(try await harness.api(.post, "/api/v1/actions/\(action)/verify", token: alpha, json: "{}").status == .conflict)
            #expect(try await harness.api(.post, "/api/v1/actions/\(action)/verify", token: manager, json: "{}").json["status"] as? String == "verified")
            // each step is in the action's history once (refused steps left none), with the evidence given
            let steps = try await harness.repositories.actions.history(id: Int64(action), scope: .organisation)
            #expect(steps.map(\.action) == ["raised", "done", "verified"], "\(steps)")
            #expect(steps.first { $0.action == "done" }?.note == "CHG-1042 merged")
            // validation: each vendor reads the other's breach without its figures, and no staff names
            let seen = try await harness.api(.get, "/api/v1/rcas/\(id)", token: alpha)
            let breaches = try #require(seen.json["breaches"] as? [[String: Any]])
            #expect(breaches.contains { $0["objective_name"] as? String == "another party's objective" })
            #expect(!seen.text.contains("CDN availability") && !seen.text.contains(world.manager.name))
            let history = try #require(seen.json["history"] as? [[String: Any]])
            #expect(history.contains { ($0["note"] as? String)?.contains("signatures voided") == true })
            // the page, the printable page and the Markdown export
            let page = try await harness.get("/rcas/\(id)", as: try await harness.session(for: world.manager))
            #expect(page.text.contains("Gate deploys on purge completion") && page.text.contains("signed by 3 of 3"))
            #expect(try await harness.get("/rcas/\(id)/print", as: try await harness.session(for: world.vendorUserB)).status == .ok)
            let markdown = try await harness.get("/rcas/\(id)/export.md", as: try await harness.session(for: world.manager))
            #expect(markdown.text.hasPrefix("# RCA \(id):") && markdown.text.contains("| Alpha Hosting | 70 % | yes |"), "\(markdown.text.prefix(400))")
            // the Pareto chart counts the factors per responsible vendor
            let list = try await harness.get("/rcas", as: try await harness.session(for: world.manager))
            #expect(list.text.contains("Portfolio: Capacity 1, Code defect 1"), "the portfolio Pareto chart counts both factors")
            // and the RCA's own page draws its factors' Pareto chart
            #expect(page.text.contains("class=\"pareto\"") && page.text.contains("Contributing factors: Capacity 1, Code defect 1"))
            // inboxes: Beta heard of the request, the return and the acceptance
            let inbox = try #require(try await harness.api(.get, "/api/v1/inbox", token: beta).json["items"] as? [[String: Any]])
            let events = Set(inbox.compactMap { $0["event"] as? String })
            #expect(events.isSuperset(of: ["rca.requested", "rca.returned", "rca.accepted"]))
        }
    }

    @Test func aBreachMeetingTheTermsOpensAnRCAOnItsOwnOnce() async throws {
        try await Harness.run { harness in
            try await CreditAndPortfolioTests.closeOctober(harness)
            let list = try await harness.repositories.rcas.list(
                .init(), today: LocalDate("2026-12-15")!, page: PageRequest(number: 1, size: 10), scope: .organisation)
            // both vendors' October SLA breaches opened one RCA each, with the customer and that vendor as parties
            #expect(list.total == 2)
            #expect(list.items.allSatisfy { $0.automatic && $0.parties.count == 2 })
            // running the jobs again opens nothing more
            try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-12-16T00:00:00Z")!)
            #expect(try await harness.repositories.rcas.list(.init(), today: LocalDate("2026-12-15")!, page: PageRequest(number: 1, size: 10), scope: .organisation).total == 2)
            let alpha = try await harness.repositories.rcas.list(
                .init(), today: LocalDate("2026-12-15")!, page: PageRequest(number: 1, size: 10), scope: .vendor(harness.world.vendorA.id))
            #expect(alpha.total == 1 && alpha.items.first?.parties == ["The customer", "Alpha Hosting"])
        }
    }

    @Test func anOverdueActionIsRemindedToItsOwnersPartyOnce() async throws {
        try await Harness.run { harness in
            // setup: the automatic RCA of vendor A's October breach, and an action of A's due on 10 December
            try await CreditAndPortfolioTests.closeOctober(harness)
            let world = harness.world
            let rca = try #require(
                try await harness.repositories.rcas.list(
                    .init(), today: LocalDate("2026-12-15")!, page: PageRequest(number: 1, size: 5), scope: .vendor(world.vendorA.id)
                ).items.first)
            _ = try await harness.repositories.actions.create(
                rcaID: rca.id,
                ActionDraft(type: .detect, description: "Alpha probe on the checkout path", ownerName: "Olli Alpha", ownerVendorID: world.vendorA.id,
                            dueOn: LocalDate("2026-12-10"), checkAfter: nil),
                scope: .organisation, actor: .system, now: Date())
            // MUT: the reminders job runs twice after the due date
            let job = GovernanceRemindersJob(repositories: harness.repositories)
            _ = try await job.run(now: RFC3339.parse("2026-12-15T08:00:00Z")!)
            _ = try await job.run(now: RFC3339.parse("2026-12-15T08:05:00Z")!)
            // validation: A's user heard of it once; B's user never
            let alpha = try await harness.repositories.inbox.list(userID: world.vendorUserA.id, unreadOnly: false, page: PageRequest(number: 1, size: 50))
            #expect(alpha.items.filter { $0.event == .actionOverdue }.count == 1)
            let beta = try await harness.repositories.inbox.list(userID: world.vendorUserB.id, unreadOnly: false, page: PageRequest(number: 1, size: 50))
            #expect(!beta.items.contains { $0.event == .actionOverdue })
        }
    }

    @Test func anActionsOwnerIsPickedFromTheRCAsPartiesPeopleNeverTyped() async throws {
        try await Harness.run(now: RFC3339.parse("2026-12-15T09:00:00Z")) { harness in
            // setup: one RCA of vendor A's and vendor B's breaches
            let world = harness.world
            let setup = try await Self.twoVendorBreaches(harness)
            let manager = try await harness.token(for: world.manager)
            let opened = try await harness.api(.post, "/api/v1/rcas", token: manager, json: #"{"breach_ids":[\#(setup.breachA),\#(setup.breachB)]}"#)
            let id = try #require(opened.json["id"] as? Int)
            // the form lists the people of each party: the customer's staff, each vendor's users and contacts
            let staff = try await harness.session(for: world.manager)
            let page = try await harness.get("/rcas/\(id)", as: staff)
            #expect(page.text.contains("<optgroup label=\"Alpha Hosting\">") && page.text.contains("value=\"contact:\(world.contactA.id)\""))
            #expect(page.text.contains("value=\"user:\(world.manager.id)\""))
            #expect(!page.text.contains("id=\"owner_name\""))
            // a vendor's user is offered its own people only: no staff names, no other vendor's people
            let alpha = try await harness.session(for: world.vendorUserA)
            let vendorPage = try await harness.get("/rcas/\(id)", as: alpha)
            #expect(vendorPage.text.contains("value=\"contact:\(world.contactA.id)\""))
            #expect(!vendorPage.text.contains("value=\"user:\(world.manager.id)\"") && !vendorPage.text.contains("value=\"contact:\(world.contactB.id)\""))
            // MUT: vendor A's user names vendor B's contact (not in its list): refused, nothing saved; then its own contact
            let before = try await DatabaseSnapshot.take(harness.database)
            let fields = [("type", "detect"), ("description", "Alert on purge lag"), ("due_on", "2026-12-31")]
            let foreign = try await harness.post("/rcas/\(id)/actions", fields + [("owner", "contact:\(world.contactB.id)")], as: alpha)
            #expect(foreign.status == .unprocessableContent && foreign.text.contains("Choose the owner from the list"), "\(foreign.text.prefix(300))")
            let none = try await harness.post("/rcas/\(id)/actions", fields, as: alpha)
            #expect(none.text.contains("Choose who owns the action."))
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
            let saved = try await harness.post("/rcas/\(id)/actions", fields + [("owner", "contact:\(world.contactA.id)")], as: alpha)
            #expect(saved.status == .seeOther, "\(saved.text)")
            let rca = try await harness.api(.get, "/api/v1/rcas/\(id)", token: manager)
            let action = try #require((rca.json["actions"] as? [[String: Any]])?.first, "\(rca.text)")
            #expect(action["owner_name"] as? String == world.contactA.name)
            #expect(action["owner_vendor_id"] as? Int == Int(world.vendorA.id), "\(action)")
        }
    }
}

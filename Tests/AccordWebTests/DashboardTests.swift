import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The dashboard at portfolio scale: rows kept per series as data changes, one page of rows per request, filters,
/// search, sort by risk, clickable counts, and the view held in its URL.
@Suite("Dashboard")
struct DashboardTests {
    /// Thirty extra objectives on vendor A's agreement (a new version in force), so the dashboard pages.
    static func manyObjectives(_ harness: Harness, count: Int) async throws -> [Objective] {
        let world = harness.world
        let version = try await harness.repositories.versions.list(agreementID: world.agreementA.id, scope: .organisation).first
        try #require(version != nil)
        var made: [Objective] = []
        // objectives are added to a draft agreement's first version: a fresh agreement holds them
        let agreement = try await harness.repositories.agreements.create(
            AgreementDraft(
                kind: .vendor, title: "Alpha fleet SLA", vendorID: world.vendorA.id, masterID: world.masterA.id, dependencyKind: .serial, fee: 100,
                startDate: LocalDate("2026-01-01")),
            scope: .organisation, actor: .system)
        for index in 1...count {
            made.append(
                try await harness.repositories.objectives.create(
                    agreementID: agreement.id, versionNumber: 1,
                    ObjectiveDraft(
                        name: String(format: "Node %03d availability", index), sliKind: .ratio, slaTarget: 99, sloTarget: 99.5, window: .calendarMonth,
                        exclusionKinds: [.customerCaused]),
                    scope: .organisation, actor: .system))
        }
        _ = try await harness.repositories.agreements.changeStatus(
            id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
        return made
    }

    static func ingest(_ harness: Harness, _ objective: Objective, good: Int64, valid: Int64) async throws -> TestResponse {
        let minute = Date(timeIntervalSince1970: (harness.clock.now.timeIntervalSince1970 / 60).rounded(.down) * 60 - 120)
        let token = try await harness.token(for: harness.world.analyst)
        return try await harness.api(
            .post, "/api/v1/objectives/\(objective.id)/measurements", token: token,
            json: #"{"source":"probe","buckets":[{"start":"\#(RFC3339.format(minute))","end":"\#(RFC3339.format(minute.addingTimeInterval(60)))","good":\#(good),"valid":\#(valid)}]}"#)
    }

    @Test func theDashboardPagesFiltersSearchesAndSortsByRiskWithTheViewInItsURL() async throws {
        try await Harness.run { harness in
            // setup: 34 objectives in force; two of the new ones get data, one far below its SLA, one just above
            let world = harness.world
            let nodes = try await Self.manyObjectives(harness, count: 30)
            #expect(try await Self.ingest(harness, nodes[6], good: 90, valid: 100).status == .created)
            #expect(try await Self.ingest(harness, nodes[11], good: 9995, valid: 10000).status == .created)
            let session = try await harness.session(for: world.manager)
            // MUT: the first page lists 50 at most, the most at risk first, with the counts linking to their filter
            let first = try await harness.get("/dashboard", as: session)
            #expect(first.status == .ok)
            #expect(first.text.contains("34 objectives in force"))
            let rows = first.text.components(separatedBy: "<tr><td data-label=\"Agreement\">").dropFirst()
            #expect(rows.count == 34)
            #expect(rows.first?.contains("Node 007 availability") == true)
            #expect(first.text.contains("href=\"/dashboard?status=breached\">1 below the SLA so far this period"))
            // filter by status, through the link the count gives
            let breached = try await harness.get("/dashboard?status=breached", as: session)
            #expect(breached.text.components(separatedBy: "<tr><td data-label=\"Agreement\">").count - 1 == 1 && breached.text.contains("Node 007"))
            #expect(breached.text.contains("aria-current=\"true\">1 below the SLA"))
            // search by name, combined with a vendor and a sort; the form keeps the choices
            let searched = try await harness.get("/dashboard?q=node%2001&vendor=\(world.vendorA.id)&sort=name", as: session)
            #expect(searched.text.components(separatedBy: "<tr><td data-label=\"Agreement\">").count - 1 == 10)
            #expect(searched.text.contains("value=\"node 01\"") && searched.text.contains("<option value=\"name\" selected>"))
            // paging: 30 nodes of the fleet agreement, no data, sorted by name, 50 a page: one page; a page past the end is empty
            #expect(try await harness.get("/dashboard?page=2", as: session).text.contains("No objective matches this view"))
            #expect(try await harness.get("/dashboard?status=melted", as: session).status == .unprocessableContent)
            #expect(try await harness.get("/dashboard?vendor=abc", as: session).status == .unprocessableContent)
            // a vendor's user sees its own rows, whatever vendor it asks for
            let alpha = try await harness.session(for: world.vendorUserA)
            let own = try await harness.get("/dashboard?vendor=\(world.vendorB.id)", as: alpha)
            #expect(own.status == .ok && !own.text.contains("Beta payroll SLA") && own.text.contains("No objective matches this view"))
            let beta = try await harness.session(for: world.vendorUserB)
            let theirs = try await harness.get("/dashboard", as: beta)
            #expect(theirs.text.contains("1 objective in force") && !theirs.text.contains("Node 007") && theirs.text.contains("Beta payroll SLA"))
        }
    }

    @Test func rowsFollowTheirDataAndTheJobRefreshesOnlyWhatChanged() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let nodes = try await Self.manyObjectives(harness, count: 5)
            let rows = DashboardRows(repositories: harness.repositories)
            let now = harness.clock.now
            // the first run matches every objective in force; a second one finds nothing to do
            #expect(try await rows.match(now: now) == 9)
            #expect(try await rows.match(now: now) == 0)
            #expect(try await rows.refreshStale(now: now) == 0)
            // an ingest refreshes its own row at once, and leaves the others alone
            #expect(try await Self.ingest(harness, nodes[0], good: 95, valid: 100).status == .created)
            #expect(try await rows.refreshStale(now: harness.clock.now) == 0)
            let keys = try await harness.repositories.dashboardRows.pageKeys(.init(status: .breached), sort: .risk, page: PageRequest(), scope: .organisation)
            let breached = try await harness.repositories.dashboardRows.rows(seriesIDs: keys.map(\.seriesID), scope: .organisation).values
            #expect(breached.map(\.objectiveName) == ["Node 001 availability"] && breached.first?.attainment == 95)
            // an exclusion bumps the series: the job refreshes that one row
            let start = Date(timeIntervalSince1970: (harness.clock.now.timeIntervalSince1970 / 60).rounded(.down) * 60 - 120)
            _ = try await harness.repositories.exclusions.create(
                objectiveID: nodes[0].id,
                ExclusionDraft(kind: .customerCaused, reason: "Customer change", startsAt: start, endsAt: start.addingTimeInterval(60)), scope: .organisation,
                actor: .system)
            #expect(try await rows.refreshStale(now: harness.clock.now) == 1)
            // ending an agreement (a structural change) matches the rows again: its row goes
            _ = try await harness.repositories.agreements.changeStatus(
                id: world.agreementB.id, to: .terminated, expectedRowVersion: world.agreementB.rowVersion, scope: .organisation, actor: .system)
            _ = try await rows.match(now: harness.clock.now)
            #expect(try await harness.repositories.dashboardRows.counts(.init(), scope: .organisation).total == 8)
            // aged outlooks are recomputed after an hour
            #expect(try await rows.refreshStale(now: harness.clock.now.addingTimeInterval(61 * 60)) == 8)
        }
    }

    @Test func anEditReMatchesOnlyTheRowsItCanChange() async throws {
        try await Harness.run { harness in
            // setup: the rows matched
            let world = harness.world
            let rows = DashboardRows(repositories: harness.repositories)
            _ = try await rows.match(now: harness.clock.now)
            #expect(try await rows.match(now: harness.clock.now) == 0)
            let manager = try await harness.token(for: world.manager)
            let before = try await harness.repositories.dashboardRows.structureVersion()
            // MUT: a vendor's description, then its name; an agreement's notice date, then its title
            let described = try await harness.api(
                .patch, "/api/v1/vendors/\(world.vendorA.id)", token: manager, json: #"{"description":"Hosting since 2019","row_version":1}"#)
            #expect(described.status == .ok, "\(described.text)")
            let renamed = try await harness.api(
                .patch, "/api/v1/vendors/\(world.vendorA.id)", token: manager, json: #"{"name":"Alpha Hosting GmbH","row_version":2}"#)
            #expect(renamed.status == .ok, "\(renamed.text)")
            let version = try #require(try await harness.api(.get, "/api/v1/agreements/\(world.agreementA.id)", token: manager).json["row_version"] as? Int)
            let noticed = try await harness.api(
                .patch, "/api/v1/agreements/\(world.agreementA.id)", token: manager, json: #"{"notice_date":"2027-09-30","row_version":\#(version)}"#)
            #expect(noticed.status == .ok, "\(noticed.text.prefix(400))")
            let next = try #require(noticed.json["row_version"] as? Int)
            let retitled = try await harness.api(
                .patch, "/api/v1/agreements/\(world.agreementA.id)", token: manager, json: #"{"title":"Alpha hosting, renewed","row_version":\#(next)}"#)
            #expect(retitled.status == .ok, "\(retitled.text)")
            // validation: nothing asks for every row to be matched again, and the rows read the new names at once
            #expect(try await harness.repositories.dashboardRows.structureVersion() == before)
            #expect(try await rows.match(now: harness.clock.now) == 0)
            let row = try #require(try await harness.repositories.dashboardRows.rows(seriesIDs: [world.objectiveA.seriesID], scope: .organisation).values.first)
            #expect(row.vendorName == "Alpha Hosting GmbH" && row.agreementTitle == "Alpha hosting, renewed")
            // a change of what places the objectives (the agreement ends) still matches every row again
            let current = try #require(try await harness.api(.get, "/api/v1/agreements/\(world.agreementB.id)", token: manager).json["row_version"] as? Int)
            _ = try await harness.repositories.agreements.changeStatus(
                id: world.agreementB.id, to: .terminated, expectedRowVersion: current, scope: .organisation, actor: .system)
            #expect(try await harness.repositories.dashboardRows.structureVersion() > before)
        }
    }

    @Test func objectivesAreMatchedAsTheyComeIntoForceAndOnlyMovedRowsAgain() async throws {
        try await Harness.run { harness in
            // setup: the rows matched; a new vendor SLA with two objectives drafted through the API
            let world = harness.world
            let rows = DashboardRows(repositories: harness.repositories)
            _ = try await rows.match(now: harness.clock.now)
            let manager = try await harness.token(for: world.manager)
            let created = try await harness.api(
                .post, "/api/v1/agreements", token: manager,
                json: """
                    {"kind":"vendor","title":"Alpha storage SLA","vendor_id":\(world.vendorA.id),"master_id":\(world.masterA.id),
                     "dependency_kind":"serial","fee":500,"currency":"EUR","start_date":"2026-06-01"}
                    """)
            let id = try #require(created.json["id"] as? Int)
            var objectives: [Int] = []
            for name in ["Uptime", "Storage availability"] {
                let objective = try await harness.api(
                    .post, "/api/v1/agreements/\(id)/versions/1/objectives", token: manager,
                    json: #"{"name":"\#(name)","sli_kind":"ratio","sla_target":99.9,"slo_target":99.95,"window_kind":"calendar_month"}"#)
                #expect(objective.status == .created, "\(objective.text)")
                objectives.append(try #require(objective.json["id"] as? Int))
            }
            #expect(try await rows.match(now: harness.clock.now) == 0, "drafts are not in force: nothing to compute")
            // MUT: the agreement is activated through the API
            let activated = try await harness.api(.post, "/api/v1/agreements/\(id)/status", token: manager, json: #"{"status":"active","row_version":1}"#)
            #expect(activated.status == .ok, "\(activated.text)")
            // validation: its rows were computed as it was activated; the next view has nothing left to match
            let series = try await harness.repositories.database.query(
                "SELECT series_id FROM objectives WHERE id = ANY(\(objectives.map(Int64.init))::int8[])"
            ).map { try $0.decode(Int64.self) }
            #expect(try await harness.repositories.dashboardRows.rows(seriesIDs: series, scope: .organisation).count == 2)
            #expect(try await harness.repositories.dashboardRows.isMatched(day: LocalDate.of(harness.clock.now, in: .gmt)))
            #expect(try await rows.match(now: harness.clock.now) == 0)
            // a change that moves one agreement's objectives (its zone) recomputes its rows alone
            let version = try #require(try await harness.api(.get, "/api/v1/agreements/\(id)", token: manager).json["row_version"] as? Int)
            try await harness.repositories.database.query("UPDATE dashboard_state SET structure_version = structure_version + 1")
            let moved = try await harness.api(
                .patch, "/api/v1/agreements/\(id)", token: manager, json: #"{"time_zone":"Asia/Kolkata","row_version":\#(version)}"#)
            #expect(moved.status == .ok, "\(moved.text.prefix(300))")
            #expect(try await harness.repositories.dashboardRows.isMatched(day: LocalDate.of(harness.clock.now, in: .gmt)))
            let placements = try await harness.repositories.dashboardRows.present()
            #expect(series.allSatisfy { placements[$0]?.contains("Asia/Kolkata") == true })
            // the same move of another agreement, written behind the application's back, is found by the next match
            let others = try await harness.repositories.database.query(
                "SELECT count(*) FROM dashboard_rows WHERE agreement_id = \(world.agreementA.id)"
            ).first?.decode(Int64.self)
            #expect((others ?? 0) > 0)
            try await harness.repositories.database.query("UPDATE agreements SET time_zone = 'Asia/Kolkata' WHERE id = \(world.agreementA.id)")
            #expect(try await rows.match(now: harness.clock.now) == Int(try #require(others)))
            // and a counter raised with nothing moved computes nothing
            try await harness.repositories.database.query("UPDATE dashboard_state SET structure_version = structure_version + 1")
            #expect(try await rows.match(now: harness.clock.now) == 0)
        }
    }

    @Test func errorPagesKeepTheSignedInPersonsNavigation() async throws {
        try await Harness.run { harness in
            let session = try await harness.session(for: harness.world.vendorUserA)
            // a 404 (another vendor's objective) and a 403 (a form vendors may not use) keep the menu and sign-out
            for (path, status) in [("/objectives/\(harness.world.objectiveB.id)", HTTPResponse.Status.notFound), ("/reviews/new", .forbidden)] {
                let page = try await harness.get(path, as: session)
                #expect(page.status == status, "\(path)")
                #expect(page.text.contains("Sign out") && page.text.contains("href=\"/dashboard\"") && !page.text.contains("href=\"/login\""), "\(path)")
            }
            // signed out, the page offers to sign in (a page behind sign-in redirects; an unknown path answers 404)
            let anonymous = try await harness.get("/no-such-page", as: nil)
            #expect(anonymous.status == .seeOther || anonymous.text.contains("href=\"/login\""))
        }
    }
}

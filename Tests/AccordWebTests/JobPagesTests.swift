import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

/// The jobs page and API: an admin sees every job with its last run and runs one now; nobody else may.
@Suite("Jobs page and API")
struct JobPagesTests {
    @Test func anAdminSeesTheJobsAndRunsOneNowInTheBrowserAndThroughTheAPI() async throws {
        try await Harness.run { harness in
            // setup: an expired session for the purge to find
            let world = harness.world
            let stale = try await harness.repositories.sessions.create(userID: world.viewer.id, now: harness.clock.now.addingTimeInterval(-13 * 3600))
            let admin = try await harness.session(for: world.admin)
            // MUT: the page lists every job before any has run
            let page = try await harness.get("/jobs", as: admin)
            #expect(page.status == .ok)
            for name in ["period-closing", "recompute", "alert-evaluation", "session-purge"] { #expect(page.text.contains(name)) }
            #expect(page.text.contains("never"))
            // run one from the page
            let ran = try await harness.post("/jobs/session-purge/run", as: admin)
            #expect(ran.status == .seeOther)
            let after = try await harness.get("/jobs?notice=ran", as: admin)
            #expect(after.text.contains("1 expired session deleted"))
            #expect(after.text.contains("The job ran"))
            #expect(try await harness.repositories.sessions.touch(id: stale.id, now: harness.clock.now) == nil)
            // and through the API
            let token = try await harness.token(for: world.admin)
            let run = try await harness.api(.post, "/api/v1/jobs/period-closing/run", token: token)
            #expect(run.status == .ok)
            #expect(run.json["outcome"] as? String == "succeeded")
            #expect(run.json["job"] as? String == "period-closing")
            let list = try await harness.api(.get, "/api/v1/jobs", token: token)
            let items = try #require(list.json["items"] as? [[String: Any]])
            let purge = try #require(items.first { $0["name"] as? String == "session-purge" })
            let last = try #require(purge["last_run"] as? [String: Any])
            #expect(last["runs"] as? Int == 1)
            #expect(last["last_outcome"] as? String == "succeeded")
            #expect(try await harness.api(.post, "/api/v1/jobs/no-such-job/run", token: token).status == .notFound)
        }
    }

    @Test func onlyAdminsMaySeeOrRunJobs() async throws {
        try await Harness.run { harness in
            let world = harness.world
            for user in [world.manager, world.analyst, world.viewer, world.vendorUserA] {
                let session = try await harness.session(for: user)
                #expect(try await harness.get("/jobs", as: session).status == .forbidden, "\(user.role)")
                #expect(try await harness.post("/jobs/period-closing/run", as: session).status == .forbidden, "\(user.role)")
                let token = try await harness.token(for: user)
                #expect(try await harness.api(.get, "/api/v1/jobs", token: token).status == .forbidden, "\(user.role)")
                #expect(try await harness.api(.post, "/api/v1/jobs/period-closing/run", token: token).status == .forbidden, "\(user.role)")
            }
            #expect(try await harness.database.query("SELECT count(*)::int8 FROM jobs").first!.decode(Int64.self) == 0)
        }
    }
}

import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

@Suite("Objective status and lineage")
struct ObjectiveStatusTests {
    @Test func fastBurningBucketsPageAndLineageTracesTheBatch() async throws {
        try await Harness.run { harness in
            // setup: the last hour burns 2 % of requests against a 99.95 % SLO: 40× the budget
            let world = harness.world
            let now = harness.clock.now
            let minute = 60.0
            let start = now.addingTimeInterval(-60 * minute)
            let buckets = (0..<60).map { index in
                MeasurementBucket(start: start + Double(index) * minute, end: start + Double(index + 1) * minute, good: 980, valid: 1000)
            }
            let batch = try await harness.repositories.measurements.ingest(
                objectiveID: world.objectiveA.id, source: "probe", buckets: buckets, scope: .organisation,
                sender: BatchSender(userID: world.analyst.id, credential: "api_token"))
            let token = try await harness.token(for: world.viewer)
            // MUT
            let status = try await harness.api(.get, "/api/v1/objectives/\(world.objectiveA.id)/status", token: token)
            // validation
            #expect(status.status == .ok)
            let alerts = try #require(status.json["alerts"] as? [[String: Any]])
            // only the last hour holds data, so every lookback burns at 40×: all four rules fire, pages first
            #expect(alerts.map { $0["severity"] as? String } == ["page", "page", "ticket", "ticket"])
            let rates = try #require(status.json["burn_rates"] as? [[String: Any]])
            #expect(rates.first { $0["window"] as? String == "1h" }?["burn_rate"] as? Double == 40)
            #expect(rates.first { $0["window"] as? String == "1d" }?["burn_rate"] as? Double == 40)
            // the current period's lineage names the batch behind its figure
            let period = try #require(status.json["period"] as? [String: Any])
            let periodStart = try #require(period["start"] as? String)
            let lineage = try await harness.api(.get, "/api/v1/objectives/\(world.objectiveA.id)/periods/\(periodStart)/lineage", token: token)
            #expect(lineage.status == .ok)
            let batches = try #require(lineage.json["batches"] as? [[String: Any]])
            #expect(batches.count == 1)
            #expect(batches.first?["batch_id"] as? Int == Int(batch.batchID))
            #expect(batches.first?["content_hash"] as? String == batch.contentHash)
            #expect(
                try await harness.api(.get, "/api/v1/objectives/\(world.objectiveA.id)/periods/2026-02-03T04:05:06Z/lineage", token: token).status
                    == .notFound)
            // the objective page shows the alerts and the burn rates
            let page = try await harness.get("/objectives/\(world.objectiveA.id)", as: try await harness.session(for: world.manager))
            #expect(page.text.contains("Page: burning faster than 14.4× over 1h and 5m — at this rate the error budget left is gone") || page.text.contains("Page: burning faster than 14.4× over 1h and 5m — the period&#39;s error budget is already spent"), "\(page.text)")
            #expect(page.text.contains("1h 40×"))
            let other = try await harness.token(for: world.vendorUserB)
            #expect(try await harness.api(.get, "/api/v1/objectives/\(world.objectiveA.id)/status", token: other).status == .notFound)
        }
    }
}

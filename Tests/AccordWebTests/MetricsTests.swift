import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// `/metrics` scraped by a real Prometheus server: the attainment PromQL returns is the one the objective's status
/// gives; the route needs its own token.
@Suite("Prometheus metrics")
struct MetricsTests {
    static let token = String(repeating: "m", count: 40)

    @Test func prometheusScrapesTheFiguresTheObjectiveShowsWithTheMetricsTokenOnly() async throws {
        try await Harness.run(metricsToken: Self.token, live: true) { harness in
            let world = harness.world
            // setup: this period so far at 99.5 % (995 of 1000), and the dashboard's rows and burn rates computed
            let now = harness.clock.now
            let start = now.addingTimeInterval(-1800)
            _ = try await harness.repositories.measurements.ingest(
                objectiveID: world.objectiveA.id, source: "probe",
                buckets: [MeasurementBucket(start: start, end: start.addingTimeInterval(600), good: 995, valid: 1000)], scope: .organisation,
                sender: BatchSender(userID: world.analyst.id, credential: "test"))
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: now)
            // the route: no token, a wrong one, an API token: 401; the metrics token: the text format
            #expect(try await harness.api(.get, "/metrics", token: nil).status == .unauthorized)
            #expect(try await harness.api(.get, "/metrics", token: String(repeating: "x", count: 40)).status == .unauthorized)
            #expect(try await harness.api(.get, "/metrics", token: try await harness.token(for: world.admin)).status == .unauthorized)
            let scraped = try await harness.api(.get, "/metrics", token: Self.token)
            #expect(scraped.status == .ok)
            #expect(scraped.text.contains("accord_objective_attainment_percent{"))
            #expect(scraped.text.contains("objective_id=\"\(world.objectiveA.id)\""))
            #expect(scraped.text.contains("accord_job_runs_total{"))
            #expect(scraped.text.contains("hb_requests"))
            let status = try await harness.api(.get, "/api/v1/objectives/\(world.objectiveA.id)/status", token: try await harness.token(for: world.manager))
            let shown = try #require(Double("\(((status.json["period"] as? [String: Any])?["attainment"]).map { "\($0)" } ?? "")"))

            // a real Prometheus scrapes it every second with the token, and PromQL gives the same figure
            let port = try #require(harness.client.port)
            let configuration = """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: accord
                    metrics_path: /metrics
                    authorization: { type: Bearer, credentials: \(Self.token) }
                    static_configs: [{ targets: ["127.0.0.1:\(port)"] }]
                """
            let prometheus = try PrometheusServer(configuration: configuration)
            try await prometheus.start()
            defer { prometheus.stop() }
            var value: Double?
            for _ in 0..<100 {
                value = try await prometheus.value(of: "accord_objective_attainment_percent{objective_id=\"\(world.objectiveA.id)\"}")
                if value != nil { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(value == shown, "Prometheus has \(value.map { "\($0)" } ?? "nothing"), the status \(shown)")
            #expect(try await prometheus.value(of: "up{job=\"accord\"}") == 1)
            // every query of the Grafana dashboard in the repository is one this Prometheus accepts
            let dashboard = try JSONSerialization.jsonObject(
                with: Data(contentsOf: TestDatabase.root.appendingPathComponent("docs/grafana/accord-portfolio.json"))) as? [String: Any]
            let panels = try #require(dashboard?["panels"] as? [[String: Any]])
            let queries = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
            #expect(queries.count == panels.count)
            for query in queries {
                let concrete = query.replacingOccurrences(of: "$vendor", with: ".*").replacingOccurrences(of: "$objective", with: ".*")
                #expect(try await prometheus.outcome(of: concrete) == "success", "\(query)")
            }
        }
    }

    @Test func withoutATokenConfiguredThereIsNoMetricsRoute() async throws {
        try await Harness.run { harness in
            let response = try await harness.api(.get, "/metrics", token: Self.token)
            #expect(response.status == .notFound)
        }
    }
}

import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

@Suite("Periods of an objective")
struct PeriodReportTests {
    @Test func periodsAreJudgedUnderTheVersionInForceAtTheirStart() async throws {
        try await Harness.run { harness in
            // setup: November at 99.8 %, December at 99.5 %; version 2 (SLA 99.0, SLO 99.6) takes effect on 1 December
            let world = harness.world
            let repositories = harness.repositories
            let sender = BatchSender(userID: world.analyst.id, credential: "test")
            _ = try await repositories.measurements.ingest(
                objectiveID: world.objectiveA.id, source: "probe",
                buckets: [
                    MeasurementBucket(
                        start: RFC3339.parse("2026-11-10T00:00:00Z")!, end: RFC3339.parse("2026-11-10T01:00:00Z")!, good: 998, valid: 1000),
                    MeasurementBucket(
                        start: RFC3339.parse("2026-12-10T00:00:00Z")!, end: RFC3339.parse("2026-12-10T01:00:00Z")!, good: 995, valid: 1000),
                ], scope: .organisation, sender: sender)
            let v2 = try await repositories.versions.amend(
                agreementID: world.agreementA.id, effectiveFrom: LocalDate("2026-12-01"), note: "Relaxed", scope: .organisation, actor: .system)
            let copy = try #require(try await repositories.objectives.list(versionID: v2.id, scope: .organisation).first)
            var draft = copy.draft
            draft.slaTarget = 99
            draft.sloTarget = Decimal(string: "99.6")
            _ = try await repositories.objectives.update(
                id: copy.id, draft, expectedRowVersion: copy.rowVersion, scope: .organisation, actor: .system)
            _ = try await repositories.versions.activate(
                agreementID: world.agreementA.id, number: 2, expectedRowVersion: v2.rowVersion, scope: .organisation, actor: .system)
            // MUT: asked through the version 2 objective, the series' history still uses version 1 for November
            let token = try await harness.token(for: world.viewer)
            let response = try await harness.api(
                .get, "/api/v1/objectives/\(copy.id)/periods?from=2026-10-01T00:00:00Z&to=2027-01-01T00:00:00Z", token: token)
            // validation
            #expect(response.status == .ok)
            let items = try #require(response.json["items"] as? [[String: Any]])
            #expect(items.count == 3)
            #expect(items.map { $0["version_number"] as? Int } == [1, 1, 2])
            #expect(items.map { $0["sla_status"] as? String } == ["no_data", "breached", "met"])
            #expect(items.map { $0["slo_status"] as? String } == ["no_data", "breached", "breached"])
            #expect(items[1]["attainment"] as? Double == 99.8)
            #expect(items[2]["attainment"] as? Double == 99.5)
            #expect(items[2]["budget_remaining"] as? Double == -0.25)
            // another vendor's user cannot read it
            let other = try await harness.token(for: world.vendorUserB)
            #expect(try await harness.api(.get, "/api/v1/objectives/\(copy.id)/periods", token: other).status == .notFound)
            let bad = try await harness.api(.get, "/api/v1/objectives/\(copy.id)/periods?from=yesterday", token: token)
            #expect(bad.status == .unprocessableContent)
            // the objective page shows the same periods, as a table and as an SVG chart with a text alternative
            harness.clock.advance(by: max(0, RFC3339.parse("2026-12-20T00:00:00Z")!.timeIntervalSince(harness.clock.now)))
            let page = try await harness.get("/objectives/\(copy.id)", as: try await harness.session(for: world.vendorUserA))
            #expect(page.status == .ok)
            #expect(page.text.contains("<svg"))
            #expect(page.text.contains("<desc id=\"chart-desc\">Attainment per period against the SLA in force in each (a new version, a ramp or a season moves it; now 99 %)"))
            #expect(page.text.contains("<td data-label=\"Attainment\">99.800 %</td><td data-label=\"SLA\">99.9 % <span class=\"status-breached\">breached</span></td>"))
            #expect(page.text.contains("Dec 2026</a> <span class=\"hint\">(so far)</span>"))
        }
    }

    @Test func aRollingWindowIsJudgedOverTheLastDaysUpToNow() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let repositories = harness.repositories
            let agreement = try await repositories.agreements.create(
                AgreementDraft(
                    kind: .vendor, title: "Alpha rolling", vendorID: world.vendorA.id, masterID: world.masterA.id, dependencyKind: .serial,
                    startDate: LocalDate("2026-01-01")),
                scope: .organisation, actor: .system)
            let objective = try await repositories.objectives.create(
                agreementID: agreement.id, versionNumber: 1,
                ObjectiveDraft(name: "Rolling availability", sliKind: .ratio, slaTarget: 99, sloTarget: 99.5, window: .rollingDays(28)),
                scope: .organisation, actor: .system)
            _ = try await repositories.agreements.changeStatus(
                id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
            let now = harness.clock.now
            let hour = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
            for (daysAgo, good) in [(3.0, Int64(90)), (40.0, Int64(0))] {
                let start = hour.addingTimeInterval(-daysAgo * 86_400)
                _ = try await repositories.measurements.ingest(
                    objectiveID: objective.id, source: "probe",
                    buckets: [MeasurementBucket(start: start, end: start.addingTimeInterval(3600), good: good, valid: 100)], scope: .organisation,
                    sender: BatchSender(userID: world.analyst.id, credential: "test"))
            }
            let token = try await harness.token(for: world.viewer)
            let periods = try await harness.api(.get, "/api/v1/objectives/\(objective.id)/periods", token: token)
            let items = try #require(periods.json["items"] as? [[String: Any]])
            // only the bucket inside the last 28 days counts; the one 40 days ago has left the window
            #expect(items.count == 1)
            #expect(items.first?["valid"] as? Double == 100)
            #expect(items.first?["attainment"] as? Double == 90)
            #expect(items.first?["closed"] as? Bool == false)
            let status = try await harness.api(.get, "/api/v1/objectives/\(objective.id)/status", token: token)
            #expect((status.json["period"] as? [String: Any])?["sla_status"] as? String == "breached")
        }
    }
}

import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

/// Figures after pro-rata exclusions are exact, statuses and credits are decided on them, and the lineage of a period
/// adds up to its figure exactly.
@Suite("Exact figures")
struct ExactFigureTests {
    /// The issue's example through the API: one bucket of 99 good / 100 valid with its first third excluded is exactly
    /// 99 %: met against an SLA of 99 %, and no credit once the period closes.
    @Test func aThirdOfABucketExcludedIsExactlyAThird() async throws {
        try await Harness.run { harness in
            let repositories = harness.repositories
            let world = harness.world
            let agreement = try await repositories.agreements.create(
                AgreementDraft(
                    kind: .vendor, title: "Exact", vendorID: world.vendorA.id, masterID: world.masterA.id, dependencyKind: .serial, fee: 1000,
                    startDate: LocalDate("2026-01-01")),
                scope: .organisation, actor: .system)
            let objective = try await repositories.objectives.create(
                agreementID: agreement.id, versionNumber: 1,
                ObjectiveDraft(
                    name: "Availability", sliKind: .ratio, slaTarget: 99, sloTarget: Decimal(string: "99.5")!, window: .calendarMonth,
                    exclusionKinds: [.plannedMaintenance],
                    credits: CreditSchedule(tiers: [CreditTier(threshold: 99, percent: 10)], capPercent: 100, probationFactor: 1)),
                scope: .organisation, actor: .system)
            _ = try await repositories.agreements.changeStatus(
                id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
            let manager = try await harness.token(for: world.manager)
            let ingested = try await harness.api(
                .post, "/api/v1/objectives/\(objective.id)/measurements", token: manager,
                json: #"{"source":"probe","buckets":[{"start":"2026-10-10T00:00:00Z","end":"2026-10-10T00:05:00Z","good":99,"valid":100},{"start":"2026-10-10T00:05:00Z","end":"2026-10-10T00:10:00Z","good":300,"valid":300}]}"#)
            #expect(ingested.status == .created)
            let excluded = try await harness.api(
                .post, "/api/v1/objectives/\(objective.id)/exclusions", token: manager,
                json: #"{"kind":"planned_maintenance","reason":"Patch window","starts_at":"2026-10-09T23:00:00Z","ends_at":"2026-10-10T00:01:40Z"}"#)
            #expect(excluded.status == .created)
            // MUT: the periods API, then the same after the closing job recorded October
            for closed in [false, true] {
                if closed {
                    try await repositories.periodRecords.syncSchedule()
                    try await TestJobs.runAll(repositories, at: harness.clock.now)
                }
                let response = try await harness.api(
                    .get, "/api/v1/objectives/\(objective.id)/periods?from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z", token: manager)
                let row = try #require((response.json["items"] as? [[String: Any]])?.first)
                // validation: 66 + 300 good of 66⅔ + 300 valid is 366 / 366⅔ = 99.818… %: and the first bucket alone is exactly 99 %
                #expect(row["good_exact"] as? String == "366")
                #expect(row["valid_exact"] as? String == "1100/3")
                #expect(row["valid"] as? Double == 366.666666666667)
                #expect(row["sla_status"] as? String == "met")
                #expect(row["revision"] as? Int == (closed ? 1 : nil))
                // the lineage's counted figures add up exactly to the period's
                let lineage = try await harness.api(.get, "/api/v1/objectives/\(objective.id)/periods/2026-10-01T00:00:00Z/lineage", token: manager)
                let batches = try #require(lineage.json["batches"] as? [[String: Any]])
                let good = batches.compactMap { ($0["counted_good_exact"] as? String).flatMap { Fraction(text: $0) } }.reduce(Fraction.zero, +)
                let valid = batches.compactMap { ($0["counted_valid_exact"] as? String).flatMap { Fraction(text: $0) } }.reduce(Fraction.zero, +)
                #expect(good == 366 && valid == Fraction(text: "1100/3"))
                #expect(batches.first?["valid_in_period"] as? Int == 400)
            }
            #expect(try await repositories.credits.all(filter: .init(), scope: .organisation).filter { $0.objectiveID == objective.id }.isEmpty)
        }
    }

    /// One bucket alone, a third excluded: exactly 99 %, met, no credit.
    @Test func exactlyTheTargetIsMet() async throws {
        try await Harness.run { harness in
            let repositories = harness.repositories
            let world = harness.world
            let agreement = try await repositories.agreements.create(
                AgreementDraft(
                    kind: .vendor, title: "Exact one", vendorID: world.vendorA.id, masterID: world.masterA.id, dependencyKind: .serial, fee: 1000,
                    startDate: LocalDate("2026-01-01")),
                scope: .organisation, actor: .system)
            let objective = try await repositories.objectives.create(
                agreementID: agreement.id, versionNumber: 1,
                ObjectiveDraft(
                    name: "Availability", sliKind: .ratio, slaTarget: 99, sloTarget: Decimal(string: "99.5")!, window: .calendarMonth,
                    exclusionKinds: [.plannedMaintenance],
                    credits: CreditSchedule(tiers: [CreditTier(threshold: 99, percent: 10)], capPercent: 100, probationFactor: 1)),
                scope: .organisation, actor: .system)
            _ = try await repositories.agreements.changeStatus(
                id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
            let start = RFC3339.parse("2026-10-10T00:00:00Z")!
            try await PeriodJobsTests.ingest(harness, [MeasurementBucket(start: start, end: start.addingTimeInterval(300), good: 99, valid: 100)], objective: objective.id)
            let excluded = try await harness.api(
                .post, "/api/v1/objectives/\(objective.id)/exclusions", token: try await harness.token(for: world.manager),
                json: #"{"kind":"planned_maintenance","reason":"Patch window","starts_at":"2026-10-10T00:00:00Z","ends_at":"2026-10-10T00:01:40Z"}"#)
            #expect(excluded.status == .created)
            try await repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(repositories, at: harness.clock.now)
            let record = try #require(try await repositories.periodRecords.records(seriesID: objective.seriesID, from: start, to: start.addingTimeInterval(1)).last)
            #expect(record.attainment == 99 && record.slaStatus == .met)
            #expect(record.valid.description == "200/3")
            #expect(try await repositories.credits.all(filter: .init(), scope: .organisation).filter { $0.objectiveID == objective.id }.isEmpty)
        }
    }
}

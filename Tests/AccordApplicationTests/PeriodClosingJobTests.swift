import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

/// Period closing as the server runs it: a job on the runner, safe with several replicas on one database.
@Suite("Period closing job")
struct PeriodClosingJobTests {
    static let december = RFC3339.parse("2026-12-15T00:00:00Z")!

    @Test func twoRunnersOnOneDatabaseCloseEachPeriodExactlyOnce() async throws {
        try await TestDatabase.withDatabase { database in
            // setup: October at 99.8 % for objective A (SLA 99.9: breached, 10 % credit of a 1000 EUR monthly fee)
            let repositories = Repositories(database: database)
            let world = try await World.seed(repositories)
            let start = RFC3339.parse("2026-10-10T00:00:00Z")!
            _ = try await repositories.measurements.ingest(
                objectiveID: world.objectiveA.id, source: "probe",
                buckets: [MeasurementBucket(start: start, end: start.addingTimeInterval(3600), good: 998, valid: 1000)], scope: .organisation,
                sender: BatchSender(userID: world.analyst.id, credential: "test"))
            let first = UseCases(repositories: repositories, clock: { Self.december }, logger: TestDatabase.logger).jobRunner()
            let second = UseCases(repositories: repositories, clock: { Self.december }, logger: TestDatabase.logger).jobRunner()
            try await first.register()
            // MUT: two replicas run the closing job at the same time, three times each, and both poll their schedules
            async let a = [first.runNow(named: "period-closing"), first.runNow(named: "period-closing"), first.runNow(named: "period-closing")]
            async let b = [second.runNow(named: "period-closing"), second.runNow(named: "period-closing"), second.runNow(named: "period-closing")]
            async let dueA = first.runDue()
            async let dueB = second.runDue()
            let runs = try await a + b + dueA + dueB
            // validation: four series (two masters, two vendor SLAs) × January…November = 44 periods, each recorded once
            #expect(runs.allSatisfy { $0.succeeded })
            let closedByRuns = runs.filter { $0.job == "period-closing" }.compactMap(\.report?.items).reduce(0, +)
            #expect(closedByRuns == 44)
            let (rows, distinct) = try await database.query(
                "SELECT count(*)::int8, count(DISTINCT (series_id, period_start))::int8 FROM period_results"
            ).first!.decode((Int64, Int64).self)
            #expect(rows == 44)
            #expect(distinct == 44)
            let breaches = try await repositories.periodRecords.breaches(seriesID: world.objectiveA.seriesID)
            #expect(breaches.count == 1)
            #expect(breaches.first?.severity == "sla")
            #expect(breaches.first?.attainment == Decimal(string: "99.8"))
            let credits = try await repositories.credits.all(filter: .init(), scope: .organisation)
            #expect(credits.count == 1)
            #expect(credits.first?.amount == 100)
            #expect(credits.first?.percent == 10)
            #expect(credits.first?.status == .computed)
            // a further run finds nothing left to close, and every run is on the record
            #expect(try await first.runNow(named: "period-closing").report?.items == 0)
            let record = try await repositories.jobs.find(name: "period-closing")
            #expect(record.runs == Int64(runs.filter { $0.job == "period-closing" }.count) + 1)
            #expect(record.lastOutcome == "succeeded")
        }
    }
}

import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

@testable import AccordWeb

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
            let objective = try await harness.ratioObjective(
                title: "Exact", sla: 99, slo: Decimal(string: "99.5")!, tiers: [CreditTier(threshold: 99, percent: 10)],
                exclusionKinds: [.plannedMaintenance])
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
            let objective = try await harness.ratioObjective(
                title: "Exact one", sla: 99, slo: Decimal(string: "99.5")!, tiers: [CreditTier(threshold: 99, percent: 10)],
                exclusionKinds: [.plannedMaintenance])
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

/// Probation, credits and zones: `probation_until` is the last day of probation, and a period whose first day is on or
/// before it is judged with the probation factor; every period row carries the credit, also when it is 0.
@Suite("Probation and credits per period")
struct ProbationTests {
    @Test func aPeriodStartingOnTheLastDayOfProbationIsOnProbation() async throws {
        try await Harness.run { harness in
            let repositories = harness.repositories
            let world = harness.world
            // setup: probation ends on 1 October (Berlin); a Berlin SLA at 10 % below 99.9, halved on probation
            let vendor = try await repositories.vendors.find(id: world.vendorA.id, scope: .organisation)
            _ = try await UseCases(repositories: repositories, logger: TestDatabase.logger).editVendor(
                id: vendor.id, VendorDraft(name: vendor.name, probationUntil: LocalDate("2026-10-01")), expectedRowVersion: vendor.rowVersion,
                scope: .organisation, actor: .system)
            let objective = try await harness.ratioObjective(
                title: "Probation", zone: "Europe/Berlin", sla: Decimal(string: "99.9")!, slo: Decimal(string: "99.95")!,
                tiers: [CreditTier(threshold: Decimal(string: "99.9")!, percent: 10)], probationFactor: 0.5)
            // September, October and November each 99.0 %
            try await PeriodJobsTests.ingest(
                harness,
                ["2026-09-10T00:00:00Z", "2026-10-10T00:00:00Z", "2026-11-10T00:00:00Z"].map {
                    PeriodJobsTests.bucket($0, good: 990, valid: 1000)
                }, objective: objective.id)
            let token = try await harness.token(for: world.vendorUserA)
            func rows() async throws -> [[String: Any]] {
                let response = try await harness.api(
                    .get, "/api/v1/objectives/\(objective.id)/periods?from=2026-09-15T00:00:00Z&to=2026-11-15T00:00:00Z", token: token)
                return try #require(response.json["items"] as? [[String: Any]])
            }
            // validation: before the months are recorded, the rows say what they would owe
            let live = try await rows()
            #expect(live.map { $0["on_probation"] as? Bool } == [true, true, false])
            #expect(live.map { $0["credit_percent"] as? Double } == [5, 5, 10])
            #expect(live.map { $0["credit_amount"] as? String } == ["50.00", "50.00", "100.00"])
            #expect(live.allSatisfy { $0["credit_status"] is NSNull })
            // once recorded, the same figures with the credit's status
            try await repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(repositories, at: harness.clock.now)
            let recorded = try await rows()
            #expect(recorded.map { $0["on_probation"] as? Bool } == [true, true, false])
            #expect(recorded.map { $0["credit_amount"] as? String } == ["50.00", "50.00", "100.00"])
            #expect(recorded.map { $0["credit_status"] as? String } == ["computed", "computed", "computed"])
            let credits = try await repositories.credits.all(filter: .init(seriesID: objective.seriesID), scope: .organisation)
            #expect(credits.sorted { $0.periodStart < $1.periodStart }.map(\.onProbation) == [true, true, false])
            // the ledger labels the Berlin September credit in Berlin: "Sep 2026", not "31 Aug 2026 – 30 Sep 2026"
            let ledger = try await harness.get("/credits", as: try await harness.session(for: world.manager))
            #expect(ledger.text.contains("<td data-label=\"Period\">Sep 2026</td>") && !ledger.text.contains("31 Aug 2026"))
            #expect(ledger.text.contains("EUR 50.00"))
            // a period that owes nothing still says so
            let master = try await harness.api(
                .get, "/api/v1/objectives/\(world.objectiveA.id)/periods?from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z", token: token)
            let row = try #require((master.json["items"] as? [[String: Any]])?.first)
            #expect(row["credit_percent"] as? Double == 0 && row["credit_amount"] as? String == "0.00" && row["credit_status"] is NSNull)
            #expect(row["on_probation"] as? Bool == true)
        }
    }
}

/// One way to show a figure: 3 decimals (more where a figure below its target would read as reaching it), budgets
/// against the SLO, periods in the agreement's zone, statuses in words, and an open period never called breached.
@Suite("Figures on pages")
struct FiguresOnPagesTests {
    @Test func aFigureBelowItsTargetNeverReadsAsReachingIt() {
        #expect(Figures.attainment(Decimal(string: "99.95")!, targets: [99, Decimal(string: "99.9")!]) == "99.950 %")
        #expect(Figures.attainment(Decimal(string: "98.9996")!, targets: [99]) == "98.9996 %")
        #expect(Figures.attainment(Decimal(string: "98.999999999999")!, targets: [99]) == "98.999999999999 %")
        #expect(Figures.attainment(Decimal(string: "99.9996")!, targets: [99]) == "100.000 %")
        #expect(Figures.attainment(nil) == "no data")
        #expect(Figures.budgetLeft(Decimal(string: "-0.0001")) == "-0.1 %")
        #expect(Figures.budgetLeft(Decimal(string: "0.4235")) == "42.4 %")
        // past twice the budget spent, how many budgets went, and the exact percent beside it
        #expect(Figures.budgetLeft(Decimal(string: "-132.333")) == "overspent 133× (-13,233.3 %)")
        #expect(Figures.budgetLeft(Decimal(string: "-1.5")) == "overspent 2.5× (-150.0 %)")
        #expect(Figures.budgetLeft(Decimal(string: "-0.5")) == "-50.0 %")
        // a burn rate in words: half the budget left at 7.5× over a 30-day period lasts 2 days
        #expect(Figures.runway(remaining: Decimal(string: "0.5"), burnRate: Decimal(string: "7.5"), periodSeconds: 30 * 86_400) == "at this rate the error budget left is gone in 2 days")
        #expect(Figures.runway(remaining: Decimal(string: "0.1"), burnRate: Decimal(string: "14.4"), periodSeconds: 30 * 86_400) == "at this rate the error budget left is gone in 5 hours")
        #expect(Figures.runway(remaining: Decimal(string: "0.01"), burnRate: Decimal(string: "14.4"), periodSeconds: 30 * 86_400) == "at this rate the error budget left is gone within the hour")
        #expect(Figures.runway(remaining: Decimal(string: "-0.2"), burnRate: 2, periodSeconds: 30 * 86_400) == "the period's error budget is already spent")
        #expect(Figures.runway(remaining: 1, burnRate: nil, periodSeconds: 30 * 86_400) == nil)
        #expect(Figures.count(Decimal(string: "1234567")!) == "1,234,567")
        #expect(Figures.count(Fraction(text: "200/3")!.rounded(places: 12)) == "66.667")
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        #expect(Figures.period(start: RFC3339.parse("2026-08-31T22:00:00Z")!, end: RFC3339.parse("2026-09-30T22:00:00Z")!, zone: berlin) == "Sep 2026")
        #expect(Figures.period(start: RFC3339.parse("2026-06-30T22:00:00Z")!, end: RFC3339.parse("2026-09-30T22:00:00Z")!, zone: berlin) == "Q3 2026")
        #expect(Money.format(Decimal(string: "1234567.5")!, "EUR") == "EUR 1,234,567.50")
        #expect(Money.format(1234567, "JPY") == "JPY 1,234,567")
        #expect(Money.amount(Decimal(string: "1234567.005")!, "EUR") == "1234567.00")
    }

    @Test func theOutlookOfAnOpenPeriodUsesTheLastDaysRate() {
        // 99.9 % so far against an SLA of 99.5 and an SLO of 99.9; ten days left
        let soFar = EventCounts(good: 999, valid: 1000)
        let steady = PeriodOutlook.of(
            soFar: soFar, recent: EventCounts(good: 999, valid: 1000), recentSeconds: 86_400, remainingSeconds: 10 * 86_400, slaTarget: Decimal(string: "99.5")!,
            sloTarget: Decimal(string: "99.9")!)
        #expect(steady.status == .onTrack && steady.projectedAttainment == Decimal(string: "99.9"))
        let failing = PeriodOutlook.of(
            soFar: soFar, recent: EventCounts(good: 0, valid: 100), recentSeconds: 86_400, remainingSeconds: 10 * 86_400, slaTarget: Decimal(string: "99.5")!,
            sloTarget: Decimal(string: "99.9")!)
        #expect(failing.status == .atRisk && failing.projectedAttainment == Decimal(string: "49.95"))
        let below = PeriodOutlook.of(
            soFar: EventCounts(good: 990, valid: 1000), recent: .zero, recentSeconds: 86_400, remainingSeconds: 86_400, slaTarget: Decimal(string: "99.5")!,
            sloTarget: Decimal(string: "99.9")!)
        #expect(below.status == .belowTarget && below.status.label == "below target so far")
        #expect(PeriodOutlook.of(soFar: .zero, recent: .zero, recentSeconds: 1, remainingSeconds: 1, slaTarget: 99, sloTarget: Decimal(string: "99.5")!).status == .noData)
    }

    @Test func pagesShowTheOpenPeriodAsSoFarAndPeriodsInTheAgreementsZone() async throws {
        try await Harness.run { harness in
            let world = harness.world
            // the current period so far at 90 % against an SLA of 99.9 %
            let month = PeriodCalendar(window: .calendarMonth, timeZone: .gmt).period(containing: harness.clock.now)
            let start = max(month.start, harness.clock.now.addingTimeInterval(-7200))
            try await PeriodJobsTests.ingest(harness, [MeasurementBucket(start: start, end: start.addingTimeInterval(60), good: 900, valid: 1000)])
            let session = try await harness.session(for: world.manager)
            let page = try await harness.get("/objectives/\(world.objectiveA.id)", as: session)
            #expect(page.text.contains("90.000 % so far: below target so far"))
            // 90 % against an SLO of 99.95 % spends the budget 200 times over: said as such, against the SLO
            #expect(page.text.contains("The error budget against the SLO (99.95 %) is overspent 200× (-19,900.0 %)"))
            let current = try #require(page.text.components(separatedBy: "<tr>").first { $0.contains("(so far)") })
            #expect(current.contains("below target so far") && !current.contains(">breached<"))
            let dashboard = try await harness.get("/dashboard", as: session)
            #expect(dashboard.text.contains("status-below_target\">below target so far"))
            #expect(!dashboard.text.contains(">no_data<") && !dashboard.text.contains(">breached<"))
            // the API says the same
            let token = try await harness.token(for: world.viewer)
            let status = try await harness.api(.get, "/api/v1/objectives/\(world.objectiveA.id)/status", token: token)
            let period = try #require(status.json["period"] as? [String: Any])
            #expect(period["outlook"] as? String == "below_target")
            #expect(period["projected_attainment"] is NSNumber)
        }
    }
}

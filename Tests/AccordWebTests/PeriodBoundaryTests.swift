import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

/// A bucket counts in the period in which it starts, in every zone: half- and quarter-hour offsets, and daylight
/// saving changing on the first day of a month in either direction. Rolling windows end at any instant.
@Suite("Period boundaries in every zone")
struct PeriodBoundaryTests {
    /// The first instant of `month` (`YYYY-MM-01`) in `zone`.
    static func boundary(_ month: String, in zone: String) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: zone))
        let day = try #require(LocalDate(month))
        return try #require(calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day)))
    }

    static func fiveMinuteBuckets(from start: Date, count: Int, good: Int64) -> [MeasurementBucket] {
        (0..<count).map { index in
            let begin = start.addingTimeInterval(TimeInterval(index * 300))
            return MeasurementBucket(start: begin, end: begin.addingTimeInterval(300), good: good, valid: 100)
        }
    }

    /// A monthly vendor SLA (99.9 %, 10 % below 99.9, 30 % below 99.0) in `zone`, active since long before `boundary`.
    static func agreement(_ harness: Harness, zone: String) async throws -> Objective {
        try await harness.ratioObjective(
            title: "Zone \(zone)", zone: zone, since: "2020-01-01", sla: Decimal(string: "99.9")!, slo: Decimal(string: "99.95")!,
            tiers: [CreditTier(threshold: Decimal(string: "99.9")!, percent: 10), CreditTier(threshold: 99, percent: 30)])
    }

    /// The example, in every zone with an odd offset or a daylight-saving change at the month's start: the 30
    /// minutes before the boundary all good, the hour after it all bad. The month before is met with no credit; the
    /// month after is breached, in the API, in the recorded period and in the credit.
    @Test(arguments: [
        ("Asia/Kolkata", "2025-04-01"),  // +05:30: the example (bad buckets from 2025-03-31T18:30Z)
        ("Asia/Kathmandu", "2025-04-01"),  // +05:45
        ("Pacific/Chatham", "2025-04-01"),  // +13:45 (daylight saving)
        ("Pacific/Chatham", "2025-07-01"),  // +12:45
        ("America/St_Johns", "2026-11-01"),  // −02:30 at the boundary, −03:30 two hours later (clocks go back that night)
        ("America/Asuncion", "2023-10-01"),  // clocks go forward at midnight: October starts at 01:00 local
        ("Africa/Cairo", "2024-11-01"),  // clocks went back at midnight the night before
    ])
    func aBucketCountsInThePeriodItStartsIn(zone: String, month: String) async throws {
        try await Harness.run { harness in
            let objective = try await Self.agreement(harness, zone: zone)
            let boundary = try Self.boundary(month, in: zone)
            if zone == "Asia/Kolkata" { #expect(RFC3339.format(boundary) == "2025-03-31T18:30:00Z") }
            let buckets =
                Self.fiveMinuteBuckets(from: boundary.addingTimeInterval(-1800), count: 6, good: 100)
                + Self.fiveMinuteBuckets(from: boundary, count: 12, good: 0)
            try await PeriodJobsTests.ingest(harness, buckets, objective: objective.id)
            let token = try await harness.token(for: harness.world.analyst)
            let from = RFC3339.format(boundary.addingTimeInterval(-86_400))
            let to = RFC3339.format(boundary.addingTimeInterval(86_400))
            // MUT: the periods API before the month closes is recorded, then the closing job
            func rows() async throws -> [[String: Any]] {
                let response = try await harness.api(.get, "/api/v1/objectives/\(objective.id)/periods?from=\(from)&to=\(to)", token: token)
                #expect(response.status == .ok)
                return try #require(response.json["items"] as? [[String: Any]])
            }
            for items in [try await rows(), try await { () async throws -> [[String: Any]] in
                try await harness.repositories.periodRecords.syncSchedule()
                try await TestJobs.runAll(harness.repositories, at: harness.clock.now)
                return try await rows()
            }()] {
                // validation: two periods meet at the boundary
                #expect(items.count == 2)
                #expect(items.map { $0["end"] as? String }.first == RFC3339.format(boundary))
                #expect(items.map { $0["good"] as? Int } == [600, 0])
                #expect(items.map { $0["valid"] as? Int } == [600, 1200])
                #expect(items.map { $0["sla_status"] as? String } == ["met", "breached"])
                #expect(items.first?["attainment"] as? Double == 100)
            }
            let credits = try await harness.repositories.credits.all(filter: .init(), scope: .organisation).filter { $0.objectiveID == objective.id }
            #expect(credits.map(\.periodStart) == [boundary])
            #expect(credits.map(\.percent) == [30])
        }
    }

    /// `periods?to=` on a rolling window counts the buckets starting in [to − N days, to), not rounded to an hour.
    @Test func aRollingWindowEndsAtTheInstantAsked() async throws {
        try await Harness.run { harness in
            let repositories = harness.repositories
            let agreement = try await repositories.agreements.create(
                AgreementDraft(
                    kind: .vendor, title: "Rolling day", vendorID: harness.world.vendorA.id, masterID: harness.world.masterA.id,
                    dependencyKind: .serial, startDate: LocalDate("2025-01-01")),
                scope: .organisation, actor: .system)
            let objective = try await repositories.objectives.create(
                agreementID: agreement.id, versionNumber: 1,
                ObjectiveDraft(name: "Rolling", sliKind: .ratio, slaTarget: 99, sloTarget: Decimal(string: "99.5")!, window: .rollingDays(1)),
                scope: .organisation, actor: .system)
            _ = try await repositories.agreements.changeStatus(
                id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
            // setup: 5-minute buckets from 9 Jun 10:00 to 10 Jun 11:00, each 1 good of 1, except the ones named below
            let start = RFC3339.parse("2025-06-09T10:00:00Z")!
            let buckets = (0..<(25 * 12)).map { index -> MeasurementBucket in
                let begin = start.addingTimeInterval(TimeInterval(index * 300))
                return MeasurementBucket(start: begin, end: begin.addingTimeInterval(300), good: 1, valid: 1)
            }
            try await PeriodJobsTests.ingest(harness, buckets, objective: objective.id)
            let token = try await harness.token(for: harness.world.analyst)
            // MUT
            let response = try await harness.api(
                .get, "/api/v1/objectives/\(objective.id)/periods?to=2025-06-10T10:40:00Z", token: token)
            // validation: [9 Jun 10:40, 10 Jun 10:40) holds exactly 24 × 12 buckets
            #expect(response.status == .ok)
            let row = try #require((response.json["items"] as? [[String: Any]])?.first)
            #expect(row["start"] as? String == "2025-06-09T10:40:00Z")
            #expect(row["end"] as? String == "2025-06-10T10:40:00Z")
            #expect(row["valid"] as? Int == 288)
            let quarter = try await harness.api(.get, "/api/v1/objectives/\(objective.id)/periods?to=2025-06-10T10:42:30Z", token: token)
            // a bucket starting before the window's start does not count, one starting inside does
            #expect((quarter.json["items"] as? [[String: Any]])?.first?["valid"] as? Int == 288)
            // the window has lineage too: the N days from the start the list gave, adding up to its figure
            let lineage = try await harness.api(.get, "/api/v1/objectives/\(objective.id)/periods/2025-06-09T10:40:00Z/lineage", token: token)
            #expect(lineage.status == .ok)
            #expect((lineage.json["period"] as? [String: Any])?["end"] as? String == "2025-06-10T10:40:00Z")
            let batches = try #require(lineage.json["batches"] as? [[String: Any]])
            #expect(batches.compactMap { $0["valid_in_period"] as? Int }.reduce(0, +) == 288)
            #expect(batches.compactMap { $0["buckets_in_period"] as? Int }.reduce(0, +) == 288)
        }
    }
}

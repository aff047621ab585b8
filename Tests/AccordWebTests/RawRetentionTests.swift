import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import NIOCore
import Testing

@Suite("Raw buckets past their retention span")
struct RawRetentionTests {
    /// A vendor SLA in `zone` from 2025-01-01 with one calendar-month objective: its id and series.
    static func objective(_ harness: Harness, title: String, zone: String) async throws -> (id: Int64, series: Int64) {
        let repositories = harness.repositories
        let agreement = try await repositories.agreements.create(
            AgreementDraft(
                kind: .vendor, title: title, vendorID: harness.world.vendorA.id, masterID: harness.world.masterA.id, dependencyKind: .serial,
                timeZone: zone, startDate: LocalDate("2025-01-01")),
            scope: .organisation, actor: .system)
        let objective = try await repositories.objectives.create(
            agreementID: agreement.id, versionNumber: 1,
            ObjectiveDraft(
                name: "Availability", sliKind: .ratio, slaTarget: 99, sloTarget: Decimal(string: "99.5")!, window: .calendarMonth,
                exclusionKinds: [.plannedMaintenance]),
            scope: .organisation, actor: .system)
        _ = try await repositories.agreements.changeStatus(
            id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
        return (objective.id, objective.seriesID)
    }

    /// Ten-minute buckets from `from` to `to`, one bad event in every seventh.
    static func buckets(from: String, to: String) throws -> [MeasurementBucket] {
        let start = try #require(RFC3339.parse(from))
        let end = try #require(RFC3339.parse(to))
        return stride(from: start.timeIntervalSince1970, to: end.timeIntervalSince1970, by: 600).enumerated().map { index, instant in
            let begin = Date(timeIntervalSince1970: instant)
            return MeasurementBucket(start: begin, end: begin.addingTimeInterval(600), good: index % 7 == 0 ? 99 : 100, valid: 100)
        }
    }

    static func ingest(_ harness: Harness, objective: Int64, _ buckets: [MeasurementBucket]) async throws {
        _ = try await harness.repositories.measurements.ingest(
            objectiveID: objective, source: "probe", buckets: buckets, scope: .organisation,
            sender: BatchSender(userID: harness.world.analyst.id, credential: "api_token"))
    }

    @Test func aClosedPeriodAndItsLineageReadTheSameAfterItsRawMonthIsDropped() async throws {
        try await Harness.run { harness in
            // setup: March 2025 in UTC (two batches, one reaching into April, an approved exclusion over part of a bucket)
            // and in Kolkata (+05:30: its month starts inside an hour), the periods closed on raw data
            let utc = try await Self.objective(harness, title: "Alpha edge SLA", zone: "UTC")
            let kolkata = try await Self.objective(harness, title: "Alpha Mumbai SLA", zone: "Asia/Kolkata")
            for objective in [utc.id, kolkata.id] {
                try await Self.ingest(harness, objective: objective, try Self.buckets(from: "2025-02-28T12:00:00Z", to: "2025-03-17T00:00:00Z"))
                try await Self.ingest(harness, objective: objective, try Self.buckets(from: "2025-03-17T00:00:00Z", to: "2025-04-02T00:00:00Z"))
            }
            _ = try await harness.repositories.exclusions.create(
                objectiveID: utc.id,
                ExclusionDraft(
                    kind: .plannedMaintenance, reason: "Storage firmware", startsAt: RFC3339.parse("2025-03-10T10:05:00Z"),
                    endsAt: RFC3339.parse("2025-03-10T11:00:00Z")),
                scope: .organisation, actor: .system)
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: harness.clock.now)
            let token = try await harness.token(for: harness.world.analyst)
            func read(_ objective: Int64, start: String) async throws -> (period: [String: Any], lineage: [[String: Any]], summarised: [Any]) {
                let periods = try await harness.api(
                    .get, "/api/v1/objectives/\(objective)/periods?from=2025-03-10T00:00:00Z&to=2025-03-11T00:00:00Z", token: token)
                #expect(periods.status == .ok, "\(periods.text.prefix(300))")
                let row = try #require((periods.json["items"] as? [[String: Any]])?.first)
                #expect(row["start"] as? String == start)
                let lineage = try await harness.api(.get, "/api/v1/objectives/\(objective)/periods/\(start)/lineage", token: token)
                #expect(lineage.status == .ok, "\(lineage.text.prefix(300))")
                return (row, try #require(lineage.json["batches"] as? [[String: Any]]), lineage.json["summarised_months"] as? [Any] ?? [])
            }
            let before = (utc: try await read(utc.id, start: "2025-03-01T00:00:00Z"), kolkata: try await read(kolkata.id, start: "2025-02-28T18:30:00Z"))
            #expect(before.utc.period["revision"] as? Int == 1 && before.utc.lineage.count == 2 && before.utc.summarised.isEmpty)
            #expect(before.utc.period["valid"] as? Double != before.utc.period["good"] as? Double)
            // MUT: the retention job at 100 days
            // (a week after the last batch: before, the month may still be being backfilled)
            let fresh = try await RawRetentionJob(repositories: harness.repositories, days: 100).run(now: harness.clock.now)
            #expect(fresh.summary.contains("2025-03 kept: a batch was written to it"), "\(fresh.summary)")
            let report = try await RawRetentionJob(repositories: harness.repositories, days: 100).run(now: harness.clock.now.addingTimeInterval(8 * 86_400))
            // validation: February to April 2025 were summarised and their partitions are gone
            #expect(report.summary.contains("2025-03: "), "\(report.summary)")
            for month in ["2025m02", "2025m03", "2025m04"] {
                let gone = try await harness.database.query("SELECT to_regclass(\("measurements_y" + month)) IS NULL").first?.decode(Bool.self)
                #expect(gone == true, "\(month)")
            }
            // the figures and each batch's share read the same (only the note that the raw buckets went is new)
            let after = (utc: try await read(utc.id, start: "2025-03-01T00:00:00Z"), kolkata: try await read(kolkata.id, start: "2025-02-28T18:30:00Z"))
            for (old, new) in [(before.utc, after.utc), (before.kolkata, after.kolkata)] {
                for key in ["good", "valid", "attainment", "sla_status", "revision"] {
                    #expect("\(old.period[key] ?? "nil")" == "\(new.period[key] ?? "nil")", "\(key)")
                }
                #expect(old.lineage.count == new.lineage.count)
                for (was, now) in zip(old.lineage, new.lineage) {
                    for key in ["batch_id", "row_count", "content_hash", "buckets_in_period", "good_in_period", "valid_in_period", "counted_good_exact", "counted_valid_exact"] {
                        #expect("\(was[key] ?? "nil")" == "\(now[key] ?? "nil")", "\(key)")
                    }
                }
                #expect((new.summarised.first as? [String: Any])?["month"] as? String == "2025-03" || new.summarised.count == 2)
            }
            // a recompute over the dropped span (from the rollup, the digests and the raw buckets kept) gives the same figure
            try await harness.database.query(
                """
                INSERT INTO recompute_requests (series_id, span_start, span_end, reason)
                VALUES (\(utc.series), '2025-03-01T00:00:00Z', '2025-04-01T00:00:00Z', 'late_data'),
                       (\(kolkata.series), '2025-02-28T18:30:00Z', '2025-03-31T18:30:00Z', 'late_data')
                """)
            try await PeriodRecompute(repositories: harness.repositories).run(now: harness.clock.now)
            let recomputed = (utc: try await read(utc.id, start: "2025-03-01T00:00:00Z"), kolkata: try await read(kolkata.id, start: "2025-02-28T18:30:00Z"))
            for (old, new) in [(before.utc, recomputed.utc), (before.kolkata, recomputed.kolkata)] {
                for key in ["good", "valid", "attainment", "sla_status"] {
                    #expect("\(old.period[key] ?? "nil")" == "\(new.period[key] ?? "nil")", "\(key)")
                }
            }
            // the period's page says where its figure reads from
            let page = try await harness.get("/objectives/\(utc.id)/periods/2025-03-01T00:00:00Z", as: try await harness.session(for: harness.world.analyst))
            #expect(page.text.contains("The raw buckets of Mar 2025 (summarised"), "\(page.text.prefix(200))")
            // an exclusion over it is refused: its share would be taken from buckets that are gone
            await #expect(throws: ValidationErrors.self) {
                _ = try await harness.repositories.exclusions.create(
                    objectiveID: utc.id,
                    ExclusionDraft(
                        kind: .plannedMaintenance, reason: "Late paperwork", startsAt: RFC3339.parse("2025-03-20T10:00:00Z"),
                        endsAt: RFC3339.parse("2025-03-20T11:00:00Z")),
                    scope: .organisation, actor: .system)
            }
            // late data for a summarised month is refused, naming the row; nothing is stored
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(token)"
            headers[.contentType] = "text/csv"
            let late = try await harness.client.execute(
                uri: "/api/v1/objectives/\(utc.id)/measurements?source=late", method: .post, headers: headers,
                body: ByteBuffer(string: "start,end,good,valid\n2025-03-20T10:00:00Z,2025-03-20T10:01:00Z,1,1\n"))
            #expect(late.status == .unprocessableContent)
            #expect(late.text.contains("were summarised") && late.text.contains("\"row\":1"), "\(late.text.prefix(300))")
        }
    }

    @Test func aMonthAnOpenDisputeConcernsIsKeptUntilItIsDecided() async throws {
        try await Harness.run { harness in
            // setup: March 2025 measured and closed; a dispute of that period still open
            let utc = try await Self.objective(harness, title: "Alpha edge SLA", zone: "UTC")
            try await Self.ingest(harness, objective: utc.id, try Self.buckets(from: "2025-03-01T00:00:00Z", to: "2025-03-03T00:00:00Z"))
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: harness.clock.now)
            let agreement = try #require(
                try await harness.database.query(
                    "SELECT v.agreement_id FROM objectives o JOIN agreement_versions v ON v.id = o.version_id WHERE o.id = \(utc.id)"
                ).first?.decode(Int64.self))
            try await harness.database.query(
                """
                INSERT INTO disputes (agreement_id, vendor_id, objective_id, series_id, period_start, period_end, subject, statement)
                VALUES (\(agreement), \(harness.world.vendorA.id), \(utc.id), \(utc.series), '2025-03-01T00:00:00Z', '2025-04-01T00:00:00Z', 'period',
                        'Our own probes saw no outage on 2 March.')
                """)
            let job = RawRetentionJob(repositories: harness.repositories, days: 100)
            // MUT: the job while the dispute is open, then once it is decided
            let later = harness.clock.now.addingTimeInterval(8 * 86_400)
            let held = try await job.run(now: later)
            #expect(held.summary.contains("2025-03 kept: open disputes"), "\(held.summary)")
            #expect(try await harness.database.query("SELECT to_regclass('measurements_y2025m03') IS NOT NULL").first?.decode(Bool.self) == true)
            // a period over the month not closed yet (as a quarter's first month has) holds it too
            let march = DateInterval(start: try #require(RFC3339.parse("2025-03-01T00:00:00Z")), end: try #require(RFC3339.parse("2025-04-01T00:00:00Z")))
            try await harness.database.query(
                "UPDATE series_schedule SET closed_through = '2025-01-01T00:00:00Z' WHERE series_id = \(utc.series) RETURNING closed_through")
            #expect(try await harness.repositories.retention.holds(month: march, now: later).contains { $0.contains("not closed yet") })
            try await harness.database.query("UPDATE series_schedule SET closed_through = '2025-04-01T00:00:00Z' WHERE series_id = \(utc.series)")
            try await harness.database.query("UPDATE disputes SET status = 'rejected', decided_at = now() WHERE series_id = \(utc.series)")
            let dropped = try await job.run(now: later)
            // validation
            #expect(dropped.summary.contains("2025-03: 288 raw buckets summarised and dropped, 0 kept"), "\(dropped.summary)")
            #expect(try await harness.database.query("SELECT to_regclass('measurements_y2025m03') IS NULL").first?.decode(Bool.self) == true)
            // the database itself refuses a month younger than 62 days, whatever the server's role asks
            let recent = MeasurementRepository.monthAfter(harness.clock.now.addingTimeInterval(-40 * 86_400))
            await #expect(throws: (any Error).self) {
                _ = try await harness.repositories.retention.summarise(
                    month: recent.addingTimeInterval(-86_400 * 20), keepingSeries: [])
            }
        }
    }
}

import AccordDomain
import AccordStorage
import AccordTestSupport
import AccordWeb
import Foundation
import NIOCore
import Testing

/// Closing periods, late data and exclusions making new revisions, breaches, credits and alert state: through the
/// jobs the server runs, and the API and pages people use.
@Suite("Period jobs")
struct PeriodJobsTests {
    static let december = RFC3339.parse("2026-12-15T00:00:00Z")!
    static let october = RFC3339.parse("2026-10-01T00:00:00Z")!

    static func bucket(_ start: String, minutes: Int = 60, good: Int64, valid: Int64) -> MeasurementBucket {
        let begin = RFC3339.parse(start)!
        return MeasurementBucket(start: begin, end: begin.addingTimeInterval(TimeInterval(minutes * 60)), good: good, valid: valid)
    }

    static func ingest(_ harness: Harness, _ buckets: [MeasurementBucket], objective: Int64? = nil) async throws {
        _ = try await harness.repositories.measurements.ingest(
            objectiveID: objective ?? harness.world.objectiveA.id, source: "probe", buckets: buckets, scope: .organisation,
            sender: BatchSender(userID: harness.world.analyst.id, credential: "test"))
    }

    /// The October row of the periods API for world objective A.
    static func october(_ harness: Harness, token: String) async throws -> [String: Any] {
        let response = try await harness.api(
            .get, "/api/v1/objectives/\(harness.world.objectiveA.id)/periods?from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z", token: token)
        #expect(response.status == .ok)
        return try #require((response.json["items"] as? [[String: Any]])?.first)
    }

    @Test func lateDataMakesANewRevisionAndKeepsThePriorFigure() async throws {
        try await Harness.run { harness in
            // setup: October recorded at 99.8 % (breached, credit computed)
            try await Self.ingest(harness, [Self.bucket("2026-10-10T00:00:00Z", good: 998, valid: 1000)])
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: Self.december)
            let token = try await harness.token(for: harness.world.analyst)
            #expect(try await Self.october(harness, token: token)["revision"] as? Int == 1)
            // MUT: a late batch for October arrives through the API
            let response = try await harness.api(
                .post, "/api/v1/objectives/\(harness.world.objectiveA.id)/measurements", token: token,
                json: #"{"source":"probe","buckets":[{"start":"2026-10-20T00:00:00Z","end":"2026-10-20T01:00:00Z","good":1000,"valid":1000}]}"#)
            #expect(response.status == .created)
            // validation: the figure is current when the 201 arrives, as revision 2, with revision 1 kept
            let october = try await Self.october(harness, token: token)
            #expect(october["revision"] as? Int == 2)
            #expect(october["attainment"] as? Double == 99.9)
            #expect(october["sla_status"] as? String == "met")
            let prior = try #require((october["prior_revisions"] as? [[String: Any]])?.first)
            #expect(prior["attainment"] as? Double == 99.8)
            #expect(prior["reason"] as? String == "close")
            #expect(october["revision_reason"] as? String == "late_data")
            #expect(prior["sla_status"] as? String == "breached")
            let audit = try await harness.database.query(
                "SELECT count(*)::int8 FROM audit_log WHERE action = 'recompute' AND entity = 'period'"
            ).first!.decode(Int64.self)
            #expect(audit == 1)
            // the SLA breach gives way to an SLO breach (99.9 < 99.95) and the computed credit is withdrawn, on the record
            let breaches = try await harness.repositories.periodRecords.breaches(seriesID: harness.world.objectiveA.seriesID)
            #expect(breaches.map(\.severity) == ["slo"])
            #expect(breaches.first?.revision == 2)
            #expect(try await harness.repositories.credits.all(filter: .init(), scope: .organisation).isEmpty)
            let withdrawn = try await harness.database.query(
                "SELECT count(*)::int8 FROM audit_log WHERE action = 'withdraw' AND entity = 'credit'"
            ).first!.decode(Int64.self)
            #expect(withdrawn == 1)
        }
    }

    @Test func exclusionsRemoveCoveredTimeAndRecomputeClosedPeriods() async throws {
        try await Harness.run { harness in
            // setup: an hour of outage then a good hour in October: 50 %, recorded
            let world = harness.world
            try await Self.ingest(
                harness, [Self.bucket("2026-10-10T10:00:00Z", good: 0, valid: 1000), Self.bucket("2026-10-10T11:00:00Z", good: 1000, valid: 1000)])
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: Self.december)
            let manager = try await harness.token(for: world.manager)
            let path = "/api/v1/objectives/\(world.objectiveA.id)/exclusions"
            // refused: a kind the terms do not allow, an end before the start, a missing reason; nothing is stored
            let bad = try await harness.api(
                .post, path, token: manager,
                json: #"{"kind":"force_majeure","reason":"","starts_at":"2026-10-10T10:30:00Z","ends_at":"2026-10-10T10:00:00Z"}"#)
            #expect(bad.status == .unprocessableContent)
            let fields = ((bad.json["error"] as? [String: Any])?["details"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(Set(fields) == ["kind", "reason", "ends_at"])
            // vendor users may not create exclusions here: their own objective answers 403, another vendor's 404
            let vendorA = try await harness.token(for: world.vendorUserA)
            let vendorB = try await harness.token(for: world.vendorUserB)
            let claim = #"{"kind":"planned_maintenance","reason":"Patch window","starts_at":"2026-10-10T10:00:00Z","ends_at":"2026-10-10T10:30:00Z"}"#
            #expect(try await harness.api(.post, path, token: vendorA, json: claim).status == .forbidden)
            #expect(try await harness.api(.post, path, token: vendorB, json: claim).status == .notFound)
            #expect(try await harness.api(.get, path, token: vendorB).status == .notFound)
            #expect(try await harness.database.query("SELECT count(*)::int8 FROM exclusions").first!.decode(Int64.self) == 0)
            // MUT: the manager excludes the first half of the outage hour
            let created = try await harness.api(.post, path, token: manager, json: claim)
            #expect(created.status == .created)
            let exclusionID = try #require(created.json["id"] as? Int)
            // validation: half of the outage bucket leaves good and valid: 1000 / 1500
            var october = try await Self.october(harness, token: manager)
            #expect(october["valid"] as? Double == 1500)
            #expect(october["good"] as? Double == 1000)
            #expect(october["revision"] as? Int == 2)
            #expect(october["revision_reason"] as? String == "exclusion")
            // the vendor sees the exclusion on its objective
            let listed = try await harness.api(.get, path, token: vendorA)
            #expect((listed.json["items"] as? [[String: Any]])?.first?["reason"] as? String == "Patch window")
            // revoking through the page needs a reason, keeps what was typed, then restores the figure as revision 3
            let session = try await harness.session(for: world.manager)
            let revokePath = "/objectives/\(world.objectiveA.id)/exclusions/\(exclusionID)/revoke"
            #expect(try await harness.get(revokePath, as: session).text.contains("Revoke this exclusion?"))
            let missing = try await harness.post(revokePath, [("reason", "  ")], as: session)
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains("Say why the exclusion is revoked"))
            let revoked = try await harness.post(revokePath, [("reason", "Window was not announced")], as: session)
            #expect(revoked.status == .seeOther)
            october = try await Self.october(harness, token: manager)
            #expect(october["valid"] as? Double == 2000)
            #expect(october["revision"] as? Int == 3)
            let again = try await harness.post(revokePath, [("reason", "twice")], as: session)
            #expect(again.text.contains("already revoked"))
            let audit = try await harness.database.query(
                "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE entity = 'exclusion'"
            ).first!.decode(String.self)
            #expect(audit == "create,revoke")
            // the page lists it as revoked with the reason, and the period page explains the figure
            let page = try await harness.get("/objectives/\(world.objectiveA.id)", as: session)
            #expect(page.text.contains("Revoked: Window was not announced"))
            let period = try await harness.get("/objectives/\(world.objectiveA.id)/periods/2026-10-01T00:00:00Z", as: session)
            #expect(period.status == .ok)
            #expect(period.text.contains("Patch window"))
            #expect(period.text.contains("2 buckets: 1,000 good of 2,000 valid"))
        }
    }

    @Test func theExclusionFormKeepsWhatWasTypedAndReadsLocalTimeInTheAgreementsZone() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let session = try await harness.session(for: world.manager)
            let path = "/objectives/\(world.objectiveA.id)/exclusions"
            #expect(try await harness.get("\(path)/new", as: session).status == .ok)
            let bad = try await harness.post(
                path, [("kind", "planned_maintenance"), ("starts_at", "2026-10-10T10:00"), ("ends_at", ""), ("reason", "Kept reason")], as: session)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("Kept reason"))
            #expect(bad.text.contains("value=\"2026-10-10T10:00\""))
            let good = try await harness.post(
                path, [("kind", "planned_maintenance"), ("starts_at", "2026-10-10T10:00"), ("ends_at", "2026-10-10T11:00"), ("reason", "Upgrade")],
                as: session)
            #expect(good.status == .seeOther)
            let stored = try await harness.repositories.exclusions.list(objectiveID: world.objectiveA.id, scope: .organisation)
            #expect(stored.first?.startsAt == RFC3339.parse("2026-10-10T10:00:00Z"))  // the agreement's zone is UTC
            // a vendor user cannot open the form
            #expect(try await harness.get("\(path)/new", as: try await harness.session(for: world.vendorUserA)).status == .forbidden)
        }
    }

    @Test func ticketEventsArriveOutOfOrderAcrossBatchesAndTimersUseWholeHistories() async throws {
        try await Harness.run { harness in
            // setup: a ticket SLA for vendor A, resolution within 2 h for P1, around the clock
            let world = harness.world
            let repositories = harness.repositories
            let objective = try await harness.ticketObjective(.ticketResolution, exclusionKinds: [.customerCaused])
            let token = try await harness.token(for: world.analyst)
            let path = "/api/v1/objectives/\(objective.id)/ticket-events"
            // MUT: the resolution of T1 comes before its creation; T2's pause arrives in the second batch
            let csv =
                "ticket,priority,type,at\nT1,P1,resolved,2026-10-05T12:00:00Z\nT2,P1,created,2026-10-05T08:00:00Z\nT2,P1,resolved,2026-10-05T11:00:00Z\nT3,P1,created,2026-10-06T08:00:00Z\n"
            let first = try await harness.client.execute(
                uri: path, method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "text/csv"], body: ByteBuffer(string: csv))
            #expect(first.status == .created)
            let second = try await harness.api(
                .post, path, token: token,
                json:
                    #"{"events":[{"ticket":"T1","priority":"P1","type":"created","at":"2026-10-05T09:00:00Z"},{"ticket":"T2","priority":"P1","type":"paused","at":"2026-10-05T09:00:00Z"},{"ticket":"T2","priority":"P1","type":"resumed","at":"2026-10-05T10:05:00Z"}]}"#
            )
            #expect(second.status == .created)
            // validation: T1 took 3 h (breached), T2 paused 65 min so its deadline moved to 11:05 (met), T3 never resolved (breached at 10:00)
            let periods = try await harness.api(
                .get, "/api/v1/objectives/\(objective.id)/periods?from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z", token: token)
            let october = try #require((periods.json["items"] as? [[String: Any]])?.first)
            #expect(october["good"] as? Double == 1)
            #expect(october["valid"] as? Double == 3)
            let outcomes = try await repositories.tickets.outcomes(
                seriesID: objective.seriesID, span: DateInterval(start: Self.october, end: RFC3339.parse("2026-11-01T00:00:00Z")!))
            #expect(outcomes.first { $0.ticket == "T2" }?.deadline == RFC3339.parse("2026-10-05T11:05:00Z"))
            #expect(outcomes.first { $0.ticket == "T3" }?.knownAt == RFC3339.parse("2026-10-06T10:00:00Z"))
            // the same events again are stored once
            let repeated = try await harness.client.execute(
                uri: path, method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "text/csv"], body: ByteBuffer(string: csv))
            #expect(repeated.json["accepted"] as? Int == 0)
            #expect(repeated.json["duplicates"] as? Int == 4)
            // a bad batch names row, field and reason and stores nothing
            let before = try await DatabaseSnapshot.take(harness.database)
            let bad = try await harness.api(
                .post, path, token: token,
                json:
                    #"{"events":[{"ticket":"T4","priority":"P1","type":"escalated","at":"2026-10-07T08:00:00Z"},{"ticket":"T4","priority":"P9","type":"created","at":"2026-10-07T08:00:00"}]}"#
            )
            #expect(bad.status == .unprocessableContent)
            let details = ((bad.json["error"] as? [String: Any])?["details"] as? [[String: Any]]) ?? []
            #expect(details.contains { $0["row"] as? Int == 1 && $0["field"] as? String == "type" })
            #expect(details.contains { $0["row"] as? Int == 2 && $0["field"] as? String == "priority" })
            #expect(details.contains { $0["row"] as? Int == 2 && $0["field"] as? String == "at" })
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
            // buckets for a ticket objective, and ticket events for a ratio one, are refused
            let wrong = try await harness.api(
                .post, "/api/v1/objectives/\(world.objectiveA.id)/ticket-events", token: token,
                json: #"{"events":[{"ticket":"T1","priority":"P1","type":"created","at":"2026-10-05T09:00:00Z"}]}"#)
            #expect(wrong.status == .unprocessableContent || wrong.status == .conflict)
            // an exclusion pauses the timers: excluding T1's 10:00–11:00 brings it to 2 h, met
            let manager = try await harness.token(for: world.manager)
            let excluded = try await harness.api(
                .post, "/api/v1/objectives/\(objective.id)/exclusions", token: manager,
                json:
                    #"{"kind":"customer_caused","reason":"Waiting on customer","starts_at":"2026-10-05T10:00:00Z","ends_at":"2026-10-05T11:00:00Z"}"#)
            #expect(excluded.status == .created)
            let after = try await harness.api(
                .get, "/api/v1/objectives/\(objective.id)/periods?from=2026-10-01T00:00:00Z&to=2026-10-02T00:00:00Z", token: token)
            #expect((after.json["items"] as? [[String: Any]])?.first?["good"] as? Double == 2)
        }
    }

    @Test func alertStateChangesAreRecorded() async throws {
        try await Harness.run { harness in
            // setup: the last hour at 90 % good in 5-minute buckets: a burn rate of 200 against the 99.95 % SLO
            let world = harness.world
            let now = RFC3339.parse("2026-11-20T12:00:00Z")!
            let buckets = (0..<12).map { index in
                let start = now.addingTimeInterval(TimeInterval(-3600 + index * 300))
                return MeasurementBucket(start: start, end: start.addingTimeInterval(300), good: 900, valid: 1000)
            }
            try await Self.ingest(harness, buckets)
            try await harness.repositories.periodRecords.syncSchedule()
            // MUT: the alert job runs now, then seven hours later with no new data
            let firing = try await TestJobs.runAll(harness.repositories, at: now)["alert-evaluation"]?.items ?? 0
            let quiet = try await TestJobs.runAll(harness.repositories, at: now.addingTimeInterval(7 * 3600))["alert-evaluation"]?.items ?? 0
            // validation: the page and ticket rules whose windows both burn started firing, then resolved
            #expect(firing >= 2)
            let events = try await harness.repositories.periodRecords.alertEvents(seriesID: world.objectiveA.seriesID)
            #expect(events.contains { $0.state == "firing" && $0.rule == "14.4x over 1h and 5m" && $0.longBurn == 200 })
            #expect(events.contains { $0.state == "resolved" && $0.rule == "14.4x over 1h and 5m" })
            #expect(quiet == firing)
            let page = try await harness.get("/objectives/\(world.objectiveA.id)", as: try await harness.session(for: world.manager))
            #expect(page.text.contains("14.4x over 1h and 5m: firing"))
            // and in the API, with the status
            let status = try await harness.api(
                .get, "/api/v1/objectives/\(world.objectiveA.id)/status", token: try await harness.token(for: world.manager))
            let history = try #require(status.json["alert_history"] as? [[String: Any]])
            #expect(history.contains { $0["rule"] as? String == "14.4x over 1h and 5m" && $0["state"] as? String == "resolved" })
            // the burn-rate alerts are the customer's internal figures: the vendor's user sees none of them
            let vendorPage = try await harness.get("/objectives/\(world.objectiveA.id)", as: try await harness.session(for: world.vendorUserA))
            #expect(vendorPage.status == .ok && !vendorPage.text.contains("14.4x"))
        }
    }
}

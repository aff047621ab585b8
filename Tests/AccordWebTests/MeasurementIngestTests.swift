import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@Suite("Measurement ingest")
struct MeasurementIngestTests {
    func post(
        _ harness: Harness, objective: Int64, token: String, contentType: String, body: String, query: String = "", key: String? = nil
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        if let key { headers[HTTPField.Name("Idempotency-Key")!] = key }
        headers[.authorization] = "Bearer \(token)"
        headers[.contentType] = contentType
        return try await harness.client.execute(
            uri: "/api/v1/objectives/\(objective)/measurements\(query)", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func jsonAndCSVBatchesAreStoredAndCounted() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let token = try await harness.token(for: world.analyst)
            // MUT: JSON
            let json = try await self.post(
                harness, objective: world.objectiveA.id, token: token, contentType: "application/json",
                body:
                    #"{"source":"prometheus","buckets":[{"start":"2026-11-01T10:00:00Z","end":"2026-11-01T10:01:00Z","good":999,"valid":1000},{"start":"2026-11-01T10:01:00Z","end":"2026-11-01T10:02:00Z","good":1000,"valid":1000}]}"#
            )
            #expect(json.status == .created)
            #expect(json.json["accepted"] as? Int == 2)
            #expect((json.json["content_hash"] as? String)?.count == 64)
            // and CSV, from another source, in another month's partition
            let csv = try await self.post(
                harness, objective: world.objectiveA.id, token: token, contentType: "text/csv",
                body: "start,end,good,valid\n2026-12-01T00:00:00+01:00,2026-12-01T00:05:00+01:00,10,10\n", query: "?source=pingdom")
            #expect(csv.status == .created)
            // validation: the rollup sums them where they start
            let counts = try await harness.repositories.measurements.counts(
                seriesID: world.objectiveA.seriesID, sliKind: .ratio,
                spans: [DateInterval(start: RFC3339.parse("2026-11-01T00:00:00Z")!, end: RFC3339.parse("2026-12-01T00:00:00Z")!)], now: Date())
            #expect(counts.first == EventCounts(good: 2009, valid: 2010))
            let batches = try await harness.database.query("SELECT count(*) FROM measurement_batches WHERE user_id = \(world.analyst.id)").first!
                .decode(Int.self)
            #expect(batches == 2)
        }
    }

    @Test func aBadBatchIsRefusedWholeNamingRowFieldAndReason() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let token = try await harness.token(for: world.analyst)
            let response = try await self.post(
                harness, objective: world.objectiveA.id, token: token, contentType: "text/csv",
                body: "start,end,good,valid\n2026-11-01T10:00:00Z,2026-11-01T10:01:00Z,5,5\n2026-11-01T10:01:00,2026-11-01T10:02:00Z,6,5\n")
            #expect(response.status == .unprocessableContent)
            let details = try #require((response.json["error"] as? [String: Any])?["details"] as? [[String: Any]])
            #expect(details.contains { $0["row"] as? Int == 2 && $0["field"] as? String == "start" })
            #expect(details.contains { $0["row"] as? Int == 2 && $0["field"] as? String == "good" })
            #expect(try await harness.database.query("SELECT count(*) FROM measurements").first!.decode(Int.self) == 0)
            let header = try await self.post(harness, objective: world.objectiveA.id, token: token, contentType: "text/csv", body: "a,b\n1,2\n")
            #expect(header.status == .unprocessableContent)
        }
    }

    @Test func overlappingAStoredBucketOfTheSameSourceIsRefused() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let token = try await harness.token(for: world.manager)
            let first = #"{"source":"probe","buckets":[{"start":"2026-11-01T10:00:00Z","end":"2026-11-01T10:10:00Z","good":1,"valid":1}]}"#
            #expect(
                try await self.post(harness, objective: world.objectiveA.id, token: token, contentType: "application/json", body: first).status
                    == .created)
            let overlapping =
                #"{"source":"probe","buckets":[{"start":"2026-11-01T10:10:00Z","end":"2026-11-01T10:20:00Z","good":1,"valid":1},{"start":"2026-11-01T10:05:00Z","end":"2026-11-01T10:06:00Z","good":1,"valid":1}]}"#
            let refused = try await self.post(
                harness, objective: world.objectiveA.id, token: token, contentType: "application/json", body: overlapping)
            #expect(refused.status == .unprocessableContent)
            let details = try #require((refused.json["error"] as? [String: Any])?["details"] as? [[String: Any]])
            #expect(details.map { $0["row"] as? Int } == [2])
            // another source may cover the same span
            let other = #"{"source":"synthetic","buckets":[{"start":"2026-11-01T10:05:00Z","end":"2026-11-01T10:06:00Z","good":1,"valid":1}]}"#
            #expect(
                try await self.post(harness, objective: world.objectiveA.id, token: token, contentType: "application/json", body: other).status
                    == .created)
            #expect(try await harness.database.query("SELECT count(*) FROM measurements").first!.decode(Int.self) == 2)
        }
    }

    @Test func theSameFileSentTwiceIsRefusedOnceSayingWhenItArrived() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let token = try await harness.token(for: world.analyst)
            let csv = "start,end,good,valid\n" + (0..<30).map { minute in
                let start = RFC3339.parse("2026-11-02T10:00:00Z")!.addingTimeInterval(Double(minute) * 60)
                return "\(RFC3339.format(start)),\(RFC3339.format(start.addingTimeInterval(60))),99,100"
            }.joined(separator: "\n") + "\n"
            let first = try await self.post(
                harness, objective: world.objectiveA.id, token: token, contentType: "text/csv", body: csv, query: "?source=probe")
            #expect(first.status == .created, "\(first.text)")
            // MUT: the same file again
            let again = try await self.post(
                harness, objective: world.objectiveA.id, token: token, contentType: "text/csv", body: csv, query: "?source=probe")
            // validation: one problem, not thirty, naming when the first arrived; nothing stored twice
            #expect(again.status == .unprocessableContent)
            let details = try #require((again.json["error"] as? [String: Any])?["details"] as? [[String: Any]])
            #expect(details.count == 1 && (details.first?["message"] as? String)?.contains("already received on") == true, "\(again.text)")
            #expect(try await harness.database.query("SELECT count(*) FROM measurements").first!.decode(Int.self) == 30)
        }
    }

    @Test func rolesOversizedBodiesAndTicketObjectives() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let viewer = try await harness.token(for: world.viewer)
            let body = #"{"source":"x","buckets":[{"start":"2026-11-01T10:00:00Z","end":"2026-11-01T10:01:00Z","good":1,"valid":1}]}"#
            #expect(
                try await self.post(harness, objective: world.objectiveA.id, token: viewer, contentType: "application/json", body: body).status
                    == .forbidden)
            let analyst = try await harness.token(for: world.analyst)
            let huge = "start,end,good,valid\n" + String(repeating: "2026-11-01T10:00:00Z,2026-11-01T10:01:00Z,1,1\n", count: 800_000)
            #expect(
                try await self.post(harness, objective: world.objectiveA.id, token: analyst, contentType: "text/csv", body: huge).status
                    == .contentTooLarge)
            let ticket = try await harness.repositories.agreements.create(
                AgreementDraft(
                    kind: .vendor, title: "Desk", vendorID: world.vendorA.id, masterID: world.masterA.id, dependencyKind: .serial,
                    startDate: LocalDate("2026-01-01")),
                scope: .organisation, actor: .system)
            let objective = try await harness.repositories.objectives.create(
                agreementID: ticket.id, versionNumber: 1,
                ObjectiveDraft(
                    name: "Response", sliKind: .ticketResponse, slaTarget: 90, sloTarget: 95, window: .calendarMonth,
                    priorityGoals: [PriorityGoal(priority: "P1", goalMinutes: 30)]),
                scope: .organisation, actor: .system)
            let wrongKind = try await self.post(harness, objective: objective.id, token: analyst, contentType: "application/json", body: body)
            #expect(wrongKind.status == .conflict)
            #expect(wrongKind.text.contains("ticket-events"))
        }
    }

    @Test func anIdempotencyKeyReplaysTheFirstResponseAndRefusesAnotherBody() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let token = try await harness.token(for: world.analyst)
            let body = #"{"source":"probe","buckets":[{"start":"2026-11-02T10:00:00Z","end":"2026-11-02T10:01:00Z","good":7,"valid":8}]}"#
            let first = try await self.post(
                harness, objective: world.objectiveA.id, token: token, contentType: "application/json", body: body, key: "k-1")
            #expect(first.status == .created)
            let retry = try await self.post(
                harness, objective: world.objectiveA.id, token: token, contentType: "application/json", body: body, key: "k-1")
            #expect(retry.status == .created)
            #expect(retry.text == first.text)
            #expect(retry.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(try await harness.database.query("SELECT count(*) FROM measurement_batches").first!.decode(Int.self) == 1)
            let other = body.replacingOccurrences(of: "\"good\":7", with: "\"good\":8")
            let mismatch = try await self.post(
                harness, objective: world.objectiveA.id, token: token, contentType: "application/json", body: other, key: "k-1")
            #expect(mismatch.status == .unprocessableContent)
            #expect(mismatch.text.contains("different request body"))
            // a claim left by work that never finished (a process killed mid-ingest under an earlier version) does
            // not hold the key: the retry runs and is stored
            let hash = SessionStore.hash(
                "/api/v1/objectives/\(world.objectiveA.id)/measurements|\(world.objectiveA.id)|application/json||\(body)")
            _ = try await harness.database.query(
                "INSERT INTO idempotency_keys (user_id, key, request_hash, state, created_at) VALUES (\(world.analyst.id), 'k-2', \(hash), 'running', now())")
            let abandoned = try await self.post(
                harness, objective: world.objectiveA.id, token: token, contentType: "application/json",
                body: body.replacingOccurrences(of: "10:00:00Z\",\"end\":\"2026-11-02T10:01", with: "12:00:00Z\",\"end\":\"2026-11-02T12:01"), key: "k-2")
            #expect(abandoned.status == .created)
            // a refused batch releases its key: nothing was stored, so a retry is judged again
            let bad = #"{"source":"probe","buckets":[{"start":"2026-11-02T11:00:00Z","end":"2026-11-02T10:01:00Z","good":1,"valid":1}]}"#
            #expect(
                try await self.post(harness, objective: world.objectiveA.id, token: token, contentType: "application/json", body: bad, key: "k-3")
                    .status == .unprocessableContent)
            #expect(try await harness.database.query("SELECT count(*) FROM idempotency_keys WHERE key = 'k-3'").first!.decode(Int.self) == 0)
        }
    }

    @Test func aClaimDiesWithItsWorkAndAConcurrentRetryWaitsThenReplays() async throws {
        try await Harness.run { harness in
            // setup
            let world = harness.world
            let token = try await harness.token(for: world.analyst)
            let body = #"{"source":"probe","buckets":[{"start":"2026-11-03T10:00:00Z","end":"2026-11-03T10:01:00Z","good":7,"valid":8}]}"#
            let hash = SessionStore.hash(
                "/api/v1/objectives/\(world.objectiveA.id)/measurements|\(world.objectiveA.id)|application/json||\(body)")
            // MUT: other work holds the key in an open transaction, then dies (its transaction rolls back, as when the
            // process is killed); the request that arrived meanwhile waits, then runs itself
            struct WorkDied: Error {}
            let waiting = Mutex<Task<TestResponse, any Error>?>(nil)
            do {
                try await harness.database.transaction { connection in
                    try await connection.query(
                        "INSERT INTO idempotency_keys (user_id, key, request_hash, state, created_at) VALUES (\(world.analyst.id), 'k-dies', \(hash), 'running', now())",
                        logger: TestDatabase.logger
                    ).collect()
                    waiting.withLock {
                        $0 = Task {
                            try await self.post(
                                harness, objective: world.objectiveA.id, token: token, contentType: "application/json", body: body, key: "k-dies")
                        }
                    }
                    // wait until the retry is waiting on the key's row, then let the work die
                    try await connection.waitForLockWaiter()
                    throw WorkDied()
                }
            } catch is WorkDied {}
            let retry = try #require(waiting.withLock { $0 })
            // validation: the retry was stored once, and two more at once with the same key replay it
            let stored = try await retry.value
            #expect(stored.status == .created)
            async let a = self.post(harness, objective: world.objectiveA.id, token: token, contentType: "application/json", body: body, key: "k-dies")
            async let b = self.post(harness, objective: world.objectiveA.id, token: token, contentType: "application/json", body: body, key: "k-dies")
            let replays = try await [a, b]
            #expect(replays.allSatisfy { $0.status == .created && $0.text == stored.text })
            #expect(try await harness.database.query("SELECT count(*) FROM measurement_batches").first!.decode(Int.self) == 1)
        }
    }
}

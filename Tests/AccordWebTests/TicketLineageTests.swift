import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

/// Ticket events at the same instant, in batches arriving in either order, give the same timers; events that cannot
/// apply are listed in the ticket's lineage with the reason; a period's outcomes are readable a page at a time.
@Suite("Ticket lineage")
struct TicketLineageTests {
    static func post(_ harness: Harness, _ objective: Objective, token: String, _ csv: String) async throws {
        let events = csv.split(separator: "\n").map { line in
            let cells = line.split(separator: ",")
            return #"{"ticket":"\#(cells[0])","priority":"\#(cells[1])","type":"\#(cells[2])","at":"\#(cells[3])"}"#
        }
        let response = try await harness.api(
            .post, "/api/v1/objectives/\(objective.id)/ticket-events", token: token,
            json: #"{"source":"desk","events":[\#(events.joined(separator: ","))]}"#)
        #expect(response.status == .created, "\(response.text)")
    }

    @Test(arguments: [false, true])
    func sameInstantEventsApplyAsValidTransitionsWhateverTheArrivalOrder(reversed: Bool) async throws {
        try await Harness.run { harness in
            let objective = try await harness.ticketObjective(.ticketResolution)
            let token = try await harness.token(for: harness.world.analyst)
            // T-1: created 08:00 (goal 2 h), paused and resumed at 09:00, resolved 10:30 → due 10:00, breached at 10:00
            // T-2: resolved and reopened at 09:00, resolved again 12:00 → a met cycle, then a breached one known at 11:00
            // T-3: a pause while resolved is ignored, with its reason
            var batches = [
                "T-1,P1,created,2026-10-05T08:00:00Z\nT-1,P1,resumed,2026-10-05T09:00:00Z\nT-2,P1,created,2026-10-05T08:00:00Z\nT-2,P1,reopened,2026-10-05T09:00:00Z\nT-3,P1,created,2026-10-05T08:00:00Z\nT-3,P1,resolved,2026-10-05T08:30:00Z",
                "T-1,P1,paused,2026-10-05T09:00:00Z\nT-1,P1,resolved,2026-10-05T10:30:00Z\nT-2,P1,resolved,2026-10-05T09:00:00Z\nT-2,P1,resolved,2026-10-05T12:00:00Z\nT-3,P1,paused,2026-10-05T09:00:00Z",
            ]
            if reversed { batches.reverse() }
            for batch in batches { try await Self.post(harness, objective, token: token, batch) }
            // MUT
            let vendor = try await harness.token(for: harness.world.vendorUserA)
            let one = try await harness.api(.get, "/api/v1/objectives/\(objective.id)/tickets/T-1", token: vendor)
            let two = try await harness.api(.get, "/api/v1/objectives/\(objective.id)/tickets/T-2", token: vendor)
            let three = try await harness.api(.get, "/api/v1/objectives/\(objective.id)/tickets/T-3", token: vendor)
            // validation
            let cyclesOne = try #require(one.json["cycles"] as? [[String: Any]])
            #expect(cyclesOne.map { $0["deadline"] as? String } == ["2026-10-05T10:00:00Z"])
            #expect(cyclesOne.map { $0["met"] as? Bool } == [false])
            let cyclesTwo = try #require(two.json["cycles"] as? [[String: Any]])
            #expect(cyclesTwo.map { $0["met"] as? Bool } == [true, false])
            #expect(cyclesTwo.map { $0["known_at"] as? String } == ["2026-10-05T09:00:00Z", "2026-10-05T11:00:00Z"])
            let eventsThree = try #require(three.json["events"] as? [[String: Any]])
            let ignored = eventsThree.filter { $0["applied"] as? Bool == false }
            #expect(ignored.map { $0["type"] as? String } == ["paused"])
            #expect((ignored.first?["reason"] as? String)?.contains("does not carry into a reopened cycle") == true)
            // the period's outcomes, a page at a time, breaches first, with the ignored events
            let first = try await harness.api(.get, "/api/v1/objectives/\(objective.id)/periods/2026-10-01T00:00:00Z/tickets?per_page=2", token: vendor)
            #expect(first.status == .ok)
            #expect(first.json["total"] as? Int == 4)
            let items = try #require(first.json["items"] as? [[String: Any]])
            #expect(items.map { $0["met"] as? Bool } == [false, false])
            let second = try await harness.api(
                .get, "/api/v1/objectives/\(objective.id)/periods/2026-10-01T00:00:00Z/tickets?per_page=2&page=2", token: vendor)
            let rest = try #require(second.json["items"] as? [[String: Any]])
            #expect(rest.compactMap { $0["ticket"] as? String }.sorted() == ["T-2", "T-3"])
            let t3 = try #require(rest.first { $0["ticket"] as? String == "T-3" })
            #expect((t3["ignored_events"] as? [[String: Any]])?.count == 1)
            // the period's page lists the event that did not apply, with its reason
            let page = try await harness.get(
                "/objectives/\(objective.id)/periods/2026-10-01T00:00:00Z", as: try await harness.session(for: harness.world.vendorUserA))
            #expect(page.text.contains("Events not applied"))
            #expect(page.text.contains("paused at") && page.text.contains("does not carry into a reopened cycle"))
            // another vendor sees none of it
            let other = try await harness.token(for: harness.world.vendorUserB)
            #expect(try await harness.api(.get, "/api/v1/objectives/\(objective.id)/tickets/T-1", token: other).status == .notFound)
            #expect(
                try await harness.api(.get, "/api/v1/objectives/\(objective.id)/periods/2026-10-01T00:00:00Z/tickets", token: other).status
                    == .notFound)
            #expect(try await harness.api(.get, "/api/v1/objectives/\(objective.id)/tickets/T-9", token: vendor).status == .notFound)
        }
    }

    /// After an upgrade, every ticket series is queued: the replay job computes its timers again under the current
    /// rules and the periods they touch are revised.
    @Test func theReplayJobComputesStoredTimersAgain() async throws {
        try await Harness.run { harness in
            let objective = try await harness.ticketObjective(.ticketResolution)
            let token = try await harness.token(for: harness.world.analyst)
            try await Self.post(
                harness, objective, token: token,
                "T-1,P1,created,2026-10-05T08:00:00Z\nT-1,P1,paused,2026-10-05T09:00:00Z\nT-1,P1,resumed,2026-10-05T09:00:00Z\nT-1,P1,resolved,2026-10-05T20:00:00Z")
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: harness.clock.now)
            // setup: the outcome as an earlier version of the rules stored it (the pause never ended: met)
            try await harness.database.query("UPDATE ticket_outcomes SET met = true, known_at = '2026-10-05T20:00:00Z' WHERE series_id = \(objective.seriesID)")
            try await harness.database.query("INSERT INTO ticket_replays (series_id) VALUES (\(objective.seriesID))")
            // MUT
            let reports = try await TestJobs.runAll(harness.repositories, at: harness.clock.now)
            // validation: breached, known at the 10:00 deadline, and October revised
            #expect(reports["ticket-replay"]?.summary == "1 ticket of 1 series replayed")
            let history = try await harness.api(.get, "/api/v1/objectives/\(objective.id)/tickets/T-1", token: token)
            #expect((history.json["cycles"] as? [[String: Any]])?.first?["met"] as? Bool == false)
            #expect(try await harness.database.query("SELECT count(*)::int8 FROM ticket_replays").first?.decode(Int64.self) == 0)
            let records = try await harness.repositories.periodRecords.records(
                seriesID: objective.seriesID, from: RFC3339.parse("2026-10-01T00:00:00Z")!, to: RFC3339.parse("2026-10-02T00:00:00Z")!)
            #expect(records.last?.slaStatus == .breached)
        }
    }
}

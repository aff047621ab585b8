import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import AccordWeb
import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A monthly review run through the API: a series planned from its rule, a pack frozen from the data (and left alone
/// when the data changes), minutes with an action that rolls into the next agenda, a pack job run by two schedulers,
/// minutes locked with their hash; and a renegotiation proposal replayed over hand-computed periods, then applied.
@Suite("Review governance")
struct ReviewGovernanceTests {
    /// Vendor A's September to November: 99.96 %, 99.85 % and 99.5 % against its 99.9 % SLA; periods closed.
    static func threeMonths(_ harness: Harness) async throws {
        let world = harness.world
        for (month, good) in [("09", Int64(9996)), ("10", 9985), ("11", 9950)] {
            let start = RFC3339.parse("2026-\(month)-10T00:00:00Z")!
            _ = try await harness.repositories.measurements.ingest(
                objectiveID: world.objectiveA.id, source: "probe",
                buckets: [MeasurementBucket(start: start, end: start.addingTimeInterval(3600), good: good, valid: 10000)], scope: .organisation,
                sender: BatchSender(userID: world.analyst.id, credential: "test"))
        }
        try await harness.repositories.periodRecords.syncSchedule()
        try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-12-01T12:00:00Z")!)
    }

    static func seriesJSON(_ world: World, startsOn: LocalDate) -> String {
        """
        {"title":"Alpha monthly service review","tier":"tactical","scope":"agreement:\(world.agreementA.id)","frequency":"monthly",
         "ordinal":1,"weekday":3,"time_zone":"Europe/Berlin","start_time":"10:00","duration_minutes":60,"starts_on":"\(startsOn)",
         "location":"Room 4","attendees":["user:\(world.manager.id)","contact:\(world.contactA.id)","user:\(world.vendorUserA.id)"]}
        """
    }

    @Test func aMonthlyReviewIsPlannedPackedMinutedAndCarriedForward() async throws {
        // the day after November closed: the first meeting (the first Wednesday, 2 December) reviews November
        try await Harness.run(now: RFC3339.parse("2026-12-01T12:00:00Z")) { harness in
            // setup
            let world = harness.world
            try await Self.threeMonths(harness)
            let manager = try await harness.token(for: world.manager)
            let alpha = try await harness.token(for: world.vendorUserA)
            let beta = try await harness.token(for: world.vendorUserB)
            let today = LocalDate.of(harness.clock.now, in: TimeZone(identifier: "Europe/Berlin")!)
            // MUT: a quarterly rule for a tactical series, a missing start time and a contact of another vendor are refused
            let refused = try await harness.api(
                .post, "/api/v1/reviews", token: manager,
                json: #"{"title":"x","tier":"tactical","scope":"agreement:\#(world.agreementA.id)","frequency":"quarterly","weekday":3,"duration_minutes":60,"starts_on":"\#(today)","attendees":["contact:\#(world.contactB.id)"]}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("A tactical review meets monthly") && refused.text.contains("start_time"))
            #expect(try await harness.api(.post, "/api/v1/reviews", token: alpha, json: Self.seriesJSON(world, startsOn: today)).status == .forbidden)
            let created = try await harness.api(.post, "/api/v1/reviews", token: manager, json: Self.seriesJSON(world, startsOn: today))
            #expect(created.status == .created, "\(created.text)")
            let seriesID = try #require(created.json["id"] as? Int)
            #expect(created.json["recurrence"] as? String == "the first Wednesday of each month")
            #expect(created.json["pre_read_days"] as? Int == 2)
            // meetings are planned on the first Wednesday of each month at 10:00 Berlin, for six months
            let planned = try await harness.api(.get, "/api/v1/reviews/\(seriesID)/meetings", token: manager)
            let meetings = try #require(planned.json["items"] as? [[String: Any]])
            #expect((5...7).contains(meetings.count))
            for meeting in meetings {
                let day = try #require(LocalDate(meeting["day"] as? String ?? ""))
                #expect(day.isoWeekday == 3 && day.day <= 7)
                let start = try #require(RFC3339.parse(meeting["starts_at"] as? String ?? ""))
                #expect(MeetingPlanner.instant(day, ClockTime("10:00")!, zone: TimeZone(identifier: "Europe/Berlin")!) == start)
            }
            let first = try #require(meetings.first?["id"] as? Int)
            // a later meeting, after today's ad-hoc one below
            let second = try #require(meetings.dropFirst().first?["id"] as? Int)
            // the agenda reads the data: November's breach is on it; vendor B cannot see the meeting
            let agenda = try await harness.api(.get, "/api/v1/meetings/\(first)/agenda", token: manager)
            #expect(agenda.status == .ok)
            #expect(agenda.text.contains("SLA breach: Availability, Nov 2026: 99.5 % against 99.9 %"), "\(agenda.text)")
            #expect(try await harness.api(.get, "/api/v1/meetings/\(first)", token: beta).status == .notFound)
            #expect(try await harness.api(.get, "/api/v1/reviews/\(seriesID)", token: beta).status == .notFound)
            // freezing makes an internal pack and one for vendor A
            let frozen = try await harness.api(.post, "/api/v1/meetings/\(first)/packs", token: manager, json: "{}")
            #expect(frozen.status == .ok, "\(frozen.text)")
            let packs = try #require(frozen.json["packs"] as? [[String: Any]])
            #expect(packs.map { $0["audience"] as? String } == ["Internal", "Alpha Hosting"])
            let internalID = try #require(packs.first?["id"] as? Int)
            let vendorPackID = try #require(packs.last?["id"] as? Int)
            let snapshot = try await harness.api(.get, "/api/v1/packs/\(internalID)", token: manager)
            let digest = SHA256.hash(data: Data(snapshot.text.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(snapshot.headers[HTTPField.Name("Accord-Pack-SHA256")!] == digest)
            // the pack answers in snake_case like every other endpoint
            #expect(snapshot.text.contains("\"meeting_id\"") && snapshot.text.contains("\"facts_from\"") && !snapshot.text.contains("\"meetingID\""))
            #expect(packs.first?["sha256"] as? String == digest)
            // the vendor's pack holds no SLO, no alerts, no customer staff names; the internal pack is not the vendor's
            let vendorPack = try await harness.api(.get, "/api/v1/packs/\(vendorPackID)", token: alpha)
            #expect(vendorPack.status == .ok)
            #expect(!vendorPack.text.contains(world.manager.name) && !vendorPack.text.contains("\"alerts\"") && !vendorPack.text.contains("99.95"))
            #expect(try await harness.api(.get, "/api/v1/packs/\(internalID)", token: alpha).status == .notFound)
            #expect(try await harness.api(.get, "/api/v1/packs/\(vendorPackID)", token: beta).status == .notFound)
            let seen = try await harness.api(.get, "/api/v1/meetings/\(first)", token: alpha)
            #expect((seen.json["packs"] as? [[String: Any]])?.count == 1)
            // data changes after: the frozen bytes do not; a new revision shows what moved
            let late = RFC3339.parse("2026-11-20T00:00:00Z")!
            _ = try await harness.repositories.measurements.ingest(
                objectiveID: world.objectiveA.id, source: "probe",
                buckets: [MeasurementBucket(start: late, end: late.addingTimeInterval(3600), good: 10000, valid: 10000)], scope: .organisation,
                sender: BatchSender(userID: world.analyst.id, credential: "test"))
            try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-12-01T13:00:00Z")!)
            #expect(try await harness.api(.get, "/api/v1/packs/\(internalID)", token: manager).text == snapshot.text)
            let again = try await harness.api(.post, "/api/v1/meetings/\(first)/packs", token: manager, json: "{}")
            let revised = try #require((again.json["packs"] as? [[String: Any]])?.first)
            #expect(revised["revision"] as? Int == 2)
            #expect((revised["moved"] as? [String])?.contains { $0.hasPrefix("Availability: actual 99.5 % (Nov 2026) → 99.75 % (Nov 2026)") } == true, "\(revised)")
            #expect(try await harness.api(.get, "/api/v1/packs/\(internalID)", token: manager).text == snapshot.text)

            // minutes of an ad-hoc meeting held today: an action needs an owner and a due date
            let adHoc = try await harness.api(
                .post, "/api/v1/reviews/\(seriesID)/meetings", token: manager, json: #"{"day":"\#(today)","start_time":"00:00","reason":"November breach"}"#)
            #expect(adHoc.status == .created, "\(adHoc.text)")
            let heldID = try #require(adHoc.json["id"] as? Int)
            let attendees = try #require(created.json["attendees"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
            let minutes = try await harness.api(
                .post, "/api/v1/meetings/\(heldID)/minutes", token: manager,
                json: #"{"present":[\#(attendees[0]),\#(attendees[1])],"notes":[{"item":"Opening and scorecard","text":"November reviewed."}]}"#)
            #expect(minutes.status == .ok, "\(minutes.text)")
            #expect(minutes.json["comment_until"] as? String != nil)
            let ownerless = try await harness.api(
                .post, "/api/v1/meetings/\(heldID)/items", token: manager, json: #"{"kind":"action","text":"Fix the failover runbook"}"#)
            #expect(ownerless.status == .unprocessableContent)
            #expect(ownerless.text.contains("owner_name") && ownerless.text.contains("due_on"))
            let due = try #require(today.adding(days: 10))
            let action = try await harness.api(
                .post, "/api/v1/meetings/\(heldID)/items", token: manager,
                json: #"{"kind":"action","text":"Fix the failover runbook","owner_name":"Ann Alpha","owner_party":"\#(world.vendorA.id)","due_on":"\#(due)"}"#)
            #expect(action.status == .created, "\(action.text)")
            let question = try await harness.api(
                .post, "/api/v1/meetings/\(heldID)/items", token: manager, json: #"{"kind":"question","text":"Is the 99.9 % target right for peak?"}"#)
            #expect(question.status == .created)
            // the next meeting's agenda carries both, with the day they were raised; vendor B sees neither
            let next = try await harness.api(.get, "/api/v1/meetings/\(second)/agenda", token: alpha)
            #expect(next.text.contains("Action item: Fix the failover runbook — Ann Alpha, due \(Figures.date(due))") && next.text.contains("(raised \(Figures.date(today)))"), "\(next.text)")
            let actionID = try #require(action.json["id"] as? Int)
            #expect(try await harness.api(.post, "/api/v1/review-items/\(actionID)/done", token: beta, json: "{}").status == .notFound)
            // the owner's vendor marks it done: it no longer rolls forward
            #expect(try await harness.api(.post, "/api/v1/review-items/\(actionID)/done", token: alpha, json: "{}").status == .ok)
            #expect(!(try await harness.api(.get, "/api/v1/meetings/\(second)/agenda", token: manager)).text.contains("Fix the failover runbook"))

            // the comment period ends: the job locks the minutes and keeps their hash; no more items
            let held = try await harness.api(.get, "/api/v1/meetings/\(heldID)", token: manager)
            let until = try #require(LocalDate(held.json["comment_until"] as? String ?? ""))
            let after = try #require(until.adding(days: 2).flatMap { PeriodPlanner.startInstant($0, in: .gmt) })
            _ = try await ReviewMeetingsJob(repositories: harness.repositories).run(now: after)
            let locked = try await harness.api(.get, "/api/v1/meetings/\(heldID)", token: manager)
            let hash = try #require(locked.json["minutes_hash"] as? String)
            #expect(hash.count == 64)
            let late2 = try await harness.api(
                .post, "/api/v1/meetings/\(heldID)/items", token: manager, json: #"{"kind":"question","text":"One more thing"}"#)
            #expect(late2.status == .conflict)
        }
    }

    @Test func aBreachMeetingTheTriggersAddsOneAdHocReview() async throws {
        try await Harness.run { harness in
            // setup: the terms ask for an ad-hoc review; a quarterly series that does not meet in early December
            let world = harness.world
            _ = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).saveGovernanceTerms(
                agreementID: world.agreementA.id, GovernanceTerms(rcaOnSLABreach: true, adhocReviewOnTrigger: true), expectedRowVersion: 0,
                scope: .organisation, actor: .system)
            let today = LocalDate.of(harness.clock.now, in: .gmt)
            let series = try await harness.repositories.reviews.createSeries(
                ReviewSeriesDraft(
                    title: "Alpha quarterly review", tier: .strategic, scope: .agreement(world.agreementA.id), recurrence: .quarterly(ordinal: 1, weekday: 4),
                    timeZone: "UTC", startTime: ClockTime("14:00"), durationMinutes: 90, startsOn: today),
                through: try #require(today.adding(days: 120)), scope: .organisation, actor: .system, now: harness.clock.now)
            // MUT: October and November breach the SLA when the periods close on 1 December
            try await Self.threeMonths(harness)
            try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-12-01T13:00:00Z")!)
            // validation: one ad-hoc meeting two business days after the breach was recorded, for the first breach; the second
            // finds it already coming up
            let adHoc = try await harness.repositories.reviews.meetings(seriesID: series.id, scope: .organisation).filter(\.adHoc)
            #expect(adHoc.count == 1)
            let meeting = try #require(adHoc.first)
            #expect(meeting.day == BusinessDays.adding(2, after: LocalDate.of(meeting.updatedAt, in: .gmt), calendar: nil))
            #expect(meeting.reason == "Ad-hoc review after a breach (an SLA breach: Availability, October 2026)")
            // and the automatic RCA was still opened
            #expect(try await harness.repositories.rcas.list(.init(), today: today, page: PageRequest(), scope: .organisation).total >= 1)
        }
    }

    @Test func theScheduledPackIsMadeOnceWithTwoSchedulers() async throws {
        try await Harness.run { harness in
            // setup
            let world = harness.world
            try await Self.threeMonths(harness)
            let now = harness.clock.now
            let today = LocalDate.of(now, in: TimeZone(identifier: "Europe/Berlin")!)
            let draft = ReviewSeriesDraft(
                title: "Alpha monthly service review", tier: .tactical, scope: .agreement(world.agreementA.id),
                recurrence: .monthly(ordinal: 1, weekday: 3), timeZone: "Europe/Berlin", startTime: ClockTime("10:00"), durationMinutes: 60,
                startsOn: today, attendeeUserIDs: [world.manager.id, world.vendorUserA.id])
            let series = try await harness.repositories.reviews.createSeries(
                draft, through: try #require(today.adding(days: 120)), scope: .organisation, actor: .system, now: now)
            let meeting = try #require(try await harness.repositories.reviews.meetings(seriesID: series.id, scope: .organisation).first)
            // MUT: two runners at the pre-read deadline
            let job = ReviewMeetingsJob(repositories: harness.repositories)
            async let one = job.run(now: meeting.packDueAt.addingTimeInterval(60))
            async let two = job.run(now: meeting.packDueAt.addingTimeInterval(60))
            _ = try await (one, two)
            _ = try await job.run(now: meeting.packDueAt.addingTimeInterval(900))
            // validation: one revision per audience, announced to the vendor's inbox
            let packs = try await harness.database.query(
                "SELECT audience_vendor_id, revision FROM review_packs WHERE meeting_id = \(meeting.id) ORDER BY 1 NULLS FIRST, 2")
            #expect(try packs.map { try $0.decode((Int64?, Int).self) }.map { "\($0.0 ?? 0)/\($0.1)" } == ["0/1", "\(world.vendorA.id)/1"])
            let inbox = try await harness.repositories.inbox.list(userID: world.vendorUserA.id, unreadOnly: false, page: PageRequest())
            #expect(inbox.items.contains { $0.event == .packFrozen && $0.link == "/meetings/\(meeting.id)/pack" })
            // a frozen pack cannot be updated, even by hand
            await #expect(throws: (any Error).self) {
                try await harness.database.query("UPDATE review_packs SET sha256 = repeat('0', 64) WHERE meeting_id = \(meeting.id)")
            }
        }
    }

    @Test func aProposalIsReplayedOverRecordedPeriodsAndAppliedWhenBothSidesAgree() async throws {
        try await Harness.run { harness in
            // setup
            let world = harness.world
            try await Self.threeMonths(harness)
            let manager = try await harness.token(for: world.manager)
            let alpha = try await harness.token(for: world.vendorUserA)
            let beta = try await harness.token(for: world.vendorUserB)
            let effective = try #require(LocalDate.of(harness.clock.now, in: .gmt).adding(days: 40))
            let body = """
                {"title":"Relax availability to 99.8 %","rationale":"Two of three months missed by a hair.","effective_from":"\(effective)",
                 "replay_periods":3,"changes":[{"series_id":\(world.objectiveA.seriesID),"sla_target":"99.8","credit_tiers":[{"threshold":"99.8","percent":"10"}]}]}
                """
            // MUT: vendor A proposes from its side; vendor B cannot on A's agreement
            #expect(try await harness.api(.post, "/api/v1/agreements/\(world.agreementA.id)/proposals", token: beta, json: body).status == .notFound)
            let made = try await harness.api(.post, "/api/v1/agreements/\(world.agreementA.id)/proposals", token: alpha, json: body)
            #expect(made.status == .created, "\(made.text)")
            let id = try #require(made.json["id"] as? Int)
            // validation: the replay, by hand. Fee 1,000 a month, 10 % below the threshold.
            // Sep 99.96: met / met, no credit. Oct 99.85: breached (100.00) / met (0). Nov 99.5: breached (100.00) / breached (100.00).
            let replay = try #require((made.json["what_if"] as? [[String: Any]])?.first)
            let rows = try #require(replay["rows"] as? [[String: Any]])
            #expect(rows.map { $0["period"] as? String } == ["Sep 2026", "Oct 2026", "Nov 2026"])
            #expect(rows.map { $0["current_status"] as? String } == ["met", "breached", "breached"])
            #expect(rows.map { $0["proposed_status"] as? String } == ["met", "met", "breached"])
            #expect(rows.map { "\($0["current_credit"] ?? "")" } == ["0", "100", "100"])
            #expect(rows.map { "\($0["proposed_credit"] ?? "")" } == ["0", "0", "100"])
            #expect("\(replay["credit_difference"] ?? "")" == "-100")
            #expect(replay["current_breaches"] as? Int == 2 && replay["proposed_breaches"] as? Int == 1)
            // the proposer cannot accept its own; B cannot see it
            #expect(try await harness.api(.post, "/api/v1/proposals/\(id)/accept", token: alpha, json: "{}").status == .conflict)
            #expect(try await harness.api(.get, "/api/v1/proposals/\(id)", token: beta).status == .notFound)
            // the RACI names another person on renegotiation: the manager may not accept for the customer
            _ = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).setRACI(
                agreementID: world.agreementA.id,
                [RACIAssignment(activity: .renegotiation, party: RACIParty(kind: .person, id: world.admin.id, name: world.admin.name), letter: .accountable)],
                scope: .organisation, actor: .system)
            let notMine = try await harness.api(.post, "/api/v1/proposals/\(id)/accept", token: manager, json: "{}")
            #expect(notMine.status == .conflict && notMine.text.contains(world.admin.name))
            _ = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).setRACI(agreementID: world.agreementA.id, [], scope: .organisation, actor: .system)
            // the customer accepts: version 2 from the effective date, with the new target and tiers
            let accepted = try await harness.api(.post, "/api/v1/proposals/\(id)/accept", token: manager, json: "{}")
            #expect(accepted.status == .ok, "\(accepted.text)")
            #expect(accepted.json["status"] as? String == "applied" && accepted.json["applied_version"] as? Int == 2)
            let versions = try await harness.repositories.versions.list(agreementID: world.agreementA.id, scope: .organisation)
            #expect(versions.map(\.effectiveFrom) == [LocalDate("2026-01-01")!, effective] && versions.last?.state == .active)
            let objectives = try await harness.repositories.objectives.list(versionID: try #require(versions.last?.id), scope: .organisation)
            #expect(objectives.first?.slaTarget == Decimal(string: "99.8") && objectives.first?.credits.tiers.first?.threshold == Decimal(string: "99.8"))
            // a closed proposal takes no more steps
            #expect(try await harness.api(.post, "/api/v1/proposals/\(id)/withdraw", token: alpha, json: "{}").status == .conflict)
        }
    }
}

/// What a fresh reading of the review code found, each shown closed: a vendor never reads another vendor's items, the
/// customer's notes or internal SLO in a multi-vendor review; attendees keep their ids; a moved meeting gets a new pack;
/// proposals follow the RACI and never backdate terms.
@Suite("Review governance: the edges")
struct ReviewEdgeTests {
    @Test func aMultiVendorReviewKeepsEachVendorToItsOwn() async throws {
        try await Harness.run { harness in
            // setup: vendor B also underpins master A; a multi-vendor review of master A held today
            let world = harness.world
            _ = try await JointRCATests.twoVendorBreaches(harness)
            let manager = try await harness.token(for: world.manager)
            let alpha = try await harness.token(for: world.vendorUserA)
            let beta = try await harness.token(for: world.vendorUserB)
            let today = LocalDate.of(harness.clock.now, in: .gmt)
            let created = try await harness.api(
                .post, "/api/v1/reviews", token: manager,
                json: #"{"title":"Checkout quarterly","tier":"strategic","scope":"master:\#(world.masterA.id)","frequency":"quarterly","weekday":4,"start_time":"14:00","duration_minutes":90,"starts_on":"\#(today)","attendees":["user:\#(world.manager.id)","user:\#(world.vendorUserA.id)","user:\#(world.vendorUserB.id)"]}"#)
            #expect(created.status == .created, "\(created.text)")
            let seriesID = try #require(created.json["id"] as? Int)
            #expect((try await harness.api(.get, "/api/v1/reviews/\(seriesID)", token: alpha)).json["agreement_id"] is NSNull)
            let held = try await harness.api(.post, "/api/v1/reviews/\(seriesID)/meetings", token: manager, json: #"{"day":"\#(today)","start_time":"00:00","reason":"Joint incident"}"#)
            let meetingID = try #require(held.json["id"] as? Int)
            let attendees = try await harness.repositories.reviews.attendees(seriesID: Int64(seriesID))
            // MUT: notes, an item for vendor A only, an action vendor B owns
            _ = try await harness.api(
                .post, "/api/v1/meetings/\(meetingID)/minutes", token: manager,
                json: #"{"present":[\#(attendees.map { String($0.id) }.joined(separator: ","))],"notes":[{"item":"Opening and scorecard","text":"Internal note on the incident"}]}"#)
            #expect(try await harness.api(.post, "/api/v1/meetings/\(meetingID)/items", token: manager, json: #"{"kind":"question","text":"Alpha-only question","party":"\#(world.vendorA.id)"}"#).status == .created)
            let due = try #require(today.adding(days: 5))
            #expect(
                try await harness.api(
                    .post, "/api/v1/meetings/\(meetingID)/items", token: manager,
                    json: #"{"kind":"action","text":"Beta fixes the purge storm","owner_name":"Ben Beta","owner_party":"\#(world.vendorB.id)","due_on":"\#(due)"}"#
                ).status == .created)
            // validation: each vendor reads its own items, no notes, and no item text in the meeting's history
            let seenByAlpha = try await harness.api(.get, "/api/v1/meetings/\(meetingID)", token: alpha)
            #expect(seenByAlpha.text.contains("Alpha-only question") && !seenByAlpha.text.contains("Beta fixes") && !seenByAlpha.text.contains("Internal note"))
            let seenByBeta = try await harness.api(.get, "/api/v1/meetings/\(meetingID)", token: beta)
            #expect(seenByBeta.text.contains("Beta fixes") && !seenByBeta.text.contains("Alpha-only") && !seenByBeta.text.contains("Internal note"))
            let alphaSession = try await harness.session(for: world.vendorUserA)
            let page = try await harness.get("/meetings/\(meetingID)", as: alphaSession)
            #expect(page.status == .ok && !page.text.contains("Beta fixes") && !page.text.contains("Internal note") && !page.text.contains(world.masterA.title))
            // each vendor's pack holds neither notice deadlines nor renegotiation candidates
            let frozen = try await harness.api(.post, "/api/v1/meetings/\(meetingID)/packs", token: manager, json: "{}")
            let packs = try #require(frozen.json["packs"] as? [[String: Any]])
            #expect(packs.map { $0["audience"] as? String } == ["Internal", "Alpha Hosting", "Beta Systems"])
            for pack in packs.dropFirst() {
                let token = pack["audience"] as? String == "Alpha Hosting" ? alpha : beta
                let text = try await harness.api(.get, "/api/v1/packs/\(pack["id"] as? Int ?? 0)", token: token).text
                #expect(!text.contains(#""key":"notices""#) && !text.contains(#""key":"candidates""#) && !text.contains(#""key":"alerts""#))
            }
            // changing the attendees keeps those who stay, so the minutes still name them present
            _ = try await harness.repositories.reviews.setAttendees(
                seriesID: Int64(seriesID), userIDs: [world.manager.id, world.vendorUserA.id], contactIDs: [world.contactA.id], scope: .organisation)
            let after = try await harness.repositories.reviews.attendees(seriesID: Int64(seriesID))
            let kept = Set(attendees.filter { $0.userID != world.vendorUserB.id }.map(\.id))
            #expect(kept.isSubset(of: Set(after.map(\.id))) && after.count == 3)
        }
    }

    @Test func aMovedMeetingGetsAPackAtItsNewDeadline() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            let today = LocalDate.of(harness.clock.now, in: .gmt)
            let created = try await harness.api(
                .post, "/api/v1/reviews", token: manager,
                json: #"{"title":"Alpha monthly","tier":"tactical","scope":"agreement:\#(world.agreementA.id)","frequency":"monthly","weekday":3,"start_time":"10:00","duration_minutes":60,"starts_on":"\#(today)"}"#)
            let seriesID = try #require(created.json["id"] as? Int)
            let meetings = try #require(try await harness.api(.get, "/api/v1/reviews/\(seriesID)/meetings", token: manager).json["items"] as? [[String: Any]])
            let id = try #require(meetings.last?["id"] as? Int)
            let day = try #require(LocalDate(meetings.last?["day"] as? String ?? ""))
            // MUT: frozen early by hand, then moved a week later
            #expect(try await harness.api(.post, "/api/v1/meetings/\(id)/packs", token: manager, json: "{}").status == .ok)
            let target = try #require(day.adding(days: 7))
            let moved = try await harness.api(.post, "/api/v1/meetings/\(id)/move", token: manager, json: #"{"day":"\#(target)"}"#)
            let due = try #require(RFC3339.parse(moved.json["pack_due_at"] as? String ?? ""))
            _ = try await ReviewMeetingsJob(repositories: harness.repositories).run(now: due.addingTimeInterval(60))
            // validation: the job made revision 2 at the new deadline
            let revisions = try await harness.repositories.packs.revisions(meetingID: Int64(id), audienceVendorID: nil, scope: .organisation)
            #expect(revisions.map(\.revision) == [2, 1])
        }
    }

    @Test func proposalsKeepTheSLOInternalFollowTheRACIAndNeverBackdate() async throws {
        try await Harness.run { harness in
            let world = harness.world
            try await ReviewGovernanceTests.threeMonths(harness)
            let manager = try await harness.token(for: world.manager)
            let alpha = try await harness.token(for: world.vendorUserA)
            let today = LocalDate.of(harness.clock.now, in: .gmt)
            let path = "/api/v1/agreements/\(world.agreementA.id)/proposals"
            func body(_ change: String, effective: LocalDate) -> String {
                #"{"title":"Change","rationale":"Because","effective_from":"\#(effective)","changes":[{"series_id":\#(world.objectiveA.seriesID),\#(change)}]}"#
            }
            let later = try #require(today.adding(days: 30))
            // MUT + validation: a vendor may not propose the internal SLO, nor learn it from a refusal
            let slo = try await harness.api(.post, path, token: alpha, json: body(#""slo_target":"99.99""#, effective: later))
            #expect(slo.status == .unprocessableContent && slo.text.contains("changes[0].slo_target") && !slo.text.contains("99.95"))
            let high = try await harness.api(.post, path, token: alpha, json: body(#""sla_target":"99.96""#, effective: later))
            #expect(high.status == .created && !high.text.contains("99.95"))
            let highID = try #require(high.json["id"] as? Int)
            let refused = try await harness.api(.post, "/api/v1/proposals/\(highID)/accept", token: manager, json: "{}")
            #expect(refused.status == .conflict && refused.text.contains("internal SLO (99.95 %)"), "\(refused.status) \(refused.text)")
            #expect(try await harness.repositories.versions.list(agreementID: world.agreementA.id, scope: .organisation).count == 1)
            // the customer's SLO change is not shown to the vendor
            let customer = try await harness.api(.post, "/api/v1/proposals/\(highID)/counter", token: manager, json: body(#""sla_target":"99.92","slo_target":"99.97""#, effective: later))
            #expect(customer.status == .created)
            let counterID = try #require(customer.json["id"] as? Int)
            let seen = try await harness.api(.get, "/api/v1/proposals/\(counterID)", token: alpha)
            #expect(seen.status == .ok && !seen.text.contains("99.97") && seen.text.contains("99.92"))
            #expect(!(try await harness.api(.get, "/api/v1/proposals", token: alpha)).text.contains("99.97"))
            // the RACI names another person on renegotiation: the manager may not propose for the customer
            _ = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).setRACI(
                agreementID: world.agreementA.id,
                [RACIAssignment(activity: .renegotiation, party: RACIParty(kind: .person, id: world.admin.id, name: world.admin.name), letter: .accountable)],
                scope: .organisation, actor: .system)
            let unnamed = try await harness.api(.post, path, token: manager, json: body(#""sla_target":"99.8""#, effective: later))
            #expect(unnamed.status == .conflict && unnamed.text.contains(world.admin.name))
            // a RACI naming only someone who may not manage contracts (an analyst) leaves it to any contract manager
            _ = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).setRACI(
                agreementID: world.agreementA.id,
                [RACIAssignment(activity: .renegotiation, party: RACIParty(kind: .person, id: world.analyst.id, name: world.analyst.name), letter: .accountable)],
                scope: .organisation, actor: .system)
            let byManager = try await harness.api(.post, path, token: manager, json: body(#""sla_target":"99.8""#, effective: later))
            #expect(byManager.status == .created, "\(byManager.text)")
            let raci = try await harness.api(.get, "/api/v1/agreements/\(world.agreementA.id)/raci", token: manager)
            #expect(raci.text.contains("may not manage contracts, so any contract manager proposes"), "\(raci.text)")
            // the analyst responsible and the admin accountable: the admin, who may act, decides; not any contract manager
            _ = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).setRACI(
                agreementID: world.agreementA.id,
                [
                    RACIAssignment(activity: .renegotiation, party: RACIParty(kind: .person, id: world.analyst.id, name: world.analyst.name), letter: .responsible),
                    RACIAssignment(activity: .renegotiation, party: RACIParty(kind: .person, id: world.admin.id, name: world.admin.name), letter: .accountable),
                ], scope: .organisation, actor: .system)
            let notTheAdmin = try await harness.api(.post, path, token: manager, json: body(#""sla_target":"99.8""#, effective: later))
            #expect(notTheAdmin.status == .conflict && notTheAdmin.text.contains(world.admin.name), "\(notTheAdmin.text)")
            _ = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).setRACI(agreementID: world.agreementA.id, [], scope: .organisation, actor: .system)
            // terms never take effect backdated: accepted after the effective day has come, it is refused
            let soon = try #require(today.adding(days: 1))
            let quick = try await harness.api(.post, path, token: alpha, json: body(#""sla_target":"99.85""#, effective: soon))
            let quickID = try #require(quick.json["id"] as? Int)
            harness.clock.advance(by: 3 * 86_400)
            let late = try await harness.api(.post, "/api/v1/proposals/\(quickID)/accept", token: manager, json: "{}")
            #expect(late.status == .conflict && late.text.contains("no longer ahead"))
        }
    }

    @Test func aPackFrozenLateHoldsOnlyFactsUpToItsCutOffSaysSoAndLinksItsItems() async throws {
        try await Harness.run(now: RFC3339.parse("2026-12-01T12:00:00Z")) { harness in
            // setup: November breached; a claim filed before the first meeting (2 Dec, 10:00 Berlin)
            let world = harness.world
            try await ReviewGovernanceTests.threeMonths(harness)
            let manager = try await harness.token(for: world.manager)
            let alpha = try await harness.token(for: world.vendorUserA)
            let today = LocalDate.of(harness.clock.now, in: TimeZone(identifier: "Europe/Berlin")!)
            let created = try await harness.api(.post, "/api/v1/reviews", token: manager, json: ReviewGovernanceTests.seriesJSON(world, startsOn: today))
            let seriesID = try #require(created.json["id"] as? Int)
            let meetings = try #require(try await harness.api(.get, "/api/v1/reviews/\(seriesID)/meetings", token: manager).json["items"] as? [[String: Any]])
            let first = try #require(meetings.first?["id"] as? Int)
            func claim(_ day: String) -> String {
                """
                {"agreement_id":\(world.agreementA.id),"objective_ids":[\(world.objectiveA.id)],"kind":"customer_caused",
                 "starts_at":"2026-11-\(day)T01:00:00Z","ends_at":"2026-11-\(day)T02:00:00Z","statement":"The customer's firewall change"}
                """
            }
            let before = try await harness.api(.post, "/api/v1/claims", token: alpha, json: claim("05"))
            #expect(before.status == .created, "\(before.text)")
            let beforeID = try #require(before.json["id"] as? Int)
            // MUT: the meeting began yesterday; a claim is filed today, then the pack is frozen
            harness.clock.advance(by: 2 * 86_400)
            let after = try #require(try await harness.api(.post, "/api/v1/claims", token: alpha, json: claim("06")).json["id"] as? Int)
            let frozen = try await harness.api(.post, "/api/v1/meetings/\(first)/packs", token: manager, json: "{}")
            #expect(frozen.status == .ok, "\(frozen.text)")
            let packID = try #require((frozen.json["packs"] as? [[String: Any]])?.first?["id"] as? Int)
            let pack = try await harness.api(.get, "/api/v1/packs/\(packID)", token: manager)
            // only the facts up to the meeting's start: the claim filed after it is not in the pack
            #expect(pack.text.contains("Exclusion claim #\(beforeID)"), "\(pack.text)")
            #expect(!pack.text.contains("#\(after)"), "\(pack.text)")
            // each agenda item links its record; the scorecard pairs November's figure with its own outcome
            let links = ((pack.json["agenda"] as? [[String: Any]]) ?? []).flatMap { ($0["items"] as? [[String: Any]]) ?? [] }.compactMap { $0["link"] as? String }
            #expect(links.contains("/claims/\(beforeID)"), "\(links)")
            #expect(links.contains { $0.hasPrefix("/objectives/\(world.objectiveA.id)/periods/") }, "\(links)")
            let scorecard = try #require((pack.json["scorecard"] as? [[String: Any]])?.first)
            #expect(scorecard["period"] as? String == "Nov 2026" && scorecard["status"] as? String == "breached")
            #expect((scorecard["so_far"] as? String)?.hasPrefix("Dec 2026") == true, "\(scorecard)")
            // the page says plainly that it was frozen late, and links the items
            let page = try await harness.get("/meetings/\(first)/pack", as: try await harness.session(for: world.manager))
            #expect(page.status == .ok)
            #expect(page.text.contains("Frozen late: after the meeting began"), "\(page.text)")
            #expect(page.text.contains("<a href=\"/claims/\(beforeID)\">Exclusion claim #\(beforeID)"))
            #expect(page.text.contains("Period under way"))
            let markdown = try await harness.get("/meetings/\(first)/pack.md", as: try await harness.session(for: world.manager))
            #expect(markdown.text.contains("Frozen late"))
        }
    }
}

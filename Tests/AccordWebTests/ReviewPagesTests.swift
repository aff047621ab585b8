import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// The review pages as a browser uses them: a series created through its form (errors keep the values), attendees
/// set, a pack frozen and read as a document, Markdown and CSV, minutes and items written, and a proposal made by the
/// vendor in its portal and accepted by the customer through the forms.
@Suite("Review pages")
struct ReviewPagesTests {
    static func location(_ response: TestResponse) -> String { response.location ?? "" }

    @Test func aContractManagerRunsAMonthlyReviewInTheBrowser() async throws {
        // the day of the first meeting after November closed (Wednesday 2 December): the ad-hoc meeting at 00:00 Berlin
        // that day reviews November whatever the hour this test runs
        try await Harness.run(now: RFC3339.parse("2026-12-02T12:00:00Z")) { harness in
            // setup
            let world = harness.world
            try await ReviewGovernanceTests.threeMonths(harness)
            let carla = try await harness.session(for: world.manager)
            let alpha = try await harness.session(for: world.vendorUserA)
            let today = LocalDate.of(harness.clock.now, in: .gmt)
            // MUT: the form refuses a quarterly tactical series and keeps what was typed
            #expect(try await harness.get("/reviews/new", as: carla).status == .ok)
            #expect(try await harness.get("/reviews/new", as: alpha).status == .forbidden)
            let fields: [(String, String)] = [
                ("title", "Alpha monthly review"), ("tier", "tactical"), ("scope", "agreement:\(world.agreementA.id)"), ("frequency", "quarterly"),
                ("ordinal", "1"), ("weekday", "3"), ("month", "1"), ("start_time", "10:00"), ("duration_minutes", "60"), ("time_zone", "Europe/Berlin"),
                ("starts_on", today.description), ("location", "Room 4"),
            ]
            let refused = try await harness.post("/reviews", fields, as: carla)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("A tactical review meets monthly") && refused.text.contains("value=\"Alpha monthly review\""))
            let created = try await harness.post("/reviews", fields.map { $0.0 == "frequency" ? ("frequency", "monthly") : $0 }, as: carla)
            #expect(created.status == .seeOther, "\(created.text)")
            let seriesPath = Self.location(created).components(separatedBy: "?").first ?? ""
            let seriesID = try #require(Int(seriesPath.replacingOccurrences(of: "/reviews/", with: "")))
            // attendees: the candidates are the customer's people and vendor A's contacts and users, not vendor B's
            let page = try await harness.get(seriesPath, as: carla)
            #expect(page.status == .ok && page.text.contains(world.contactA.name) && !page.text.contains(world.contactB.name))
            #expect(
                try await harness.post(
                    "\(seriesPath)/attendees", [("attendees", "user:\(world.manager.id)"), ("attendees", "contact:\(world.contactA.id)")], as: carla
                ).status == .seeOther)
            #expect(try await harness.post("\(seriesPath)/attendees", [("attendees", "contact:\(world.contactB.id)")], as: carla).status == .unprocessableContent)
            // a meeting held today, added ad hoc
            let added = try await harness.post(
                "\(seriesPath)/meetings", [("day", today.description), ("start_time", "00:00"), ("reason", "November breach")], as: carla)
            #expect(added.status == .seeOther)
            let meetingPath = Self.location(added).components(separatedBy: "?").first ?? ""
            let draft = try await harness.get(meetingPath, as: carla)
            #expect(draft.text.contains("Draft agenda from today") && draft.text.contains("SLA breach: Availability, Nov 2026"))
            // the pack, frozen, read as a page, Markdown and CSV
            #expect(try await harness.post("\(meetingPath)/packs", as: carla).status == .seeOther)
            let frozen = try await harness.get(meetingPath, as: carla)
            #expect(frozen.text.contains("Agenda (frozen pack, revision 1)"))
            let pack = try await harness.get("\(meetingPath)/pack", as: carla)
            #expect(pack.status == .ok && pack.text.contains("Internal pack · revision 1") && pack.text.contains("SHA-256"))
            #expect(pack.text.contains("href=\"/objectives/\(world.objectiveA.id)/periods/"))
            let markdown = try await harness.get("\(meetingPath)/pack.md", as: carla)
            #expect(markdown.headers[.contentType]?.hasPrefix("text/markdown") == true && markdown.text.contains("## Scorecard"))
            let csv = try await harness.get("\(meetingPath)/pack.csv?table=scorecard", as: carla)
            #expect(csv.text.hasPrefix("Objective,Agreement,Party,Period,Target %,Actual %") && csv.text.contains("Alpha hosting SLA"))
            #expect(try await harness.get("\(meetingPath)/pack.csv?table=nonsense", as: carla).status == .notFound)
            // vendor A reads its own pack, vendor B nothing
            let vendorPack = try await harness.get("\(meetingPath)/pack", as: alpha)
            #expect(vendorPack.status == .ok && vendorPack.text.contains("Alpha Hosting pack") && !vendorPack.text.contains("Burn-rate alerts"))
            #expect(try await harness.get("\(meetingPath)/pack?audience=internal", as: alpha).text.contains("Alpha Hosting pack"))
            let beta = try await harness.session(for: world.vendorUserB)
            #expect(try await harness.get("\(meetingPath)/pack", as: beta).status == .notFound)
            // minutes and items through the forms: an action without owner is refused, with the text kept
            let attendees = try await harness.repositories.reviews.attendees(seriesID: Int64(seriesID))
            #expect(
                try await harness.post(
                    "\(meetingPath)/minutes", [("present", "\(attendees[0].id)"), ("notes.0.item", "Opening and scorecard"), ("notes.0.text", "Reviewed.")],
                    as: carla
                ).status == .seeOther)
            let ownerless = try await harness.post("\(meetingPath)/items", [("kind", "action"), ("text", "Rehearse failover")], as: carla)
            #expect(ownerless.status == .unprocessableContent && ownerless.text.contains("An action item needs an owner"))
            #expect(ownerless.text.contains("Rehearse failover"))
            let due = try #require(today.adding(days: 7))
            #expect(
                try await harness.post(
                    "\(meetingPath)/items",
                    [("kind", "action"), ("text", "Rehearse failover"), ("owner", "contact:\(world.contactA.id)"), ("due_on", due.description)],
                    as: carla
                ).status == .seeOther)
            // the owner is picked from the people of the review's parties: another vendor's contact is refused
            let foreign = try await harness.post(
                "\(meetingPath)/items", [("kind", "action"), ("text", "Other"), ("owner", "contact:\(world.contactB.id)"), ("due_on", due.description)], as: carla)
            #expect(foreign.status == .unprocessableContent && foreign.text.contains("Choose the owner from the list"))
            let minuted = try await harness.get(meetingPath, as: carla)
            #expect(minuted.text.contains("Reviewed.") && minuted.text.contains("Rehearse failover") && minuted.text.contains("Comments until"))
            // the vendor marks its action done from the meeting page
            let meetingID = try #require(Int64(meetingPath.replacingOccurrences(of: "/meetings/", with: "")))
            let item = try #require(try await harness.repositories.reviews.items(meetingID: meetingID, scope: .organisation).first)
            #expect(item.ownerName == world.contactA.name && item.ownerVendorID == world.vendorA.id)
            #expect(try await harness.post("/review-items/\(item.id)/done", as: beta).status == .notFound)
            #expect(try await harness.post("/review-items/\(item.id)/done", as: alpha).status == .seeOther)
            #expect(try await harness.repositories.reviews.item(id: item.id, scope: .organisation).status == .done)
            // the reviews list shows the series and what is coming up
            let list = try await harness.get("/reviews", as: carla)
            #expect(list.text.contains("Alpha monthly review") && list.text.contains("first Wednesday of each month at 10:00"))
        }
    }

    @Test func aVendorProposesInItsPortalAndTheCustomerAcceptsThroughTheForm() async throws {
        try await Harness.run { harness in
            // setup
            let world = harness.world
            try await ReviewGovernanceTests.threeMonths(harness)
            let carla = try await harness.session(for: world.manager)
            let alpha = try await harness.session(for: world.vendorUserA)
            let effective = try #require(LocalDate.of(harness.clock.now, in: .gmt).adding(days: 45))
            // MUT: the vendor's form shows the SLA, not the internal SLO
            let form = try await harness.get("/agreements/\(world.agreementA.id)/proposals/new", as: alpha)
            #expect(form.status == .ok && form.text.contains("SLA 99.9 %") && !form.text.contains("99.95"))
            #expect(try await harness.get("/agreements/\(world.agreementB.id)/proposals/new", as: alpha).status == .notFound)
            let fields: [(String, String)] = [
                ("title", "Relax to 99.8 %"), ("rationale", "Close misses."), ("effective_from", effective.description), ("replay_periods", "3"),
                ("changes.0.series_id", "\(world.objectiveA.seriesID)"), ("changes.0.sla_target", "99.8"),
                ("changes.0.credit_tiers.0.threshold", "99.8"), ("changes.0.credit_tiers.0.percent", "10"),
                ("changes.0.credit_tiers.1.threshold", ""), ("changes.0.credit_tiers.1.percent", ""),
            ]
            // credit tiers are rows: the form offers them as rows, and a row with a threshold but no percent is refused, the rows kept
            #expect(form.text.contains("name=\"changes.0.credit_tiers.1.threshold\"") && !form.text.contains("99.5:10"))
            let bad = try await harness.post(
                "/agreements/\(world.agreementA.id)/proposals", fields.map { $0.0 == "changes.0.credit_tiers.0.percent" ? ($0.0, "ten") : $0 }, as: alpha)
            #expect(bad.status == .unprocessableContent && bad.text.contains("A credit tier has a threshold and a percent") && bad.text.contains("Relax to 99.8 %"))
            #expect(bad.text.contains("name=\"changes.0.credit_tiers.0.percent\" value=\"ten\""), "\(bad.text)")
            let made = try await harness.post("/agreements/\(world.agreementA.id)/proposals", fields, as: alpha)
            #expect(made.status == .seeOther, "\(made.text)")
            let proposalPath = Self.location(made).components(separatedBy: "?").first ?? ""
            let shown = try await harness.get(proposalPath, as: carla)
            #expect(shown.text.contains("Breaches 2 → 1; credits EUR 200.00 → EUR 100.00 (difference -EUR 100.00)"), "\(shown.text)")
            #expect(shown.text.contains("Accept (creates the amended version)"))
            // the customer accepts: version 2 is in force from the effective date
            let accepted = try await harness.post("\(proposalPath)/accept", [("row_version", "1")], as: carla)
            #expect(accepted.status == .seeOther, "\(accepted.text)")
            let versions = try await harness.repositories.versions.list(agreementID: world.agreementA.id, scope: .organisation)
            #expect(versions.count == 2 && versions.last?.effectiveFrom == effective && versions.last?.state == .active)
            #expect(try await harness.get(proposalPath, as: alpha).text.contains("Applied"))
        }
    }
}

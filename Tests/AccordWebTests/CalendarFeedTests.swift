import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Calendar feeds and invitations, read back with a real iCalendar parser (Python's icalendar, through
/// scripts/lib/ics-parse.py): stable UIDs, SEQUENCE raised on every change, cancellations, all-day notice deadlines,
/// folding of long lines, and a feed URL that stops working when replaced or revoked.
@Suite("Calendar feeds")
struct CalendarFeedTests {
    struct Parsed: Decodable {
        struct Event: Decodable {
            var uid: String
            var sequence: Int
            var status: String
            var summary: String
            var location: String
            var start: String
            var end: String
            var all_day: Bool
            var organizer: String
            var attendees: [String]
        }

        var method: String
        var name: String
        var events: [Event]
        var bare_newlines: Bool
        var long_lines: [Int]
    }

    /// Runs the parser on `text`; fails the test when it refuses the text.
    static func parse(_ text: String) throws -> Parsed {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestDatabase.root.appendingPathComponent("scripts/lib/ics-parse.py").path]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "the parser refused the calendar: \(problem)")
        return try JSONDecoder().decode(Parsed.self, from: data)
    }

    @Test func aFeedFollowsMovesAndCancellationsAndStopsWhenRevoked() async throws {
        try await Harness.run { harness in
            // setup: a fortnightly operational review with a long, non-ASCII title and location
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            let alpha = try await harness.token(for: world.vendorUserA)
            let today = LocalDate.of(harness.clock.now, in: .gmt)
            let title = "Revue opérationnelle — Alpha Hosting, disponibilité et incidents; « priorité », suivi, actions"
            let location = String(repeating: "Salle de réunion Zürich, étage 3; ", count: 4) + "fin"
            let created = try await harness.api(
                .post, "/api/v1/reviews", token: manager,
                json: #"{"title":"\#(title)","tier":"operational","scope":"agreement:\#(world.agreementA.id)","frequency":"fortnightly","weekday":2,"time_zone":"America/New_York","start_time":"09:00","duration_minutes":45,"starts_on":"\#(today)","location":"\#(location)","attendees":["user:\#(world.manager.id)","user:\#(world.vendorUserA.id)"]}"#)
            #expect(created.status == .created, "\(created.text)")
            let seriesID = try #require(created.json["id"] as? Int)
            let meetings = try #require(try await harness.api(.get, "/api/v1/reviews/\(seriesID)/meetings", token: manager).json["items"] as? [[String: Any]])
            #expect(meetings.count >= 10)
            let moved = try #require(meetings[1]["id"] as? Int)
            let cancelled = try #require(meetings[2]["id"] as? Int)
            // a notice deadline 40 days out
            _ = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).saveGovernanceTerms(
                agreementID: world.agreementA.id, GovernanceTerms(noticePeriodDays: 0), expectedRowVersion: 0, scope: .organisation, actor: .system)
            let end = try #require(today.adding(days: 40))
            try await harness.database.query("UPDATE agreements SET end_date = \(end.description)::date WHERE id = \(world.agreementA.id)")
            // MUT: the manager subscribes
            let issued = try await harness.api(.post, "/api/v1/calendar-feed", token: manager, json: "{}")
            #expect(issued.status == .created)
            let url = try #require(issued.json["url"] as? String)
            let path = try #require(URL(string: url)?.path)
            #expect(path.hasPrefix("/feeds/cal_") && path.hasSuffix("/calendar.ics"))
            let first = try await harness.get(path, as: nil)
            #expect(first.status == .ok && first.headers[.contentType]?.hasPrefix("text/calendar") == true)
            let feed = try Self.parse(first.text)
            // validation: no METHOD, stable UIDs, times in UTC at 09:00 New York, long lines folded, CRLF only
            #expect(feed.method.isEmpty && !feed.bare_newlines && feed.long_lines.isEmpty)
            let byUID = Dictionary(feed.events.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
            let event = try #require(byUID["review-meeting-\(moved)@accord"])
            #expect(event.summary == title && event.location == location && event.sequence == 0 && event.status == "CONFIRMED")
            let day = try #require(LocalDate(meetings[1]["day"] as? String ?? ""))
            let expected = try #require(MeetingPlanner.instant(day, ClockTime("09:00")!, zone: TimeZone(identifier: "America/New_York")!))
            #expect(event.start.hasSuffix("+00:00") && ISO8601DateFormatter().date(from: event.start.replacingOccurrences(of: "+00:00", with: "Z")) == expected)
            let notice = try #require(byUID["notice-deadline-\(world.agreementA.id)@accord"])
            #expect(notice.all_day && notice.start == end.description)
            // a move raises the sequence and moves the event; a cancellation keeps the event, cancelled
            let target = try #require(day.adding(days: 1))
            #expect(try await harness.api(.post, "/api/v1/meetings/\(moved)/move", token: manager, json: #"{"day":"\#(target)","start_time":"15:30"}"#).status == .ok)
            #expect(try await harness.api(.post, "/api/v1/meetings/\(cancelled)/cancel", token: manager, json: #"{"reason":"Team offsite"}"#).status == .ok)
            let after = Dictionary(try Self.parse(try await harness.get(path, as: nil).text).events.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
            let movedEvent = try #require(after["review-meeting-\(moved)@accord"])
            #expect(movedEvent.sequence == 1 && movedEvent.start.hasPrefix(target.description))
            let cancelledEvent = try #require(after["review-meeting-\(cancelled)@accord"])
            #expect(cancelledEvent.status == "CANCELLED" && cancelledEvent.sequence == 1)
            // the invitation is a REQUEST naming the attendees; the cancelled meeting's is a CANCEL
            let invite = try Self.parse(try await harness.api(.get, "/meetings/\(moved)/invite.ics", token: manager).text)
            #expect(invite.method == "REQUEST" && invite.events.count == 1)
            #expect(invite.events[0].attendees.contains("mailto:\(world.manager.email)") && invite.events[0].organizer == "mailto:\(world.manager.email)")
            let cancel = try Self.parse(try await harness.api(.get, "/meetings/\(cancelled)/invite.ics", token: manager).text)
            #expect(cancel.method == "CANCEL" && cancel.events.first?.status == "CANCELLED")
            // a vendor's copy names its own people only and no organiser, so it is an event to import; its feed has no
            // notice deadlines
            let vendorInvite = try Self.parse(try await harness.api(.get, "/meetings/\(moved)/invite.ics", token: alpha).text)
            #expect(vendorInvite.method.isEmpty && vendorInvite.events[0].attendees == ["mailto:\(world.vendorUserA.email)"])
            #expect(vendorInvite.events[0].organizer.isEmpty)
            let vendorURL = try #require(try await harness.api(.post, "/api/v1/calendar-feed", token: alpha, json: "{}").json["url"] as? String)
            let vendorFeed = try Self.parse(try await harness.get(try #require(URL(string: vendorURL)?.path), as: nil).text)
            #expect(!vendorFeed.events.isEmpty && vendorFeed.events.allSatisfy { $0.uid.hasPrefix("review-meeting-") })
            // vendor B sees none of it
            let beta = try await harness.token(for: world.vendorUserB)
            let betaURL = try #require(try await harness.api(.post, "/api/v1/calendar-feed", token: beta, json: "{}").json["url"] as? String)
            #expect(try Self.parse(try await harness.get(try #require(URL(string: betaURL)?.path), as: nil).text).events.isEmpty)
            // replacing the secret ends the old URL; revoking ends the new one
            let replaced = try #require(try await harness.api(.post, "/api/v1/calendar-feed", token: manager, json: "{}").json["url"] as? String)
            #expect(try await harness.get(path, as: nil).status == .notFound)
            let newPath = try #require(URL(string: replaced)?.path)
            #expect(try await harness.get(newPath, as: nil).status == .ok)
            #expect(try await harness.api(.delete, "/api/v1/calendar-feed", token: manager).status == .noContent)
            #expect(try await harness.get(newPath, as: nil).status == .notFound)
            #expect(try await harness.api(.get, "/api/v1/calendar-feed", token: manager).json["active"] as? Bool == false)
            // each issue and the revoke are audited, never with the secret; revoking nothing writes nothing
            #expect(try await harness.api(.delete, "/api/v1/calendar-feed", token: manager).status == .noContent)
            let trail = try await harness.repositories.audit.list(filter: AuditFilter(entity: "calendar_feed"), page: PageRequest(number: 1, size: 50))
            let managers = trail.items.filter { $0.entityID == "\(world.manager.id)" }.map(\.action)
            #expect(managers.sorted() == ["issue", "issue", "revoke"], "\(managers)")
            #expect(!trail.items.contains { ($0.after ?? "").contains("cal_") })
        }
    }
}

import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// Mail that arrives: a real SMTP server (aiosmtpd) with STARTTLS and AUTH takes what the delivery job sends, and
/// Python's email package reads every message back; a refusal is retried, a permanent one given up and shown to
/// admins; digests, preferences, capture and the pages and API that set them.
@Suite("Mail")
struct MailTests {
    static let options = MailOptions(publicURL: "https://accord.example.com", captureDirectory: FileManager.default.temporaryDirectory)

    /// An announcement of a claim against agreement A: its RACI (none: the contract managers) hear of it.
    static func announce(_ harness: Harness, title: String, key: String? = nil) async throws {
        try await harness.repositories.inbox.announce(
            Announcement(
                event: .claimFiled, subjectKind: "claim", subjectID: 1, title: title, link: "/claims/1", agreementID: harness.world.agreementA.id,
                vendorID: harness.world.vendorA.id, dedupeKey: key),
            actor: .system, at: harness.clock.now)
    }

    static func settings(port: Int, verify: Bool = false, user: String = "accord", password: String = "relay-secret") -> String {
        """
        {"mode": "smtp", "host": "127.0.0.1", "port": \(port), "security": "starttls", "username": "\(user)", "password": "\(password)",
         "sender_address": "accord@example.com", "sender_name": "Accord Governance", "verify_certificate": \(verify), "timeout_seconds": 20}
        """
    }

    @Test func messagesReachARealRelayOverSTARTTLSWithRetriesAndPermanentFailuresShownToAdmins() async throws {
        let server = try await MailServer(.init(startTLS: true, credentials: ("accord", "relay-secret"), refuseFirst: 1, reject: ["vic@test.example"]))
        try await Harness.run(mail: Self.options) { harness in
            let world = harness.world
            let admin = try await harness.token(for: world.admin)
            // MUT: the admin configures the relay through the API; the password is never read back
            let put = try await harness.api(.put, "/api/v1/mail/settings", token: admin, json: Self.settings(port: server.port))
            #expect(put.status == .ok, "\(put.text)")
            #expect(put.json["password_set"] as? Bool == true && !put.text.contains("relay-secret"))
            #expect(try await harness.api(.get, "/api/v1/mail/settings", token: admin).text.contains("relay-secret") == false)
            // a manager may not read or set them; bad input names its field and changes nothing
            let manager = try await harness.token(for: world.manager)
            #expect(try await harness.api(.get, "/api/v1/mail/settings", token: manager).status == .forbidden)
            let bad = try await harness.api(
                .put, "/api/v1/mail/settings", token: admin, json: #"{"mode": "smtp", "host": "", "port": 70000, "security": "none", "username": "x", "sender_address": "nobody"}"#)
            #expect(bad.status == .unprocessableContent)
            for field in ["host", "port", "username", "sender_address"] { #expect(bad.text.contains("\"\(field)\""), "\(field)") }
            #expect(try await harness.repositories.mail.settings().port == server.port)

            // an inbox item for the managers, and one for a viewer the relay refuses for good
            try await Self.announce(harness, title: "Claim filed: Checkout outage of 3 December")
            _ = try await harness.repositories.mail.enqueue(
                MailDraft(kind: .notice, toAddress: "vic@test.example", toName: "Vic Viewer", subject: "Notice deadline", text: "Give notice by 1 January."),
                at: harness.clock.now)
            let job = MailDeliveryJob(repositories: harness.repositories, options: Self.options)
            // the first DATA is answered 451: retried later; the refused address is given up at once
            let first = try await job.run(now: harness.clock.now)
            #expect(first.items == 2)
            var outbox = try await harness.repositories.mail.list(failedOnly: false, page: PageRequest())
            let toManager = try #require(outbox.items.first { $0.toAddress == "carla@test.example" })
            #expect(toManager.state == .queued && toManager.attempts == 1 && toManager.lastError?.contains("451") == true)
            let refused = try #require(outbox.items.first { $0.toAddress == "vic@test.example" })
            #expect(refused.state == .failed && refused.lastError?.contains("550") == true)
            // nothing is due before its backoff; then it goes
            #expect(try await job.run(now: harness.clock.now).items == 0)
            harness.clock.advance(by: 61)
            #expect(try await job.run(now: harness.clock.now).summary == "1 of 1 messages sent")
            outbox = try await harness.repositories.mail.list(failedOnly: false, page: PageRequest())
            #expect(outbox.items.first { $0.toAddress == "carla@test.example" }?.state == .sent)

            // read back by Python's email package: headers, parts, the link to the public address, no defects
            let messages = try server.messages()
            #expect(messages.count == 1)
            let message = try #require(messages.first)
            let headers = try #require(message["headers"] as? [String: String])
            #expect(headers["From"] == "Accord Governance <accord@example.com>")
            #expect(headers["To"] == "Carla Contract <carla@test.example>")
            #expect(headers["Subject"] == "Claim filed: Checkout outage of 3 December")
            #expect(headers["Message-ID"]?.hasSuffix("@example.com>") == true && headers["Date"] != nil)
            #expect(headers["Auto-Submitted"] == "auto-generated" && headers["List-Unsubscribe"] == "<https://accord.example.com/account/mail>")
            #expect((message["defects"] as? [String]) == [])
            let tree = try #require(message["tree"] as? [String: Any])
            #expect(tree["type"] as? String == "multipart/alternative")
            #expect(((tree["parts"] as? [[String: Any]]) ?? []).compactMap { $0["type"] as? String } == ["text/plain", "text/html"])
            #expect((message["text"] as? String)?.contains("Open in Accord: https://accord.example.com/claims/1") == true)
            #expect((message["html"] as? String)?.contains("href=\"https://accord.example.com/claims/1\"") == true)
            let envelope = try #require(message["envelope"] as? [String: Any])
            #expect(envelope["tls"] as? Bool == true && envelope["mail_from"] as? String == "accord@example.com")

            // admins see the message given up on, with the relay's words, on the page and through the API; a retry queues it
            let session = try await harness.session(for: world.admin)
            let page = try await harness.get("/admin/mail?failed=true", as: session)
            #expect(page.status == .ok && page.text.contains("vic@test.example") && page.text.contains("550") && page.text.contains("1 not sent"))
            let failed = try await harness.api(.get, "/api/v1/mail/outbox?failed=true", token: admin)
            #expect((failed.json["items"] as? [[String: Any]])?.count == 1)
            #expect(try await harness.api(.get, "/api/v1/mail/outbox?failed=maybe", token: admin).status == .unprocessableContent)
            let retried = try await harness.post("/admin/mail/outbox/\(refused.id)/retry", as: session)
            #expect(retried.status == .seeOther || retried.status == .found)
            #expect(try await harness.repositories.mail.list(failedOnly: true, page: PageRequest()).items.isEmpty)
            #expect(try await harness.api(.post, "/api/v1/mail/outbox/\(refused.id)/retry", token: admin).status == .notFound)
        }
    }

    @Test func wrongCredentialsAndAnUntrustedCertificateAreNotSentAndSaySo() async throws {
        let server = try await MailServer(.init(startTLS: true, credentials: ("accord", "relay-secret")))
        try await Harness.run(mail: Self.options) { harness in
            let admin = try await harness.token(for: harness.world.admin)
            let job = MailDeliveryJob(repositories: harness.repositories, options: Self.options)
            // a self-signed certificate is refused while it is checked
            _ = try await harness.api(.put, "/api/v1/mail/settings", token: admin, json: Self.settings(port: server.port, verify: true))
            #expect(try await harness.api(.post, "/api/v1/mail/test", token: admin).status == .accepted)
            _ = try await job.run(now: harness.clock.now)
            var message = try #require(try await harness.repositories.mail.list(failedOnly: false, page: PageRequest()).items.first)
            #expect(message.state == .queued && message.lastError?.contains("TLS") == true, "\(message.lastError ?? "")")
            // a wrong password is the relay's permanent refusal (535), and never appears in what is recorded
            _ = try await harness.api(.put, "/api/v1/mail/settings", token: admin, json: Self.settings(port: server.port, password: "wrong-secret"))
            harness.clock.advance(by: 61)
            _ = try await job.run(now: harness.clock.now)
            message = try #require(try await harness.repositories.mail.list(failedOnly: false, page: PageRequest()).items.first)
            #expect(message.state == .failed && message.lastError?.hasPrefix("AUTH: 535") == true, "\(message.lastError ?? "")")
            #expect(message.lastError?.contains("wrong-secret") == false)
            #expect(try server.messages().isEmpty)
        }
    }

    @Test func digestsPreferencesAndCaptureWorkFromThePages() async throws {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("accord-capture-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: capture) }
        let options = MailOptions(publicURL: "https://accord.example.com", captureDirectory: capture)
        // 2026-12-08 06:30 UTC: before the digest hour
        try await Harness.run(now: Date(timeIntervalSince1970: 1_796_711_400), mail: options) { harness in
            let world = harness.world
            // with mail off nothing is written
            try await Self.announce(harness, title: "Claim filed while mail is off")
            #expect(try await harness.repositories.mail.counts().queued == 0)

            // MUT: the admin chooses capture on the page; the form keeps what was typed when it is refused
            let admin = try await harness.session(for: world.admin)
            let refused = try await harness.post(
                "/admin/mail", [("mode", "capture"), ("sender_address", "not an address"), ("sender_name", "Accord"), ("security", "starttls"), ("timeout_seconds", "30")],
                as: admin)
            #expect(refused.status == .unprocessableContent && refused.text.contains("not an address") && refused.text.contains("A mail address such as"))
            let saved = try await harness.post(
                "/admin/mail", [("mode", "capture"), ("sender_address", "accord@example.com"), ("sender_name", "Accord"), ("security", "starttls"), ("timeout_seconds", "30")],
                as: admin)
            #expect(saved.status == .seeOther || saved.status == .found)
            let page = try await harness.get("/admin/mail", as: admin)
            #expect(page.text.contains("Mail is captured, not sent") && page.text.contains(capture.path))

            // the manager takes a digest, the analyst nothing by mail (their own page, CSRF-checked)
            let manager = try await harness.session(for: world.manager)
            #expect(try await harness.get("/account/mail", as: manager).text.contains("carla@test.example"))
            #expect(try await harness.post("/account/mail", [("inbox_mail", "digest")], as: manager, csrf: "wrong").status == .forbidden)
            #expect(try await harness.post("/account/mail", [("inbox_mail", "digest")], as: manager).status == .seeOther)
            #expect(try await harness.repositories.mail.preference(userID: world.manager.id) == .digest)
            #expect(try await harness.get("/account/mail", as: manager).text.contains(#"value="digest" checked"#))
            let analyst = try await harness.token(for: world.analyst)
            let off = try await harness.api(.put, "/api/v1/me/mail", token: analyst, json: #"{"inbox_mail": "off"}"#)
            #expect(off.json["inbox_mail"] as? String == "off")
            #expect(try await harness.api(.put, "/api/v1/me/mail", token: analyst, json: #"{"inbox_mail": "hourly"}"#).status == .unprocessableContent)
            let vendor = try await harness.token(for: world.vendorUserA)
            #expect(try await harness.api(.get, "/api/v1/me/mail", token: vendor).json["inbox_mail"] as? String == "immediate")
            #expect(try await harness.api(.get, "/api/v1/mail/outbox", token: vendor).status == .forbidden)

            harness.clock.advance(by: 60)
            // two items: the manager's wait for the digest (the one before the choice is not in it); nobody else hears of a claim
            try await Self.announce(harness, title: "Claim filed: Checkout outage of 3 December")
            try await Self.announce(harness, title: "Claim filed: Search latency on 5 December")
            #expect(try await harness.repositories.mail.counts().queued == 0)
            let digests = MailDigestJob(repositories: harness.repositories)
            #expect(try await digests.run(now: harness.clock.now).items == 0)
            harness.clock.advance(by: 3600)
            #expect(try await digests.run(now: harness.clock.now).items == 1)
            // once a day
            harness.clock.advance(by: 600)
            try await Self.announce(harness, title: "Claim filed: one more")
            #expect(try await digests.run(now: harness.clock.now).items == 0)

            let delivered = try await MailDeliveryJob(repositories: harness.repositories, options: options).run(now: harness.clock.now)
            #expect(delivered.summary == "1 of 1 messages captured")
            let files = try FileManager.default.contentsOfDirectory(atPath: capture.path).filter { $0.hasSuffix(".eml") }
            #expect(files.count == 1)
            let text = try String(contentsOf: capture.appendingPathComponent(files[0]), encoding: .utf8)
            #expect(text.contains("Subject: Accord digest: 2 unread items") && text.contains("To: \"Carla Contract\" <carla@test.example>"))
        }
    }
}

extension MailTests {
    /// Invitations reach each attendee as iTIP calendar messages a mail client files in its calendar: REQUEST at first,
    /// REQUEST with a higher SEQUENCE when the meeting moves, CANCEL when it is cancelled; a vendor's copy names only the
    /// vendor's people, with Accord's sender as organiser. Read back with Python's email package and icalendar.
    @Test func meetingInvitationsMovesAndCancellationsArriveAsCalendarMessages() async throws {
        let server = try await MailServer()
        try await Harness.run(mail: Self.options) { harness in
            let world = harness.world
            let admin = try await harness.token(for: world.admin)
            let plain = """
                {"mode": "smtp", "host": "127.0.0.1", "port": \(server.port), "security": "none", "sender_address": "accord@example.com",
                 "sender_name": "Accord", "timeout_seconds": 20}
                """
            #expect(try await harness.api(.put, "/api/v1/mail/settings", token: admin, json: plain).status == .ok)
            // a monthly review of agreement A with the manager and vendor A's contact, starting within three weeks
            let now = harness.clock.now
            let today = LocalDate.of(now, in: .gmt)
            let series = try await harness.repositories.reviews.createSeries(
                ReviewSeriesDraft(
                    title: "Alpha weekly operations review", tier: .operational, scope: .agreement(world.agreementA.id),
                    recurrence: .weekly(weekday: 3, everyWeeks: 1), timeZone: "Europe/Berlin", startTime: ClockTime("10:00"), durationMinutes: 60,
                    startsOn: today, attendeeUserIDs: [world.manager.id], attendeeContactIDs: [world.contactA.id]),
                through: try #require(today.adding(days: 90)), scope: .organisation, actor: .system, now: now)
            let meetings = try await harness.repositories.reviews.meetings(seriesID: series.id, scope: .organisation)
            let first = try #require(meetings.first { $0.startsAt > now })
            // MUT: the invitations go out for the meetings of the next three weeks, once
            let invitations = MeetingInvitations(repositories: harness.repositories)
            let horizon = now.addingTimeInterval(MeetingInvitations.horizon)
            let invited = meetings.filter { $0.startsAt >= now && $0.startsAt <= horizon }.count
            #expect(try await invitations.send(now: now) == invited)
            #expect(try await invitations.send(now: now) == 0)
            let job = MailDeliveryJob(repositories: harness.repositories, options: Self.options)
            _ = try await job.run(now: now)
            // moved, then cancelled
            let useCases = UseCases(repositories: harness.repositories, clock: { harness.clock.now }, logger: TestDatabase.logger)
            let day = try #require(first.day.adding(days: 1))
            let moved = try await useCases.changeMeeting.move(
                meetingID: first.id, to: day, at: ClockTime("11:00"), reason: "The vendor's engineer is away", expectedRowVersion: nil, scope: .organisation,
                actor: .system)
            _ = try await invitations.send(now: now)
            _ = try await job.run(now: now)
            _ = try await useCases.changeMeeting.cancel(meetingID: first.id, reason: "Replaced by the quarterly review", expectedRowVersion: nil, scope: .organisation, actor: .system)
            _ = try await invitations.send(now: now)
            _ = try await job.run(now: now)

            let messages = try server.messages()
            func calendars(_ to: String) -> [[String: Any]] {
                messages.filter { ($0["headers"] as? [String: String])?["To"]?.contains(to) == true }
                    .flatMap { ($0["calendars"] as? [[String: Any]]) ?? [] }
                    .filter { ($0["uid"] as? String) == "review-meeting-\(first.id)@accord" }
            }
            for address in ["carla@test.example", "ann@alpha.example"] {
                let events = calendars(address)
                #expect(events.map { $0["method"] as? String ?? "" } == ["REQUEST", "REQUEST", "CANCEL"], "\(address): \(events)")
                // a move raises the SEQUENCE, so the calendar replaces the event, and the moved start is the new one
                let sequences = events.map { $0["sequence"] as? Int ?? -1 }
                #expect(sequences.count == 3 && sequences[1] > sequences[0] && sequences[2] >= sequences[1], "\(sequences)")
                #expect((events.first?["content_type_method"] as? String) == "REQUEST" && (events.last?["content_type_method"] as? String) == "CANCEL")
                #expect(events.count == 3 && (events[0]["start"] as? String) != (events[1]["start"] as? String))
            }
            // the vendor's copy names no one of the customer; the customer's copy names both
            let vendorCopy = try #require(calendars("ann@alpha.example").first)
            #expect(((vendorCopy["attendees"] as? [String]) ?? []).allSatisfy { !$0.contains("carla@test.example") })
            #expect(((calendars("carla@test.example").first?["attendees"] as? [String]) ?? []).contains { $0.contains("ann@alpha.example") })
            #expect(messages.allSatisfy { (($0["defects"] as? [String]) ?? ["?"]).isEmpty })
            let subjects = messages.compactMap { ($0["headers"] as? [String: String])?["Subject"] }
            #expect(subjects.contains { $0.hasPrefix("Moved: Alpha weekly operations review") } && subjects.contains { $0.hasPrefix("Cancelled: Alpha weekly operations review") })
        }
    }

    static func plainRelay(_ harness: Harness, port: Int) async throws {
        let admin = try await harness.token(for: harness.world.admin)
        let plain = """
            {"mode": "smtp", "host": "127.0.0.1", "port": \(port), "security": "none", "sender_address": "accord@example.com",
             "sender_name": "Accord", "timeout_seconds": 20}
            """
        #expect(try await harness.api(.put, "/api/v1/mail/settings", token: admin, json: plain).status == .ok)
    }

    static func to(_ messages: [[String: Any]], _ address: String) -> [[String: Any]] {
        messages.filter { ($0["headers"] as? [String: String])?["To"]?.contains(address) == true }
    }

    static func attachments(_ message: [String: Any]) -> [String: String] {
        var files: [String: String] = [:]
        for item in (message["attachments"] as? [[String: Any]]) ?? [] {
            if let name = item["filename"] as? String { files[name] = item["content"] as? String ?? "" }
        }
        return files
    }

    @Test func eachAttendeeGetsTheirAudiencesPackAtThePreReadDeadline() async throws {
        let server = try await MailServer()
        try await Harness.run(mail: Self.options) { harness in
            let world = harness.world
            try await Self.plainRelay(harness, port: server.port)
            let now = harness.clock.now
            let today = LocalDate.of(now, in: .gmt)
            let series = try await harness.repositories.reviews.createSeries(
                ReviewSeriesDraft(
                    title: "Alpha operations review", tier: .operational, scope: .agreement(world.agreementA.id),
                    recurrence: .weekly(weekday: 3, everyWeeks: 1), timeZone: "Europe/Berlin", startTime: ClockTime("10:00"), durationMinutes: 60,
                    startsOn: today, attendeeUserIDs: [world.manager.id, world.analyst.id], attendeeContactIDs: [world.contactA.id]),
                through: try #require(today.adding(days: 30)), scope: .organisation, actor: .system, now: now)
            let meetings = try await harness.repositories.reviews.meetings(seriesID: series.id, scope: .organisation)
            let meeting = try #require(meetings.first { $0.startsAt > now.addingTimeInterval(86_400) })
            let packs = try await ReviewPacks(repositories: harness.repositories, clock: { now }).freeze(meetingID: meeting.id, scheduled: false, actor: .system)
            #expect(packs.count == 2)
            // the analyst has left: their account is disabled, and no pack goes to their old address
            try await harness.database.query("UPDATE users SET disabled = true WHERE id = \(world.analyst.id)")
            let mail = PackMail(repositories: harness.repositories)
            // before the pre-read deadline nothing goes; at it, the meeting's packs go once
            #expect(try await mail.send(now: meeting.packDueAt.addingTimeInterval(-60)) == 0)
            let deadline = meeting.packDueAt.addingTimeInterval(60)
            #expect(try await mail.send(now: deadline) == 1)
            #expect(try await mail.send(now: deadline) == 0)
            _ = try await MailDeliveryJob(repositories: harness.repositories, options: Self.options).run(now: deadline)

            let messages = try server.messages().filter { (($0["headers"] as? [String: String])?["Subject"] ?? "").hasPrefix("Pack:") }
            #expect(messages.count == 2 && messages.allSatisfy { (($0["defects"] as? [String]) ?? ["?"]).isEmpty })
            #expect(Self.to(messages, world.analyst.email).isEmpty)
            let internalPack = try #require(packs.first { $0.audienceVendorID == nil })
            let vendorPack = try #require(packs.first { $0.audienceVendorID == world.vendorA.id })
            for (address, pack) in [("carla@test.example", internalPack), ("ann@alpha.example", vendorPack)] {
                let message = try #require(Self.to(messages, address).first, "\(address)")
                let headers = message["headers"] as? [String: String] ?? [:]
                #expect(headers["Subject"]?.hasPrefix("Pack: Alpha operations review") == true)
                // HTML with the agenda and scorecard, the text alternative, Markdown and CSV attached, the frozen revision linked
                let html = message["html"] as? String ?? ""
                #expect(html.contains("Agenda") && html.contains("Scorecard") && html.contains("<table"))
                let link = "https://accord.example.com/meetings/\(meeting.id)/pack?revision=\(pack.id)"
                #expect((message["text"] as? String ?? "").contains(link) && html.contains(link))
                let files = Self.attachments(message)
                let name = "pack-\(meeting.id)-r\(pack.revision)"
                #expect(Set(files.keys) == ["\(name).md", "\(name)-scorecard.csv", "\(name)-breaches.csv"], "\(files.keys)")
                #expect(files["\(name).md"]?.contains("SHA-256 `\(pack.sha256)`") == true)
                #expect(files["\(name)-scorecard.csv"]?.hasPrefix("Objective,Agreement,Party,Period,Target %") == true)
            }
            // the vendor's copy is the vendor's pack: no customer names, no internal pack
            let vendorMessage = try #require(Self.to(messages, "ann@alpha.example").first)
            let vendorText = [vendorMessage["text"] as? String ?? "", vendorMessage["html"] as? String ?? ""] + Array(Self.attachments(vendorMessage).values)
            #expect(vendorText.allSatisfy { !$0.contains("Carla") && !$0.contains(internalPack.sha256) })
        }
    }

    @Test func anIssuedStatementIsMailedToTheAgreementsRecipientsWithTheSignedFile() async throws {
        let server = try await MailServer()
        let december = try #require(RFC3339.parse("2026-12-15T00:00:00Z"))
        try await Harness.run(now: december, mail: Self.options) { harness in
            let world = harness.world
            try await Self.plainRelay(harness, port: server.port)
            // the RACI names the manager and vendor A's user; vendor A's contact is on the vendor's side
            let manager = try await harness.token(for: world.manager)
            let raci = """
                {"assignments":[
                 {"activity":"credit_approval","party_kind":"person","party_id":\(world.manager.id),"letter":"A"},
                 {"activity":"credit_approval","party_kind":"vendor_user","party_id":\(world.vendorUserA.id),"letter":"I"}]}
                """
            #expect(try await harness.api(.put, "/api/v1/agreements/\(world.agreementA.id)/raci", token: manager, json: raci).status == .ok)
            try await StatementTests.ingest(harness, "2026-10-10T00:00:00Z", good: 998, valid: 1000)
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: december)
            // MUT: issuing the statement mails it
            _ = try await StatementJob(repositories: harness.repositories).run(now: december.addingTimeInterval(660))
            let statement = try #require(try await StatementTests.october(harness))
            // every month of the year is stated for each agreement: the delivery job takes them in batches
            let delivery = MailDeliveryJob(repositories: harness.repositories, options: Self.options)
            for _ in 0..<40 where try await delivery.run(now: december.addingTimeInterval(700)) != .idle {}

            let subject = "Statement: \(world.agreementA.title), October 2026"
            let messages = try server.messages().filter { ($0["headers"] as? [String: String])?["Subject"] == subject }
            let addresses = Set(messages.compactMap { ($0["headers"] as? [String: String])?["To"] })
            #expect(addresses.count == 3 && ["carla@test.example", "ann@alpha.example", "ops@alpha.example"].allSatisfy { a in addresses.contains { $0.contains(a) } }, "\(addresses)")
            // vendor B hears nothing of vendor A's statement
            #expect(!addresses.contains { $0.contains("beta.example") })
            for message in messages {
                let files = Self.attachments(message)
                let signed = try #require(files[statement.fileName(ext: "json")])
                #expect(StatementSigning.verify(Data(signed.utf8), publicKey: statement.publicKey).valid)
                #expect(files[statement.fileName(ext: "md")]?.contains(statement.sha256) == true && files[statement.fileName(ext: "csv")] != nil)
                // the credit is stated without being asked for, and the mail is a contractual one
                let text = message["text"] as? String ?? ""
                #expect(text.contains("breached") && text.contains("owed without a claim") && text.contains("contractual notice"), "\(text)")
                #expect((message["html"] as? String ?? "").contains("<table"))
            }
        }
    }
}

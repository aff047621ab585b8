import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import AccordWeb
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Exclusion claims and disputes through the API and the pages: the vendor files, the contract manager decides, the
/// figures follow, both sides read the history and their inboxes.
@Suite("Claims, disputes and the inbox")
struct ClaimsAndDisputesTests {
    /// October for objective A: an hour all good and an hour at 90 %, closed.
    static func closeOctober(_ harness: Harness) async throws {
        let start = RFC3339.parse("2026-10-05T00:00:00Z")!
        _ = try await harness.repositories.measurements.ingest(
            objectiveID: harness.world.objectiveA.id, source: "probe",
            buckets: [
                MeasurementBucket(start: start, end: start.addingTimeInterval(3600), good: 1000, valid: 1000),
                MeasurementBucket(start: start.addingTimeInterval(3600), end: start.addingTimeInterval(7200), good: 900, valid: 1000),
            ], scope: .organisation, sender: BatchSender(userID: harness.world.analyst.id, credential: "test"))
        try await harness.repositories.periodRecords.syncSchedule()
        try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-12-15T00:00:00Z")!)
    }

    static func october(_ harness: Harness, token: String) async throws -> [String: Any] {
        let periods = try await harness.api(
            .get, "/api/v1/objectives/\(harness.world.objectiveA.id)/periods?from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z", token: token)
        return try #require((periods.json["items"] as? [[String: Any]])?.first, "\(periods.text)")
    }

    static func multipart(_ files: [(name: String, type: String, bytes: [UInt8])], fields: [(String, String)] = []) -> (String, ByteBuffer) {
        let boundary = "accord-test-boundary"
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for file in files {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        return ("multipart/form-data; boundary=\(boundary)", body)
    }

    @Test func aClaimApprovedByTheManagerExcludesTheWindowAndARejectedOneChangesNothing() async throws {
        try await Harness.run { harness in
            // setup
            try await Self.closeOctober(harness)
            let world = harness.world
            let vendor = try await harness.token(for: world.vendorUserA)
            let manager = try await harness.token(for: world.manager)
            #expect(try await Self.october(harness, token: manager)["attainment"] as? Double == 95)
            let body = """
                {"agreement_id":\(world.agreementA.id),"objective_ids":[\(world.objectiveA.id)],"kind":"customer_caused",
                 "starts_at":"2026-10-05T01:00:00Z","ends_at":"2026-10-05T02:00:00Z","statement":"The customer's firewall change blocked traffic"}
                """
            // MUT: the vendor files twice; the manager rejects one and approves the other
            let first = try await harness.api(.post, "/api/v1/claims", token: vendor, json: body)
            #expect(first.status == .created, "\(first.text)")
            let firstID = try #require(first.json["id"] as? Int)
            let second = try #require(try await harness.api(.post, "/api/v1/claims", token: vendor, json: body).json["id"] as? Int)
            // the vendor cannot decide its own claim; a rejection needs a reason
            #expect(try await harness.api(.post, "/api/v1/claims/\(firstID)/approve", token: vendor, json: "{}").status == .forbidden)
            #expect(try await harness.api(.post, "/api/v1/claims/\(firstID)/reject", token: manager, json: "{}").status == .unprocessableContent)
            let rejected = try await harness.api(.post, "/api/v1/claims/\(firstID)/reject", token: manager, json: #"{"reason":"No change on our side"}"#)
            #expect(rejected.json["status"] as? String == "rejected")
            #expect(try await Self.october(harness, token: manager)["attainment"] as? Double == 95)
            let approved = try await harness.api(.post, "/api/v1/claims/\(second)/approve", token: manager, json: #"{"row_version":1}"#)
            // validation
            #expect(approved.json["status"] as? String == "approved", "\(approved.text)")
            let objectives = try #require(approved.json["objectives"] as? [[String: Any]])
            #expect(objectives.first?["exclusion_id"] is Int)
            #expect(try await Self.october(harness, token: manager)["attainment"] as? Double == 100)
            // the approval and the exclusion it made are each audited once, by the manager
            let trail = try await harness.repositories.audit.list(filter: AuditFilter(), page: PageRequest(number: 1, size: 50)).items
            let exclusionID = objectives.first?["exclusion_id"] as? Int
            #expect(trail.filter { $0.entity == "exclusion" && $0.action == "create" && $0.entityID == exclusionID.map(String.init) }.count == 1)
            #expect(trail.filter { $0.entity == "claim" && $0.action == "approved" && $0.entityID == "\(second)" }.map(\.actorID) == [world.manager.id])
            // a decided claim stays decided
            #expect(try await harness.api(.post, "/api/v1/claims/\(second)/reject", token: manager, json: #"{"reason":"x"}"#).status == .conflict)
            // both sides read the history; the vendor sees the customer, not the manager's name
            let seen = try await harness.api(.get, "/api/v1/claims/\(firstID)", token: vendor)
            let history = try #require(seen.json["history"] as? [[String: Any]])
            #expect(history.map { $0["action"] as? String } == ["filed", "rejected"])
            #expect(history.last?["actor"] as? String == "the customer")
            #expect(!seen.text.contains(world.manager.name))
            let page = try await harness.get("/claims/\(firstID)", as: try await harness.session(for: world.vendorUserA))
            #expect(page.text.contains("No change on our side") && !page.text.contains(world.manager.name))
            let managerPage = try await harness.get("/claims/\(firstID)", as: try await harness.session(for: world.manager))
            #expect(managerPage.text.contains(world.manager.name))
            // inboxes: the manager was asked to act on both; the vendor heard of both decisions
            let managerInbox = try await harness.api(.get, "/api/v1/inbox", token: manager)
            let managerItems = try #require(managerInbox.json["items"] as? [[String: Any]])
            #expect(managerItems.filter { $0["event"] as? String == "claim.filed" && $0["to_act"] as? Bool == true }.count == 2)
            // the reminders three weeks on: the RCA's due date counts business days from when it was opened (the database's
            // clock), so it is overdue by then whatever day the suite runs
            _ = try await GovernanceRemindersJob(repositories: harness.repositories).run(now: Date().addingTimeInterval(21 * 86_400))
            let vendorInbox = try #require(try await harness.api(.get, "/api/v1/inbox", token: vendor).json["items"] as? [[String: Any]])
            // the October breach reached it too (with its credit, the joint RCA the terms open on an SLA breach, and the reminder
            // that the RCA is overdue)
            #expect(
                vendorInbox.compactMap { $0["event"] as? String }.sorted()
                    == ["breach.recorded", "claim.decided", "claim.decided", "credit.computed", "rca.overdue", "rca.requested"])
            let otherVendor = try await harness.token(for: world.vendorUserB)
            #expect(try await harness.api(.get, "/api/v1/inbox", token: otherVendor).json["total"] as? Int == 0)
            // the header counts unread items; reading one lowers it
            let session = try await harness.session(for: world.vendorUserA)
            #expect(try await harness.get("/inbox", as: session).text.contains("6 unread"))
            let itemID = try #require(vendorInbox.first?["id"] as? Int)
            #expect(try await harness.post("/inbox/\(itemID)/read", as: session).status == .seeOther)
            #expect(try await harness.get("/inbox", as: session).text.contains("5 unread"))
            #expect(try await harness.api(.post, "/api/v1/inbox/\(itemID)/read", token: otherVendor).status == .notFound)
        }
    }

    @Test func lateNoticeAndDenyPeriodsAreRefusedWithTheReasonAndChangeNothing() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            let vendor = try await harness.token(for: world.vendorUserA)
            let terms = """
                {"notice_hours":48,"dispute_window_days":30,"rca_due_business_days":5,"rca_on_sla_breach":true,"row_version":0,
                 "deny_periods":[{"from":"2027-11-26","to":"2027-11-30","label":"Black Friday"}]}
                """
            #expect(try await harness.api(.put, "/api/v1/agreements/\(world.agreementA.id)/governance", token: vendor, json: terms).status == .forbidden)
            let saved = try await harness.api(.put, "/api/v1/agreements/\(world.agreementA.id)/governance", token: manager, json: terms)
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(saved.json["notice_hours"] as? Int == 48)
            #expect(try await harness.api(.put, "/api/v1/agreements/\(world.agreementA.id)/governance", token: manager, json: terms).status == .conflict)
            // the change is audited once, with the terms before and after; the refused one left no line
            let audited = try await harness.repositories.audit.list(filter: AuditFilter(entity: "agreement_governance"), page: PageRequest(number: 1, size: 10))
            #expect(audited.items.count == 1 && audited.items.first?.after?.contains("Black Friday") == true, "\(audited.items)")
            let now = harness.clock.now
            func claim(start: Date, announced: Date) -> String {
                """
                {"agreement_id":\(world.agreementA.id),"objective_ids":[\(world.objectiveA.id)],"kind":"planned_maintenance",
                 "starts_at":"\(RFC3339.format(start))","ends_at":"\(RFC3339.format(start.addingTimeInterval(3600)))",
                 "announced_at":"\(RFC3339.format(announced))","statement":"Kernel patching"}
                """
            }
            let before = try await DatabaseSnapshot.take(harness.database)
            let late = try await harness.api(
                .post, "/api/v1/claims", token: vendor, json: claim(start: now.addingTimeInterval(47 * 3600), announced: now.addingTimeInterval(-60)))
            #expect(late.status == .unprocessableContent)
            #expect(late.text.contains("Late notice") && late.text.contains("48 hours") && late.text.contains("announced_at"), "\(late.text)")
            let denied = try await harness.api(
                .post, "/api/v1/claims", token: vendor,
                json: claim(start: RFC3339.parse("2027-11-28T02:00:00Z")!, announced: now.addingTimeInterval(-60)))
            #expect(denied.status == .unprocessableContent)
            #expect(denied.text.contains("Black Friday"), "\(denied.text)")
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
            // in time and outside the deny period, it is filed; the form shows the terms
            let filed = try await harness.api(
                .post, "/api/v1/claims", token: vendor, json: claim(start: now.addingTimeInterval(49 * 3600), announced: now.addingTimeInterval(-60)))
            #expect(filed.status == .created, "\(filed.text)")
            let form = try await harness.get("/claims/new?agreement=\(world.agreementA.id)", as: try await harness.session(for: world.vendorUserA))
            #expect(form.text.contains("48 hours") && form.text.contains("Black Friday"))
        }
    }

    @Test func aDisputedCreditIsNotIssuedUntilDecidedAndAnUpheldDisputeWaivesItThroughTheLedger() async throws {
        try await Harness.run { harness in
            try await CreditAndPortfolioTests.closeOctober(harness)
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            let vendor = try await harness.token(for: world.vendorUserA)
            let credit = try #require(try await harness.repositories.credits.all(filter: .init(vendorID: world.vendorA.id), scope: .organisation).first)
            let body = """
                {"objective_id":\(world.objectiveA.id),"period_start":"2026-10-01T00:00:00Z","subject":"credit","statement":"Our probes show 99.95 %"}
                """
            // the default window (30 days after 1 November) has passed today: refused with the reason
            let closed = try await harness.api(.post, "/api/v1/disputes", token: vendor, json: body)
            #expect(closed.status == .unprocessableContent && closed.text.contains("dispute window"), "\(closed.text)")
            let terms = #"{"notice_hours":72,"dispute_window_days":90,"rca_due_business_days":5,"rca_on_sla_breach":true,"row_version":0}"#
            #expect(try await harness.api(.put, "/api/v1/agreements/\(world.agreementA.id)/governance", token: manager, json: terms).status == .ok)
            let filed = try await harness.api(.post, "/api/v1/disputes", token: vendor, json: body)
            #expect(filed.status == .created, "\(filed.text)")
            let id = try #require(filed.json["id"] as? Int)
            #expect(filed.json["credit_id"] as? Int == Int(credit.id))
            // a second open dispute of the same credit is refused
            #expect(try await harness.api(.post, "/api/v1/disputes", token: vendor, json: body).status == .conflict)
            // approve, then issuing is held while the dispute is open
            #expect(try await harness.api(.post, "/api/v1/credits/\(credit.id)/approve", token: manager, json: #"{"row_version":1}"#).status == .ok)
            let held = try await harness.api(
                .post, "/api/v1/credits/\(credit.id)/issue", token: manager, json: #"{"invoice_reference":"INV-9","row_version":2}"#)
            #expect(held.status == .conflict && held.text.contains("Dispute \(id)"), "\(held.text)")
            // a remedy before the decision is refused; upheld, the credit is waived through the ledger and linked
            #expect(try await harness.api(.post, "/api/v1/disputes/\(id)/remedies/waived_credit", token: manager, json: #"{"reason":"x"}"#).status == .conflict)
            let upheld = try await harness.api(.post, "/api/v1/disputes/\(id)/uphold", token: manager, json: #"{"reason":"Our probe was misconfigured"}"#)
            #expect(upheld.json["status"] as? String == "upheld", "\(upheld.text)")
            let remedied = try await harness.api(
                .post, "/api/v1/disputes/\(id)/remedies/waived_credit", token: manager, json: #"{"reason":"Dispute upheld: probe misconfigured"}"#)
            #expect(remedied.status == .ok, "\(remedied.text)")
            let remedies = try #require(remedied.json["remedies"] as? [[String: Any]])
            #expect(remedies.first?["kind"] as? String == "waived_credit" && remedies.first?["credit_id"] as? Int == Int(credit.id))
            #expect(try await harness.repositories.credits.find(id: credit.id, scope: .organisation).status == .waived)
            // the vendor reads the decision on the page, with the customer as the decider
            let page = try await harness.get("/disputes/\(id)", as: try await harness.session(for: world.vendorUserA))
            #expect(page.text.contains("Our probe was misconfigured") && page.text.contains("Waived credit") && !page.text.contains(world.manager.name))
        }
    }

    @Test func evidenceFilesAreBoundedTypedStoredAndServedAsAttachmentsWithEscapedNames() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let vendor = try await harness.token(for: world.vendorUserA)
            let claim = try await harness.api(
                .post, "/api/v1/claims", token: vendor,
                json: """
                    {"agreement_id":\(world.agreementA.id),"objective_ids":[\(world.objectiveA.id)],"kind":"customer_caused",
                     "starts_at":"2026-10-05T01:00:00Z","ends_at":"2026-10-05T02:00:00Z","statement":"Customer change"}
                    """)
            let id = try #require(claim.json["id"] as? Int)
            func upload(_ files: [(name: String, type: String, bytes: [UInt8])]) async throws -> TestResponse {
                let (type, body) = Self.multipart(files)
                var headers = HTTPFields()
                headers[.authorization] = "Bearer \(vendor)"
                headers[.contentType] = type
                return try await harness.client.execute(uri: "/api/v1/claims/\(id)/evidence", method: .post, headers: headers, body: body)
            }
            let before = try await DatabaseSnapshot.take(harness.database)
            let oversized = try await upload([("dump.txt", "text/plain", [UInt8](repeating: 65, count: 5 * 1024 * 1024 + 1))])
            #expect(oversized.status == .unprocessableContent && oversized.text.contains("at most 5 MiB"), "\(oversized.text.prefix(300))")
            let wrongType = try await upload([("setup.exe", "application/octet-stream", [0x4D, 0x5A, 0x90])])
            #expect(wrongType.status == .unprocessableContent && wrongType.text.contains("not an accepted type"))
            let disguised = try await upload([("chart.png", "image/png", Array("<svg onload=alert(1)>".utf8))])
            #expect(disguised.status == .unprocessableContent && disguised.text.contains("does not contain"))
            // one bad file of two: neither is stored
            let mixed = try await upload([("ok.txt", "text/plain", Array("fine".utf8)), ("bad.exe", "application/octet-stream", [1])])
            #expect(mixed.status == .unprocessableContent)
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
            let name = "<img src=x onerror=alert(1)>.txt"
            let stored = try await upload([(name, "text/plain", Array("Change ticket CHG-42".utf8))])
            #expect(stored.status == .created, "\(stored.text)")
            let file = try #require((stored.json["items"] as? [[String: Any]])?.first)
            #expect(file["file_name"] as? String == name && file["size"] as? Int == 20)
            let page = try await harness.get("/claims/\(id)", as: try await harness.session(for: world.manager))
            #expect(!page.text.contains("<img src=x"))
            #expect(page.text.contains("&lt;img src=x onerror=alert(1)&gt;.txt"))
            let fileID = try #require(file["id"] as? Int)
            let download = try await harness.get("/claims/\(id)/evidence/\(fileID)", as: try await harness.session(for: world.vendorUserA))
            #expect(download.text == "Change ticket CHG-42")
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(download.headers[.contentDisposition]?.contains("<") == false)
            #expect(download.headers[.contentType] == "text/plain")
            // a claim form refused for its statement keeps what was typed and says the file must be attached again
            let browser = try await harness.session(for: world.vendorUserA)
            let refusedBefore = try await DatabaseSnapshot.take(harness.database)
            let (formType, formBody) = Self.multipart(
                [("change-ticket.txt", "text/plain", Array("CHG-43".utf8))],
                fields: [("_csrf", browser.csrf), ("objective_ids", "\(world.objectiveA.id)"), ("kind", "customer_caused"),
                         ("starts_at", "2026-10-06T01:00"), ("ends_at", "2026-10-06T02:00"), ("statement", "")])
            var formHeaders = HTTPFields()
            formHeaders[.cookie] = browser.cookie
            formHeaders[.contentType] = formType
            let refused = try await harness.client.execute(
                uri: "/claims?agreement=\(world.agreementA.id)", method: .post, headers: formHeaders, body: formBody)
            let refusedPage = String(buffer: refused.body)
            #expect(refused.status == .unprocessableContent, "\(refusedPage.prefix(300))")
            #expect(refusedPage.contains("Attach it again: change-ticket.txt."), "\(refusedPage)")
            #expect(refusedPage.contains("value=\"2026-10-06T01:00\""))
            #expect(try await DatabaseSnapshot.take(harness.database) == refusedBefore)
            // vendor B reaches neither the claim nor its file
            let other = try await harness.token(for: world.vendorUserB)
            #expect(try await harness.api(.get, "/api/v1/claims/\(id)/evidence/\(fileID)", token: other).status == .notFound)
        }
    }
}

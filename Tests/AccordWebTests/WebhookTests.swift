import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import AccordWeb

/// Outbound webhooks against a real local receiver: signed, retried with backoff after a failure, delivered once,
/// and a vendor's endpoint hearing only that vendor's events.
@Suite("Webhooks")
struct WebhookTests {
    /// What the receiver saw.
    final class Received: Sendable {
        struct Delivery: Sendable {
            var body: String
            var signature: String
            var event: String
            var id: String
        }

        let deliveries = Mutex<[Delivery]>([])
        /// How many requests it answers 500 before it answers 204.
        let failFirst: Int

        init(failFirst: Int) { self.failFirst = failFirst }
    }

    /// Runs `body` with a receiver listening on a free local port.
    static func withReceiver(failFirst: Int, _ body: @Sendable (Int, Received) async throws -> Void) async throws {
        let received = Received(failFirst: failFirst)
        let router = Router()
        router.post("hook") { request, _ -> Response in
            var request = request
            let text = String(buffer: try await request.collectBody(upTo: 1 << 20))
            let count = received.deliveries.withLock { list in
                list.append(
                    .init(
                        body: text, signature: request.headers[HTTPField.Name("Accord-Signature")!] ?? "",
                        event: request.headers[HTTPField.Name("Accord-Event")!] ?? "", id: request.headers[HTTPField.Name("Accord-Delivery")!] ?? ""))
                return list.count
            }
            return Response(status: count <= received.failFirst ? .internalServerError : .noContent)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(try #require(client.port), received)
        }
    }

    /// The receivers these tests run on this machine: the organisation's endpoints reach them through the allow-list.
    static let loopback = [AddressRange("127.0.0.1")!]
    static let allowLoopback = OutboundGuard(policy: OutboundPolicy(allowList: Self.loopback))

    @Test func aDeliveryIsSignedRetriedAfterAFailureAndDeliveredOnce() async throws {
        try await Self.withReceiver(failFirst: 1) { port, received in
            try await Harness.run(webhookAllowList: Self.loopback) { harness in
                // setup: an organisation endpoint (an admin's, on the allow-list) and one of vendor B
                let world = harness.world
                let manager = try await harness.token(for: world.admin)
                let created = try await harness.api(.post, "/api/v1/webhooks", token: manager, json: #"{"url":"http://127.0.0.1:\#(port)/hook","description":"Ops bus"}"#)
                #expect(created.status == .created, "\(created.text)")
                let secret = try #require(created.json["secret"] as? String)
                let webhookID = try #require(created.json["id"] as? Int)
                #expect(try await harness.api(.post, "/api/v1/webhooks", token: manager, json: #"{"url":"ftp://nowhere"}"#).status == .unprocessableContent)
                let beta = try await harness.token(for: world.vendorUserB)
                // a vendor's endpoint may not point into the server's own network
                let toItself = try await harness.api(.post, "/api/v1/webhooks", token: beta, json: #"{"url":"http://127.0.0.1:\#(port)/hook"}"#)
                #expect(toItself.status == .unprocessableContent && toItself.text.contains("public address"))
                let betaHook = try await harness.api(
                    .post, "/api/v1/webhooks", token: beta, json: #"{"url":"https://hooks.beta.example/accord","vendor_id":\#(world.vendorA.id)}"#)
                #expect(betaHook.json["vendor_id"] as? Int == Int(world.vendorB.id), "a vendor's endpoint is always its own vendor's")
                // MUT: vendor A files a claim; the event is queued in the claim's transaction
                let alpha = try await harness.token(for: world.vendorUserA)
                let claim = try await harness.api(
                    .post, "/api/v1/claims", token: alpha,
                    json: """
                        {"agreement_id":\(world.agreementA.id),"objective_ids":[\(world.objectiveA.id)],"kind":"customer_caused",
                         "starts_at":"2026-10-05T01:00:00Z","ends_at":"2026-10-05T02:00:00Z","statement":"Customer change"}
                        """)
                #expect(claim.status == .created)
                let job = WebhookDeliveryJob(repositories: harness.repositories, outbound: Self.allowLoopback)
                let now = Date()
                let first = try await job.run(now: now)
                #expect(first.items == 1, "only the organisation's endpoint hears of vendor A's claim")
                // the receiver failed it: retried no sooner than the backoff says, then delivered
                #expect(try await job.run(now: now.addingTimeInterval(10)).items == 0)
                let second = try await job.run(now: now.addingTimeInterval(31))
                #expect(second.items == 1)
                #expect(try await job.run(now: now.addingTimeInterval(3600)).items == 0)
                // validation: two requests of the same delivery, signed with the endpoint's secret over "t.body"
                let deliveries = received.deliveries.withLock { $0 }
                #expect(deliveries.count == 2)
                #expect(Set(deliveries.map(\.id)).count == 1 && deliveries.allSatisfy { $0.event == "claim.filed" })
                for delivery in deliveries {
                    let parts = Dictionary(uniqueKeysWithValues: delivery.signature.split(separator: ",").map { pair in
                        let kv = pair.split(separator: "=", maxSplits: 1)
                        return (String(kv[0]), String(kv[1]))
                    })
                    let t = try #require(parts["t"].flatMap { Int($0) })
                    #expect(parts["v1"] == WebhookSignature.mac(payload: delivery.body, secret: secret, timestamp: t))
                    let json = try #require(try JSONSerialization.jsonObject(with: Data(delivery.body.utf8)) as? [String: Any])
                    #expect(json["event"] as? String == "claim.filed" && json["link"] as? String != nil)
                }
                let log = try await harness.api(.get, "/api/v1/webhooks/\(webhookID)/deliveries", token: manager)
                let row = try #require((log.json["items"] as? [[String: Any]])?.first)
                #expect(row["attempts"] as? Int == 2 && row["last_status"] as? Int == 204 && row["delivered_at"] != nil)
                let page = try await harness.get("/webhooks/\(webhookID)", as: try await harness.session(for: world.admin))
                #expect(page.text.contains("claim.filed") && page.text.contains("delivered"))
                // vendor B's endpoint heard nothing of vendor A; vendor A cannot see B's endpoint
                let betaID = try #require(betaHook.json["id"] as? Int)
                #expect(try await harness.api(.get, "/api/v1/webhooks/\(betaID)/deliveries", token: beta).json["total"] as? Int == 0)
                #expect(try await harness.api(.get, "/api/v1/webhooks/\(betaID)", token: alpha).status == .notFound)
            }
        }
    }

    @Test func anEndpointThatNeverAnswersIsGivenUpAfterItsAttempts() async throws {
        try await Self.withReceiver(failFirst: 100) { port, received in
            try await Harness.run(webhookAllowList: Self.loopback) { harness in
                let manager = try await harness.token(for: harness.world.admin)
                let created = try await harness.api(.post, "/api/v1/webhooks", token: manager, json: #"{"url":"http://127.0.0.1:\#(port)/hook"}"#)
                let id = try #require(created.json["id"] as? Int)
                let vendor = try await harness.token(for: harness.world.vendorUserA)
                _ = try await harness.api(
                    .post, "/api/v1/claims", token: vendor,
                    json: """
                        {"agreement_id":\(harness.world.agreementA.id),"objective_ids":[\(harness.world.objectiveA.id)],"kind":"customer_caused",
                         "starts_at":"2026-10-05T01:00:00Z","ends_at":"2026-10-05T02:00:00Z","statement":"Customer change"}
                        """)
                let job = WebhookDeliveryJob(repositories: harness.repositories, outbound: Self.allowLoopback)
                var now = Date()
                for _ in 0..<12 {
                    _ = try await job.run(now: now)
                    now = now.addingTimeInterval(7 * 3600)
                }
                #expect(received.deliveries.withLock { $0.count } == WebhookBackoff.attempts)
                let row = try #require((try await harness.api(.get, "/api/v1/webhooks/\(id)/deliveries", token: manager).json["items"] as? [[String: Any]])?.first)
                #expect(row["gave_up_at"] != nil && row["last_status"] as? Int == 500)
            }
        }
    }

    /// Loopback written every other way, names that resolve to it, and other internal addresses.
    static func notations(_ port: Int) -> [String] {
        [
            "http://127.1:\(port)/hook", "http://127.0.1:\(port)/hook", "http://0177.0.0.1:\(port)/hook", "http://0x7f.0.0.1:\(port)/hook",
            "http://[0:0:0:0:0:0:0:1]:\(port)/hook", "http://[0:0:0:0:0:ffff:7f00:1]:\(port)/hook", "http://localhost:\(port)/hook",
            "http://2130706433:\(port)/hook", "http://169.254.169.254/latest", "http://[::ffff:10.0.0.1]:\(port)/hook",
        ]
    }

    static func fileClaim(_ harness: Harness, token: String) async throws {
        let claim = try await harness.api(
            .post, "/api/v1/claims", token: token,
            json: """
                {"agreement_id":\(harness.world.agreementA.id),"objective_ids":[\(harness.world.objectiveA.id)],"kind":"customer_caused",
                 "starts_at":"2026-10-05T01:00:00Z","ends_at":"2026-10-05T02:00:00Z","statement":"Customer change"}
                """)
        #expect(claim.status == .created, "\(claim.text)")
    }

    @Test func loopbackInAnyNotationIsRefusedAtCreationAndAtDelivery() async throws {
        try await Self.withReceiver(failFirst: 0) { port, received in
            try await Harness.run { harness in
                // MUT: every notation, as a vendor's user, a contract manager and an admin (no allow-list)
                let world = harness.world
                let vendor = try await harness.token(for: world.vendorUserA)
                for token in [vendor, try await harness.token(for: world.manager), try await harness.token(for: world.admin)] {
                    for url in Self.notations(port) {
                        let answer = try await harness.api(.post, "/api/v1/webhooks", token: token, json: #"{"url":"\#(url)"}"#)
                        #expect(answer.status == .unprocessableContent && answer.text.contains("public address"), "\(url): \(answer.text)")
                    }
                }
                // the page refuses it too, keeping what was typed
                let form = try await harness.post("/webhooks", [("url", "http://0x7f.0.0.1:\(port)/hook")], as: try await harness.session(for: world.vendorUserA))
                #expect(form.status == .unprocessableContent && form.text.contains("0x7f.0.0.1"))
                #expect(try await harness.database.query("SELECT count(*)::int8 FROM webhooks").first?.decode(Int.self) == 0)

                // setup: endpoints that got in another way (a name that resolved to a public address when it was added)
                for url in Self.notations(port) {
                    for vendorID in [Optional(world.vendorA.id), nil] {
                        try await harness.database.query("INSERT INTO webhooks (vendor_id, url, secret) VALUES (\(vendorID), \(url), 'not-shown')")
                    }
                }
                try await Self.fileClaim(harness, token: vendor)
                let job = WebhookDeliveryJob(repositories: harness.repositories)
                _ = try await job.run(now: Date())
                _ = try await job.run(now: Date().addingTimeInterval(3600))

                // validation: nothing reached the receiver; each delivery was refused by policy and given up at once
                #expect(received.deliveries.withLock { $0.count } == 0)
                let logged = try await harness.database.query("SELECT last_error, last_status, gave_up_at IS NOT NULL, attempts FROM webhook_deliveries")
                    .map { try $0.decode((String?, Int?, Bool, Int).self) }
                #expect(logged.count == Self.notations(port).count * 2)
                #expect(logged.allSatisfy { $0.0 == "refused by policy" && $0.1 == nil && $0.2 && $0.3 == 1 }, "\(logged)")
                let endpoint = try #require(try await harness.database.query("SELECT id FROM webhooks WHERE vendor_id IS NOT NULL ORDER BY id LIMIT 1").first?.decode(Int64.self))
                let log = try await harness.api(.get, "/api/v1/webhooks/\(endpoint)/deliveries", token: vendor)
                #expect(log.text.contains("refused by policy") && !log.text.lowercased().contains("connection"))
            }
        }
    }

    @Test func theAllowListIsForTheOrganisationsEndpointsAndAnAdminsToUse() async throws {
        try await Self.withReceiver(failFirst: 0) { port, received in
            try await Harness.run(webhookAllowList: Self.loopback) { harness in
                let world = harness.world
                let url = "http://127.0.0.1:\(port)/hook"
                let manager = try await harness.api(.post, "/api/v1/webhooks", token: try await harness.token(for: world.manager), json: #"{"url":"\#(url)"}"#)
                #expect(manager.status == .unprocessableContent && manager.text.contains("Only an admin"))
                let vendor = try await harness.token(for: world.vendorUserA)
                #expect(try await harness.api(.post, "/api/v1/webhooks", token: vendor, json: #"{"url":"\#(url)"}"#).status == .unprocessableContent)
                // an allowed block is the organisation's only: a vendor's endpoint there is refused at delivery too
                try await harness.database.query("INSERT INTO webhooks (vendor_id, url, secret) VALUES (\(world.vendorA.id), \(url), 'not-shown')")
                let admin = try await harness.api(.post, "/api/v1/webhooks", token: try await harness.token(for: world.admin), json: #"{"url":"\#(url)"}"#)
                #expect(admin.status == .created, "\(admin.text)")
                // a name, not an address: resolved once, judged, and the delivery connects to the address judged
                try await harness.database.query(
                    "INSERT INTO webhooks (url, secret, created_by) VALUES (\("http://localhost:\(port)/hook"), 'not-shown', \(world.admin.id))")
                // a name a contract manager registered while it resolved elsewhere does not get the admin's allow-list
                try await harness.database.query(
                    "INSERT INTO webhooks (url, secret, created_by) VALUES (\("http://localhost:\(port)/hook"), 'not-shown', \(world.manager.id))")
                try await Self.fileClaim(harness, token: vendor)
                let allowBoth = OutboundGuard(policy: OutboundPolicy(allowList: [AddressRange("127.0.0.1")!, AddressRange("::1")!]))
                _ = try await WebhookDeliveryJob(repositories: harness.repositories, outbound: allowBoth).run(now: Date())
                #expect(received.deliveries.withLock { $0.count } == 2, "the admin's two endpoints, by address and by name")
                let errors = try await harness.database.query(
                    "SELECT d.last_error FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.vendor_id IS NOT NULL"
                ).map { try $0.decode(String?.self) }
                #expect(errors == ["refused by policy"])
                let managers = try await harness.database.query(
                    "SELECT d.last_error FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE w.created_by = \(world.manager.id)"
                ).map { try $0.decode(String?.self) }
                #expect(managers == ["refused by policy"])
            }
        }
    }

    @Test func aSecretIsShownOnceAndARotatedOneSignsFromThen() async throws {
        try await Self.withReceiver(failFirst: 0) { port, received in
            try await Harness.run(webhookAllowList: Self.loopback) { harness in
                let world = harness.world
                let admin = try await harness.token(for: world.admin)
                let created = try await harness.api(.post, "/api/v1/webhooks", token: admin, json: #"{"url":"http://127.0.0.1:\#(port)/hook"}"#)
                let first = try #require(created.json["secret"] as? String)
                let id = try #require(created.json["id"] as? Int)
                // no read gives it back
                let read = try await harness.api(.get, "/api/v1/webhooks/\(id)", token: admin)
                #expect(read.status == .ok && read.json["secret"] == nil && !read.text.contains(first))
                #expect(!(try await harness.api(.get, "/api/v1/webhooks", token: admin).text.contains(first)))
                let session = try await harness.session(for: world.admin)
                let page = try await harness.get("/webhooks/\(id)", as: session)
                #expect(page.status == .ok && !page.text.contains(first) && page.text.contains("Rotate the signing secret"))
                // rotated through the API, then through the page: each answer shows its new secret once
                let rotated = try await harness.api(.post, "/api/v1/webhooks/\(id)/rotate-secret", token: admin)
                let second = try #require(rotated.json["secret"] as? String)
                #expect(second != first && second.count == 64)
                let rotatedPage = try await harness.post("/webhooks/\(id)/rotate-secret", as: session)
                #expect(rotatedPage.status == .ok && rotatedPage.text.contains("shown only this once") && !rotatedPage.text.contains(second))
                let third = try #require(try await harness.database.query("SELECT secret FROM webhooks WHERE id = \(id)").first?.decode(String.self))
                #expect(rotatedPage.text.contains(third))
                #expect(!(try await harness.get("/webhooks/\(id)", as: session).text.contains(third)))
                // deliveries are signed with the newest secret
                try await Self.fileClaim(harness, token: try await harness.token(for: world.vendorUserA))
                _ = try await WebhookDeliveryJob(repositories: harness.repositories, outbound: Self.allowLoopback).run(now: Date())
                let delivery = try #require(received.deliveries.withLock { $0.first })
                let t = try #require(delivery.signature.split(separator: ",").first.flatMap { Int($0.dropFirst(2)) })
                #expect(delivery.signature.hasSuffix("v1=" + WebhookSignature.mac(payload: delivery.body, secret: third, timestamp: t)))
                let audit = try await harness.database.query("SELECT after::text FROM audit_log WHERE entity = 'webhook' AND action = 'rotate_secret'")
                    .map { try $0.decode(String.self) }
                #expect(audit.count == 2 && audit.allSatisfy { !$0.contains(second) && !$0.contains(third) })
            }
        }
    }
}

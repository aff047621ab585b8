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

    @Test func aDeliveryIsSignedRetriedAfterAFailureAndDeliveredOnce() async throws {
        try await Self.withReceiver(failFirst: 1) { port, received in
            try await Harness.run { harness in
                // setup: an organisation endpoint and one of vendor B, added through the API and the page
                let world = harness.world
                let manager = try await harness.token(for: world.manager)
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
                let job = WebhookDeliveryJob(repositories: harness.repositories)
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
                let page = try await harness.get("/webhooks/\(webhookID)", as: try await harness.session(for: world.manager))
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
            try await Harness.run { harness in
                let manager = try await harness.token(for: harness.world.manager)
                let created = try await harness.api(.post, "/api/v1/webhooks", token: manager, json: #"{"url":"http://127.0.0.1:\#(port)/hook"}"#)
                let id = try #require(created.json["id"] as? Int)
                let vendor = try await harness.token(for: harness.world.vendorUserA)
                _ = try await harness.api(
                    .post, "/api/v1/claims", token: vendor,
                    json: """
                        {"agreement_id":\(harness.world.agreementA.id),"objective_ids":[\(harness.world.objectiveA.id)],"kind":"customer_caused",
                         "starts_at":"2026-10-05T01:00:00Z","ends_at":"2026-10-05T02:00:00Z","statement":"Customer change"}
                        """)
                let job = WebhookDeliveryJob(repositories: harness.repositories)
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
}

import AccordDomain
import AccordStorage
import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// How a delivery is signed: `Accord-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the
/// endpoint's secret>`. A receiver recomputes it and refuses a stale `t`.
public enum WebhookSignature {
    public static func header(payload: String, secret: String, at instant: Date) -> String {
        let timestamp = Int(instant.timeIntervalSince1970)
        return "t=\(timestamp),v1=\(Self.mac(payload: payload, secret: secret, timestamp: timestamp))"
    }

    public static func mac(payload: String, secret: String, timestamp: Int) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        let code = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(payload)".utf8), using: key)
        return code.map { String(format: "%02x", $0) }.joined()
    }

    /// A new endpoint's secret: 32 random bytes, hex.
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// When a failed delivery is tried again: 30 s, 1, 2, 4 … minutes, at most 6 hours apart; after 8 attempts it is given up.
public enum WebhookBackoff {
    public static let attempts = 8

    /// The next attempt after `attempt` failures (1-based), or nil to give up.
    public static func retry(after attempt: Int, from now: Date) -> Date? {
        guard attempt < Self.attempts else { return nil }
        let delay = min(30 * pow(2, Double(max(0, attempt - 1))), 6 * 3600)
        return now.addingTimeInterval(delay)
    }
}

/// Sends queued webhook deliveries: claims due ones (leased for ten minutes, `SKIP LOCKED`), resolves each endpoint's
/// host and decides on the address (`OutboundGuard`), POSTs the signed body to that address with a 10-second timeout,
/// and records the outcome. A 2xx answer delivers it; a refusal by policy gives it up at once; anything else retries
/// with backoff. The log keeps the answer's status or "no answer", never the network's error text (which would tell a
/// vendor what listens where).
public struct WebhookDeliveryJob: Job {
    let repositories: Repositories
    let outbound: OutboundGuard
    static let batch = 20
    static let refusedByPolicy = "refused by policy"
    static let noAnswer = "no answer"

    public init(repositories: Repositories, outbound: OutboundGuard = OutboundGuard()) {
        self.repositories = repositories
        self.outbound = outbound
    }

    public var name: String { "webhook-delivery" }
    public var purpose: String { "Sends queued webhook deliveries, signed, with retries and backoff." }
    public var interval: Duration { .seconds(10) }

    public func run(now: Date) async throws -> JobReport {
        // leased longer than a whole batch can take (20 sends of at most 10 seconds and a 5-second resolution each)
        let due = try await self.repositories.webhooks.claimDue(limit: Self.batch, now: now, leaseUntil: now.addingTimeInterval(600))
        guard !due.isEmpty else { return .idle }
        var delivered = 0
        for item in due {
            let outcome = await self.send(item, at: now)
            if outcome.delivered { delivered += 1 }
            try await self.repositories.webhooks.recordAttempt(
                id: item.delivery.id, at: now, status: outcome.status, error: outcome.error, delivered: outcome.delivered,
                retryAt: outcome.delivered || !outcome.retry ? nil : WebhookBackoff.retry(after: item.delivery.attempts + 1, from: now))
        }
        return JobReport(items: due.count, summary: "\(delivered) of \(due.count) deliveries accepted")
    }

    struct Outcome {
        var status: Int?
        var error: String?
        var delivered: Bool { self.error == nil }
        var retry = true
    }

    func send(_ item: WebhookRepository.DueDelivery, at now: Date) async -> Outcome {
        // the organisation's endpoints an admin added may reach internal receivers the admin allowed; a vendor's never
        let verdict = await self.outbound.vet(url: item.url, allowListApplies: item.vendorID == nil && item.addedByAdmin)
        guard case .connect(let host, let address) = verdict else {
            if case .refused = verdict { return Outcome(status: nil, error: Self.refusedByPolicy, retry: false) }
            return Outcome(status: nil, error: Self.noAnswer)
        }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        // connect to the address just checked: the client does not resolve the name again
        configuration.dnsOverride = [host: address.description, "[\(host)]": address.description]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var request = HTTPClientRequest(url: item.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Accord-Webhooks/1")
        request.headers.add(name: "Accord-Event", value: item.delivery.event)
        request.headers.add(name: "Accord-Delivery", value: "\(item.delivery.id)")
        request.headers.add(name: "Accord-Signature", value: WebhookSignature.header(payload: item.delivery.payload, secret: item.secret, at: now))
        request.body = .bytes(ByteBuffer(string: item.delivery.payload))
        let outcome: Outcome
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            outcome = Outcome(status: status, error: (200..<300).contains(status) ? nil : "HTTP \(status)")
        } catch {
            outcome = Outcome(status: nil, error: Self.noAnswer)
        }
        try? await client.shutdown()
        return outcome
    }
}

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

/// Sends queued webhook deliveries: claims due ones (leased for two minutes, `SKIP LOCKED`), POSTs each signed body
/// with a 10-second timeout, and records the outcome; a 2xx answer delivers it, anything else retries with backoff.
public struct WebhookDeliveryJob: Job {
    let repositories: Repositories
    let client: HTTPClient
    static let batch = 20

    /// No redirects: an endpoint answers for itself, and never sends the server on to another address.
    public static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    public init(repositories: Repositories, client: HTTPClient = WebhookDeliveryJob.client) {
        self.repositories = repositories
        self.client = client
    }

    public var name: String { "webhook-delivery" }
    public var purpose: String { "Sends queued webhook deliveries, signed, with retries and backoff." }
    public var interval: Duration { .seconds(10) }

    public func run(now: Date) async throws -> JobReport {
        // leased longer than a whole batch can take (20 sends of at most 10 seconds)
        let due = try await self.repositories.webhooks.claimDue(limit: Self.batch, now: now, leaseUntil: now.addingTimeInterval(300))
        guard !due.isEmpty else { return .idle }
        var delivered = 0
        for item in due {
            let (status, error) = await self.send(item, at: now)
            let ok = status.map { (200..<300).contains($0) } ?? false
            if ok { delivered += 1 }
            try await self.repositories.webhooks.recordAttempt(
                id: item.delivery.id, at: now, status: status, error: ok ? nil : error ?? "HTTP \(status ?? 0)", delivered: ok,
                retryAt: ok ? nil : WebhookBackoff.retry(after: item.delivery.attempts + 1, from: now))
        }
        return JobReport(items: due.count, summary: "\(delivered) of \(due.count) deliveries accepted")
    }

    func send(_ item: WebhookRepository.DueDelivery, at now: Date) async -> (Int?, String?) {
        var request = HTTPClientRequest(url: item.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Accord-Webhooks/1")
        request.headers.add(name: "Accord-Event", value: item.delivery.event)
        request.headers.add(name: "Accord-Delivery", value: "\(item.delivery.id)")
        request.headers.add(name: "Accord-Signature", value: WebhookSignature.header(payload: item.delivery.payload, secret: item.secret, at: now))
        request.body = .bytes(ByteBuffer(string: item.delivery.payload))
        do {
            let response = try await self.client.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return (Int(response.status.code), nil)
        } catch {
            return (nil, "\(error)".prefix(300).description)
        }
    }
}

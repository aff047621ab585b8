import AccordDomain
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Asks a Prometheus server for a range of points (`POST /api/v1/query_range`). What can go wrong is said in a
/// `PullFailure` a person can act on; the answer's bytes are returned for `PrometheusAnswer` to read, never shown.
struct PrometheusClient: Sendable {
    /// An answer larger than this is refused (11,000 points of two series fit easily).
    static let maximumAnswer = 16 * 1024 * 1024

    let source: DataSourceConnection
    let client: HTTPClient

    /// Runs `body` with a client for `source` (its connections reused for every query of the claim), shut down after.
    static func session<Result: Sendable>(for source: DataSourceConnection, _ body: (PrometheusClient) async throws -> Result) async throws -> Result {
        // certificates are checked unless the admin turned it off for this source (a test server's own certificate)
        let configuration =
            source.verifyTLS
            ? HTTPClient.Configuration(redirectConfiguration: .disallow)
            : HTTPClient.Configuration(certificateVerification: .none, redirectConfiguration: .disallow)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let result = try await body(PrometheusClient(source: source, client: client))
            try? await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func queryRange(_ query: String, span: DateInterval, stepSeconds: Int) async throws(PullFailure) -> [UInt8] {
        let source = self.source
        let client = self.client
        var request = HTTPClientRequest(url: source.baseURL + "/api/v1/query_range")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "User-Agent", value: "Accord-Pull/1")
        switch source.auth {
        case .none: break
        case .bearer: request.headers.add(name: "Authorization", value: "Bearer \(source.bearerToken)")
        case .basic:
            let credentials = Data("\(source.basicUser):\(source.basicPassword)".utf8).base64EncodedString()
            request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        }
        // a point at each step's end: the first step ends one step after the span's start
        let form = [
            ("query", query), ("start", Self.seconds(span.start.addingTimeInterval(Double(stepSeconds)))), ("end", Self.seconds(span.end)),
            ("step", "\(stepSeconds)s"),
        ]
        request.body = .bytes(ByteBuffer(string: form.map { "\($0)=\(Self.formEncoded($1))" }.joined(separator: "&")))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(Int64(source.timeoutSeconds)))
        } catch {
            throw PullFailure("No answer from \(source.name) within \(source.timeoutSeconds) s.")
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: Self.maximumAnswer)
        } catch {
            throw PullFailure("\(source.name)'s answer was cut off or larger than \(Self.maximumAnswer / 1024 / 1024) MB.")
        }
        let bytes = Array(body.readableBytesView)
        let status = Int(response.status.code)
        // Prometheus answers 400 and 422 with its own JSON error: its words say what is wrong with the query
        if !(200..<300).contains(status), status != 400, status != 422 {
            throw PullFailure("\(source.name) answered HTTP \(status).")
        }
        return bytes
    }

    static func seconds(_ date: Date) -> String {
        String(Int64(date.timeIntervalSince1970.rounded()))
    }

    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

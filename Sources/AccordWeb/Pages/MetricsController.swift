import AccordApplication
import AccordDomain
import Crypto
import Foundation
import Hummingbird

/// `GET /metrics`: Accord's figures and the process's own in the Prometheus text format, for a Prometheus server that
/// presents `ACCORD_METRICS_TOKEN` as a bearer token. Without the setting the route answers 404; with a wrong or
/// missing token, 401. Sessions and API tokens do not reach it: it names every objective of every vendor.
struct MetricsController {
    let dependencies: AppDependencies

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("metrics", use: self.getMetrics)
    }

    @Sendable func getMetrics(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        guard let expected = self.dependencies.configuration.metricsToken else { throw NotFound("page") }
        let presented = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
        // compared as digests, so the time taken says nothing of how much of the token matched
        guard Data(SHA256.hash(data: Data(presented.utf8))) == Data(SHA256.hash(data: Data(expected.utf8))) else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer realm=\"metrics\""
            return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "A metrics token is required.\n")))
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try await self.dependencies.useCases.metrics.text())))
    }
}

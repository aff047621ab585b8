import AccordApplication
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import Logging

@testable import AccordWeb

/// Every route the application registers, read from the real router, so that a new route is covered by the
/// isolation, CSRF and OpenAPI tests without anyone remembering to list it.
enum RouteTable {
    struct Route: Hashable, CustomStringConvertible {
        var method: HTTPRequest.Method
        var path: String
        var description: String { "\(self.method) \(self.path)" }
        var isAPI: Bool { self.path.hasPrefix("/api/") }
        var changesState: Bool { ![.get, .head].contains(self.method) }
    }

    static func all() async throws -> [Route] {
        let settings = DatabaseSettings(endpoint: .tcp(host: "127.0.0.1", port: 1), username: "unused", password: nil, database: "unused")
        let configuration = AppConfiguration(root: TestDatabase.root, database: settings)
        let backend = try Backend(settings: settings, schemaDirectory: configuration.schemaDirectory, logger: TestDatabase.logger)
        let dependencies = AppDependencies(
            configuration: configuration,
            useCases: backend.useCases(clock: { Date() }, logger: TestDatabase.logger, ingestReach: .standard, outbound: OutboundGuard()),
            renderer: try await PageRenderer(directory: configuration.templatesDirectory), hasher: PasswordHasher(), backend: backend)
        let router = try buildRouter(dependencies, logger: TestDatabase.logger)
        return router.routes.map { Route(method: $0.method, path: "\($0.path)".hasPrefix("/") ? "\($0.path)" : "/\($0.path)") }
    }

    /// Fills `{name}` parameters from `values`; nil when a parameter has no value.
    static func fill(_ path: String, _ values: [String: String]) -> String? {
        var parts: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            if part.hasPrefix("{"), part.hasSuffix("}") {
                guard let value = values[String(part.dropFirst().dropLast())] else { return nil }
                parts.append(value)
            } else {
                parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }
}

import AccordTestSupport
import Foundation
import Testing

@Suite("OpenAPI description")
struct OpenAPITests {
    /// `path → methods` read from openapi.yaml (paths are two-space keys, methods four-space keys).
    static func documented() throws -> [String: Set<String>] {
        let text = try String(contentsOf: TestDatabase.root.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var result: [String: Set<String>] = [:]
        var current: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                current = String(line.dropFirst(2).dropLast())
                result[current!] = []
            } else if let current, line.hasPrefix("    "), !line.hasPrefix("     "),
                let method = ["get", "post", "patch", "put", "delete"].first(where: { line.hasPrefix("    \($0):") })
            {
                result[current, default: []].insert(method)
            }
        }
        return result
    }

    @Test func everyAPIRouteIsDocumented() async throws {
        let documented = try Self.documented()
        let routes = try await RouteTable.all().filter { $0.isAPI || $0.path == "/healthz" || $0.path == "/readyz" }
        #expect(routes.count > 30)
        for route in routes {
            let methods = documented[route.path] ?? []
            #expect(methods.contains("\(route.method)".lowercased()), "\(route) is missing from openapi.yaml")
        }
    }

    @Test func theDocumentIsServed() async throws {
        try await Harness.run { harness in
            let response = try await harness.get("/api/openapi.yaml", as: nil)
            #expect(response.status == .ok)
            #expect(response.text.hasPrefix("openapi: 3.1"))
        }
    }
}

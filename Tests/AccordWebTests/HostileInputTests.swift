import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Every route of the router, driven with hostile values as every role: huge and negative numbers, far dates, NUL and
/// control characters, invalid UTF-8, long strings and deep JSON, in path parameters, query strings and bodies.
/// No answer is a 5xx, the process stays up, and nothing is written.
@Suite("Hostile input on every route")
struct HostileInputTests {
    /// Values no field accepts: each must be refused (or not found), never stored and never a crash.
    /// Numbers and instants out of every range (a text field may still take them as text).
    static let outOfRange: [String] = [
        "9223372036854775807", "-9223372036854775808", "99999999999999999999999999", "-1", "1e308", "NaN",
        "9999-12-31T23:00:00-23:00", "0001-01-01", "10000-01-01",
    ]
    /// Values no field of any kind accepts: a request carrying them in every field must change nothing.
    static let refusedEverywhere: [String] = ["\u{0}", "a\u{1}b\u{7f}", String(repeating: "x", count: Bounds.textLength + 1)]
    static let hostile = Self.outOfRange + Self.refusedEverywhere

    static func inURL(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }

    /// A query string setting every known parameter to `value` (a long value only in `q`, to keep URLs sensible).
    static func query(_ value: String) -> String {
        let encoded = Self.inURL(value)
        if value.count > 100 { return "q=\(encoded)&page=\(Self.inURL("-1"))" }
        return Self.queryNames.map { "\($0)=\(encoded)" }.joined(separator: "&")
    }

    static let queryNames = ["page", "per_page", "q", "from", "to", "status", "vendor_id", "vendor", "kind", "source", "next", "entity", "actor"]
    static let fieldNames = [
        "name", "title", "description", "email", "password", "role", "vendor_id", "service_id", "master_id", "kind", "status", "fee", "currency",
        "time_zone", "start_date", "end_date", "renewal_date", "effective_from", "sli_kind", "sla_target", "slo_target", "window_kind",
        "window_days", "goal_minutes", "row_version", "reason", "starts_at", "ends_at", "invoice_reference", "waive_reason", "probation_until",
        "note", "source", "_csrf",
    ]

    static func json(_ value: String) -> String {
        let escaped = value.unicodeScalars.map { $0.value < 0x20 ? String(format: "\\u%04x", $0.value) : String($0) }.joined()
            .replacingOccurrences(of: "\\\"", with: "\"")
        let text = "\"" + escaped.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        var fields = Self.fieldNames.map { "\"\($0)\":\(text)" }
        fields.append("\"priority_goals\":[{\"priority\":\(text),\"goal_minutes\":\(text)}]")
        fields.append("\"credit_tiers\":[{\"threshold\":\(text),\"percent\":\(text)}]")
        fields.append("\"buckets\":[{\"start\":\(text),\"end\":\(text),\"good\":\(text),\"valid\":\(text)}]")
        fields.append("\"events\":[{\"ticket\":\(text),\"priority\":\(text),\"type\":\(text),\"at\":\(text)}]")
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Bodies built once per value (building them is most of the cost in a debug build).
    static let jsonBodies: [String: ByteBuffer] = Dictionary(uniqueKeysWithValues: Self.hostile.map { ($0, ByteBuffer(string: Self.json($0))) })
    static let formBodies: [String: String] = Dictionary(
        uniqueKeysWithValues: Self.hostile.map { value in
            (value, Self.fieldNames.filter { $0 != "_csrf" }.map { "\($0)=\(Self.inURL(value))" }.joined(separator: "&"))
        })

    static let deepJSON = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    static let invalidUTF8 = ByteBuffer(bytes: [0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0xC0, 0x22, 0x7D])

    struct Caller {
        var label: String
        var session: BrowserSession?
        var token: String?
    }

    func callers(_ harness: Harness, every: Bool = true) async throws -> [Caller] {
        var callers = [Caller(label: "anonymous", session: nil, token: nil)]
        let world = harness.world
        let users = every ? [world.admin, world.manager, world.analyst, world.viewer, world.vendorUserA] : [world.admin, world.manager, world.vendorUserA]
        for user in users {
            callers.append(Caller(label: user.role.rawValue, session: try await harness.session(for: user), token: try await harness.token(for: user)))
        }
        return callers
    }

    /// One request: the API with a bearer token and a JSON body, a page with the session and a form carrying its token.
    func send(_ harness: Harness, _ route: RouteTable.Route, path: String, caller: Caller, body: ByteBuffer?, form: String) async throws -> TestResponse {
        var headers = HTTPFields()
        if route.isAPI {
            if let token = caller.token { headers[.authorization] = "Bearer \(token)" }
            if body != nil { headers[.contentType] = "application/json" }
            return try await harness.client.execute(uri: path, method: route.method, headers: headers, body: route.changesState ? body : nil)
        }
        if let session = caller.session { headers[.cookie] = session.cookie }
        guard route.changesState else { return try await harness.client.execute(uri: path, method: route.method, headers: headers) }
        headers[.contentType] = "application/x-www-form-urlencoded"
        let encoded = form + "&_csrf=" + Self.inURL(caller.session?.csrf ?? "")
        return try await harness.client.execute(uri: path, method: route.method, headers: headers, body: ByteBuffer(string: encoded))
    }

    @Test func hostilePathParametersAsEveryRoleAnswerNo5xxAndWriteNothing() async throws {
        // every route with a path parameter, the parameter hostile (and bytes that are not UTF-8), queries and bodies too
        let routes = try await RouteTable.all().filter { $0.path.contains("{") }
        try await Harness.run { harness in
            // setup
            let callers = try await self.callers(harness)
            let before = try await DatabaseSnapshot.take(harness.database)
            var requests = 0
            var serverErrors: [String] = []
            // MUT
            for route in routes {
                for caller in callers {
                    for raw in Self.hostile + ["%ff%fe", "%"] {
                        let value = raw.hasPrefix("%") ? raw : Self.inURL(raw)
                        let filled = route.path.split(separator: "/", omittingEmptySubsequences: false).map { part in
                            part.hasPrefix("{") ? value : String(part)
                        }.joined(separator: "/")
                        let response = try await self.send(
                            harness, route, path: filled + "?" + Self.query(raw), caller: caller, body: Self.jsonBodies[raw],
                            form: Self.formBodies[raw] ?? "")
                        requests += 1
                        if response.status.code >= 500 {
                            serverErrors.append("\(route) as \(caller.label) with \(value.prefix(30)): \(response.status.code)")
                        }
                    }
                }
            }
            // validation
            #expect(serverErrors.isEmpty, "\(serverErrors.count) server errors: \(serverErrors.prefix(20).joined(separator: "; "))")
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
            #expect(try await harness.client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(requests > 3000)
            print("hostile path parameters: \(routes.count) routes, \(callers.count) roles, \(requests) requests, \(serverErrors.count) server errors")
        }
    }

    @Test func hostileQueriesAndBodiesOnOwnRecordsAnswerNo5xxAndValuesNoFieldTakesWriteNothing() async throws {
        // every route with real ids of the caller's own data, so that hostile values reach the parsers and validation;
        // deletes are left out: a delete of one's own record is allowed whatever else the request carries
        let routes = try await RouteTable.all().filter {
            !["/logout", "/login"].contains($0.path) && $0.method != .delete && !$0.path.hasSuffix("/delete") && !$0.path.contains("/jobs/")
        }
        try await Harness.run { harness in
            // setup: the roles that reach the most code behind the checks (admins: users; managers: contracts, ingest;
            // vendor users: their own records); the other roles are refused earlier, as the first test shows
            let callers = try await self.callers(harness, every: false)
            var before = try await DatabaseSnapshot.take(harness.database)
            var requests = 0
            var serverErrors: [String] = []
            // MUT: out-of-range numbers and dates reach every parser (a text field may take "-1", so these may write);
            // control characters, overlong texts, deep JSON and bytes that are not UTF-8 must write nothing
            for route in routes {
                guard let filled = RouteTable.fill(route.path, CSRFTests.values(for: route.path, harness.world)) else { continue }
                for refused in [false, true] {
                    for caller in callers {
                        var bodies = (refused ? Self.refusedEverywhere : Self.outOfRange).map { (raw: $0, body: Self.jsonBodies[$0]!) }
                        if refused, route.isAPI, route.changesState {
                            bodies += [("deep JSON", ByteBuffer(string: Self.deepJSON)), ("invalid UTF-8", Self.invalidUTF8)]
                        }
                        for (raw, body) in bodies {
                            let response = try await self.send(
                                harness, route, path: filled + "?" + Self.query(raw), caller: caller, body: body, form: Self.formBodies[raw] ?? "")
                            requests += 1
                            if response.status.code >= 500 {
                                serverErrors.append("\(route) as \(caller.label) with \(raw.prefix(30)): \(response.status.code)")
                            }
                        }
                    }
                    let now = try await DatabaseSnapshot.take(harness.database)
                    // disabling and enabling a user, issuing or revoking one's calendar feed and freezing a pack read no field:
                    // the request is the whole instruction
                    let takesNoInput =
                        route.path.hasSuffix("/disable") || route.path.hasSuffix("/enable") || route.path.hasPrefix("/calendar/")
                        || route.path.hasSuffix("/calendar-feed") || route.path.hasSuffix("/packs")
                    if refused, !takesNoInput { #expect(now == before, "\(route) wrote on values no field accepts") }
                    before = now
                }
            }
            // validation
            #expect(serverErrors.isEmpty, "\(serverErrors.count) server errors: \(serverErrors.prefix(20).joined(separator: "; "))")
            #expect(try await harness.client.execute(uri: "/healthz", method: .get).status == .ok)
            print("hostile queries and bodies: \(routes.count) routes, \(callers.count) roles, \(requests) requests, \(serverErrors.count) server errors")
        }
    }
}

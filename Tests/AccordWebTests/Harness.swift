import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import AccordWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization

/// A clock the test moves by hand, for session timeouts and throttling windows.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) { self.current = Mutex(start) }

    var now: Date { self.current.withLock { $0 } }

    func advance(by seconds: TimeInterval) { self.current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A signed-in browser: its session cookie and CSRF token.
struct BrowserSession: Sendable {
    var cookie: String
    var csrf: String
}

/// The application on a fresh database with the two-vendor `World` seeded, driven through real HTTP requests.
struct Harness: Sendable {
    let client: any TestClientProtocol
    let repositories: Repositories
    let world: World
    let clock: TestClock

    /// `pool` and `wait` size the application's connection pool and how long a request waits for a connection; `now`
    /// sets the clock's start for a test whose facts depend on the day it runs (the calendar moves on, the test must not).
    static func run(
        behindTLS: Bool = false, pool: Int? = nil, wait: Duration? = nil, trustedProxies: Set<String> = [], now: Date? = nil,
        webhookAllowList: [AddressRange] = [], metricsToken: String? = nil, live: Bool = false, mail: MailOptions? = nil, _ body: @Sendable (Harness) async throws -> Void
    ) async throws {
        let clock = TestClock(now ?? Date())
        let settings = try await TestDatabase.create()
        // the pool and wait are the application's: the test's own set-up and checks keep the default pool, so a loaded
        // machine cannot make a constrained pool fail the set-up instead of the request under test
        var serverSettings = settings
        if let pool { serverSettings.maximumConnections = pool }
        if let wait { serverSettings.connectionWait = wait }
        do {
            var configuration = AppConfiguration(
                behindTLS: behindTLS, root: TestDatabase.root, database: serverSettings, runsScheduler: false, trustedProxies: trustedProxies,
                webhookAllowList: webhookAllowList, metricsToken: metricsToken, mail: mail)
            // a live test's one client connection is opened before its set-up, which on a loaded machine can outlast the
            // minute a production connection may idle
            configuration.idleTimeoutSeconds = 900
            let app = try await buildApplication(configuration: configuration, logger: TestDatabase.logger, clock: { clock.now })
            let database = Database(settings: settings, logger: TestDatabase.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await database.client.run() }
                defer { group.cancelAll() }
                let repositories = Repositories(database: database)
                let world = try await World.seed(repositories)
                try await app.test(live ? .live : .router) { client in
                    try await body(Harness(client: client, repositories: repositories, world: world, clock: clock))
                }
            }
            await TestDatabase.drop(settings)
        } catch {
            await TestDatabase.drop(settings)
            throw error
        }
    }

    var database: Database { self.repositories.database }

    /// An active monthly vendor SLA of vendor A under master A (fee 1000 a month) with one ratio objective.
    func ratioObjective(
        title: String, zone: String = "UTC", since: String = "2026-01-01", sla: Decimal, slo: Decimal, tiers: [CreditTier],
        probationFactor: Decimal = 1, exclusionKinds: [ExclusionKind] = []
    ) async throws -> Objective {
        let agreement = try await self.repositories.agreements.create(
            AgreementDraft(
                kind: .vendor, title: title, vendorID: self.world.vendorA.id, masterID: self.world.masterA.id, dependencyKind: .serial, fee: 1000,
                timeZone: zone, startDate: LocalDate(since)),
            scope: .organisation, actor: .system)
        let objective = try await self.repositories.objectives.create(
            agreementID: agreement.id, versionNumber: 1,
            ObjectiveDraft(
                name: "Availability", sliKind: .ratio, slaTarget: sla, sloTarget: slo, window: .calendarMonth, exclusionKinds: exclusionKinds,
                credits: CreditSchedule(tiers: tiers, capPercent: 100, probationFactor: probationFactor)),
            scope: .organisation, actor: .system)
        _ = try await self.repositories.agreements.changeStatus(
            id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
        return objective
    }

    /// An active ticket SLA of vendor A under master A with one objective of `kind`: P1 within 2 hours.
    func ticketObjective(_ kind: SLIKind, calendarID: Int64? = nil, exclusionKinds: [ExclusionKind] = []) async throws -> Objective {
        let agreement = try await self.repositories.agreements.create(
            AgreementDraft(
                kind: .vendor, title: "Alpha service desk", vendorID: self.world.vendorA.id, masterID: self.world.masterA.id, dependencyKind: .serial,
                fee: 500, startDate: LocalDate("2026-01-01")),
            scope: .organisation, actor: .system)
        let objective = try await self.repositories.objectives.create(
            agreementID: agreement.id, versionNumber: 1,
            ObjectiveDraft(
                name: "P1 \(kind == .ticketResponse ? "response" : "resolution")", sliKind: kind, slaTarget: 90, sloTarget: 95, window: .calendarMonth,
                calendarID: calendarID, priorityGoals: [PriorityGoal(priority: "P1", goalMinutes: 120)], exclusionKinds: exclusionKinds),
            scope: .organisation, actor: .system)
        _ = try await self.repositories.agreements.changeStatus(
            id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
        return objective
    }

    func session(for user: User) async throws -> BrowserSession {
        let session = try await self.repositories.sessions.create(userID: user.id, now: self.clock.now)
        return BrowserSession(cookie: "accord_session=\(session.id)", csrf: session.csrfToken)
    }

    func token(for user: User) async throws -> String {
        try await self.repositories.tokens.insert(userID: user.id, name: "test").token
    }

    // MARK: - Browser requests

    func get(_ path: String, as session: BrowserSession?) async throws -> TestResponse {
        var headers = HTTPFields()
        if let session { headers[.cookie] = session.cookie }
        return try await self.client.execute(uri: path, method: .get, headers: headers)
    }

    func post(_ path: String, _ fields: [(String, String)] = [], as session: BrowserSession?, csrf: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let session { headers[.cookie] = session.cookie }
        let token = csrf ?? session?.csrf
        let all = (token.map { [("_csrf", $0)] } ?? []) + fields
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await self.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    // MARK: - API requests

    /// A request with a YAML body.
    func yaml(_ method: HTTPRequest.Method, _ path: String, token: String, body: String) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        headers[.contentType] = "application/yaml"
        return try await self.client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: body))
    }

    func api(_ method: HTTPRequest.Method, _ path: String, token: String?, json: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await self.client.execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var text: String { String(buffer: self.body) }

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: self.body)) as? [String: Any]) ?? [:]
    }

    var errorCode: String? { (self.json["error"] as? [String: Any])?["code"] as? String }

    var location: String? { self.headers[.location] }
}

import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Testing

@testable import AccordWeb

/// The server under contention and faults: it never waits on itself for a connection, a saturated database answers
/// 503 with Retry-After, concurrent edits of one row end in 409 rather than a deadlock, and readiness answers in time.
@Suite("Contention and faults")
struct FaultTests {
    /// Fails the test instead of hanging it when `body` does not finish in `seconds`.
    static func within<T: Sendable>(_ seconds: Int, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw TimedOut(seconds: seconds)
            }
            return value
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var seconds: Int
        var description: String { "did not finish within \(self.seconds) s" }
    }

    @Test func tenLateBatchesAtOnceOnAPoolOfTwoAllFinish() async throws {
        try await Harness.run(pool: 2) { harness in
            // setup: October closed and recorded, so every batch below is late data that makes a new revision
            let world = harness.world
            let october = RFC3339.parse("2026-10-01T00:00:00Z")!
            _ = try await harness.repositories.measurements.ingest(
                objectiveID: world.objectiveA.id, source: "probe",
                buckets: [MeasurementBucket(start: october, end: october.addingTimeInterval(3600), good: 999, valid: 1000)], scope: .organisation,
                sender: BatchSender(userID: world.analyst.id, credential: "test"))
            try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-11-15T00:00:00Z")!)
            let token = try await harness.token(for: world.analyst)
            // MUT: ten batches into the closed month at once, each recomputing it before it answers
            let statuses = try await Self.within(120) {
                try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<10 {
                        group.addTask {
                            let start = october.addingTimeInterval(Double(86_400 * (index + 1)))
                            let json =
                                #"{"source":"late-\#(index)","buckets":[{"start":"\#(RFC3339.format(start))","end":"\#(RFC3339.format(start.addingTimeInterval(60)))","good":90,"valid":100}]}"#
                            return try await harness.api(.post, "/api/v1/objectives/\(world.objectiveA.id)/measurements", token: token, json: json).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            // validation: every batch stored, and the month recorded anew with all of them
            #expect(statuses.count == 10)
            #expect(statuses.allSatisfy { $0 == .created }, "\(statuses)")
            let valid = try await harness.database.query(
                "SELECT valid::text FROM period_results WHERE period_start = \(october) ORDER BY revision DESC LIMIT 1 FOR SHARE"
            ).first?.decode(String.self)
            #expect(valid == "2000")
        }
    }

    @Test func aSaturatedDatabaseAnswers503WithRetryAfterInsteadOfHanging() async throws {
        try await Harness.run(pool: 1, wait: .milliseconds(500)) { harness in
            // setup: the test holds vendor A's row, so an edit of it holds the server's only connection while it waits
            let world = harness.world
            let token = try await harness.token(for: world.manager)
            let started = try await Self.within(60) {
                try await harness.database.transaction { connection in
                    try await connection.query("SELECT 1 FROM vendors WHERE id = \(world.vendorA.id) FOR UPDATE", logger: TestDatabase.logger).collect()
                    let edit = Task {
                        try await harness.api(
                            .patch, "/api/v1/vendors/\(world.vendorA.id)", token: token, json: #"{"description":"held","row_version":1}"#)
                    }
                    // wait until the edit is blocked on the row, holding the server's only connection
                    try await connection.waitForLockWaiter()
                    // MUT: another request finds no connection free
                    let busy = try await harness.api(.get, "/api/v1/vendors", token: token)
                    #expect(busy.status == .serviceUnavailable)
                    #expect(busy.headers[.retryAfter] == "5")
                    #expect((busy.json["error"] as? [String: Any])?["code"] as? String == "unavailable")
                    try await connection.query("SELECT 1", logger: TestDatabase.logger).collect()
                    return edit
                }
            }
            // validation: once the row is free the edit goes through and the server answers again
            #expect(try await started.value.status == .ok)
            #expect(try await harness.api(.get, "/api/v1/vendors", token: token).status == .ok)
        }
    }

    @Test func twoEditsOfOneObjectiveWithTheSameVersionEndInOneSaveAndOne409() async throws {
        try await Harness.run { harness in
            // setup: a draft objective
            let world = harness.world
            let token = try await harness.token(for: world.manager)
            let agreement = try await harness.repositories.agreements.create(
                AgreementDraft(kind: .master, title: "Draft master", serviceID: world.serviceA.id, startDate: LocalDate("2026-01-01")), scope: .organisation, actor: .system)
            let objective = try await harness.repositories.objectives.create(
                agreementID: agreement.id, versionNumber: 1,
                ObjectiveDraft(name: "Up", sliKind: .ratio, slaTarget: 99, sloTarget: 99.5, window: .calendarMonth, priorityGoals: [], exclusionKinds: []),
                scope: .organisation, actor: .system)
            // MUT: twenty rounds of two PATCHes at once with the same row_version
            for round in 0..<20 {
                let current = try await harness.repositories.objectives.find(id: objective.id, scope: .organisation).0.rowVersion
                async let first = harness.api(
                    .patch, "/api/v1/objectives/\(objective.id)", token: token, json: #"{"name":"First \#(round)","row_version":\#(current)}"#)
                async let second = harness.api(
                    .patch, "/api/v1/objectives/\(objective.id)", token: token, json: #"{"name":"Second \#(round)","row_version":\#(current)}"#)
                let statuses = try await [first.status, second.status].sorted { $0.code < $1.code }
                // validation: one wins, the other is told the row changed
                #expect(statuses == [.ok, .conflict], "round \(round): \(statuses)")
            }
        }
    }

    @Test func readinessAndRequestsAnswerPromptlyWhenTheDatabaseIsAway() async throws {
        // setup: a server whose database does not listen
        var settings = DatabaseSettings(endpoint: .tcp(host: "127.0.0.1", port: 1), username: "nobody", password: nil, database: "none")
        settings.connectionWait = .seconds(1)
        let configuration = AppConfiguration(root: TestDatabase.root, database: settings, runsScheduler: false)
        let backend = try Backend(settings: settings, schemaDirectory: configuration.schemaDirectory, logger: TestDatabase.logger)
        let router = try buildRouter(
            AppDependencies(
                configuration: configuration,
                useCases: backend.useCases(clock: { Date() }, logger: TestDatabase.logger, ingestReach: .standard, outbound: OutboundGuard()),
                renderer: try await PageRenderer(directory: configuration.templatesDirectory), hasher: PasswordHasher(), backend: backend),
            logger: TestDatabase.logger)
        let app = Application(router: router, logger: TestDatabase.logger)
        try await app.test(.router) { client in
            // MUT
            let started = ContinuousClock.now
            let response = try await client.execute(uri: "/readyz", method: .get)
            // validation: 503 at once (the deadline is a second; the bound here only catches a hang)
            #expect(response.status == .serviceUnavailable)
            #expect(ContinuousClock.now - started < .seconds(10))
            // and a request that needs the database is told to come back, not kept waiting for the pool to give up
            let api = try await client.execute(uri: "/api/v1/vendors", method: .get, headers: [.authorization: "Bearer acc_00000000_x"])
            #expect(api.status == .serviceUnavailable)
            #expect(api.headers[.retryAfter] == "5")
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }

    @Test func aClientThatHangsUpIsNotAServerErrorAndALostConnectionIsAnUnknownOutcome() {
        // a body cut short by the client is the client's doing: logged at debug, not as an unhandled error
        #expect(ErrorMappingMiddleware.isClientGone(ChannelError.ioOnClosedChannel))
        #expect(ErrorMappingMiddleware.isClientGone(ChannelError.eof))
        #expect(!ErrorMappingMiddleware.isClientGone(ValidationErrors([FieldError("x", "y")])))
        #expect(!ErrorMappingMiddleware.isClientGone(DatabaseBusy()))
        // a connection the database closed mid-request: 503 like a busy database, saying the outcome is unknown
        #expect(DatabaseFailure.classify(ConnectionLost()) == .connectionLost)
        #expect(DatabaseFailure.classify(DatabaseBusy()) == .unavailable)
        #expect(ErrorMappingMiddleware.connectionLost.status == .serviceUnavailable)
        #expect(ErrorMappingMiddleware.connectionLost.message.contains("unknown") && ErrorMappingMiddleware.connectionLost.message.contains("Idempotency-Key"))
    }
}

import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// Monthly statements: issued when a month's periods close, signed with Ed25519 over canonical JSON and chained by
/// SHA-256; a file anyone can check (here also with Python's `cryptography`, as README shows); a changed figure or
/// chain is caught; late data makes a new revision naming the one it replaces; nothing issued changes; each vendor
/// reads only its own.
@Suite("Statements")
struct StatementTests {
    static let december = RFC3339.parse("2026-12-15T00:00:00Z")!

    static func ingest(_ harness: Harness, _ start: String, good: Int64, valid: Int64) async throws {
        let begin = try #require(RFC3339.parse(start))
        _ = try await harness.repositories.measurements.ingest(
            objectiveID: harness.world.objectiveA.id, source: "probe",
            buckets: [MeasurementBucket(start: begin, end: begin.addingTimeInterval(3600), good: good, valid: valid)], scope: .organisation,
            sender: BatchSender(userID: harness.world.analyst.id, credential: "test"))
    }

    /// The newest revision of agreement A's October statement.
    static func october(_ harness: Harness) async throws -> IssuedStatement? {
        try await harness.repositories.statements.list(agreementID: harness.world.agreementA.id, scope: .organisation, page: PageRequest(size: 200))
            .items.first { $0.month == LocalDate("2026-10-01") }
    }

    /// What `docs/verify-statement.py` (the README's check without Accord) says of a file.
    static func python(_ file: String, key: String) throws -> (ok: Bool, output: String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("statement-\(UUID().uuidString).json")
        try file.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestDatabase.root.appendingPathComponent("docs/verify-statement.py").path, path.path, key]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus == 0, text)
    }

    @Test func aClosedMonthIsStatedSignedChainedAndRevisedNeverChanged() async throws {
        try await Harness.run(now: Self.december) { harness in
            let world = harness.world
            // setup: October at 99.8 % against an SLA of 99.9 %: breached, a credit of 10 % of the 1000 fee
            try await Self.ingest(harness, "2026-10-10T00:00:00Z", good: 998, valid: 1000)
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: Self.december)
            // MUT: the job runs after the periods close (the same pass of the runner); a second run issues nothing more
            _ = try await StatementJob(repositories: harness.repositories).run(now: Self.december.addingTimeInterval(660))
            #expect(try await StatementJob(repositories: harness.repositories).run(now: Self.december.addingTimeInterval(700)) == .idle)
            let first = try #require(try await Self.october(harness))
            #expect(first.revision == 1 && first.supersedesID == nil)

            // the published key, without sign-in, is the one that signed it
            let keys = try await harness.get("/statements/keys.json", as: nil)
            #expect(keys.status == .ok && keys.text.contains(first.publicKey))
            // the signed file, as the manager downloads it, says what happened and verifies
            let manager = try await harness.session(for: world.manager)
            let file = try await harness.get("/statements/\(first.id)/statement.json", as: manager).text
            for figure in [#""attainment_percent":"99.8""#, #""status":"breached""#, #""amount":"100""#, #""sla_target_percent":"99.9""#, #""breach":true"#] {
                #expect(file.contains(figure), "\(figure)")
            }
            #expect(!file.contains("slo") && !file.contains("budget"))
            #expect(StatementSigning.verify(Data(file.utf8)).valid)
            #expect(StatementSigning.verify(Data(file.utf8), publicKey: first.publicKey).valid)
            let checked = try Self.python(file, key: first.publicKey)
            #expect(checked.ok && checked.output.hasPrefix("valid \(first.sha256)"), "\(checked.output)")
            // any figure changed is caught, by Accord and without it
            let tampered = file.replacingOccurrences(of: #""attainment_percent":"99.8""#, with: #""attainment_percent":"99.95""#)
            #expect(!StatementSigning.verify(Data(tampered.utf8), publicKey: first.publicKey).valid)
            #expect(!(try Self.python(tampered, key: first.publicKey)).ok)
            // and another key does not vouch for it
            let other = Curve25519Key.other
            #expect(!StatementSigning.verify(Data(file.utf8), publicKey: other).valid)

            // the page and the downloads
            let page = try await harness.get("/statements/\(first.id)", as: manager)
            #expect(page.status == .ok && page.text.contains("99.800 %") && page.text.contains("breached") && page.text.contains(first.sha256))
            #expect(try await harness.get("/statements/\(first.id)/statement.csv", as: manager).text.contains("Availability"))
            #expect(try await harness.get("/statements/\(first.id)/statement.md", as: manager).text.contains("# Statement: Alpha hosting SLA, October 2026"))
            #expect(try await harness.get("/agreements/\(world.agreementA.id)/statements", as: manager).text.contains("/statements/\(first.id)"))

            // the vendor reads its own, in the portal and the API; the other vendor finds nothing; no one without sign-in
            let vendorA = try await harness.session(for: world.vendorUserA)
            #expect(try await harness.get("/statements/\(first.id)", as: vendorA).status == .ok)
            let vendorB = try await harness.session(for: world.vendorUserB)
            // the portal's home lists it with the key it is signed with; vendor B's lists none of vendor A's
            let portalA = try await harness.get("/", as: vendorA).text
            #expect(portalA.contains("/statements/\(first.id)") && portalA.contains(first.publicKey) && portalA.contains("/statements/keys.json"))
            #expect(!(try await harness.get("/", as: vendorB).text.contains("/statements/\(first.id)\"")))
            #expect(try await harness.get("/statements/\(first.id)", as: vendorB).status == .notFound)
            #expect(try await harness.get("/statements/\(first.id)/statement.json", as: vendorB).status == .notFound)
            #expect(try await harness.get("/agreements/\(world.agreementA.id)/statements", as: vendorB).status == .notFound)
            let tokenB = try await harness.token(for: world.vendorUserB)
            #expect(try await harness.api(.get, "/api/v1/statements/\(first.id)", token: tokenB).status == .notFound)
            let tokenA = try await harness.token(for: world.vendorUserA)
            let listed = try await harness.api(.get, "/api/v1/agreements/\(world.agreementA.id)/statements", token: tokenA)
            #expect(((listed.json["items"] as? [[String: Any]]) ?? []).contains { $0["sha256"] as? String == first.sha256 })
            #expect(try await harness.get("/statements/\(first.id)", as: nil).status != .ok)

            // nothing issued changes, even by the server's own role
            await #expect(throws: (any Error).self) {
                try await harness.database.query("UPDATE statements SET canonical = 'changed' WHERE id = \(first.id)")
            }
            await #expect(throws: (any Error).self) { try await harness.database.query("DELETE FROM statements WHERE id = \(first.id)") }

            // late data: October met after all; a new revision names the one it replaces and the agreement's previous statement
            let head = try #require(
                try await harness.repositories.statements.list(agreementID: world.agreementA.id, scope: .organisation, page: PageRequest()).items
                    .max { $0.id < $1.id })
            try await Self.ingest(harness, "2026-10-20T00:00:00Z", good: 1000, valid: 1000)
            try await TestJobs.runAll(harness.repositories, at: Self.december.addingTimeInterval(1200))
            _ = try await StatementJob(repositories: harness.repositories).run(now: Self.december.addingTimeInterval(2400))
            let second = try #require(try await Self.october(harness))
            #expect(second.revision == 2 && second.supersedesID == first.id && second.previousSHA256 == head.sha256)
            let secondFile = try await harness.get("/statements/\(second.id)/statement.json", as: manager).text
            #expect(secondFile.contains(#""attainment_percent":"99.9""#) && secondFile.contains(#""status":"met""#) && secondFile.contains(#""credit":null"#))
            #expect(secondFile.contains(#""supersedes_sha256":"\#(first.sha256)""#))
            // the chain checks against the statement before it, and a statement left out or swapped is caught
            let headFile = try await harness.get("/statements/\(head.id)/statement.json", as: manager).text
            #expect(StatementSigning.verify(Data(secondFile.utf8), publicKey: first.publicKey, previous: Data(headFile.utf8)).valid)
            if head.id != first.id {
                let broken = StatementSigning.verify(Data(secondFile.utf8), publicKey: first.publicKey, previous: Data(file.utf8))
                #expect(!broken.valid && broken.problems.contains { $0.contains("chain is broken") })
            }
            let forgedChain = secondFile.replacingOccurrences(of: head.sha256, with: String(repeating: "0", count: 64))
            #expect(!StatementSigning.verify(Data(forgedChain.utf8), publicKey: first.publicKey).valid)
            // the first revision is still there, as it was issued
            #expect(try await harness.get("/statements/\(first.id)/statement.json", as: manager).text == file)
        }
    }
}

/// A key that signed nothing of Accord's.
enum Curve25519Key {
    static let other = "Ae7bX9ByqVgG2vJ0zPfGZ8p1wQe3h4k5l6m7n8o9p0Q="
}

import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// The header's search: by part of a name or by number, across vendors, agreements, objectives and the rest; a
/// vendor's user finds only its own; `%` is a character, not a wildcard; bad input is named.
@Suite("Search")
struct SearchTests {
    @Test func namesAndNumbersAreFoundWithinWhatThePersonMayRead() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            func titles(_ query: String, token: String) async throws -> [String] {
                let answer = try await harness.api(.get, "/api/v1/search?q=\(query)", token: token)
                #expect(answer.status == .ok, "\(query): \(answer.status)")
                return ((answer.json["items"] as? [[String: Any]]) ?? []).map { "\($0["kind"] ?? ""):\($0["title"] ?? "")" }
            }
            // by part of a name, any case: agreements and vendors of both sides for the customer
            let found = try await titles("payroll", token: manager)
            #expect(found.contains("agreement:Beta payroll SLA") && found.contains("agreement:Payroll master"), "\(found)")
            #expect(try await titles("ALPHA", token: manager).contains("vendor:Alpha Hosting"))
            #expect(try await titles("availab", token: manager).contains { $0.hasPrefix("objective:") })
            // by number, with or without #
            let byNumber = try await titles("%23\(world.agreementB.id)", token: manager)
            #expect(byNumber.contains("agreement:Beta payroll SLA"), "\(byNumber)")
            // % and _ are characters: "%" finds no name without one
            #expect(try await titles("%25%25", token: manager).isEmpty)
            // a vendor's user finds its own agreement and nothing of vendor B's, by name or number
            let vendorA = try await harness.token(for: world.vendorUserA)
            #expect(try await titles("alpha", token: vendorA).contains("agreement:Alpha hosting SLA"))
            #expect(try await titles("payroll", token: vendorA).isEmpty)
            #expect(try await titles("Beta", token: vendorA).isEmpty)
            #expect(try await titles("\(world.agreementB.id)", token: vendorA).allSatisfy { !$0.contains("Beta") })
            // too long is named; one letter finds nothing
            let long = try await harness.api(.get, "/api/v1/search?q=\(String(repeating: "a", count: 101))", token: manager)
            #expect(long.status == .unprocessableContent && long.text.contains("\"q\""))
            #expect(try await titles("a", token: manager).isEmpty)
            // the page: grouped, linked, the query kept; the header carries the box on every page
            let session = try await harness.session(for: world.manager)
            let page = try await harness.get("/search?q=hosting", as: session)
            #expect(page.status == .ok && page.text.contains("<h2>Agreements</h2>") && page.text.contains("href=\"/agreements/\(world.agreementA.id)\""))
            #expect(page.text.contains("value=\"hosting\"") && page.text.contains("action=\"/search\""))
            let none = try await harness.get("/search?q=zzzz", as: session)
            #expect(none.text.contains("Nothing found for"))
            #expect(try await harness.get("/search?q=\(String(repeating: "b", count: 101))", as: session).status == .unprocessableContent)
            #expect(try await harness.get("/search?q=hosting", as: nil).status != .ok)
        }
    }
}

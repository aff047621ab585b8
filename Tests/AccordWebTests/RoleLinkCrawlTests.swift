import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// Pages show only the links a person may follow: the demo's analyst and viewer walk every page their home leads to,
/// and no link on any of them ends in 403.
@Suite("Links each role may follow")
struct RoleLinkCrawlTests {
    static let pageLimit = 400

    @Test func theAnalystAndTheViewerAreShownNoLinkThatRefusesThem() async throws {
        try await Harness.run { harness in
            // setup: the demo beside the fixture, whose service gives up its name (service names are unique)
            try await harness.database.query("UPDATE services SET name = 'Fixture checkout' WHERE id = \(harness.world.serviceA.id)")
            let today = LocalDate.of(harness.clock.now, in: TimeZone(identifier: "UTC")!)
            #expect(try await DemoData(repositories: harness.repositories, hasher: PasswordHasher(cost: 4)).seed(today: today))
            harness.clock.advance(by: max(0, Date().timeIntervalSince(harness.clock.now)))
            for email in ["ari@accord.example", "vic@accord.example"] {
                let (user, _) = try #require(try await harness.repositories.users.credentials(email: email))
                let session = try await harness.session(for: user)
                // MUT: a walk over the distinct pages, following each link once
                var queue = ["/"]
                var seen: Set<String> = ["/"]
                var refused: [String] = []
                var read = 0
                while !queue.isEmpty, read < Self.pageLimit {
                    let page = queue.removeFirst()
                    let response = try await harness.get(page, as: session)
                    read += 1
                    guard response.status == .ok, response.headers[.contentType]?.hasPrefix("text/html") == true else { continue }
                    for link in VendorCrawl.links(in: response.text) where seen.insert(link).inserted {
                        // one page of each kind is enough: /objectives/2 and /objectives/3 are the same page
                        let shape = VendorCrawl.segments(link).map { Int($0) == nil ? $0 : "#" }.joined(separator: "/")
                        if seen.insert("shape:" + shape).inserted || link.contains("/new") || link.contains("/edit") {
                            let target = try await harness.get(link, as: session)
                            if target.status == .forbidden { refused.append("\(page) links to \(link)") }
                            if target.status == .ok, target.headers[.contentType]?.hasPrefix("text/html") == true { queue.append(link) }
                        }
                    }
                }
                // validation
                #expect(read > 20, "\(email): \(read) pages read")
                #expect(refused.isEmpty, "\(email) is shown links that refuse it:\n\(refused.prefix(20).joined(separator: "\n"))")
            }
        }
    }
}

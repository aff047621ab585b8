import AccordDomain
import AccordStorage
import AccordTestSupport
import AccordWeb
import Foundation
import HummingbirdTesting
import Testing

/// RACI matrices: saved through the API and the page, checked against the rules, listed on the health page, and
/// routing who hears of a claim.
@Suite("RACI")
struct RACITests {
    @Test func theMatrixRoutesClaimsAndTheHealthPageListsRuleBreaks() async throws {
        try await Harness.run { harness in
            // setup
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            let other = try await harness.repositories.users.insert(
                UserDraft(email: "dan@test.example", name: "Dan Deputy", role: .contractManager, vendorID: nil, password: World.password),
                passwordHash: try await World.passwordHash.value, actor: .system)
            // MUT: Carla accountable and Dan informed for exclusion approval; Olli (vendor A's user) consulted; two accountable for
            // dispute decisions (an error the page shows)
            let body = """
                {"assignments":[
                 {"activity":"exclusion_approval","party_kind":"person","party_id":\(world.manager.id),"letter":"A"},
                 {"activity":"exclusion_approval","party_kind":"person","party_id":\(other.id),"letter":"I"},
                 {"activity":"exclusion_approval","party_kind":"vendor_user","party_id":\(world.vendorUserA.id),"letter":"C"},
                 {"activity":"dispute_decision","party_kind":"person","party_id":\(world.manager.id),"letter":"A"},
                 {"activity":"dispute_decision","party_kind":"person","party_id":\(other.id),"letter":"A"}]}
                """
            // another vendor's user is no party of this agreement
            let foreign = body.replacingOccurrences(of: "\(world.vendorUserA.id),\"letter\":\"C\"", with: "\(world.vendorUserB.id),\"letter\":\"C\"")
            #expect(try await harness.api(.put, "/api/v1/agreements/\(world.agreementA.id)/raci", token: manager, json: foreign).status == .unprocessableContent)
            let saved = try await harness.api(.put, "/api/v1/agreements/\(world.agreementA.id)/raci", token: manager, json: body)
            #expect(saved.status == .ok, "\(saved.text)")
            let findings = try #require(saved.json["findings"] as? [[String: Any]])
            #expect(findings.contains { ($0["message"] as? String)?.contains("Dispute decision has 2 accountable") == true })
            #expect(findings.contains { $0["severity"] as? String == "warning" && ($0["message"] as? String)?.contains("Exclusion approval has no one responsible") == true })
            // a claim: Carla is asked to act, Dan informed, the other manager of the fallback no longer hears of it
            let vendor = try await harness.token(for: world.vendorUserA)
            let claim = try await harness.api(
                .post, "/api/v1/claims", token: vendor,
                json: """
                    {"agreement_id":\(world.agreementA.id),"objective_ids":[\(world.objectiveA.id)],"kind":"customer_caused",
                     "starts_at":"2026-10-05T01:00:00Z","ends_at":"2026-10-05T02:00:00Z","statement":"Customer change"}
                    """)
            let claimID = try #require(claim.json["id"] as? Int)
            // the claim's page names who decides: Carla for the customer's people, the customer for the vendor
            let forManager = try await harness.get("/claims/\(claimID)", as: try await harness.session(for: world.manager))
            #expect(forManager.text.contains("To decide (by the agreement's RACI): <strong>Carla Contract</strong>"))
            let forVendor = try await harness.get("/claims/\(claimID)", as: try await harness.session(for: world.vendorUserA))
            #expect(forVendor.text.contains("<strong>the customer</strong>") && !forVendor.text.contains("Carla"))
            let carla = try #require((try await harness.api(.get, "/api/v1/inbox", token: manager).json["items"] as? [[String: Any]])?.first)
            #expect(carla["event"] as? String == "claim.filed" && carla["to_act"] as? Bool == true)
            let dan = try #require((try await harness.api(.get, "/api/v1/inbox", token: try await harness.token(for: other)).json["items"] as? [[String: Any]])?.first)
            #expect(dan["to_act"] as? Bool == false)
            // validation: the health page lists agreement A with its error; a vendor user reads the matrix without staff names
            let staff = try await harness.session(for: world.manager)
            let health = try await harness.get("/raci", as: staff)
            #expect(health.text.contains("Alpha hosting SLA") && health.text.contains("2 accountable"))
            // problems first: agreement A's conflict comes before the matrices not set, each of those one line
            let problem = try #require(health.text.range(of: "Alpha hosting SLA"))
            let unset = try #require(health.text.range(of: "Checkout master"), "\(health.text)")
            #expect(problem.lowerBound < unset.lowerBound)
            #expect(health.text.contains("No matrix set: each of the"))
            // filters: another vendor's agreements only, or errors only
            let vendorBOnly = try await harness.get("/raci?vendor=\(world.vendorB.id)", as: staff)
            #expect(vendorBOnly.status == .ok && !vendorBOnly.text.contains(">Alpha hosting SLA</a></td>"), "\(vendorBOnly.text)")
            let errorsOnly = try await harness.get("/raci?severity=errors", as: staff)
            #expect(errorsOnly.text.contains(">Alpha hosting SLA</a></td>"))
            #expect(try await harness.get("/raci?severity=nonsense&vendor=x", as: staff).status == .ok)
            let seen = try await harness.api(.get, "/api/v1/agreements/\(world.agreementA.id)/raci", token: vendor)
            #expect(!seen.text.contains(world.manager.name) && !seen.text.contains("Dan Deputy") && seen.text.contains("the customer"))
            #expect(try await harness.api(.get, "/api/v1/raci/health", token: vendor).status == .forbidden)
            // the page saves the same matrix from its cells
            let session = try await harness.session(for: world.manager)
            let page = try await harness.get("/agreements/\(world.agreementA.id)/raci", as: session)
            #expect(page.text.contains("cell-exclusion_approval-person-\(world.manager.id)"))
            let posted = try await harness.post(
                "/agreements/\(world.agreementA.id)/raci",
                [("cell-data_feed-vendor_contact-\(world.contactA.id)", "R"), ("cell-data_feed-person-\(world.manager.id)", "A")], as: session)
            #expect(posted.status == .seeOther)
            let matrix = try await harness.repositories.raci.matrix(agreementID: world.agreementA.id, scope: .organisation)
            #expect(matrix.assignments.count == 2 && matrix.findings().filter { $0.activity == .dataFeed }.isEmpty)
        }
    }
}

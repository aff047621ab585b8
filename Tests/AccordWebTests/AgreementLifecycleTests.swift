import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

@Suite("Agreement lifecycle in the browser and through the API")
struct AgreementLifecycleTests {
    static func id(from location: String?, after prefix: String) throws -> Int64 {
        let location = try #require(location)
        let rest = try #require(location.split(separator: "?").first).dropFirst(prefix.count)
        return try #require(Int64(rest.prefix { $0.isNumber }))
    }

    @Test func aContractManagerCreatesActivatesAndAmendsAVendorSLA() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let session = try await harness.session(for: world.manager)
            // a vendor
            let vendorResponse = try await harness.post("/vendors", [("name", "Gamma Support"), ("website", "https://gamma.example")], as: session)
            #expect(vendorResponse.status == .seeOther)
            let vendorID = try Self.id(from: vendorResponse.location, after: "/vendors/")
            // a vendor SLA under the master
            let agreementResponse = try await harness.post(
                "/agreements",
                [
                    ("kind", "vendor"), ("title", "Gamma second-line support"), ("vendor_id", "\(vendorID)"), ("master_id", "\(world.masterA.id)"),
                    ("dependency_kind", "parallel"), ("parallel_group", "support"), ("fee", "12500.00"), ("currency", "EUR"), ("fee_period", "month"),
                    ("time_zone", "Europe/Berlin"), ("start_date", "2026-11-01"), ("end_date", "2027-10-31"),
                ], as: session)
            #expect(agreementResponse.status == .seeOther)
            let agreementID = try Self.id(from: agreementResponse.location, after: "/agreements/")
            // activating without an objective is refused with a reason
            let agreement = try await harness.repositories.agreements.find(id: agreementID, scope: .organisation)
            let early = try await harness.post(
                "/agreements/\(agreementID)/status", [("status", "active"), ("row_version", "\(agreement.rowVersion)")], as: session)
            #expect(early.status == .unprocessableContent)
            #expect(early.text.contains("Add at least one objective"))
            // an objective with an SLO that is not stricter is refused beside the field, keeping what was typed
            let objectiveFields: [(String, String)] = [
                ("name", "First response"), ("sli_kind", "ticket_response"), ("sla_target", "95"), ("slo_target", "97"),
                ("window_kind", "calendar_month"), ("calendar_id", "\(world.calendarA.id)"), ("priority_goals.0.priority", "P1"),
                ("priority_goals.0.goal_minutes", "30"), ("exclusion_kinds", "customer_caused"), ("credit_tiers.0.threshold", "95"),
                ("credit_tiers.0.percent", "5"), ("credit_cap_percent", "15"), ("probation_factor", "0.5"),
            ]
            let bad = try await harness.post(
                "/agreements/\(agreementID)/versions/1/objectives", objectiveFields.map { $0.0 == "slo_target" ? ($0.0, "94") : $0 }, as: session)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("must be stricter than the SLA target"))
            #expect(bad.text.contains(#"value="First response""#))
            let good = try await harness.post("/agreements/\(agreementID)/versions/1/objectives", objectiveFields, as: session)
            #expect(good.status == .seeOther)
            // activate
            let activated = try await harness.post(
                "/agreements/\(agreementID)/status", [("status", "active"), ("row_version", "\(agreement.rowVersion)")], as: session)
            #expect(activated.status == .seeOther)
            // the active version cannot be edited in place
            let objective = try #require(
                try await harness.repositories.objectives.list(
                    versionID: try await harness.repositories.versions.find(agreementID: agreementID, number: 1, scope: .organisation).id,
                    scope: .organisation
                ).first)
            let inPlace = try await harness.post(
                "/objectives/\(objective.id)/edit", objectiveFields + [("row_version", "\(objective.rowVersion)")], as: session)
            #expect(inPlace.text.contains("never edited in place"))
            // amend into version 2 effective next month
            let amended = try await harness.post(
                "/agreements/\(agreementID)/versions", [("effective_from", "2026-12-01"), ("note", "Tighter P1 goal")], as: session)
            #expect(amended.status == .seeOther)
            #expect(amended.location?.hasPrefix("/agreements/\(agreementID)/versions/2") == true)
            let v2 = try await harness.repositories.versions.find(agreementID: agreementID, number: 2, scope: .organisation)
            #expect(v2.objectiveCount == 1)
            let copied = try #require(try await harness.repositories.objectives.list(versionID: v2.id, scope: .organisation).first)
            let edited = try await harness.post(
                "/objectives/\(copied.id)/edit",
                objectiveFields.map { $0.0 == "priority_goals.0.goal_minutes" ? ($0.0, "20") : $0 } + [("row_version", "\(copied.rowVersion)")],
                as: session)
            #expect(edited.status == .seeOther)
            let activateV2 = try await harness.post(
                "/agreements/\(agreementID)/versions/2/activate", [("row_version", "\(v2.rowVersion)")], as: session)
            #expect(activateV2.status == .seeOther)
            // both versions stay viewable
            let page = try await harness.get("/agreements/\(agreementID)", as: session)
            #expect(page.text.contains("Version 1"))
            #expect(page.text.contains("Version 2"))
            #expect(try await harness.get("/agreements/\(agreementID)/versions/1", as: session).text.contains("P1 30 min"))
            #expect(try await harness.get("/agreements/\(agreementID)/versions/2", as: session).text.contains("P1 20 min"))
            // every step is in the audit trail
            let audit = try await harness.repositories.audit.list(filter: AuditFilter(actor: "Carla"), page: PageRequest(size: 100))
            let actions = Set(audit.items.map { "\($0.entity):\($0.action)" })
            for expected in [
                "vendor:create", "agreement:create", "objective:create", "agreement:status:active", "agreement_version:activate",
                "agreement_version:amend",
                "objective:update",
            ] {
                #expect(actions.contains(expected), "missing audit entry \(expected)")
            }
            // the vendor's users see it; another vendor's users do not
            let other = try await harness.session(for: world.vendorUserA)
            #expect(try await harness.get("/agreements/\(agreementID)", as: other).status == .notFound)
        }
    }

    @Test func theSameLifecycleThroughTheAPI() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let token = try await harness.token(for: world.manager)
            let created = try await harness.api(
                .post, "/api/v1/agreements", token: token,
                json: """
                    {"kind":"vendor","title":"Alpha storage SLA","vendor_id":\(world.vendorA.id),"master_id":\(world.masterA.id),
                     "dependency_kind":"serial","fee":500,"currency":"EUR","start_date":"2026-06-01"}
                    """)
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? Int)
            #expect(created.json["service_id"] as? Int == Int(world.serviceA.id))
            let invalid = try await harness.api(
                .post, "/api/v1/agreements/\(id)/versions/1/objectives", token: token,
                json: #"{"name":"Uptime","sli_kind":"ratio","sla_target":99.9,"slo_target":99.9,"window_kind":"rolling_days"}"#)
            #expect(invalid.status == .unprocessableContent)
            let details = try #require((invalid.json["error"] as? [String: Any])?["details"] as? [[String: Any]])
            let fields = Set(details.compactMap { $0["field"] as? String })
            #expect(fields == ["slo_target", "window_days"])
            let objective = try await harness.api(
                .post, "/api/v1/agreements/\(id)/versions/1/objectives", token: token,
                json:
                    #"{"name":"Uptime","sli_kind":"ratio","sla_target":99.9,"slo_target":99.95,"window_kind":"rolling_days","window_days":28,"credit_tiers":[{"threshold":99.9,"percent":10}]}"#
            )
            #expect(objective.status == .created)
            #expect(objective.json["window_days"] as? Int == 28)
            let activated = try await harness.api(
                .post, "/api/v1/agreements/\(id)/status", token: token, json: #"{"status":"active","row_version":1}"#)
            #expect(activated.status == .ok)
            #expect(activated.json["status"] as? String == "active")
            let amended = try await harness.api(.post, "/api/v1/agreements/\(id)/versions", token: token, json: #"{"effective_from":"2026-12-01"}"#)
            #expect(amended.status == .created)
            #expect(amended.json["number"] as? Int == 2)
            #expect((amended.json["objectives"] as? [Any])?.count == 1)
            let tooEarly = try await harness.api(.post, "/api/v1/agreements/\(id)/versions", token: token, json: #"{"effective_from":"2026-05-01"}"#)
            #expect(tooEarly.status == .unprocessableContent)
            let versions = try await harness.api(.get, "/api/v1/agreements/\(id)/versions", token: token)
            #expect((versions.json["items"] as? [Any])?.count == 2)
            let v2 = try await harness.api(.post, "/api/v1/agreements/\(id)/versions/2/activate", token: token, json: #"{"row_version":1}"#)
            #expect(v2.status == .ok)
            #expect(v2.json["state"] as? String == "active")
        }
    }

    @Test func aStaleEditIsRefusedNamingWhoChangedItAndWhen() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let manager = try await harness.session(for: world.manager)
            let admin = try await harness.token(for: world.admin)
            // someone else saves first
            let first = try await harness.api(
                .patch, "/api/v1/vendors/\(world.vendorA.id)", token: admin, json: #"{"website":"https://alpha.example","row_version":1}"#)
            #expect(first.status == .ok)
            #expect(first.json["row_version"] as? Int == 2)
            // the form opened at version 1 is refused with a message, keeping what was typed
            let stale = try await harness.post("/vendors/\(world.vendorA.id)/edit", [("name", "Alpha Renamed"), ("row_version", "1")], as: manager)
            #expect(stale.status == .unprocessableContent)
            #expect(stale.text.contains("changed by Ada Admin"), "\(stale.text)")
            #expect(stale.text.contains(#"value="Alpha Renamed""#))
            // the API answers 409
            let staleAPI = try await harness.api(
                .patch, "/api/v1/vendors/\(world.vendorA.id)", token: admin, json: #"{"name":"Other","row_version":1}"#)
            #expect(staleAPI.status == .conflict)
            #expect(staleAPI.errorCode == "edit_conflict")
            let vendor = try await harness.repositories.vendors.find(id: world.vendorA.id, scope: .organisation)
            #expect(vendor.name == "Alpha Hosting")
            #expect(vendor.website == "https://alpha.example")
        }
    }

    @Test func listsSearchAndPaginate() async throws {
        try await Harness.run { harness in
            for index in 1...30 {
                _ = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).createVendor(
                    VendorDraft(name: String(format: "Zeta %02d", index)), scope: .organisation, actor: .system)
            }
            let session = try await harness.session(for: harness.world.viewer)
            let first = try await harness.get("/vendors?q=zeta", as: session)
            #expect(first.text.contains("Page 1 of 2 · 30 in all"))
            #expect(first.text.contains("Zeta 25"))
            #expect(!first.text.contains("Zeta 26"))
            let second = try await harness.get("/vendors?q=zeta&page=2", as: session)
            #expect(second.text.contains("Zeta 30"))
            let token = try await harness.token(for: harness.world.viewer)
            let api = try await harness.api(.get, "/api/v1/vendors?q=zeta&per_page=10&page=3", token: token)
            #expect(api.json["total"] as? Int == 30)
            #expect((api.json["items"] as? [Any])?.count == 10)
            let empty = try await harness.get("/vendors?q=nothing-like-this", as: session)
            #expect(empty.text.contains("No vendors match"))
        }
    }

    @Test func unknownAndForbiddenPagesLeakNothing() async throws {
        try await Harness.run { harness in
            let viewer = try await harness.session(for: harness.world.viewer)
            let missing = try await harness.get("/agreements/999999", as: viewer)
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("There is nothing here"))
            #expect(!missing.text.contains("NotFound"))
            let forbidden = try await harness.get("/vendors/new", as: viewer)
            #expect(forbidden.status == .forbidden)
            #expect(forbidden.text.contains("Your role does not allow this action."))
            let api = try await harness.api(.get, "/api/v1/objectives/999999", token: try await harness.token(for: harness.world.viewer))
            #expect(api.status == .notFound)
            #expect(api.errorCode == "not_found")
        }
    }

    @Test func healthAndReadiness() async throws {
        try await Harness.run { harness in
            #expect(try await harness.get("/healthz", as: nil).status == .ok)
            // a probe answers within a second either way; on a machine busy with the whole suite, the pool's first
            // connection may take longer, so the probe is repeated as a load balancer would
            var ready = try await harness.get("/readyz", as: nil)
            for _ in 0..<20 where ready.status != .ok {
                #expect(ready.json["status"] as? String == "database_unreachable" && ready.headers[.retryAfter] != nil)
                try await Task.sleep(for: .milliseconds(500))
                ready = try await harness.get("/readyz", as: nil)
            }
            #expect(ready.status == .ok)
            #expect(ready.json["status"] as? String == "ready")
        }
    }

    @Test func aVendorsPageStartsItsNextSLAWithTheVendorChosen() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let manager = try await harness.session(for: world.manager)
            let page = try await harness.get("/vendors/\(world.vendorA.id)", as: manager)
            #expect(page.text.contains("href=\"/agreements/new?kind=vendor&amp;vendor_id=\(world.vendorA.id)\">Add SLA</a>"))
            let form = try await harness.get("/agreements/new?kind=vendor&vendor_id=\(world.vendorA.id)", as: manager)
            #expect(form.text.contains("<option value=\"\(world.vendorA.id)\" selected>Alpha Hosting</option>"))
            // a vendor's own users do not get the button
            let alpha = try await harness.session(for: world.vendorUserA)
            #expect(!(try await harness.get("/vendors/\(world.vendorA.id)", as: alpha)).text.contains("Add SLA"))
        }
    }
}

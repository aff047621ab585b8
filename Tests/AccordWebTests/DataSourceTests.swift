import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// Data sources and objectives' pulls through the API and the pages: who may do what, what is never read back, and
/// forms that keep what was typed.
@Suite("Data sources and pulls")
struct DataSourceTests {
    @Test func anAdminDefinesASourceAManagerPointsAnObjectiveAtItAndNoCredentialIsReadBack() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let admin = try await harness.token(for: world.admin)
            let manager = try await harness.token(for: world.manager)
            let analyst = try await harness.token(for: world.analyst)
            let vendor = try await harness.token(for: world.vendorUserA)
            // only an admin defines a source
            let body = #"{"name":"Metrics","base_url":"https://prometheus.example:9090/","auth":"bearer","bearer_token":"s3cret-token","timeout_seconds":5}"#
            #expect(try await harness.api(.post, "/api/v1/data-sources", token: manager, json: body).status == .forbidden)
            #expect(try await harness.api(.post, "/api/v1/data-sources", token: vendor, json: body).status == .forbidden)
            let created = try await harness.api(.post, "/api/v1/data-sources", token: admin, json: body)
            #expect(created.status == .created, "\(created.text)")
            #expect(!created.text.contains("s3cret-token"))
            #expect(created.json["has_bearer_token"] as? Bool == true)
            #expect(created.json["base_url"] as? String == "https://prometheus.example:9090")
            let sourceID = try #require(created.json["id"] as? Int)
            // bad input names each field and stores nothing
            let refused = try await harness.api(
                .post, "/api/v1/data-sources", token: admin, json: #"{"name":"","base_url":"ftp://x","auth":"basic","timeout_seconds":500}"#)
            #expect(refused.status == .unprocessableContent)
            for field in ["name", "base_url", "basic_user", "basic_password", "timeout_seconds"] { #expect(refused.text.contains("\"\(field)\""), "\(field)") }
            #expect((try await harness.api(.get, "/api/v1/data-sources", token: admin).json["items"] as? [Any])?.count == 1)
            // a name is unique
            #expect(try await harness.api(.post, "/api/v1/data-sources", token: admin, json: body).text.contains("already exists"))
            // a change keeps the token unless one is given, and checks the version read
            let changed = try await harness.api(
                .patch, "/api/v1/data-sources/\(sourceID)", token: admin, json: #"{"timeout_seconds":20,"row_version":0}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            #expect(changed.json["has_bearer_token"] as? Bool == true && changed.json["timeout_seconds"] as? Int == 20)
            #expect(try await harness.api(.patch, "/api/v1/data-sources/\(sourceID)", token: admin, json: #"{"row_version":0}"#).status == .conflict)

            // a contract manager points a ratio objective at it; the analyst reads it, may not set it
            let pull = #"{"source_id":\#(sourceID),"good_query":"sum(increase(ok_total[1m]))","valid_query":"sum(increase(all_total[1m]))","step_seconds":60,"pull_from":"2026-11-01"}"#
            #expect(try await harness.api(.put, "/api/v1/objectives/\(world.objectiveA.id)/pull", token: analyst, json: pull).status == .forbidden)
            let set = try await harness.api(.put, "/api/v1/objectives/\(world.objectiveA.id)/pull", token: manager, json: pull)
            #expect(set.status == .ok, "\(set.text)")
            #expect(set.json["watermark"] as? String == "2026-11-01T00:00:00Z")
            #expect(set.json["source_name"] as? String == "Metrics")
            let read = try await harness.api(.get, "/api/v1/objectives/\(world.objectiveA.id)/pull", token: analyst)
            #expect(read.status == .ok && read.json["good_query"] as? String == "sum(increase(ok_total[1m]))")
            // a vendor's user reads no pull, not even of its own objective, and cannot set one
            #expect(try await harness.api(.get, "/api/v1/objectives/\(world.objectiveA.id)/pull", token: vendor).status == .notFound)
            #expect([.forbidden, .notFound].contains(try await harness.api(.put, "/api/v1/objectives/\(world.objectiveA.id)/pull", token: vendor, json: pull).status))
            // a step other than 1 or 5 minutes, an empty query, a source that does not exist: each named
            let bad = try await harness.api(
                .put, "/api/v1/objectives/\(world.objectiveA.id)/pull", token: manager,
                json: #"{"source_id":999999,"good_query":"","valid_query":"x","step_seconds":30}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("good_query") && bad.text.contains("step_seconds"))
            // the source page lists the objective; stopping keeps nothing pulling
            let detail = try await harness.api(.get, "/api/v1/data-sources/\(sourceID)", token: admin)
            #expect((detail.json["pulls"] as? [[String: Any]])?.first?["objective_id"] as? Int == Int(world.objectiveA.id))
            #expect((detail.json["pulls"] as? [[String: Any]])?.first?["objective_name"] as? String == world.objectiveA.name)
            #expect(detail.json["pull_count"] as? Int == 1)
            #expect(try await harness.api(.delete, "/api/v1/objectives/\(world.objectiveA.id)/pull", token: manager).status == .noContent)
            #expect(try await harness.api(.get, "/api/v1/objectives/\(world.objectiveA.id)/pull", token: manager).status == .notFound)
            // every change is on the audit trail, without the token
            let audit = try await harness.database.query(
                "SELECT action, coalesce(after::text, '') FROM audit_log WHERE entity IN ('data_source', 'objective') AND action <> 'create' OR entity = 'data_source' ORDER BY id"
            ).map { try $0.decode((String, String).self) }
            #expect(audit.map(\.0) == ["create", "update", "set_pull", "remove_pull"])
            #expect(!audit.contains { $0.1.contains("s3cret-token") })
        }
    }

    @Test func thePagesListSourcesKeepWhatWasTypedAndShowAnObjectivesPull() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let admin = try await harness.session(for: world.admin)
            let manager = try await harness.session(for: world.manager)
            let viewer = try await harness.session(for: world.viewer)
            #expect(try await harness.get("/data-sources", as: admin).text.contains("No data sources yet"))
            #expect(try await harness.get("/data-sources", as: manager).status == .forbidden)
            // a refused form keeps the name and address, never the token
            let refused = try await harness.post(
                "/data-sources", [("name", "Metrics"), ("base_url", "not a url"), ("auth", "bearer"), ("bearer_token", "typed-token")], as: admin)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("value=\"Metrics\"") && refused.text.contains("Give the server") && !refused.text.contains("typed-token"))
            let created = try await harness.post(
                "/data-sources", [("name", "Metrics"), ("base_url", "http://prometheus.internal:9090"), ("auth", "none"), ("timeout_seconds", "10"),
                                  ("stale_minutes", "60")], as: admin)
            #expect(created.status == .seeOther, "\(created.text.prefix(400))")
            let list = try await harness.get("/data-sources", as: admin)
            #expect(list.text.contains("Metrics") && list.text.contains("http://prometheus.internal:9090"))
            let sourceID = try #require(try await harness.repositories.dataSources.list().first?.id)
            // the objective page: the manager sets the pull; a refused one keeps the queries typed
            let page = try await harness.get("/objectives/\(world.objectiveA.id)", as: manager)
            #expect(page.text.contains("Data pull") && page.text.contains("Start pulling"))
            let bad = try await harness.post(
                "/objectives/\(world.objectiveA.id)/pull", [("source_id", "\(sourceID)"), ("good_query", "sum(rate(x[1m]))"), ("valid_query", ""), ("step_seconds", "60")],
                as: manager)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("sum(rate(x[1m]))") && bad.text.contains("Give the PromQL expression"))
            let good = try await harness.post(
                "/objectives/\(world.objectiveA.id)/pull",
                [("source_id", "\(sourceID)"), ("good_query", "sum(increase(ok_total[1m]))"), ("valid_query", "sum(increase(all_total[1m]))"), ("step_seconds", "300")],
                as: manager)
            #expect(good.status == .seeOther)
            let shown = try await harness.get("/objectives/\(world.objectiveA.id)", as: manager)
            #expect(shown.text.contains("5 min") && shown.text.contains("Stop pulling"))
            let sourcePage = try await harness.get("/data-sources/\(sourceID)", as: admin)
            #expect(sourcePage.text.contains(">\(world.objectiveA.name)</a>") && sourcePage.text.contains("sum(increase(ok_total[1m]))"))
            // the viewer sees where the data comes from, without the form; a vendor's user sees no section at all
            let viewed = try await harness.get("/objectives/\(world.objectiveA.id)", as: viewer)
            #expect(viewed.text.contains("Data pull") && !viewed.text.contains("Stop pulling"))
            let vendor = try await harness.session(for: world.vendorUserA)
            let vendorPage = try await harness.get("/objectives/\(world.objectiveA.id)", as: vendor)
            #expect(vendorPage.status == .ok && !vendorPage.text.contains("Data pull") && !vendorPage.text.contains("ok_total"))
            #expect(try await harness.post("/objectives/\(world.objectiveA.id)/pull/remove", as: vendor).status == .forbidden)
            #expect(try await harness.post("/objectives/\(world.objectiveA.id)/pull/remove", as: manager).status == .seeOther)
        }
    }
}

import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AccordWeb

/// OpenSLO v1 out of an agreement and back into another's draft version: nothing is lost, the second export reads as
/// the first, and what Accord cannot judge is refused by document, field and reason.
@Suite("OpenSLO")
struct OpenSLOTests {
    /// A draft vendor SLA of vendor A under master A, from 1 January 2026 in UTC, with no objective yet.
    static func draftAgreement(_ title: String, _ harness: Harness) async throws -> Agreement {
        try await harness.repositories.agreements.create(
            AgreementDraft(
                kind: .vendor, title: title, vendorID: harness.world.vendorA.id, masterID: harness.world.masterA.id, dependencyKind: .serial,
                fee: 1000, timeZone: "UTC", startDate: LocalDate("2026-01-01")),
            scope: .organisation, actor: .system)
    }

    static let pull = (good: #"sum(increase(http_requests_total{code!~"5.."}[1m]))"#, valid: "sum(increase(http_requests_total[1m]))")

    @Test func anExportReadBackIntoADraftExportsTheSameDocuments() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            // setup: a ratio objective with credits, exclusions and a season, pulling from a source
            let objective = try await harness.ratioObjective(
                title: "Edge delivery", since: "2026-01-01", sla: Decimal(string: "99.5")!, slo: Decimal(string: "99.8")!,
                tiers: [CreditTier(threshold: Decimal(string: "99.5")!, percent: 10)], exclusionKinds: [.plannedMaintenance])
            let useCases = UseCases(repositories: harness.repositories, clock: { harness.clock.now }, logger: TestDatabase.logger)
            let source = try await useCases.createDataSource(DataSourceDraft(name: "Metrics", baseURL: "http://prometheus.internal:9090"), actor: .system)
            _ = try await useCases.setPull.set(
                objectiveID: objective.id,
                SeriesPullDraft(sourceID: source.id, goodQuery: Self.pull.good, validQuery: Self.pull.valid, stepSeconds: 300),
                scope: .organisation, actor: .system)
            let (_, placement) = try await harness.repositories.objectives.find(id: objective.id, scope: .organisation)
            let exported = try await harness.api(.get, "/api/v1/agreements/\(placement.agreementID)/openslo", token: manager)
            #expect(exported.status == .ok)
            let first = exported.text
            for expected in ["apiVersion: openslo/v1", "kind: SLO", "kind: Service", "budgetingMethod: Occurrences", "ratioMetric:", "timeZone: UTC",
                             "target: 0.998", "accord.dev/sla-target-percent: '99.5'", Self.pull.valid] {
                #expect(first.contains(expected), "\(expected)")
            }
            // a vendor's user reads no OpenSLO (its target is the internal SLO); an analyst may not import
            let vendor = try await harness.token(for: world.vendorUserA)
            #expect(try await harness.api(.get, "/api/v1/agreements/\(placement.agreementID)/openslo", token: vendor).status == .notFound)

            // MUT: read back into a new draft agreement of the same title and start, then exported again
            let draft = try await Self.draftAgreement("Edge delivery", harness)
            let analyst = try await harness.token(for: world.analyst)
            #expect(try await harness.yaml(.post, "/api/v1/agreements/\(draft.id)/openslo", token: analyst, body: first).status == .forbidden)
            let imported = try await harness.yaml(.post, "/api/v1/agreements/\(draft.id)/openslo?source_id=\(source.id)", token: manager, body: first)
            #expect(imported.status == .created, "\(imported.text)")
            let second = try await harness.api(.get, "/api/v1/agreements/\(draft.id)/openslo", token: manager).text
            #expect(second == first)
            // the objective kept its terms, and pulls from the source with the same queries and step
            let items = try #require(imported.json["items"] as? [[String: Any]])
            let importedID = try #require(items.first?["id"] as? Int)
            let (read, _) = try await harness.repositories.objectives.find(id: Int64(importedID), scope: .organisation)
            #expect(read.slaTarget == objective.slaTarget && read.sloTarget == objective.sloTarget && read.credits == objective.credits)
            #expect(read.exclusionKinds == [.plannedMaintenance])
            let pull = try #require(try await harness.repositories.dataSources.pull(seriesID: read.seriesID))
            #expect(pull.goodQuery == Self.pull.good && pull.stepSeconds == 300)

            // an active version is not changed by an import
            let refused = try await harness.yaml(.post, "/api/v1/agreements/\(placement.agreementID)/openslo", token: manager, body: first)
            #expect([.unprocessableContent, .conflict].contains(refused.status) && refused.text.contains("draft version"), "\(refused.status)")
        }
    }

    @Test func whatAccordCannotJudgeIsRefusedByDocumentFieldAndReason() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            let draft = try await Self.draftAgreement("Search", harness)
            // shapes the OpenSLO specification's examples take: a latency threshold, and ratio time slices over two weeks
            let documents = """
                apiVersion: openslo/v1
                kind: SLO
                metadata: { name: search-slo, displayName: Searching time }
                spec:
                  service: web-shop
                  indicator:
                    metadata: { name: search-latency }
                    spec: { thresholdMetric: { metricSource: { type: Prometheus, spec: { query: latency } } } }
                  timeWindow: [{ duration: 2w, isRolling: true }]
                  budgetingMethod: Occurrences
                  objectives: [{ displayName: Good experience, op: lt, value: 500, target: 0.99 }]
                ---
                apiVersion: openslo/v1
                kind: SLO
                metadata: { name: main-page }
                spec:
                  service: web-shop
                  indicator:
                    metadata: { name: response-code }
                    spec:
                      ratioMetric:
                        good: { metricSource: { type: Prometheus, spec: { query: good } } }
                        total: { metricSource: { type: Prometheus, spec: { query: total } } }
                  timeWindow: [{ duration: 2w, isRolling: true }]
                  budgetingMethod: RatioTimeslices
                  objectives: [{ displayName: Good, op: gt, timeSliceWindow: 1m, target: 0.99 }]
                """
            let refused = try await harness.yaml(.post, "/api/v1/agreements/\(draft.id)/openslo", token: manager, body: documents)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Document 1 (search-slo)") && refused.text.contains("threshold"))
            #expect(refused.text.contains("Document 2 (main-page)") && refused.text.contains("RatioTimeslices"))
            // nothing was added
            let versions = try await harness.repositories.versions.list(agreementID: draft.id, scope: .organisation)
            #expect(try await harness.repositories.objectives.list(versionID: versions[0].id, scope: .organisation).isEmpty)
            // a rolling two weeks of ratio occurrences is read; YAML that is not OpenSLO names the document and field
            // (with the contractual SLA given: the document's target is the internal SLO)
            let two = documents.components(separatedBy: "---\n")[1].replacingOccurrences(of: "RatioTimeslices", with: "Occurrences")
                .replacingOccurrences(of: "op: gt, timeSliceWindow: 1m, ", with: "")
                .replacingOccurrences(of: "metadata: { name: main-page }", with: "metadata: { name: main-page, annotations: { accord.dev/sla-target-percent: '98.5' } }")
            let withoutSLA = try await harness.yaml(
                .post, "/api/v1/agreements/\(draft.id)/openslo", token: manager,
                body: documents.components(separatedBy: "---\n")[1].replacingOccurrences(of: "RatioTimeslices", with: "Occurrences")
                    .replacingOccurrences(of: "op: gt, timeSliceWindow: 1m, ", with: ""))
            #expect(withoutSLA.status == .unprocessableContent && withoutSLA.text.contains("accord.dev/sla-target-percent"))
            let accepted = try await harness.yaml(.post, "/api/v1/agreements/\(draft.id)/openslo", token: manager, body: two)
            #expect(accepted.status == .created, "\(accepted.text)")
            let broken = try await harness.yaml(.post, "/api/v1/agreements/\(draft.id)/openslo", token: manager, body: "apiVersion: openslo/v1\nkind: SLO\n")
            #expect(broken.status == .unprocessableContent && broken.text.contains("metadata"))
            #expect(try await harness.yaml(.post, "/api/v1/agreements/\(draft.id)/openslo", token: manager, body: "{ [").status == .unprocessableContent)
            // what could end the process or exhaust it is refused before parsing: aliases that expand, deep nesting, a week
            // count past any integer
            let bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n"
            let aliases = try await harness.yaml(.post, "/api/v1/agreements/\(draft.id)/openslo", token: manager, body: bomb)
            #expect(aliases.status == .unprocessableContent && aliases.text.contains("Anchors and aliases"))
            let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
            let nested = try await harness.yaml(.post, "/api/v1/agreements/\(draft.id)/openslo", token: manager, body: deep)
            #expect(nested.status == .unprocessableContent && nested.text.contains("nested deeper"))
            let weeks = two.replacingOccurrences(of: "duration: 2w", with: "duration: 9223372036854775807w")
            let huge = try await harness.yaml(.post, "/api/v1/agreements/\(draft.id)/openslo", token: manager, body: weeks)
            #expect(huge.status == .unprocessableContent && huge.text.contains("spec.timeWindow"))
            let notOpenSLO = try await harness.yaml(.post, "/api/v1/agreements/\(draft.id)/openslo", token: manager, body: "- just\n- a list\n")
            #expect(notOpenSLO.status == .unprocessableContent && notOpenSLO.text.contains("not an OpenSLO document"))
        }
    }
}

extension OpenSLOTests {
    @Test func thePagePreviewsKeepsTheYAMLOnARefusalAndImports() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let manager = try await harness.session(for: world.manager)
            let draft = try await Self.draftAgreement("Search", harness)
            let agreementPage = try await harness.get("/agreements/\(draft.id)", as: manager)
            #expect(agreementPage.text.contains("/agreements/\(draft.id)/openslo/import"))
            let good = """
                apiVersion: openslo/v1
                kind: SLO
                metadata: { name: main-page, displayName: Main page, annotations: { accord.dev/sla-target-percent: '98.5' } }
                spec:
                  service: web-shop
                  indicator:
                    metadata: { name: response-code }
                    spec:
                      ratioMetric:
                        good: { metricSource: { type: Prometheus, spec: { query: good_total } } }
                        total: { metricSource: { type: Prometheus, spec: { query: all_total } } }
                  timeWindow: [{ duration: 28d, isRolling: true }]
                  budgetingMethod: Occurrences
                  objectives: [{ target: 0.99 }]
                """
            // a refusal keeps the YAML typed and lists each problem
            let bad = good.replacingOccurrences(of: "28d", with: "5y")
            let refused = try await harness.post("/agreements/\(draft.id)/openslo/import", [("documents", bad), ("step", "preview")], as: manager)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("5y") && refused.text.contains("Document 1 (main-page)"))
            // the preview shows what would be added and adds nothing
            let preview = try await harness.post("/agreements/\(draft.id)/openslo/import", [("documents", good), ("step", "preview")], as: manager)
            #expect(preview.status == .ok && preview.text.contains("Main page") && preview.text.contains("rolling 28 days") && preview.text.contains("Import 1 objective"))
            let versions = try await harness.repositories.versions.list(agreementID: draft.id, scope: .organisation)
            #expect(try await harness.repositories.objectives.list(versionID: versions[0].id, scope: .organisation).isEmpty)
            let imported = try await harness.post("/agreements/\(draft.id)/openslo/import", [("documents", good), ("step", "import")], as: manager)
            #expect(imported.status == .seeOther)
            #expect(try await harness.repositories.objectives.list(versionID: versions[0].id, scope: .organisation).map(\.name) == ["Main page"])
            // a viewer may not import; a vendor's user finds no agreement of another vendor
            let viewer = try await harness.session(for: world.viewer)
            #expect(try await harness.get("/agreements/\(draft.id)/openslo/import", as: viewer).status == .forbidden)
        }
    }
}

/// The examples of the OpenSLO specification repository (Tests/Fixtures/openslo-spec, unchanged): each is read, and
/// what Accord cannot judge in it is named by document, field and reason; with Accord's terms added, the same shapes
/// import, and the documents Accord reads for nothing are named, not dropped unseen.
extension OpenSLOTests {
    static func specExample(_ name: String) throws -> String {
        try String(contentsOf: TestDatabase.root.appendingPathComponent("Tests/Fixtures/openslo-spec/\(name)"), encoding: .utf8)
    }

    /// The refusals of an import as (document, field), and their messages.
    static func refusals(_ response: TestResponse) -> (pairs: Set<String>, messages: [String]) {
        let details = ((response.json["error"] as? [String: Any])?["details"] as? [[String: Any]]) ?? []
        return (
            Set(details.map { "\($0["row"] as? Int ?? 0) \($0["field"] as? String ?? "")" }),
            details.compactMap { $0["message"] as? String }
        )
    }

    @Test func theSpecificationsExamplesAreReadAndWhatAccordCannotJudgeIsNamed() async throws {
        try await Harness.run { harness in
            let manager = try await harness.token(for: harness.world.manager)
            let draft = try await Self.draftAgreement("Web shop", harness)
            let path = "/api/v1/agreements/\(draft.id)/openslo"
            // MUT: each example as the specification writes it
            let expected: [(String, Set<String>)] = [
                // a latency threshold with op and value
                ("budgeting-method--occurences-slo.yaml",
                 ["1 spec.indicator.spec.thresholdMetric", "1 spec.objectives", "1 \(OpenSLO.Annotation.slaTarget)"]),
                // a ratio judged in time slices
                ("budgeting-method--ratio-timeslices.yaml", ["1 spec.budgetingMethod", "1 spec.objectives", "1 \(OpenSLO.Annotation.slaTarget)"]),
                // time slices over a one-minute calendar window, with two objectives
                ("budgeting-method--timeslices-slo.yaml",
                 ["1 spec.budgetingMethod", "1 spec.timeWindow", "1 spec.objectives", "1 \(OpenSLO.Annotation.slaTarget)"]),
                // time slices over a calendar week
                ("treat-low-traffic-as-equally-important--timeslices-slo.yaml",
                 ["1 spec.budgetingMethod", "1 spec.timeWindow", "1 spec.objectives", "1 \(OpenSLO.Annotation.slaTarget)"]),
                // an SLO without a time window beside a data source and alert documents, which are not refused
                ("readme--examples.yaml", ["1 spec.timeWindow", "1 \(OpenSLO.Annotation.slaTarget)"]),
            ]
            for (file, fields) in expected {
                let response = try await harness.yaml(.post, path, token: manager, body: try Self.specExample(file))
                #expect(response.status == .unprocessableContent, "\(file)")
                let refusals = Self.refusals(response)
                #expect(refusals.pairs == fields, "\(file): \(refusals.pairs)")
                #expect(refusals.messages.allSatisfy { $0.hasPrefix("Document 1 (") }, "\(file): \(refusals.messages)")
            }
            let slices = Self.refusals(try await harness.yaml(.post, path, token: manager, body: try Self.specExample("budgeting-method--timeslices-slo.yaml")))
            #expect(slices.messages.contains { $0.contains("1m calendar is not a window Accord judges") })
            #expect(slices.messages.contains { $0.contains("Timeslices is not read; Accord counts occurrences") })
            let latency = Self.refusals(try await harness.yaml(.post, path, token: manager, body: try Self.specExample("budgeting-method--occurences-slo.yaml")))
            #expect(latency.messages.contains { $0.contains("a threshold SLI is not read") })
            // nothing was added by any of them
            let versions = try await harness.repositories.versions.list(agreementID: draft.id, scope: .organisation)
            #expect(try await harness.repositories.objectives.list(versionID: versions[0].id, scope: .organisation).isEmpty)

            // the ratio example counted in occurrences, with the contractual SLA: a rolling two weeks at 99 % internally
            let ratio = try Self.specExample("budgeting-method--ratio-timeslices.yaml")
                .replacingOccurrences(of: "budgetingMethod: RatioTimeslices", with: "budgetingMethod: Occurrences")
                .replacingOccurrences(of: "      op: gt\n      timeSliceWindow: 1m\n", with: "")
                .replacingOccurrences(of: "  displayName: Main page availability\n", with: "  displayName: Main page availability\n  annotations: { accord.dev/sla-target-percent: '98.5' }\n")
            let session = try await harness.session(for: harness.world.manager)
            let preview = try await harness.post("/agreements/\(draft.id)/openslo/import", [("documents", ratio), ("step", "preview")], as: session)
            #expect(preview.status == .ok && preview.text.contains("Main page availability") && preview.text.contains("rolling 14 days"), "\(preview.text.prefix(300))")
            // on the page, the README's documents Accord reads for nothing are named under the preview
            let fixed = try Self.specExample("readme--examples.yaml")
                .replacingOccurrences(of: "  objectives:\n    - displayName: Foo Total Errors", with: "  timeWindow: [{ duration: 28d, isRolling: true }]\n  objectives:\n    - displayName: Foo Total Errors")
                .replacingOccurrences(of: "  displayName: Foo SLO\n", with: "  displayName: Foo SLO\n  annotations: { accord.dev/sla-target-percent: '97.5' }\n")
            let named = try await harness.post("/agreements/\(draft.id)/openslo/import", [("documents", fixed), ("step", "preview")], as: session)
            #expect(named.text.contains("Not imported:") && named.text.contains("AlertPolicy AlertPolicy"))

            // the README's stream with a window and the SLA: its Datadog SLO is added without a pull, and its data
            // source and alert documents are named as not imported
            let imported = try await harness.yaml(.post, path, token: manager, body: fixed)
            #expect(imported.status == .created, "\(imported.text)")
            #expect((imported.json["not_read"] as? [String]) == [
                "DataSource string", "AlertPolicy AlertPolicy", "AlertCondition cpu-usage-breach", "AlertNotificationTarget OnCallDevopsMailNotification",
            ])
            let added = try await harness.repositories.objectives.list(versionID: versions[0].id, scope: .organisation)
            #expect(added.map(\.name) == ["Foo SLO"] && added.first?.sloTarget == 98 && added.first?.slaTarget == Decimal(string: "97.5"))
            #expect(try await harness.repositories.dataSources.pull(seriesID: try #require(added.first).seriesID) == nil)
        }
    }

    @Test func anSLONamingItsIndicatorByReferenceAndATargetInPercentIsRead() async throws {
        try await Harness.run { harness in
            let manager = try await harness.token(for: harness.world.manager)
            let draft = try await Self.draftAgreement("Checkout", harness)
            let source = try await UseCases(repositories: harness.repositories, clock: { harness.clock.now }, logger: TestDatabase.logger)
                .createDataSource(DataSourceDraft(name: "Metrics", baseURL: "http://prometheus.internal:9090"), actor: .system)
            let documents = """
                apiVersion: openslo/v1
                kind: SLI
                metadata: { name: checkout-success }
                spec:
                  ratioMetric:
                    counter: true
                    good: { metricSource: { type: Prometheus, metricSourceRef: prom, spec: { query: 'sum(rate(ok[1m]))', extra: { nested: true } } } }
                    total: { metricSource: { type: prometheus, spec: { query: 'sum(rate(all[1m]))' } } }
                ---
                apiVersion: openslo/v1
                kind: SLO
                metadata: { name: checkout, annotations: { accord.dev/sla-target-percent: '99' } }
                spec:
                  service: shop
                  indicatorRef: checkout-success
                  timeWindow: [{ duration: 1M, isRolling: false, calendar: { startTime: 2026-01-01 00:00:00, timeZone: UTC } }]
                  budgetingMethod: Occurrences
                  objectives: [{ targetPercent: 99.5 }]
                """
            let missing = try await harness.yaml(
                .post, "/api/v1/agreements/\(draft.id)/openslo", token: manager, body: documents.replacingOccurrences(of: "indicatorRef: checkout-success", with: "indicatorRef: checkout"))
            #expect(Self.refusals(missing).pairs == ["2 spec.indicatorRef"])
            let both = try await harness.yaml(
                .post, "/api/v1/agreements/\(draft.id)/openslo", token: manager, body: documents.replacingOccurrences(of: "targetPercent: 99.5", with: "targetPercent: 99.5, target: 0.995"))
            #expect(Self.refusals(both).pairs == ["2 spec.objectives[0]"])
            // MUT
            let imported = try await harness.yaml(.post, "/api/v1/agreements/\(draft.id)/openslo?source_id=\(source.id)", token: manager, body: documents)
            #expect(imported.status == .created, "\(imported.text)")
            #expect((imported.json["not_read"] as? [String]) == [])
            let items = try #require(imported.json["items"] as? [[String: Any]])
            let (objective, _) = try await harness.repositories.objectives.find(id: Int64(try #require(items.first?["id"] as? Int)), scope: .organisation)
            #expect(objective.sloTarget == Decimal(string: "99.5") && objective.window == .calendarMonth)
            let pull = try #require(try await harness.repositories.dataSources.pull(seriesID: objective.seriesID))
            #expect(pull.goodQuery == "sum(rate(ok[1m]))" && pull.validQuery == "sum(rate(all[1m]))")
        }
    }
}

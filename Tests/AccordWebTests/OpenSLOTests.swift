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

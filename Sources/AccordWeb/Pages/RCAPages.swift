import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Joint root-cause analyses: opened by a contract manager from breaches (or by the terms' triggers), written together
/// by the customer and every invited vendor, signed version by version, submitted, then accepted or returned.
struct RCAPages {
    let dependencies: AppDependencies

    struct Line {
        var id: Int64
        var title: String
        var status: String
        var statusLabel: String
        var due: String
        var overdue: Bool
        var parties: String
        var breaches: Int
        var automatic: Bool
    }

    struct ListView {
        var chrome: Chrome
        var rcas: [Line]
        var isEmpty: Bool
        var statuses: [Choice]
        var overdueOnly: Bool
        var pager: Pager
        var charts: [Chart]
        var canOpen: Bool

        struct Chart {
            var title: String
            var svg: String
            var summary: String
        }
    }

    struct NewView {
        var chrome: Chrome
        var breaches: [Choice]
        var form: FormState
        var isEmpty: Bool
        /// The box that shares the RCA with vendors whose breaches missed only the internal SLO, as last submitted.
        var share: Bool
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("rcas", use: self.getRCAs)
        router.get("rcas/new", use: self.getRCAsNew)
        router.post("rcas", use: self.postRCAs)
        router.get("rcas/:id", use: self.getRCA)
        router.get("rcas/:id/print", use: self.getRCAPrint)
        router.get("rcas/:id/export.md", use: self.getRCAExportMarkdown)
        self.addChangeRoutes(to: router)
    }

    @Sendable func getRCAs(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.list(request, context)
    }

    @Sendable func getRCAsNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        let chosen = request.uri.queryParameters.get("breach").map { String($0) } ?? ""
        return try await self.newForm(context, state: FormState(values: ["breach_ids": chosen]))
    }

    @Sendable func postRCAs(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        return try await submitForm(request, context: context, render: { try await self.newForm(context, state: $0) }) { input in
            var errors = ValidationErrors()
            let ids = DraftParsing.ids(input, "breach_ids", into: &errors)
            try errors.throwIfAny()
            let rca = try await self.dependencies.useCases.openRCA(
                breachIDs: ids, title: input.text("title") ?? "", shareWithVendors: DraftParsing.sharesWithVendors(input), scope: context.scope,
                actor: context.actor)
            return Redirect.to("/rcas/\(rca.id)", notice: .created)
        }
    }

    @Sendable func getRCA(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await RCAShowPage(dependencies: self.dependencies).render(request, context, state: FormState(), notice: request.notice)
    }

    @Sendable func getRCAPrint(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await RCAShowPage(dependencies: self.dependencies).render(request, context, state: FormState(), notice: nil, template: "rcas/print")
    }

    @Sendable func getRCAExportMarkdown(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let rca = try await self.load(try context.id(), context)
        var headers = HTTPFields()
        headers[.contentType] = "text/markdown; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"rca-\(rca.id).md\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: RCAMarkdown.render(rca))))
    }

    /// The RCA as the caller may read it.
    func load(_ id: Int64, _ context: AccordRequestContext) async throws -> RootCauseAnalysis {
        let rca = try await self.dependencies.useCases.rcas.find(id: id, scope: context.scope)
        if let vendor = try context.scope.vendorID { return rca.facing(vendorID: vendor) }
        return rca
    }

    func addChangeRoutes(to router: Router<AccordRequestContext>) {
        let show = RCAShowPage(dependencies: self.dependencies)
        func change(_ path: String, allowed: Capability, _ body: @escaping @Sendable (Input, AccordRequestContext, Int64) async throws -> Void) {
            router.post("rcas/:id/\(path)") { request, context in
                _ = try await self.dependencies.useCases.rcas.find(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(allowed)
                let id = try context.id()
                return try await submitForm(request, context: context, render: { try await show.render(request, context, state: $0, notice: nil) }) { input in
                    try await body(input, context, id)
                    return Redirect.to("/rcas/\(id)", notice: .updated)
                }
            }
        }
        let rcas = self.dependencies.useCases.writeRCA
        change("analysis", allowed: .writeRCAs) { input, context, id in
            _ = try await rcas.analysis(id: id, try DraftParsing.analysis(input), scope: context.scope, actor: context.actor)
        }
        change("timeline", allowed: .writeRCAs) { input, context, id in
            let rca = try await self.dependencies.useCases.rcas.find(id: id, scope: context.scope)
            let zone = RCAShowPage.zone(input.text("zone"), rca: rca)
            _ = try await rcas.timelineEntry(id: id, try DraftParsing.timeline(input, zone: zone), scope: context.scope, actor: context.actor)
        }
        change("factors", allowed: .writeRCAs) { input, context, id in
            _ = try await rcas.factor(id: id, try DraftParsing.factor(input), scope: context.scope, actor: context.actor)
        }
        change("sign", allowed: .writeRCAs) { _, context, id in
            _ = try await self.dependencies.useCases.signRCA(id: id, scope: context.scope, actor: context.actor)
        }
        for step in ["start", "submit", "accept", "return", "close"] {
            let customerOnly = ["accept", "return", "close"].contains(step)
            change(step, allowed: customerOnly ? .acceptRCAs : .writeRCAs) { input, context, id in
                guard let parsed = DraftParsing.rcaStep(step, input) else { throw NotFound("step") }
                let user = try context.requireUser()
                _ = try await self.dependencies.useCases.advanceRCA(parsed, id: id, byCustomer: user.role != .vendor, scope: context.scope, actor: context.actor)
            }
        }
        change("actions", allowed: .writeRCAs) { input, context, id in
            // the people of the RCA's parties are read only when an owner is picked from them
            let owners = input.text("owner") == nil ? [] : try await self.dependencies.useCases.rcas.ownerCandidates(rcaID: id, scope: context.scope)
            _ = try await self.dependencies.useCases.addAction(
                rcaID: id, try DraftParsing.action(input, owners: owners), scope: context.scope, actor: context.actor)
        }
        EvidenceRoutes.rcas(self.dependencies).addPageRoutes(to: router) { request, context, _, state in
            try await show.render(request, context, state: state, notice: nil)
        }
    }

    /// The customer's contract managers and the invited vendors' users write an RCA.
    private func list(_ request: Request, _ context: AccordRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let status = request.uri.queryParameters.get("status").flatMap { RCAState(rawValue: String($0)) }
        let overdueOnly = request.uri.queryParameters.get("overdue") == "true"
        let today = LocalDate.of(self.dependencies.clock(), in: .gmt)
        let page = try await self.dependencies.useCases.rcas.list(
            .init(status: status, overdueOn: overdueOnly ? today : nil), today: today, page: try request.page(), scope: context.scope)
        let counts = try await self.dependencies.useCases.rcas.categoryCounts(scope: context.scope)
        var charts: [ListView.Chart] = []
        if !counts.isEmpty {
            func chart(_ title: String, _ rows: [(vendorID: Int64?, vendorName: String, category: RootCauseCategory, count: Int)]) -> ListView.Chart {
                var totals: [RootCauseCategory: Int] = [:]
                for row in rows { totals[row.category, default: 0] += row.count }
                let pareto = ParetoChart(title: title, bars: totals.map { .init(label: $0.key.label, count: $0.value) })
                return .init(title: title, svg: pareto.svg, summary: pareto.summary)
            }
            if user.role != .vendor { charts.append(chart("Portfolio", counts)) }
            for name in Set(counts.map(\.vendorName)).sorted() { charts.append(chart(name, counts.filter { $0.vendorName == name })) }
        }
        let view = ListView(
            chrome: Chrome(title: "Root-cause analyses", context: context, notice: request.notice),
            rcas: page.items.map {
                Line(
                    id: $0.id, title: $0.title, status: $0.status.rawValue, statusLabel: $0.status.label, due: Figures.date($0.dueOn), overdue: $0.overdue,
                    parties: $0.parties.joined(separator: ", "), breaches: $0.breachCount, automatic: $0.automatic)
            }, isEmpty: page.items.isEmpty,
            statuses: RCAState.allCases.map { Choice(value: $0.rawValue, label: $0.label.capitalized, selected: $0 == status) }, overdueOnly: overdueOnly,
            pager: Pager(page, path: "/rcas", query: [("status", status?.rawValue), ("overdue", overdueOnly ? "true" : nil)]), charts: charts,
            canOpen: user.role.may(.manageContracts))
        return self.dependencies.renderer.response(view, template: "rcas/list")
    }

    private func newForm(_ context: AccordRequestContext, state: FormState) async throws -> Response {
        let open = try await self.dependencies.useCases.rcas.unanalysedBreaches(scope: context.scope)
        let chosen = Set((state.values["breach_ids"] ?? "").split(separator: ",").map(String.init))
        let view = NewView(
            chrome: Chrome(title: "New joint RCA", context: context),
            breaches: open.map { Choice(value: "\($0.id)", label: $0.label, selected: chosen.contains("\($0.id)")) }, form: state, isEmpty: open.isEmpty,
            share: !(state.values["share_with_vendors"] ?? "").isEmpty)
        return self.dependencies.renderer.response(
            view, template: "rcas/new", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

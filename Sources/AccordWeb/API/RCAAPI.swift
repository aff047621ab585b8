import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/rcas` and `/api/v1/actions`: joint root-cause analyses and their corrective actions, as the pages offer them.
struct RCAAPI {
    let dependencies: AppDependencies
    var clock: @Sendable () -> Date { self.dependencies.clock }

    func record(_ id: Int64, context: AccordRequestContext) async throws -> GovernanceRecord<RootCauseAnalysis> {
        let scope = try context.scope
        var rca = try await self.dependencies.useCases.rcas.find(id: id, scope: scope)
        if let vendor = scope.vendorID { rca = rca.facing(vendorID: vendor) }
        return GovernanceRecord(
            record: rca, files: try await self.dependencies.useCases.rcas.evidence(id: id, scope: scope),
            history: try await self.dependencies.useCases.rcas.history(id: id, scope: scope).map { entry in
                let parties = Dictionary(rca.parties.compactMap { party in party.vendorID.map { ($0, party.name) } }, uniquingKeysWith: { first, _ in first })
                return scope.vendorID.map { entry.facing(vendorID: $0, parties: parties) } ?? entry
            })
    }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("rcas", use: self.getRCAs)
        group.post("rcas", use: self.postRCAs)
        group.get("rcas/:id", use: self.getRCA)
        group.get("rcas/:id/export.md", use: self.getRCAExportMarkdown)
        func change(_ path: String, customerOnly: Bool = false, _ body: @escaping @Sendable (Input, AccordRequestContext, Int64) async throws -> Void) {
            group.post("rcas/:id/\(path)") { request, context in
                _ = try await self.dependencies.useCases.rcas.find(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(customerOnly ? .acceptRCAs : .writeRCAs)
                var request = request
                let input = try await request.json(context: context)
                try await body(input, context, try context.id())
                return JSON.response(try await self.record(try context.id(), context: context))
            }
        }
        let rcas = self.dependencies.useCases.writeRCA
        change("analysis") { input, context, id in
            _ = try await rcas.analysis(id: id, try DraftParsing.analysis(input), scope: context.scope, actor: context.actor)
        }
        change("timeline") { input, context, id in
            _ = try await rcas.timelineEntry(id: id, try DraftParsing.timeline(input, zone: .gmt), scope: context.scope, actor: context.actor)
        }
        change("factors") { input, context, id in
            _ = try await rcas.factor(id: id, try DraftParsing.factor(input), scope: context.scope, actor: context.actor)
        }
        change("sign") { _, context, id in
            _ = try await self.dependencies.useCases.signRCA(id: id, scope: context.scope, actor: context.actor)
        }
        for step in ["start", "submit", "accept", "return", "close"] {
            change(step, customerOnly: ["accept", "return", "close"].contains(step)) { input, context, id in
                guard let parsed = DraftParsing.rcaStep(step, input) else { throw NotFound("step") }
                let user = try context.requireUser()
                _ = try await self.dependencies.useCases.advanceRCA(parsed, id: id, byCustomer: user.role != .vendor, scope: context.scope, actor: context.actor)
            }
        }
        change("actions") { input, context, id in
            // the people of the RCA's parties are read only when an owner is picked from them
            let owners = input.text("owner") == nil ? [] : try await self.dependencies.useCases.rcas.ownerCandidates(rcaID: id, scope: context.scope)
            _ = try await self.dependencies.useCases.addAction(
                rcaID: id, try DraftParsing.action(input, owners: owners), scope: context.scope, actor: context.actor)
        }
        EvidenceRoutes.rcas(self.dependencies).addAPIRoutes(to: group)
        self.addActionRoutes(to: group)
    }

    @Sendable func getRCAs(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let status = try request.queryChoice("status", as: RCAState.self)
        let today = LocalDate.of(clock(), in: .gmt)
        let page = try await self.dependencies.useCases.rcas.list(
            .init(status: status, overdueOn: request.query("overdue") == "true" ? today : nil), today: today, page: request.apiPage(),
            scope: context.scope)
        return JSON.response(ListEnvelope(page) { $0 })
    }

    @Sendable func postRCAs(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        var errors = ValidationErrors()
        let ids = DraftParsing.ids(input, "breach_ids", into: &errors)
        try errors.throwIfAny()
        let rca = try await self.dependencies.useCases.openRCA(
            breachIDs: ids, title: input.text("title") ?? "", shareWithVendors: DraftParsing.sharesWithVendors(input), scope: context.scope,
            actor: context.actor)
        return JSON.response(try await self.record(rca.id, context: context), status: .created)
    }

    @Sendable func getRCA(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await self.record(try context.id(), context: context))
    }

    @Sendable func getRCAExportMarkdown(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let record = try await self.record(try context.id(), context: context)
        var headers = HTTPFields()
        headers[.contentType] = "text/markdown; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: RCAMarkdown.render(record.record))))
    }

    func addActionRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("actions", use: self.getActions)
        group.get("actions/:id", use: self.getAction)
        for step in ["start", "finish", "verify", "reopen", "cancel"] {
            group.post("actions/:id/\(step)") { request, context in
                _ = try await self.dependencies.useCases.actions.find(id: try context.id(), scope: context.scope)
                let user = try context.requireUser(.writeRCAs)
                var request = request
                let input = try await request.json(context: context)
                var reader = InputReader(input)
                let rowVersion = reader.integer("row_version", label: "row_version")
                try reader.errors.throwIfAny()
                guard let parsed = DraftParsing.actionStep(step, input) else { throw NotFound("step") }
                let action = try await self.dependencies.useCases.advanceAction(
                    parsed, id: try context.id(), byCustomer: user.role != .vendor, expectedRowVersion: rowVersion, scope: context.scope,
                    actor: context.actor)
                let vendor = try context.scope.vendorID
                return JSON.response(vendor.map(action.facing(vendorID:)) ?? action)
            }
        }
    }

    @Sendable func getActions(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let today = LocalDate.of(clock(), in: .gmt)
        let page = try await self.dependencies.useCases.actions.list(
            .init(overdueOn: request.query("overdue") == "true" ? today : nil, openOnly: request.query("open") == "true"), page: request.apiPage(),
            scope: context.scope)
        let vendor = try context.scope.vendorID
        return JSON.response(ListEnvelope(page) { action in vendor.map(action.facing(vendorID:)) ?? action })
    }

    @Sendable func getAction(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let action = try await self.dependencies.useCases.actions.find(id: try context.id(), scope: context.scope)
        let vendor = try context.scope.vendorID
        return JSON.response(vendor.map(action.facing(vendorID:)) ?? action)
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Disputes of a closed period's figure or its credit: filed by the vendor within the dispute window, upheld (with
/// remedies made through their own flows) or rejected by a contract manager.
struct DisputePages {
    let dependencies: AppDependencies

    struct Line {
        var id: Int64
        var vendor: String
        var agreement: String
        var agreementID: Int64
        var objective: String
        var objectiveID: Int64
        var period: String
        var subject: String
        var status: String
        var filedAt: String

        init(_ dispute: Dispute) {
            let zone = Stamp.zone(dispute.timeZone)
            self.id = dispute.id
            self.vendor = dispute.vendorName
            self.agreement = dispute.agreementTitle
            self.agreementID = dispute.agreementID
            self.objective = dispute.objectiveName
            self.objectiveID = dispute.objectiveID
            self.period = Figures.period(start: dispute.periodStart, end: dispute.periodEnd, zone: zone)
            self.subject = dispute.subject == .credit ? "credit" : "figure"
            self.status = dispute.status.rawValue
            self.filedAt = Stamp.format(dispute.filedAt, zone)
        }
    }

    struct ListView {
        var chrome: Chrome
        var disputes: [Line]
        var isEmpty: Bool
        var statuses: [Choice]
        var pager: Pager
        var isVendor: Bool
    }

    struct FormView {
        var chrome: Chrome
        var objectiveID: Int64
        var objectiveName: String
        var periods: [Choice]
        var subjects: [Choice]
        var windowDays: Int
        var form: FormState
        var accepted: String
    }

    struct ShowView {
        var chrome: Chrome
        var dispute: Line
        var statement: String
        var evidence: String?
        var periodStart: String
        var creditID: Int64?
        var decidedBy: String?
        var decidedAt: String?
        var decisionReason: String?
        var filedBy: String
        var remedies: [RemedyLine]
        var files: [EvidenceLine]
        var history: [HistoryLine]
        var canDecide: Bool
        var canWithdraw: Bool
        var canRemedy: Bool
        var canAttach: Bool
        var zone: String
        var rowVersion: Int
        var form: FormState
        var accepted: String
        /// Who decides, by the agreement's RACI.
        var decider: String?

        struct RemedyLine {
            var kind: String
            var link: String?
            var linkText: String
            var note: String?
            var at: String
        }
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("disputes", use: self.getDisputes)
        router.get("disputes/new", use: self.getDisputesNew)
        router.post("disputes", use: self.postDisputes)
        router.get("disputes/:id", use: self.getDispute)
        for (action, status) in [("uphold", DisputeStatus.upheld), ("reject", .rejected), ("withdraw", .withdrawn)] {
            router.post("disputes/:id/\(action)") { request, context in
                let dispute = try await self.dependencies.useCases.disputes.find(id: try context.id(), scope: context.scope)
                let user = try context.requireUser()
                guard status == .withdrawn ? user.role.may(.fileClaims) : user.role.may(.decideClaims) else { throw AccessDenied() }
                return try await submitForm(request, context: context, render: { try await self.show(context, id: dispute.id, state: $0, notice: nil) }) {
                    input in
                    _ = try await self.dependencies.useCases.decideDispute(
                        id: dispute.id, to: status, reason: input.text("reason") ?? "",
                        expectedRowVersion: input.text("row_version").flatMap { Int($0) }, scope: context.scope, actor: context.actor)
                    return Redirect.to("/disputes/\(dispute.id)", notice: .statusChanged)
                }
            }
        }
        router.post("disputes/:id/remedies/:kind", use: self.postDisputeRemedy)
        EvidenceRoutes.disputes(self.dependencies).addPageRoutes(to: router) { _, context, id, state in
            try await self.show(context, id: id, state: state, notice: nil)
        }
    }

    @Sendable func getDisputes(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.list(request, context)
    }

    @Sendable func getDisputesNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.fileClaims)
        guard let objectiveID = Int64(request.uri.queryParameters.get("objective") ?? ""), objectiveID > 0 else { throw NotFound("objective") }
        var values = ["subject": DisputeSubject.period.rawValue]
        if let start = request.uri.queryParameters.get("period") { values["period_start"] = String(start) }
        if let subject = request.uri.queryParameters.get("subject") { values["subject"] = String(subject) }
        return try await self.form(context, objectiveID: objectiveID, state: FormState(values: values))
    }

    @Sendable func postDisputes(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.fileClaims)
        let objectiveID = Int64(request.uri.queryParameters.get("objective") ?? "") ?? 0
        _ = try await self.dependencies.useCases.objectives.find(id: objectiveID, scope: context.scope)
        return try await submitEvidenceForm(request, context: context, render: { try await self.form(context, objectiveID: objectiveID, state: $0) }) {
            input, files in
            var fields = input.fields
            fields["objective_id"] = .text("\(objectiveID)")
            let draft = try DraftParsing.dispute(Input(fields))
            let dispute = try await self.dependencies.useCases.fileDispute(draft, evidence: files, scope: context.scope, actor: context.actor)
            return Redirect.to("/disputes/\(dispute.id)", notice: .created)
        }
    }

    @Sendable func getDispute(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.show(context, id: try context.id(), state: FormState(), notice: request.notice)
    }

    @Sendable func postDisputeRemedy(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let dispute = try await self.dependencies.useCases.disputes.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.decideClaims)
        guard let kind = RemedyKind(rawValue: context.parameters.get("kind") ?? "") else { throw NotFound("remedy") }
        return try await submitForm(request, context: context, render: { try await self.show(context, id: dispute.id, state: $0, notice: nil) }) {
            input in
            try await self.remedy(kind, dispute: dispute, input: input, context: context)
            return Redirect.to("/disputes/\(dispute.id)", notice: .updated)
        }
    }

    /// Makes a remedy through the flow that owns it and links it to the dispute.
    func remedy(_ kind: RemedyKind, dispute: Dispute, input: Input, context: AccordRequestContext) async throws {
        let useCases = self.dependencies.useCases.remedyDispute
        switch kind {
        case .exclusion:
            let draft = DraftParsing.exclusion(input, zone: Stamp.zone(dispute.timeZone))
            _ = try await useCases.withExclusion(id: dispute.id, draft, scope: context.scope, actor: context.actor)
        case .waivedCredit:
            _ = try await useCases.byWaivingCredit(id: dispute.id, reason: input.text("reason") ?? "", scope: context.scope, actor: context.actor)
        case .correctedData:
            var reader = InputReader(input)
            let batch = reader.id("batch_id", label: "Batch")
            try reader.errors.throwIfAny()
            _ = try await useCases.withCorrectedData(
                id: dispute.id, batchID: batch, note: input.text("note") ?? "", scope: context.scope, actor: context.actor)
        }
    }

    private func list(_ request: Request, _ context: AccordRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let status = request.uri.queryParameters.get("status").flatMap { DisputeStatus(rawValue: String($0)) }
        let page = try request.page()
        let disputes = try await self.dependencies.useCases.disputes.list(.init(status: status), page: page, scope: context.scope)
        let view = ListView(
            chrome: Chrome(title: "Disputes", context: context, notice: request.notice), disputes: disputes.items.map(Line.init),
            isEmpty: disputes.items.isEmpty,
            statuses: DisputeStatus.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue.capitalized, selected: $0 == status) },
            pager: Pager(disputes, path: "/disputes", query: [("status", status?.rawValue)]), isVendor: user.role == .vendor)
        return self.dependencies.renderer.response(view, template: "disputes/list")
    }

    private func form(_ context: AccordRequestContext, objectiveID: Int64, state: FormState) async throws -> Response {
        let objective = try await self.dependencies.useCases.objective(objectiveID, scope: context.scope)
        let terms = try await self.dependencies.useCases.governanceTerms.find(agreementID: objective.agreement.id, scope: context.scope)
        let now = self.dependencies.clock()
        let zone = Stamp.zone(objective.agreement.timeZone)
        let from = now.addingTimeInterval(-Double(terms.disputeWindowDays + 93) * 86_400)
        let records = try await self.dependencies.useCases.periodRecords(seriesID: objective.objective.seriesID, from: from, to: now)
        var latest: [Date: PeriodRecord] = [:]
        for record in records { latest[record.periodStart] = record }
        let open = latest.values.filter { now < DisputeRules.deadline(periodEnd: $0.periodEnd, terms: terms, zone: zone) }.sorted { $0.periodStart > $1.periodStart }
        let view = FormView(
            chrome: Chrome(title: "Dispute a period", context: context), objectiveID: objectiveID, objectiveName: objective.objective.name,
            periods: open.map {
                let value = RFC3339.format($0.periodStart)
                return Choice(
                    value: value, label: "\(Figures.period(start: $0.periodStart, end: $0.periodEnd, zone: zone)) · \(Figures.attainment($0.attainment, targets: [$0.slaTarget])) · SLA \($0.slaStatus.rawValue)",
                    selected: state.values["period_start"] == value)
            },
            subjects: [
                Choice(value: "period", label: "The period's figure", selected: state.values["subject"] != "credit"),
                Choice(value: "credit", label: "The credit computed for it", selected: state.values["subject"] == "credit"),
            ], windowDays: terms.disputeWindowDays, form: state, accepted: EvidenceRules.acceptedText)
        return self.dependencies.renderer.response(
            view, template: "disputes/form", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }

    private func show(_ context: AccordRequestContext, id: Int64, state: FormState, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let dispute = context.facing(try await self.dependencies.useCases.disputes.find(id: id, scope: context.scope))
        let zone = Stamp.zone(dispute.timeZone)
        let files = try await self.dependencies.useCases.disputes.evidence(id: id, scope: context.scope)
        let history = try await self.dependencies.useCases.disputes.history(id: id, scope: context.scope).map(context.facing)
        let view = ShowView(
            chrome: Chrome(title: "Dispute \(dispute.id)", context: context, notice: notice), dispute: Line(dispute), statement: dispute.statement,
            evidence: dispute.evidence.nonEmpty, periodStart: RFC3339.format(dispute.periodStart), creditID: dispute.creditID, decidedBy: dispute.decidedBy,
            decidedAt: dispute.decidedAt.map { Stamp.format($0, zone) }, decisionReason: dispute.decisionReason, filedBy: dispute.filedBy ?? "—",
            remedies: dispute.remedies.map { remedy in
                let link: (String?, String) =
                    switch remedy.kind {
                    case .exclusion: (remedy.exclusionID.map { _ in "/objectives/\(dispute.objectiveID)#exclusions" }, remedy.exclusionID.map { "exclusion #\($0)" } ?? "")
                    case .waivedCredit: (remedy.creditID.map { "/credits/\($0)" }, remedy.creditID.map { "credit #\($0)" } ?? "")
                    case .correctedData: (nil, remedy.batchID.map { "batch #\($0)" } ?? "")
                    }
                return .init(kind: remedy.kind.label, link: link.0, linkText: link.1, note: remedy.note.nonEmpty, at: Stamp.format(remedy.recordedAt, zone))
            },
            files: files.map { EvidenceLine($0, base: "/disputes/\(id)", zone: zone) }, history: history.map { HistoryLine($0, zone: zone) },
            canDecide: dispute.status == .open && user.role.may(.decideClaims), canWithdraw: dispute.status == .open && user.role.may(.fileClaims),
            canRemedy: dispute.status == .upheld && user.role.may(.decideClaims), canAttach: user.role.may(.fileClaims), zone: zone.identifier,
            rowVersion: dispute.rowVersion, form: state, accepted: EvidenceRules.acceptedText,
            decider: dispute.status == .open
                ? try await actingParties(agreementID: dispute.agreementID, activity: .disputeDecision, useCases: self.dependencies.useCases, context: context)
                : nil)
        return self.dependencies.renderer.response(
            view, template: "disputes/show", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

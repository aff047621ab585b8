import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Exclusion claims: a vendor's user (or a contract manager on the vendor's behalf) files one with evidence; a
/// contract manager approves or rejects it with a reason; both sides read its history.
struct ClaimPages {
    let dependencies: AppDependencies

    struct Line {
        var id: Int64
        var vendor: String
        var agreement: String
        var agreementID: Int64
        var kind: String
        var window: String
        var objectives: String
        var status: String
        var pending: Bool
        var filedAt: String

        init(_ claim: ExclusionClaim) {
            let zone = Stamp.zone(claim.timeZone)
            self.id = claim.id
            self.vendor = claim.vendorName
            self.agreement = claim.agreementTitle
            self.agreementID = claim.agreementID
            self.kind = claim.kind.label
            self.window = "\(Stamp.format(claim.startsAt, zone)) – \(Stamp.format(claim.endsAt, zone))"
            self.objectives = claim.objectives.map(\.name).joined(separator: ", ")
            self.status = claim.status.rawValue
            self.pending = claim.status == .pending
            self.filedAt = Stamp.format(claim.filedAt, zone)
        }
    }

    struct ListView {
        var chrome: Chrome
        var claims: [Line]
        var isEmpty: Bool
        var statuses: [Choice]
        var pager: Pager
        var isVendor: Bool
    }

    struct AgreementChoiceView {
        var chrome: Chrome
        var agreements: [Choice]
        var isEmpty: Bool
    }

    struct FormView {
        var chrome: Chrome
        var agreementID: Int64
        var agreementTitle: String
        var zone: String
        var objectives: [Choice]
        var kinds: [Choice]
        var noticeHours: Int
        var denyPeriods: [String]
        var form: FormState
        var accepted: String
        var onBehalf: Bool
    }

    struct ShowView {
        var chrome: Chrome
        var claim: Line
        var statement: String
        var evidence: String?
        var announced: String?
        var objectives: [ObjectiveLink]
        var decidedBy: String?
        var decidedAt: String?
        var decisionReason: String?
        var filedBy: String
        var files: [EvidenceLine]
        var history: [HistoryLine]
        var canDecide: Bool
        var canWithdraw: Bool
        var canAttach: Bool
        var rowVersion: Int
        var form: FormState
        var accepted: String
        /// Who decides, by the agreement's RACI.
        var decider: String?

        struct ObjectiveLink {
            var id: Int64
            var name: String
            var exclusionID: Int64?
        }
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("claims", use: self.getClaims)
        router.get("claims/new", use: self.getClaimsNew)
        router.post("claims", use: self.postClaims)
        router.get("claims/:id", use: self.getClaim)
        for (action, status) in [("approve", ClaimStatus.approved), ("reject", .rejected), ("withdraw", .withdrawn)] {
            router.post("claims/:id/\(action)") { request, context in
                let claim = try await self.dependencies.useCases.claims.find(id: try context.id(), scope: context.scope)
                let user = try context.requireUser()
                guard status == .withdrawn ? user.role.may(.fileClaims) : user.role.may(.decideClaims) else { throw AccessDenied() }
                return try await submitForm(request, context: context, render: { try await self.show(context, id: claim.id, state: $0, notice: nil) }) {
                    input in
                    _ = try await self.dependencies.useCases.decideClaim(
                        id: claim.id, to: status, reason: input.text("reason") ?? "", expectedRowVersion: input.text("row_version").flatMap { Int($0) },
                        scope: context.scope, actor: context.actor)
                    return Redirect.to("/claims/\(claim.id)", notice: .statusChanged)
                }
            }
        }
        EvidenceRoutes.claims(self.dependencies).addPageRoutes(to: router) { _, context, id, state in
            try await self.show(context, id: id, state: state, notice: nil)
        }
    }

    @Sendable func getClaims(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.list(request, context)
    }

    @Sendable func getClaimsNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.fileClaims)
        guard let text = request.uri.queryParameters.get("agreement") else { return try await self.chooseAgreement(context) }
        guard let agreementID = Int64(text), agreementID > 0 else { throw NotFound("agreement") }
        return try await self.form(context, agreementID: agreementID, state: FormState(values: ["kind": ExclusionKind.plannedMaintenance.rawValue]))
    }

    @Sendable func postClaims(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.fileClaims)
        let agreementID = Int64(request.uri.queryParameters.get("agreement") ?? "") ?? 0
        let agreement = try await self.dependencies.useCases.agreements.find(id: agreementID, scope: context.scope)
        return try await submitEvidenceForm(request, context: context, render: { try await self.form(context, agreementID: agreement.id, state: $0) }) {
            input, files in
            let draft = try DraftParsing.claim(input, zone: Stamp.zone(agreement.timeZone))
            let claim = try await self.dependencies.useCases.fileClaim(
                agreementID: agreement.id, draft, evidence: files, scope: context.scope, actor: context.actor)
            return Redirect.to("/claims/\(claim.id)", notice: .created)
        }
    }

    @Sendable func getClaim(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.show(context, id: try context.id(), state: FormState(), notice: request.notice)
    }

    /// Vendors file for themselves; contract managers on a vendor's behalf.
    private func list(_ request: Request, _ context: AccordRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let status = request.uri.queryParameters.get("status").flatMap { ClaimStatus(rawValue: String($0)) }
        let page = try request.page()
        let claims = try await self.dependencies.useCases.claims.list(.init(status: status), page: page, scope: context.scope)
        let view = ListView(
            chrome: Chrome(title: "Exclusion claims", context: context, notice: request.notice), claims: claims.items.map(Line.init),
            isEmpty: claims.items.isEmpty,
            statuses: ClaimStatus.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue.capitalized, selected: $0 == status) },
            pager: Pager(claims, path: "/claims", query: [("status", status?.rawValue)]), isVendor: user.role == .vendor)
        return self.dependencies.renderer.response(view, template: "claims/list")
    }

    private func chooseAgreement(_ context: AccordRequestContext) async throws -> Response {
        let agreements = try await self.dependencies.useCases.agreements.list(
            .init(status: .active), page: PageRequest(number: 1, size: 500), scope: context.scope)
        let choices = agreements.items.filter { $0.kind == .vendor }.map {
            Choice(value: "\($0.id)", label: "\($0.title)\($0.vendorName.map { " (\($0))" } ?? "")", selected: false)
        }
        let view = AgreementChoiceView(chrome: Chrome(title: "New exclusion claim", context: context), agreements: choices, isEmpty: choices.isEmpty)
        return self.dependencies.renderer.response(view, template: "claims/choose")
    }

    private func form(_ context: AccordRequestContext, agreementID: Int64, state: FormState) async throws -> Response {
        let user = try context.requireUser()
        let agreement = try await self.dependencies.useCases.agreements.find(id: agreementID, scope: context.scope)
        guard agreement.kind == .vendor else { throw NotFound("agreement") }
        let zone = Stamp.zone(agreement.timeZone)
        let today = LocalDate.of(self.dependencies.clock(), in: zone)
        let objectives = try await self.dependencies.useCases.claims.claimable(agreementID: agreement.id, on: today, scope: context.scope)
        let terms = try await self.dependencies.useCases.governanceTerms.find(agreementID: agreement.id, scope: context.scope)
        let chosen = Set((state.values["objective_ids"] ?? "").split(separator: ",").map(String.init))
        let kinds = Set(objectives.flatMap(\.kinds))
        let view = FormView(
            chrome: Chrome(title: "New exclusion claim", context: context), agreementID: agreement.id, agreementTitle: agreement.title,
            zone: zone.identifier,
            objectives: objectives.map {
                Choice(value: "\($0.id)", label: "\($0.name) (honours: \($0.kinds.map(\.label).joined(separator: ", ").orNone))",
                       selected: chosen.contains("\($0.id)") || objectives.count == 1)
            },
            kinds: ExclusionKind.allCases.filter(kinds.contains).map { Choice(value: $0.rawValue, label: $0.label, selected: state.values["kind"] == $0.rawValue) },
            noticeHours: terms.noticeHours, denyPeriods: terms.denyPeriods.map { "\($0.label): \($0.from) to \($0.to)" }, form: state,
            accepted: EvidenceRules.acceptedText, onBehalf: user.role != .vendor)
        return self.dependencies.renderer.response(
            view, template: "claims/form", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }

    private func show(_ context: AccordRequestContext, id: Int64, state: FormState, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let claim = context.facing(try await self.dependencies.useCases.claims.find(id: id, scope: context.scope))
        let zone = Stamp.zone(claim.timeZone)
        let files = try await self.dependencies.useCases.claims.evidence(id: id, scope: context.scope)
        let history = try await self.dependencies.useCases.claims.history(id: id, scope: context.scope).map(context.facing)
        let view = ShowView(
            chrome: Chrome(title: "Claim \(claim.id)", context: context, notice: notice), claim: Line(claim), statement: claim.statement,
            evidence: claim.evidence.nonEmpty, announced: claim.announcedAt.map { Stamp.format($0, zone) },
            objectives: claim.objectives.map { .init(id: $0.objectiveID, name: $0.name, exclusionID: $0.exclusionID) },
            decidedBy: claim.decidedBy, decidedAt: claim.decidedAt.map { Stamp.format($0, zone) }, decisionReason: claim.decisionReason,
            filedBy: claim.filedBy ?? "—", files: files.map { EvidenceLine($0, base: "/claims/\(id)", zone: zone) },
            history: history.map { HistoryLine($0, zone: zone) }, canDecide: claim.status == .pending && user.role.may(.decideClaims),
            canWithdraw: claim.status == .pending && user.role.may(.fileClaims), canAttach: user.role.may(.fileClaims), rowVersion: claim.rowVersion,
            form: state, accepted: EvidenceRules.acceptedText,
            decider: claim.status == .pending
                ? try await actingParties(agreementID: claim.agreementID, activity: .exclusionApproval, useCases: self.dependencies.useCases, context: context)
                : nil)
        return self.dependencies.renderer.response(
            view, template: "claims/show", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

extension String {
    var orNone: String { self.isEmpty ? "none" : self }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Corrective and preventive actions: every action of the RCAs the caller sees, overdue ones flagged; one action with
/// its steps (closing needs evidence, the customer verifies or reopens) and its effectiveness check.
struct ActionPages {
    let dependencies: AppDependencies

    struct ListView {
        var chrome: Chrome
        var actions: [RCAShowPage.ActionLine]
        var rcaTitles: [String]
        var isEmpty: Bool
        var openOnly: Bool
        var overdueOnly: Bool
        var pager: Pager
    }

    struct ShowView {
        var chrome: Chrome
        var action: RCAShowPage.ActionLine
        var rcaID: Int64
        var rcaTitle: String
        var evidence: String?
        var reason: String?
        var checkAfter: String?
        var effectiveness: String?
        var effective: Bool
        var history: [HistoryLine]
        var canStart: Bool
        var canFinish: Bool
        var canVerify: Bool
        var canReopen: Bool
        var canCancel: Bool
        var rowVersion: Int
        var form: FormState
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("actions", use: self.getActions)
        router.get("actions/:id", use: self.getAction)
        for step in ["start", "finish", "verify", "reopen", "cancel"] {
            router.post("actions/:id/\(step)") { request, context in
                _ = try await self.dependencies.useCases.actions.find(id: try context.id(), scope: context.scope)
                let user = try context.requireUser(.writeRCAs)
                return try await submitForm(request, context: context, render: { try await self.show(context, state: $0, notice: nil) }) { input in
                    guard let parsed = DraftParsing.actionStep(step, input) else { throw NotFound("step") }
                    _ = try await self.dependencies.useCases.advanceAction(
                        parsed, id: try context.id(), byCustomer: user.role != .vendor, expectedRowVersion: input.text("row_version").flatMap { Int($0) },
                        scope: context.scope, actor: context.actor)
                    return Redirect.to("/actions/\(try context.id())", notice: .statusChanged)
                }
            }
        }
    }

    @Sendable func getActions(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let openOnly = request.uri.queryParameters.get("open") == "true"
        let overdueOnly = request.uri.queryParameters.get("overdue") == "true"
        let today = LocalDate.of(self.dependencies.clock(), in: .gmt)
        let page = try await self.dependencies.useCases.actions.list(
            .init(overdueOn: overdueOnly ? today : nil, openOnly: openOnly), page: try request.page(), scope: context.scope)
        let vendor = try context.scope.vendorID
        let actions = page.items.map { vendor.map($0.facing(vendorID:)) ?? $0 }
        let view = ListView(
            chrome: Chrome(title: "Corrective actions", context: context, notice: request.notice),
            actions: actions.map { Self.line($0, today: today) }, rcaTitles: actions.map(\.rcaTitle), isEmpty: actions.isEmpty, openOnly: openOnly,
            overdueOnly: overdueOnly,
            pager: Pager(page, path: "/actions", query: [("open", openOnly ? "true" : nil), ("overdue", overdueOnly ? "true" : nil)]))
        return self.dependencies.renderer.response(view, template: "actions/list")
    }

    @Sendable func getAction(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.show(context, state: FormState(), notice: request.notice)
    }

    static func line(_ action: CorrectiveAction, today: LocalDate) -> RCAShowPage.ActionLine {
        RCAShowPage.ActionLine(
            id: action.id, type: action.type.rawValue, description: action.description, owner: action.ownerName, party: action.ownerParty,
            due: Figures.date(action.dueOn), status: action.status.rawValue, statusLabel: action.status.label,
            overdue: ActionRules.isOverdue(state: action.status, due: action.dueOn, today: today))
    }

    private func show(_ context: AccordRequestContext, state: FormState, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let vendor = try context.scope.vendorID
        var action = try await self.dependencies.useCases.actions.find(id: try context.id(), scope: context.scope)
        var rca = try await self.dependencies.useCases.rcas.find(id: action.rcaID, scope: context.scope)
        // a vendor's users read the effectiveness of their own objectives only
        if let vendor {
            action = action.facing(vendorID: vendor)
            rca = rca.facing(vendorID: vendor)
        }
        let zone = Stamp.zone(rca.timeZone)
        let now = self.dependencies.clock()
        let today = LocalDate.of(now, in: zone)
        let check = try await self.dependencies.useCases.actionEffectiveness.check(action, rca: rca, now: now)
        let effectiveness: String? = check.map { result in
            if !result.due { return "The check is due from \(Figures.date(result.since))." }
            if result.periods == 0 { return "No closed period since \(Figures.date(result.since)) yet." }
            return "Since \(Figures.date(result.since)): \(result.met) of \(result.periods) closed periods met their SLA"
                + (result.effective ? " — effective." : "; \(result.breached) breached — not effective yet.")
        }
        let history = try await self.dependencies.useCases.actions.history(id: action.id, scope: context.scope).map(context.facing)
        // a vendor moves only the actions its party owns
        let writes = user.role.may(.writeRCAs) && (vendor == nil || action.ownerVendorID == vendor)
        let customer = user.role.may(.manageContracts)
        let view = ShowView(
            chrome: Chrome(title: "Action \(action.id)", context: context, notice: notice), action: Self.line(action, today: today), rcaID: rca.id,
            rcaTitle: rca.title, evidence: action.evidence.nonEmpty, reason: action.reason.nonEmpty, checkAfter: action.checkAfter.map(Figures.date),
            effectiveness: effectiveness, effective: check?.effective ?? false, history: history.map { HistoryLine($0, zone: zone) },
            canStart: writes && action.status == .open, canFinish: writes && [.open, .inProgress].contains(action.status),
            canVerify: customer && action.status == .done, canReopen: customer && [.done, .verified].contains(action.status),
            canCancel: writes && [.open, .inProgress].contains(action.status), rowVersion: action.rowVersion, form: state)
        return self.dependencies.renderer.response(
            view, template: "actions/show", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Renegotiation proposals: the list, a new proposal (or a counter) per agreement with each objective's current terms
/// beside the fields, and one proposal with its what-if replay, thread and steps. Either side proposes; the other
/// accepts, rejects or counters; the proposer withdraws.
struct ProposalPages {
    let dependencies: AppDependencies

    struct Line {
        var id: Int64
        var title: String
        var agreement: String
        var status: String
        var statusLabel: String
        var effectiveFrom: String
        var proposer: String
    }

    struct ListView {
        var chrome: Chrome
        var proposals: [Line]
        var isEmpty: Bool
        var openOnly: Bool
        var agreements: [ReviewPages.Option]
        var pager: Pager
    }

    struct ObjectiveRow {
        var index: Int
        var seriesID: Int64
        var name: String
        var current: String
        var sla: String
        var slo: String
        /// Proposed credit tiers as rows (blank: unchanged), one blank row more than typed.
        var tiers: [TierRow]
        var cap: String
        var ramp: String
        var seasons: String
        /// Calendar windows only: a rolling window has no ramp or seasons.
        var takesRamp: Bool
    }

    struct TierRow {
        var change: Int
        var index: Int
        var threshold: String
        var percent: String
    }

    /// The tier rows of one objective's change: those typed (or a counter-proposal's, or a legacy "99.5:10" text read
    /// into rows) and one blank row more (at least `minimum`, at most ten).
    static func tierRows(_ values: [String: String], change index: Int, minimum: Int = 2) -> [TierRow] {
        var pairs: [(String, String)] = []
        for tier in 0..<10 {
            let threshold = values["changes.\(index).credit_tiers.\(tier).threshold"] ?? ""
            let percent = values["changes.\(index).credit_tiers.\(tier).percent"] ?? ""
            if !threshold.isEmpty || !percent.isEmpty { pairs.append((threshold, percent)) }
        }
        if pairs.isEmpty, let text = values["changes.\(index).credit_tiers"] {
            pairs = text.split(separator: ",").prefix(10).map { pair in
                let parts = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
            }
        }
        let count = min(10, max(minimum, pairs.count + 1))
        return (0..<count).map { tier in
            TierRow(change: index, index: tier, threshold: tier < pairs.count ? pairs[tier].0 : "", percent: tier < pairs.count ? pairs[tier].1 : "")
        }
    }

    struct FormView {
        var chrome: Chrome
        var agreementID: Int64
        var agreementTitle: String
        var action: String
        var heading: String
        var objectives: [ObjectiveRow]
        /// Problems of the per-objective rows, named by objective.
        var rowProblems: [String]
        var form: FormState
    }

    struct ShowView {
        var chrome: Chrome
        var proposal: Line
        var rationale: String
        var reason: String?
        var appliedVersion: Int?
        var agreementID: Int64
        var changes: [String]
        var replays: [PackReplay]
        var thread: [Line]
        var history: [HistoryLine]
        var canAccept: Bool
        var canReject: Bool
        var canWithdraw: Bool
        var canCounter: Bool
        var rowVersion: Int
        var form: FormState
    }

    static func line(_ proposal: RenegotiationProposal, vendorName: String?) -> Line {
        Line(
            id: proposal.id, title: proposal.title, agreement: proposal.agreementTitle, status: proposal.status.rawValue, statusLabel: proposal.status.label,
            effectiveFrom: Figures.date(proposal.effectiveFrom), proposer: proposal.proposedByCustomer ? "The customer" : vendorName ?? "The vendor")
    }

    static func describe(_ change: TermsChange) -> String {
        var parts: [String] = []
        if let sla = change.slaTarget { parts.append("SLA \(sla.plain) %") }
        if let slo = change.sloTarget { parts.append("SLO \(slo.plain) %") }
        func credits(_ tiers: [CreditTier]) -> String {
            tiers.isEmpty ? "none" : tiers.map { "below \($0.threshold.plain) %: \($0.percent.plain) %" }.joined(separator: ", ")
        }
        if let tiers = change.creditTiers { parts.append("credits " + credits(tiers)) }
        if let cap = change.creditCapPercent { parts.append("cap \(cap.plain) %") }
        if let seasons = change.seasons {
            parts.append(
                seasons.isEmpty
                    ? "no seasons"
                    : "seasons " + seasons.map { season in
                        "\(season.name) \(season.from) to \(season.to): SLA \(season.slaTarget.plain) %" + (season.sloTarget.map { ", SLO \($0.plain) %" } ?? "")
                            + (season.creditTiers.map { ", credits " + credits($0) } ?? "")
                    }.joined(separator: "; "))
        }
        if let ramp = change.ramp {
            parts.append(
                ramp.isEmpty
                    ? "no ramp"
                    : "ramp " + ramp.map { "to \(Figures.date($0.until)): SLA \($0.slaTarget.plain) %" + ($0.sloTarget.map { ", SLO \($0.plain) %" } ?? "") }
                        .joined(separator: "; "))
        }
        return "\(change.objectiveName): " + parts.joined(separator: "; ")
    }

    /// A ramp as the form writes it: "2027-02-28 99 99.5; 2027-04-30 99.5 99.8", or "none".
    static func rampText(_ steps: [ProposedRampStep]) -> String {
        steps.isEmpty ? "none" : steps.map { "\($0.until) \($0.slaTarget.plain)" + ($0.sloTarget.map { " \($0.plain)" } ?? "") }.joined(separator: "; ")
    }

    /// Seasons as the form writes them: "peak 11-01 12-31 99.8 99.9", or "none" (a form cannot carry seasons' own
    /// credit tiers: the API can).
    static func seasonsText(_ seasons: [ProposedSeason]) -> String {
        seasons.isEmpty
            ? "none"
            : seasons.map { "\($0.name) \($0.from) \($0.to) \($0.slaTarget.plain)" + ($0.sloTarget.map { " \($0.plain)" } ?? "") }.joined(separator: "; ")
    }

    func vendorName(_ id: Int64?) async throws -> String? {
        guard let id else { return nil }
        return try await self.dependencies.useCases.vendors.find(id: id, scope: .organisation).name
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("proposals", use: self.getProposals)
        router.get("proposals/new", use: self.getProposalsNew)
        router.get("agreements/:id/proposals/new", use: self.getAgreementProposalsNew)
        router.post("agreements/:id/proposals", use: self.postAgreementProposals)
        router.get("proposals/:id", use: self.getProposal)
        router.get("proposals/:id/counter", use: self.getProposalCounter)
        router.post("proposals/:id/counter", use: self.postProposalCounter)
        for step in ["accept", "reject", "withdraw"] {
            router.post("proposals/:id/\(step)") { request, context in
                _ = try await self.dependencies.useCases.proposals.find(id: try context.id(), scope: context.scope)
                return try await submitForm(request, context: context, render: { try await self.show(context, state: $0, notice: nil) }) { input in
                    let parsed: ProposalRules.Step = step == "accept" ? .accept : step == "reject" ? .reject(input.text("reason") ?? "") : .withdraw
                    try await ProposalAPI.perform(
                        parsed, id: try context.id(), rowVersion: input.text("row_version").flatMap { Int($0) }, dependencies: self.dependencies,
                        context: context)
                    return Redirect.to("/proposals/\(try context.id())", notice: .statusChanged)
                }
            }
        }
    }

    @Sendable func getProposals(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let scope = try context.scope
        let openOnly = request.uri.queryParameters.get("open") == "true"
        let page = try await self.dependencies.useCases.proposals.list(agreementID: nil, openOnly: openOnly, page: try request.page(), scope: scope)
        var lines: [Line] = []
        for proposal in page.items { lines.append(Self.line(proposal, vendorName: try await self.vendorName(proposal.vendorID))) }
        let agreements = try await self.dependencies.useCases.agreements.list(.init(status: .active), page: PageRequest(number: 1, size: 200), scope: scope)
        let view = ListView(
            chrome: Chrome(title: "Renegotiation proposals", context: context, notice: request.notice), proposals: lines, isEmpty: lines.isEmpty,
            openOnly: openOnly,
            agreements: agreements.items.filter { $0.kind == .vendor || scope == .organisation }.map {
                ReviewPages.Option(value: "\($0.id)", label: $0.title, selected: false)
            },
            pager: Pager(page, path: "/proposals", query: [("open", openOnly ? "true" : nil)]))
        return self.dependencies.renderer.response(view, template: "proposals/list")
    }

    @Sendable func getProposalsNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        guard let text = request.uri.queryParameters.get("agreement_id"), let id = Int64(text) else { throw NotFound("agreement") }
        return Redirect.to("/agreements/\(id)/proposals/new")
    }

    @Sendable func getAgreementProposalsNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.answerProposals)
        return try await self.form(context, agreementID: try context.id(), parent: nil, state: FormState())
    }

    @Sendable func postAgreementProposals(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.answerProposals)
        return try await submitForm(request, context: context, render: { try await self.form(context, agreementID: try context.id(), parent: nil, state: $0) }) { input in
            let proposal = try await ProposalAPI.file(agreementID: try context.id(), input: input, parentID: nil, dependencies: self.dependencies, context: context)
            return Redirect.to("/proposals/\(proposal.id)", notice: .created)
        }
    }

    @Sendable func getProposal(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.show(context, state: FormState(), notice: request.notice)
    }

    @Sendable func getProposalCounter(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let found = try await self.dependencies.useCases.proposals.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.answerProposals)
        // a vendor's form starts from the proposal as it reads it: without the customer's internal SLO
        let parent = try context.scope.vendorID == nil ? found : found.vendorFacing
        var values = ["title": "Counter: \(parent.title)", "effective_from": parent.effectiveFrom.description, "replay_periods": "\(parent.replayPeriods)"]
        let current = try await self.dependencies.useCases.proposals.currentObjectives(agreementID: parent.agreementID, scope: context.scope)
        for (index, seriesID) in current.keys.sorted().enumerated() {
            guard let change = parent.changes.first(where: { $0.seriesID == seriesID }) else { continue }
            values["changes.\(index).sla_target"] = change.slaTarget?.plain ?? ""
            values["changes.\(index).slo_target"] = change.sloTarget?.plain ?? ""
            values["changes.\(index).credit_cap_percent"] = change.creditCapPercent?.plain ?? ""
            for (tier, row) in (change.creditTiers ?? []).enumerated() {
                values["changes.\(index).credit_tiers.\(tier).threshold"] = row.threshold.plain
                values["changes.\(index).credit_tiers.\(tier).percent"] = row.percent.plain
            }
            values["changes.\(index).ramp"] = change.ramp.map(Self.rampText) ?? ""
            values["changes.\(index).seasons"] = change.seasons.map(Self.seasonsText) ?? ""
        }
        return try await self.form(context, agreementID: parent.agreementID, parent: parent, state: FormState(values: values))
    }

    @Sendable func postProposalCounter(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let parent = try await self.dependencies.useCases.proposals.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.answerProposals)
        return try await submitForm(request, context: context, render: { try await self.form(context, agreementID: parent.agreementID, parent: parent, state: $0) }) { input in
            let proposal = try await ProposalAPI.file(
                agreementID: parent.agreementID, input: input, parentID: parent.id, dependencies: self.dependencies, context: context)
            return Redirect.to("/proposals/\(proposal.id)", notice: .created)
        }
    }

    private func form(_ context: AccordRequestContext, agreementID: Int64, parent: RenegotiationProposal?, state: FormState) async throws -> Response {
        let agreement = try await self.dependencies.useCases.agreements.find(id: agreementID, scope: context.scope)
        let current = try await self.dependencies.useCases.proposals.currentObjectives(agreementID: agreementID, scope: context.scope)
        let vendor = try context.scope.vendorID != nil
        let rows = current.keys.sorted().enumerated().compactMap { index, seriesID -> ObjectiveRow? in
            guard let objective = current[seriesID] else { return nil }
            let tiers = objective.credits.tiers.map { "below \($0.threshold.plain) %: \($0.percent.plain) %" }.joined(separator: ", ")
            // a vendor reads the contract's SLA and credits, not the customer's internal SLO
            let steps = objective.movingTerms.ramp
            let seasons = objective.movingTerms.seasons
            var now = "SLA \(objective.slaTarget.plain) %" + (vendor ? "" : ", SLO \(objective.sloTarget.plain) %")
            now += tiers.isEmpty ? ", no credits" : ", credits \(tiers), cap \(objective.credits.capPercent.plain) %"
            if !steps.isEmpty {
                let text: String =
                    vendor
                    ? steps.map { "to \($0.until) SLA \($0.slaTarget.plain) %" }.joined(separator: ", ") : Self.rampText(steps.map(ProposedRampStep.init))
                now += "; ramp " + text
            }
            if !seasons.isEmpty {
                let text: String =
                    vendor
                    ? seasons.map { "\($0.name) \($0.from) to \($0.to) SLA \($0.slaTarget.plain) %" }.joined(separator: ", ")
                    : Self.seasonsText(seasons.map(ProposedSeason.init))
                now += "; seasons " + text
            }
            let value = { (key: String) in state.values["changes.\(index).\(key)"] ?? "" }
            return ObjectiveRow(
                index: index, seriesID: seriesID, name: objective.name, current: now, sla: value("sla_target"), slo: value("slo_target"),
                tiers: Self.tierRows(state.values, change: index, minimum: max(2, objective.credits.tiers.count + 1)), cap: value("credit_cap_percent"), ramp: value("ramp"), seasons: value("seasons"), takesRamp: objective.window.days == nil)
        }
        var values = state.values
        if values["replay_periods"] == nil { values["replay_periods"] = "12" }
        var shown = FormState(values: values, conflict: state.conflict, rowVersion: state.rowVersion)
        shown.errors = state.errors
        let view = FormView(
            chrome: Chrome(title: parent == nil ? "Propose new terms" : "Counter-proposal", context: context), agreementID: agreement.id,
            agreementTitle: agreement.title, action: parent.map { "/proposals/\($0.id)/counter" } ?? "/agreements/\(agreement.id)/proposals",
            heading: parent.map { "Counter proposal #\($0.id)" } ?? "Propose new terms", objectives: rows,
            rowProblems: state.errors.filter { $0.key.hasPrefix("changes[") }.sorted { $0.key < $1.key }.map(\.value), form: shown)
        return self.dependencies.renderer.response(
            view, template: "proposals/new", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }

    private func show(_ context: AccordRequestContext, state: FormState, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let scope = try context.scope
        let out = try await ProposalAPI.out(try context.id(), dependencies: self.dependencies, scope: scope)
        let proposal = out.proposal
        let vendorName = try await self.vendorName(proposal.vendorID)
        var thread: [Line] = []
        for id in out.thread where id != proposal.id {
            thread.append(Self.line(try await self.dependencies.useCases.proposals.find(id: id, scope: scope), vendorName: vendorName))
        }
        let acts = user.role.may(.answerProposals) && (scope == .organisation || user.role == .vendor)
        // the buttons are the steps the rule allows this person: the RACI's deciders accept and counter for the customer
        let answerer = try await self.dependencies.useCases.proposalAnswerer(context.actor, scope: scope, agreementID: proposal.agreementID)
        let steps = acts ? ProposalRules.steps(proposal, for: answerer) : .none
        let zone = TimeZone.gmt
        let view = ShowView(
            chrome: Chrome(title: "Proposal #\(proposal.id)", context: context, notice: notice), proposal: Self.line(proposal, vendorName: vendorName),
            rationale: proposal.rationale, reason: proposal.reason.nonEmpty, appliedVersion: proposal.appliedVersion, agreementID: proposal.agreementID,
            changes: proposal.changes.map { change in
                var shown = change
                if scope.vendorID != nil { shown.sloTarget = nil }
                return Self.describe(shown)
            },
            replays: out.whatIf.map(PackReplay.init), thread: thread, history: out.history.map { HistoryLine($0, zone: zone) },
            canAccept: steps.accept, canReject: steps.reject, canWithdraw: steps.withdraw, canCounter: steps.counter,
            rowVersion: proposal.rowVersion, form: state)
        return self.dependencies.renderer.response(
            view, template: "proposals/show", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Objectives: added to, changed in and removed from draft versions only.
struct ObjectivePages {
    let dependencies: AppDependencies
    var renderer: PageRenderer { self.dependencies.renderer }

    struct FormView {
        var chrome: Chrome
        var heading: String
        var context: String
        var action: String
        var cancelURL: String
        var form: FormState
        var sliKinds: [Choice]
        var windows: [Choice]
        var calendars: [Choice]
        var exclusions: [Choice]
        var goals: [Row]
        var tiers: [Row]
        var seasons: [SeasonRow]
        var surgeRules: [Choice]
        var surge: [String: String]
        var ramp: [RampRow]

        struct SeasonRow {
            var index: Int
            var name: String
            var from: String
            var to: String
            var sla: String
            var slo: String
            /// The season's own credit tiers as rows (blank rows to add more).
            var tiers: [TierRow]
            var forecast: String
        }

        struct TierRow {
            var season: Int
            var index: Int
            var threshold: String
            var percent: String
        }

        struct RampRow {
            var index: Int
            var until: String
            var sla: String
            var slo: String
        }

        struct Row {
            var index: Int
            var first: String
            var second: String
        }
    }

    /// A season's credit tiers as rows: those typed or stored (a legacy `99.5:10, 99:25` text read into rows), and one
    /// blank row more (at least two rows, at most ten).
    static func seasonTiers(_ season: Input, season index: Int) -> [FormView.TierRow] {
        var pairs = season.objects("credit_tiers").map { ($0.text("threshold") ?? "", $0.text("percent") ?? "") }
        if pairs.isEmpty, let text = season.text("credit_tiers") {
            pairs = text.split(separator: ",").prefix(10).map { pair in
                let parts = pair.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
            }
        }
        pairs = pairs.filter { !($0.0.isEmpty && $0.1.isEmpty) }
        let count = min(10, max(2, pairs.count + 1))
        return (0..<count).map { tier in
            FormView.TierRow(season: index, index: tier, threshold: tier < pairs.count ? pairs[tier].0 : "", percent: tier < pairs.count ? pairs[tier].1 : "")
        }
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("agreements/:id/versions/:number/objectives/new", use: self.getAgreementVersionObjectivesNew)
        router.post("agreements/:id/versions/:number/objectives", use: self.postAgreementVersionObjectives)
        router.get("objectives/:id/edit", use: self.getObjectiveEdit)
        router.post("objectives/:id/edit", use: self.postObjectiveEdit)
        router.get("objectives/:id/delete", use: self.getObjectiveDelete)
        router.post("objectives/:id/delete", use: self.postObjectiveDelete)
    }

    @Sendable func getAgreementVersionObjectivesNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (agreement, version) = try await self.loadVersion(context)
        _ = try context.requireUser(.manageContracts)
        let values = ["sli_kind": "ratio", "window_kind": "calendar_month", "credit_cap_percent": "100", "probation_factor": "1"]
        return try await self.form(
            context, agreement: agreement, version: version, objective: nil, input: Input(values.mapValues(InputValue.text)),
            state: FormState(values: values))
    }

    @Sendable func postAgreementVersionObjectives(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (agreement, version) = try await self.loadVersion(context)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.form(context: context)
        if let more = input.text("_more") {
            // "Add more tiers" / "Add more priorities": the same form with its values and more empty rows, nothing saved
            return try await self.form(
                context, agreement: agreement, version: version, objective: nil, input: input, state: FormState(values: input.formValues), more: more)
        }
        return try await saveOrRedisplay(
            input: input,
            render: { state in
                try await self.form(context, agreement: agreement, version: version, objective: nil, input: input, state: state)
            }
        ) {
            _ = try await self.dependencies.useCases.addObjective(
                agreementID: agreement.id, versionNumber: version.number, try DraftParsing.objective(input), scope: context.scope,
                actor: context.actor)
            return Redirect.to("/agreements/\(agreement.id)/versions/\(version.number)", notice: .created)
        }
    }

    @Sendable func getObjectiveEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, placement, agreement, version) = try await self.loadObjective(context)
        _ = try context.requireUser(.manageContracts)
        let input = objective.asInput
        return try await self.form(
            context, agreement: agreement, version: version, objective: objective, input: input,
            state: FormState(values: input.formValues, rowVersion: objective.rowVersion), placement: placement)
    }

    @Sendable func postObjectiveEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, placement, agreement, version) = try await self.loadObjective(context)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.form(context: context)
        if let more = input.text("_more") {
            return try await self.form(
                context, agreement: agreement, version: version, objective: objective, input: input,
                state: FormState(values: input.formValues, rowVersion: input.text("row_version").flatMap { Int($0) }), placement: placement, more: more)
        }
        return try await saveOrRedisplay(
            input: input,
            render: { state in
                var state = state
                state.rowVersion = state.rowVersion ?? input.text("row_version").flatMap { Int($0) }
                return try await self.form(
                    context, agreement: agreement, version: version, objective: objective, input: input, state: state, placement: placement)
            }
        ) {
            _ = try await self.dependencies.useCases.editObjective(
                id: objective.id, try DraftParsing.objective(input), expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope,
                actor: context.actor)
            return Redirect.to("/agreements/\(agreement.id)/versions/\(version.number)", notice: .updated)
        }
    }

    @Sendable func getObjectiveDelete(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, _, agreement, version) = try await self.loadObjective(context)
        _ = try context.requireUser(.manageContracts)
        let view = ConfirmView(
            chrome: Chrome(title: "Remove objective", context: context), question: "Remove \(objective.name) from version \(version.number)?",
            detail: "Only draft versions can lose objectives; the audit trail keeps a record.", action: "/objectives/\(objective.id)/delete",
            cancelURL: "/agreements/\(agreement.id)/versions/\(version.number)", button: "Remove objective")
        return self.renderer.response(view, template: "confirm")
    }

    @Sendable func postObjectiveDelete(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, _, agreement, version) = try await self.loadObjective(context)
        _ = try context.requireUser(.manageContracts)
        try await self.dependencies.useCases.removeObjective(id: objective.id, scope: context.scope, actor: context.actor)
        return Redirect.to("/agreements/\(agreement.id)/versions/\(version.number)", notice: .deleted)
    }

    static func label(_ start: Date, zone: TimeZone, window: ObjectiveWindow) -> String {
        Stamp.string(start, window == .calendarQuarter ? "QQQ yyyy" : "MMM yyyy", zone)
    }

    private func loadVersion(_ context: AccordRequestContext) async throws -> (Agreement, AgreementVersion) {
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        let version = try await self.dependencies.useCases.agreements.version(agreementID: agreement.id, number: try context.number("number"), scope: context.scope)
        return (agreement, version)
    }

    private func loadObjective(_ context: AccordRequestContext) async throws -> (Objective, ObjectivePlacement, Agreement, AgreementVersion) {
        let (objective, placement) = try await self.dependencies.useCases.objectives.find(id: try context.id(), scope: context.scope)
        let agreement = try await self.dependencies.useCases.agreements.find(id: placement.agreementID, scope: context.scope)
        let version = try await self.dependencies.useCases.agreements.version(agreementID: agreement.id, number: placement.versionNumber, scope: context.scope)
        return (objective, placement, agreement, version)
    }

    private func form(
        _ context: AccordRequestContext, agreement: Agreement, version: AgreementVersion, objective: Objective?, input: Input, state: FormState,
        placement: ObjectivePlacement? = nil, more: String? = nil
    ) async throws -> Response {
        let values = state.values
        let calendars = try await self.dependencies.useCases.calendars.all()
        let chosen = Set(input.texts("exclusion_kinds"))
        let goals = input.objects("priority_goals")
        let tiers = input.objects("credit_tiers")
        func rows(_ items: [Input], _ first: String, _ second: String, minimum: Int, adding: Bool) -> [FormView.Row] {
            // at most 50 rows a form: enough for any schedule, and a bound on what a crafted request can ask for
            let count = min(max(items.count + (adding ? 3 : 1), minimum), 50)
            return (0..<count).map { index in
                FormView.Row(
                    index: index, first: index < items.count ? items[index].text(first) ?? "" : "",
                    second: index < items.count ? items[index].text(second) ?? "" : "")
            }
        }
        // the surge clause as typed (flat `surge_*` fields) or as stored (a `surge` object)
        let surge: (values: [String: String], forecasts: [String: String]) = {
            let keys = ["rule", "forecast", "threshold_percent", "relaxed_sla_target", "relaxed_slo_target"]
            if case .object(let fields)? = input.fields["surge"] {
                let clause = Input(fields)
                var forecasts: [String: String] = [:]
                if case .object(let byName)? = fields["season_forecasts"] {
                    for (name, value) in byName { if case .text(let text) = value { forecasts[name] = text } }
                }
                return (Dictionary(uniqueKeysWithValues: keys.map { ($0, clause.text($0) ?? "") }), forecasts)
            }
            return (Dictionary(uniqueKeysWithValues: keys.map { ($0, input.text("surge_" + $0) ?? "") }), [:])
        }()
        let view = FormView(
            chrome: Chrome(title: objective.map { "Edit \($0.name)" } ?? "New objective", context: context),
            heading: objective.map { "Edit \($0.name)" } ?? "New objective",
            context: "\(agreement.title), version \(version.number) (\(version.state.rawValue))",
            action: objective.map { "/objectives/\($0.id)/edit" } ?? "/agreements/\(agreement.id)/versions/\(version.number)/objectives",
            cancelURL: "/agreements/\(agreement.id)/versions/\(version.number)", form: state,
            sliKinds: SLIKind.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: values["sli_kind"] == $0.rawValue) },
            windows: [
                Choice(value: "calendar_month", label: "Calendar month", selected: values["window_kind"] == "calendar_month"),
                Choice(value: "calendar_quarter", label: "Calendar quarter", selected: values["window_kind"] == "calendar_quarter"),
                Choice(value: "rolling_days", label: "Rolling days", selected: values["window_kind"] == "rolling_days"),
            ],
            calendars: calendars.map {
                Choice(value: String($0.id), label: "\($0.name) (\($0.timeZone))", selected: values["calendar_id"] == String($0.id))
            },
            exclusions: ExclusionKind.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: chosen.contains($0.rawValue)) },
            goals: rows(goals, "priority", "goal_minutes", minimum: 3, adding: more == "priority_goals"),
            tiers: rows(tiers, "threshold", "percent", minimum: 3, adding: more == "credit_tiers"),
            seasons: {
                let items = input.objects("seasons")
                let count = min(max(items.count + (more == "seasons" ? 2 : 0), 1), MovingTerms.maximumSeasons)
                return (0..<count).map { index in
                    let item = index < items.count ? items[index] : Input([:])
                    let name = item.text("name") ?? ""
                    return FormView.SeasonRow(
                        index: index, name: name, from: item.text("from") ?? "", to: item.text("to") ?? "",
                        sla: item.text("sla_target") ?? "", slo: item.text("slo_target") ?? "", tiers: Self.seasonTiers(item, season: index),
                        forecast: item.text("surge_forecast") ?? surge.forecasts[name] ?? "")
                }
            }(),
            surgeRules: [("", "No surge clause"), ("relaxed_target", "Relaxed target for the period"), ("cap_volume", "Only the volume up to the threshold counts")]
                .map { Choice(value: $0.0, label: $0.1, selected: (surge.values["rule"] ?? "") == $0.0) },
            surge: surge.values,
            ramp: {
                let items = input.objects("ramp")
                let count = min(max(items.count + (more == "ramp" ? 2 : 0), 1), MovingTerms.maximumSteps)
                return (0..<count).map { index in
                    let item = index < items.count ? items[index] : Input([:])
                    return FormView.RampRow(
                        index: index, until: item.text("until") ?? "", sla: item.text("sla_target") ?? "", slo: item.text("slo_target") ?? "")
                }
            }())
        return self.renderer.response(
            view, template: "objectives/form", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

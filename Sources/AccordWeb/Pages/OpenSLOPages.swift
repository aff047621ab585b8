import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// The OpenSLO import page: paste the YAML, preview the objectives it adds to the draft version (or every problem by
/// document and field, the YAML kept), then import them.
struct OpenSLOPages {
    let dependencies: AppDependencies
    var useCases: UseCases { self.dependencies.useCases }

    struct ImportView {
        var chrome: Chrome
        var agreementID: Int64
        var agreementTitle: String
        var versionNumber: Int
        /// Whether the agreement's latest version is a draft: objectives are imported into nothing else.
        var hasDraft: Bool
        var form: FormState
        var problems: [String]
        var hasProblems: Bool
        var preview: [Line]
        var hasPreview: Bool
        var previewCount: Int
        var single: Bool
        /// Documents the import passes over (alert policies, data sources, SLIs no SLO names), named in the preview.
        var notRead: [String]
        var hasNotRead: Bool
        var sources: [Choice]

        struct Line {
            var name: String
            var sli: String
            var window: String
            var sla: String
            var slo: String
            var pull: String
        }
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("agreements/:id/openslo/import", use: self.getImport)
        router.post("agreements/:id/openslo/import", use: self.postImport)
    }

    @Sendable func getImport(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return try await self.render(context, agreement: agreement, state: FormState(), preview: nil)
    }

    @Sendable func postImport(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.form(context: context)
        let yaml = input.raw("documents")
        let source = input.text("source_id").flatMap { Int64($0) }
        let values = ["documents": yaml, "source_id": source.map { "\($0)" } ?? ""]
        do {
            let preview = try self.useCases.openSLO.preview(yaml)
            guard input.text("step") == "import" else {
                return try await self.render(context, agreement: agreement, state: FormState(values: values), preview: preview)
            }
            let added = try await self.useCases.openSLO.importDocuments(
                yaml, agreementID: agreement.id, sourceID: source, scope: context.scope, actor: context.actor)
            return Redirect.to("/agreements/\(agreement.id)?imported=\(added.count)", notice: .created)
        } catch let errors as ValidationErrors {
            return try await self.render(
                context, agreement: agreement, state: FormState(values: values, errors: errors), preview: nil, problems: errors.errors.map(\.message))
        } catch let rule as RuleViolation {
            return try await self.render(context, agreement: agreement, state: FormState(values: values, conflict: rule.message), preview: nil)
        }
    }

    func render(
        _ context: AccordRequestContext, agreement: Agreement, state: FormState, preview: OpenSLOExchange.Reading?, problems: [String] = []
    ) async throws -> Response {
        let versions = try await self.useCases.agreements.versions(agreementID: agreement.id, scope: context.scope)
        let sources = try await self.useCases.dataSources.list()
        let lines = (preview?.objectives ?? []).map { item in
            ImportView.Line(
                name: item.draft.name, sli: item.draft.sliKind.rawValue.replacingOccurrences(of: "_", with: " "),
                window: item.draft.window.map(Self.window) ?? "—", sla: item.draft.slaTarget.map(Figures.target) ?? "—",
                slo: item.draft.sloTarget.map(Figures.target) ?? "—",
                pull: item.goodQuery.map { "\($0) of \(item.validQuery ?? "")" } ?? "pushed")
        }
        let view = ImportView(
            chrome: Chrome(title: "Import OpenSLO", context: context), agreementID: agreement.id, agreementTitle: agreement.title,
            versionNumber: versions.last?.number ?? 1, hasDraft: versions.last?.state == .draft, form: state, problems: problems, hasProblems: !problems.isEmpty, preview: lines,
            hasPreview: !lines.isEmpty, previewCount: lines.count, single: lines.count == 1, notRead: preview?.notRead ?? [],
            hasNotRead: !(preview?.notRead ?? []).isEmpty,
            sources: sources.map { Choice(value: "\($0.id)", label: $0.name, selected: state.values["source_id"] == "\($0.id)") })
        let refused = !state.errors.isEmpty || state.conflict != nil
        return self.dependencies.renderer.response(view, template: "openslo/import", status: refused ? .unprocessableContent : .ok)
    }

    static func window(_ window: ObjectiveWindow) -> String {
        switch window {
        case .calendarMonth: "calendar month"
        case .calendarQuarter: "calendar quarter"
        case .rollingDays(let days): "rolling \(days) days"
        }
    }
}

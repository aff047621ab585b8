import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Amendments (new versions), their activation, and the objectives inside a draft version.
struct VersionPages {
    let dependencies: AppDependencies
    var renderer: PageRenderer { self.dependencies.renderer }

    struct AmendView {
        var chrome: Chrome
        var agreement: Agreement
        var form: FormState
        var latest: String
    }

    struct CompareView {
        var chrome: Chrome
        var agreement: Agreement
        var comparison: VersionComparison
        var summary: String
        var fromChoices: [Choice]
        var toChoices: [Choice]
    }

    /// The comparison of two versions of the agreement in `context` (`from`, `to`: version numbers; by default the
    /// latest two), with the SLO only for those who see the internal figures. A number the agreement has no version
    /// of is refused naming its field.
    static func compare(
        _ request: Request, _ context: AccordRequestContext, dependencies: AppDependencies
    ) async throws -> (Agreement, [AgreementVersion], VersionComparison) {
        let useCases = dependencies.useCases
        let agreement = try await useCases.agreements.find(id: try context.id(), scope: context.scope)
        let versions = try await useCases.agreements.versions(agreementID: agreement.id, scope: context.scope)
        var errors = ValidationErrors()
        func pick(_ field: String, default fallback: AgreementVersion?) -> AgreementVersion? {
            guard let text = request.query(field), !text.isEmpty else { return fallback }
            guard let number = Int(text), let version = versions.first(where: { $0.number == number }) else {
                errors.add(field, "\(field) must be the number of a version of this agreement (1 to \(versions.count)).")
                return nil
            }
            return version
        }
        let from = pick("from", default: versions.count >= 2 ? versions[versions.count - 2] : versions.first)
        let to = pick("to", default: versions.last)
        try errors.throwIfAny()
        guard let from, let to else { throw NotFound("version") }
        let before = try await useCases.objectives.list(versionID: from.id, scope: context.scope)
        let after = try await useCases.objectives.list(versionID: to.id, scope: context.scope)
        let showsSLO = try await dependencies.seesInternalFigures(context, agreementID: agreement.id)
        return (agreement, versions, VersionComparison(from: from, before, to: to, after, showsSLO: showsSLO))
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("agreements/:id/compare", use: self.getAgreementCompare)
        router.get("agreements/:id/amend", use: self.getAgreementAmend)
        router.post("agreements/:id/versions", use: self.postAgreementVersions)
        router.post("agreements/:id/versions/:number/activate", use: self.postAgreementVersionActivate)
        ObjectivePages(dependencies: self.dependencies).addRoutes(to: router)
    }

    @Sendable func getAgreementCompare(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let (agreement, versions, comparison) = try await Self.compare(request, context, dependencies: self.dependencies)
        let changed = comparison.rows.filter { $0.change != .unchanged }.count
        let view = CompareView(
            chrome: Chrome(title: "Compare versions of \(agreement.title)", context: context), agreement: agreement, comparison: comparison,
            summary: changed == 0
                ? "The objectives' terms are the same in both."
                : "\(changed) of \(comparison.rows.count) objective\(comparison.rows.count == 1 ? "" : "s") changed, added or removed.",
            fromChoices: versions.map { Choice(value: "\($0.number)", label: "Version \($0.number)", selected: $0.number == comparison.fromVersion) },
            toChoices: versions.map { Choice(value: "\($0.number)", label: "Version \($0.number)", selected: $0.number == comparison.toVersion) })
        return self.renderer.response(view, template: "agreements/compare")
    }

    @Sendable func getAgreementAmend(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        let today = LocalDate.of(self.dependencies.clock(), in: TimeZone(identifier: agreement.timeZone) ?? .gmt)
        let versions = try await self.dependencies.useCases.agreements.versions(agreementID: agreement.id, scope: context.scope)
        let proposed = VersionRules.proposedEffectiveDate(today: today, agreement: agreement, existing: versions)
        return try await self.amendForm(
            context, agreement: agreement, state: FormState(values: ["effective_from": proposed?.description ?? ""]))
    }

    @Sendable func postAgreementVersions(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.form(context: context)
        return try await saveOrRedisplay(input: input, render: { try await self.amendForm(context, agreement: agreement, state: $0) }) {
            var reader = InputReader(input)
            let effective = reader.date("effective_from", label: "Effective from")
            try reader.errors.throwIfAny()
            let version = try await self.dependencies.useCases.amendAgreement(
                agreementID: agreement.id, effectiveFrom: effective, note: reader.string("note"), scope: context.scope, actor: context.actor)
            return Redirect.to("/agreements/\(agreement.id)/versions/\(version.number)", notice: .amended)
        }
    }

    @Sendable func postAgreementVersionActivate(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        let version = try await self.dependencies.useCases.agreements.version(
            agreementID: agreement.id, number: try context.number("number"), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.form(context: context)
        _ = try await self.dependencies.useCases.activateVersion(
            agreementID: agreement.id, number: version.number, expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope,
            actor: context.actor)
        return Redirect.to("/agreements/\(agreement.id)/versions/\(version.number)", notice: .activated)
    }

    private func amendForm(_ context: AccordRequestContext, agreement: Agreement, state: FormState) async throws -> Response {
        let versions = try await self.dependencies.useCases.agreements.versions(agreementID: agreement.id, scope: context.scope)
        let latest = versions.last.map { "Version \($0.number), effective from \($0.effectiveFrom)" } ?? ""
        let view = AmendView(chrome: Chrome(title: "Amend \(agreement.title)", context: context), agreement: agreement, form: state, latest: latest)
        return self.renderer.response(
            view, template: "agreements/amend", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

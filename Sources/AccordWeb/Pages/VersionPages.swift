import AccordDomain
import AccordStorage
import Foundation
import Hummingbird

/// Amendments (new versions), their activation, and the objectives inside a draft version.
struct VersionPages {
    let dependencies: AppDependencies
    var repositories: Repositories { self.dependencies.repositories }
    var renderer: PageRenderer { self.dependencies.renderer }

    struct AmendView {
        var chrome: Chrome
        var agreement: Agreement
        var form: FormState
        var latest: String
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("agreements/:id/amend") { _, context in
            let agreement = try await self.repositories.agreements.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            let today = LocalDate.of(self.dependencies.clock(), in: TimeZone(identifier: agreement.timeZone) ?? .gmt)
            let versions = try await self.repositories.versions.list(agreementID: agreement.id, scope: context.scope)
            let proposed = VersionRules.proposedEffectiveDate(today: today, agreement: agreement, existing: versions)
            return try await self.amendForm(
                context, agreement: agreement, state: FormState(values: ["effective_from": proposed?.description ?? ""]))
        }
        router.post("agreements/:id/versions") { request, context in
            let agreement = try await self.repositories.agreements.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.form(context: context)
            return try await saveOrRedisplay(input: input, render: { try await self.amendForm(context, agreement: agreement, state: $0) }) {
                var reader = InputReader(input)
                let effective = reader.date("effective_from", label: "Effective from")
                try reader.errors.throwIfAny()
                let version = try await self.repositories.versions.amend(
                    agreementID: agreement.id, effectiveFrom: effective, note: reader.string("note"), scope: context.scope, actor: context.actor)
                return Redirect.to("/agreements/\(agreement.id)/versions/\(version.number)", notice: .amended)
            }
        }
        router.post("agreements/:id/versions/:number/activate") { request, context in
            let agreement = try await self.repositories.agreements.find(id: try context.id(), scope: context.scope)
            let version = try await self.repositories.versions.find(
                agreementID: agreement.id, number: try context.number("number"), scope: context.scope)
            _ = try context.requireUser(\.canManageContracts)
            var request = request
            let input = try await request.form(context: context)
            _ = try await self.repositories.versions.activate(
                agreementID: agreement.id, number: version.number, expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope,
                actor: context.actor)
            return Redirect.to("/agreements/\(agreement.id)/versions/\(version.number)", notice: .activated)
        }
        ObjectivePages(dependencies: self.dependencies).addRoutes(to: router)
    }

    private func amendForm(_ context: AccordRequestContext, agreement: Agreement, state: FormState) async throws -> Response {
        let versions = try await self.repositories.versions.list(agreementID: agreement.id, scope: context.scope)
        let latest = versions.last.map { "Version \($0.number), effective from \($0.effectiveFrom)" } ?? ""
        let view = AmendView(chrome: Chrome(title: "Amend \(agreement.title)", context: context), agreement: agreement, form: state, latest: latest)
        return self.renderer.response(
            view, template: "agreements/amend", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

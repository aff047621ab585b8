import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Exclusions from an objective's page: a form to add one, a confirmation with a reason to revoke one.
struct ExclusionPages {
    let dependencies: AppDependencies

    struct FormView {
        var chrome: Chrome
        var objectiveID: Int64
        var objectiveName: String
        var zone: String
        var kinds: [Choice]
        var form: FormState
        var noKinds: Bool
    }

    struct RevokeView {
        var chrome: Chrome
        var objectiveID: Int64
        var exclusion: ExclusionLine
        var form: FormState
    }

    /// One exclusion as the pages list it.
    struct ExclusionLine {
        var id: Int64
        var kind: String
        var reason: String
        var span: String
        var status: String
        var revoked: Bool
        var revokedNote: String
        var createdBy: String

        init(_ exclusion: Exclusion, zone: TimeZone) {
            self.id = exclusion.id
            self.kind = exclusion.kind.label
            self.reason = exclusion.reason
            self.span = "\(Self.format(exclusion.startsAt, zone)) – \(Self.format(exclusion.endsAt, zone))"
            self.status = exclusion.status.rawValue
            self.revoked = exclusion.status == .revoked
            self.revokedNote = exclusion.revokeReason.map { "Revoked: \($0)" } ?? ""
            self.createdBy = exclusion.createdBy ?? "—"
        }

        static func format(_ date: Date, _ zone: TimeZone) -> String {
            Stamp.format(date, zone)
        }
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("objectives/:id/exclusions/new", use: self.getObjectiveExclusionsNew)
        router.post("objectives/:id/exclusions", use: self.postObjectiveExclusions)
        router.get("objectives/:id/exclusions/:exclusion/revoke", use: self.getObjectiveExclusionRevoke)
        router.post("objectives/:id/exclusions/:exclusion/revoke", use: self.postObjectiveExclusionRevoke)
    }

    @Sendable func getObjectiveExclusionsNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, zone) = try await self.load(context)
        _ = try context.requireUser(.manageContracts)
        return self.form(
            context, objective: objective, zone: zone, state: FormState(values: ["kind": objective.exclusionKinds.first?.rawValue ?? ""]))
    }

    @Sendable func postObjectiveExclusions(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, zone) = try await self.load(context)
        _ = try context.requireUser(.manageContracts)
        return try await submitForm(request, context: context, render: { self.form(context, objective: objective, zone: zone, state: $0) }) {
            input in
            _ = try await self.dependencies.useCases.applyExclusion(
                DraftParsing.exclusion(input, zone: zone), objectiveID: objective.id, scope: context.scope, actor: context.actor)
            return Redirect.to("/objectives/\(objective.id)#exclusions", notice: .created)
        }
    }

    @Sendable func getObjectiveExclusionRevoke(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, zone) = try await self.load(context)
        _ = try context.requireUser(.manageContracts)
        let exclusion = try await self.dependencies.useCases.exclusions.find(
            id: try context.id("exclusion"), objectiveID: objective.id, scope: context.scope)
        return self.revokeForm(context, objective: objective, exclusion: exclusion, zone: zone, state: FormState())
    }

    @Sendable func postObjectiveExclusionRevoke(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, zone) = try await self.load(context)
        _ = try context.requireUser(.manageContracts)
        let exclusion = try await self.dependencies.useCases.exclusions.find(
            id: try context.id("exclusion"), objectiveID: objective.id, scope: context.scope)
        return try await submitForm(
            request, context: context, render: { self.revokeForm(context, objective: objective, exclusion: exclusion, zone: zone, state: $0) }
        ) { input in
            _ = try await self.dependencies.useCases.revokeExclusion(
                id: exclusion.id, objectiveID: objective.id, reason: input.text("reason") ?? "", scope: context.scope, actor: context.actor)
            return Redirect.to("/objectives/\(objective.id)#exclusions", notice: .updated)
        }
    }

    private func load(_ context: AccordRequestContext) async throws -> (Objective, TimeZone) {
        let (objective, placement) = try await self.dependencies.useCases.objectives.find(id: try context.id(), scope: context.scope)
        let agreement = try await self.dependencies.useCases.agreements.find(id: placement.agreementID, scope: context.scope)
        return (objective, TimeZone(identifier: agreement.timeZone) ?? .gmt)
    }

    private func form(_ context: AccordRequestContext, objective: Objective, zone: TimeZone, state: FormState) -> Response {
        let view = FormView(
            chrome: Chrome(title: "New exclusion", context: context), objectiveID: objective.id, objectiveName: objective.name,
            zone: zone.identifier,
            kinds: objective.exclusionKinds.map { Choice(value: $0.rawValue, label: $0.label, selected: state.values["kind"] == $0.rawValue) },
            form: state, noKinds: objective.exclusionKinds.isEmpty)
        return self.dependencies.renderer.response(
            view, template: "exclusions/form", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }

    private func revokeForm(_ context: AccordRequestContext, objective: Objective, exclusion: Exclusion, zone: TimeZone, state: FormState) -> Response
    {
        let view = RevokeView(
            chrome: Chrome(title: "Revoke exclusion", context: context), objectiveID: objective.id,
            exclusion: ExclusionLine(exclusion, zone: zone), form: state)
        return self.dependencies.renderer.response(
            view, template: "exclusions/revoke", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

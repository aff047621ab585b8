import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/agreements`, their versions and objectives.
struct AgreementAPI {
    let dependencies: AppDependencies

    /// An objective as the API shows it: the same flat fields it accepts.
    struct ObjectiveResource: Encodable {
        var id: Int64
        var seriesId: Int64
        var agreementId: Int64
        var versionNumber: Int
        var versionState: String
        var name: String
        var sliKind: String
        var slaTarget: Decimal
        /// Nil (left out) for a vendor's user unless the agreement shares the customer's internal figures.
        var sloTarget: Decimal?
        var windowKind: String
        var windowDays: Int?
        var calendarId: Int64?
        var priorityGoals: [PriorityGoal]
        var exclusionKinds: [String]
        var creditTiers: [CreditTier]
        var creditCapPercent: Decimal
        var probationFactor: Decimal
        var seasons: [SeasonOut]
        var ramp: [RampOut]
        var surge: SurgeClause?
        var rowVersion: Int
        var updatedAt: Date

        /// A season as the API gives it; the SLO is nil where the caller does not see it.
        struct SeasonOut: Encodable {
            var name: String
            var from: String
            var to: String
            var slaTarget: Decimal
            var sloTarget: Decimal?
            var creditTiers: [CreditTier]?
        }

        struct RampOut: Encodable {
            var until: LocalDate
            var slaTarget: Decimal
            var sloTarget: Decimal?
        }

        enum CodingKeys: String, CodingKey {
            case id, seriesId, agreementId, versionNumber, versionState, name, sliKind, slaTarget, sloTarget, windowKind, windowDays, calendarId
            case priorityGoals, exclusionKinds, creditTiers, creditCapPercent, probationFactor, seasons, ramp, surge, rowVersion, updatedAt
        }

        init(_ objective: Objective, _ placement: ObjectivePlacement, showsSLO: Bool = true) {
            self.id = objective.id
            self.seriesId = objective.seriesID
            self.agreementId = placement.agreementID
            self.versionNumber = placement.versionNumber
            self.versionState = placement.versionState.rawValue
            self.name = objective.name
            self.sliKind = objective.sliKind.rawValue
            self.slaTarget = objective.slaTarget
            self.sloTarget = showsSLO ? objective.sloTarget : nil
            self.windowKind = objective.window.kind.rawValue
            self.windowDays = objective.window.days
            self.calendarId = objective.calendarID
            self.priorityGoals = objective.priorityGoals
            self.exclusionKinds = objective.exclusionKinds.map(\.rawValue)
            self.creditTiers = objective.credits.tiers
            self.creditCapPercent = objective.credits.capPercent
            self.probationFactor = objective.credits.probationFactor
            self.seasons = objective.movingTerms.seasons.map {
                SeasonOut(
                    name: $0.name, from: $0.from.description, to: $0.to.description, slaTarget: $0.slaTarget, sloTarget: showsSLO ? $0.sloTarget : nil,
                    creditTiers: $0.creditTiers)
            }
            self.ramp = objective.movingTerms.ramp.map { RampOut(until: $0.until, slaTarget: $0.slaTarget, sloTarget: showsSLO ? $0.sloTarget : nil) }
            self.surge = objective.movingTerms.surge.map { clause in
                var clause = clause
                if !showsSLO { clause.relaxedSLO = nil }
                return clause
            }
            self.rowVersion = objective.rowVersion
            self.updatedAt = objective.updatedAt
        }
    }

    struct VersionResource: Encodable {
        var version: AgreementVersion
        var objectives: [ObjectiveResource]

        func encode(to encoder: any Encoder) throws {
            try self.version.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(self.objectives, forKey: Key(stringValue: "objectives")!)
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        self.addAgreementRoutes(to: group)
        self.addVersionRoutes(to: group)
    }

    /// `/agreements`: list, create, read, edit and move through their life.
    func addAgreementRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("agreements", use: self.getAgreements)
        group.post("agreements", use: self.postAgreements)
        group.get("agreements/:id", use: self.getAgreement)
        group.patch("agreements/:id", use: self.patchAgreement)
        group.post("agreements/:id/status", use: self.postAgreementStatus)
    }

    @Sendable func getAgreements(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let filter = AgreementFilter(
            search: request.query("q"), kind: request.query("kind").flatMap(AgreementKind.init(rawValue:)),
            status: request.query("status").flatMap(AgreementStatus.init(rawValue:)), vendorID: request.query("vendor_id").flatMap { Int64($0) },
            // a vendor's user does not filter by what it may not see
            masterID: context.identity?.user.role == .vendor ? nil : request.query("master_id").flatMap { Int64($0) })
        let page = try await self.dependencies.useCases.agreements.list(filter, page: request.apiPage(), scope: context.scope)
        return JSON.response(ListEnvelope(page) { context.facing($0) })
    }

    @Sendable func postAgreements(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        return JSON.response(
            try await self.dependencies.useCases.createAgreement(try DraftParsing.agreement(input), scope: context.scope, actor: context.actor),
            status: .created)
    }

    @Sendable func getAgreement(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(context.facing(try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)))
    }

    @Sendable func patchAgreement(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        return JSON.response(
            try await self.dependencies.useCases.editAgreement(
                id: agreement.id, try DraftParsing.agreement(input.over(agreement.asInput)),
                expectedRowVersion: try DraftParsing.rowVersion(input),
                scope: context.scope, actor: context.actor))
    }

    @Sendable func postAgreementStatus(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        guard let target = input.text("status").flatMap(AgreementStatus.init(rawValue:)) else {
            throw ValidationErrors([FieldError("status", "status must be one of: draft, active, expired, terminated.")])
        }
        return JSON.response(
            try await self.dependencies.useCases.changeAgreementStatus(
                id: agreement.id, to: target, expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope, actor: context.actor))
    }

    /// `/agreements/{id}/versions`: list, amend, compare, read and activate.
    func addVersionRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("agreements/:id/versions", use: self.getAgreementVersions)
        group.post("agreements/:id/versions", use: self.postAgreementVersions)
        group.get("agreements/:id/versions/compare", use: self.getAgreementVersionsCompare)
        group.get("agreements/:id/versions/:number", use: self.getAgreementVersion)
        group.post("agreements/:id/versions/:number/activate", use: self.postAgreementVersionActivate)
        ObjectiveAPI(dependencies: self.dependencies).addRoutes(to: group)
    }

    @Sendable func getAgreementVersions(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        return JSON.response(ItemsEnvelope(items: try await self.dependencies.useCases.agreements.versions(agreementID: agreement.id, scope: context.scope)))
    }

    @Sendable func postAgreementVersions(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        var reader = InputReader(input)
        let effective = reader.date("effective_from", label: "effective_from")
        try reader.errors.throwIfAny()
        let version = try await self.dependencies.useCases.amendAgreement(
            agreementID: agreement.id, effectiveFrom: effective, note: reader.string("note"), scope: context.scope, actor: context.actor)
        return JSON.response(try await self.versionResource(version, context: context), status: .created)
    }

    @Sendable func getAgreementVersionsCompare(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await VersionPages.compare(request, context, dependencies: self.dependencies).2)
    }

    @Sendable func getAgreementVersion(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let version = try await self.dependencies.useCases.agreements.version(
            agreementID: try context.id(), number: try context.number("number"), scope: context.scope)
        return JSON.response(try await self.versionResource(version, context: context))
    }

    @Sendable func postAgreementVersionActivate(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let version = try await self.dependencies.useCases.agreements.version(
            agreementID: try context.id(), number: try context.number("number"), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        let activated = try await self.dependencies.useCases.activateVersion(
            agreementID: version.agreementID, number: version.number, expectedRowVersion: try DraftParsing.rowVersion(input),
            scope: context.scope,
            actor: context.actor)
        return JSON.response(try await self.versionResource(activated, context: context))
    }

    func versionResource(_ version: AgreementVersion, context: AccordRequestContext) async throws -> VersionResource {
        let objectives = try await self.dependencies.useCases.objectives.list(versionID: version.id, scope: context.scope)
        let placement = ObjectivePlacement(agreementID: version.agreementID, versionNumber: version.number, versionState: version.state)
        let showsSLO = try await self.dependencies.seesInternalFigures(context, agreementID: version.agreementID)
        return VersionResource(version: version, objectives: objectives.map { ObjectiveResource($0, placement, showsSLO: showsSLO) })
    }
}

/// `/api/v1/agreements/{id}/versions/{n}/objectives` and `/api/v1/objectives/{id}`.
struct ObjectiveAPI {
    let dependencies: AppDependencies

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("agreements/:id/versions/:number/objectives", use: self.getAgreementVersionObjectives)
        group.post("agreements/:id/versions/:number/objectives", use: self.postAgreementVersionObjectives)
        group.get("objectives/:id", use: self.getObjective)
        group.patch("objectives/:id", use: self.patchObjective)
        group.delete("objectives/:id", use: self.deleteObjective)
    }

    @Sendable func getAgreementVersionObjectives(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let version = try await self.dependencies.useCases.agreements.version(
            agreementID: try context.id(), number: try context.number("number"), scope: context.scope)
        let placement = ObjectivePlacement(agreementID: version.agreementID, versionNumber: version.number, versionState: version.state)
        let objectives = try await self.dependencies.useCases.objectives.list(versionID: version.id, scope: context.scope)
        let showsSLO = try await self.dependencies.seesInternalFigures(context, agreementID: version.agreementID)
        return JSON.response(ItemsEnvelope(items: objectives.map { AgreementAPI.ObjectiveResource($0, placement, showsSLO: showsSLO) }))
    }

    @Sendable func postAgreementVersionObjectives(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let version = try await self.dependencies.useCases.agreements.version(
            agreementID: try context.id(), number: try context.number("number"), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        let objective = try await self.dependencies.useCases.addObjective(
            agreementID: version.agreementID, versionNumber: version.number, try DraftParsing.objective(input), scope: context.scope,
            actor: context.actor)
        let placement = ObjectivePlacement(agreementID: version.agreementID, versionNumber: version.number, versionState: version.state)
        return JSON.response(AgreementAPI.ObjectiveResource(objective, placement), status: .created)
    }

    @Sendable func getObjective(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let (objective, placement) = try await self.dependencies.useCases.objectives.find(id: try context.id(), scope: context.scope)
        let showsSLO = try await self.dependencies.seesInternalFigures(context, agreementID: placement.agreementID)
        return JSON.response(AgreementAPI.ObjectiveResource(objective, placement, showsSLO: showsSLO))
    }

    @Sendable func patchObjective(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, placement) = try await self.dependencies.useCases.objectives.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        let updated = try await self.dependencies.useCases.editObjective(
            id: objective.id, try DraftParsing.objective(input.over(objective.asInput)), expectedRowVersion: try DraftParsing.rowVersion(input),
            scope: context.scope, actor: context.actor)
        return JSON.response(AgreementAPI.ObjectiveResource(updated, placement))
    }

    @Sendable func deleteObjective(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, _) = try await self.dependencies.useCases.objectives.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        try await self.dependencies.useCases.removeObjective(id: objective.id, scope: context.scope, actor: context.actor)
        return Response.noContent
    }
}

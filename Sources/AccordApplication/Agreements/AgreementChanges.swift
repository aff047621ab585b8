import AccordDomain
import AccordStorage
import Foundation

/// A contract manager drafts an agreement (a master SLA of a business service, or a vendor SLA under one).
public struct CreateAgreement: Sendable {
    let change: Change

    public func callAsFunction(_ draft: AgreementDraft, scope: AccessScope, actor: AuditActor) async throws -> Agreement {
        try await self.change.run(actor: actor) { repositories, _ in
            let agreement = try await repositories.agreements.create(draft, scope: scope, actor: actor)
            return (agreement, [.audit(AuditRecord(action: "create", entity: "agreement", entityID: agreement.id, after: agreement))])
        }
    }
}

/// A contract manager edits an agreement's header, against the version read.
public struct EditAgreement: Sendable {
    let change: Change

    public func callAsFunction(id: Int64, _ draft: AgreementDraft, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws
        -> Agreement
    {
        try await self.change.run(actor: actor) { repositories, _ in
            let (before, after) = try await repositories.agreements.update(
                id: id, draft, expectedRowVersion: expectedRowVersion, scope: scope, actor: actor)
            return (after, [.audit(AuditRecord(action: "update", entity: "agreement", entityID: id, before: before, after: after)), .matchDashboard])
        }
    }
}

/// A contract manager moves an agreement through its life (draft, active, suspended, ended); activating it puts its
/// version 1 in force.
public struct ChangeAgreementStatus: Sendable {
    let change: Change

    public func callAsFunction(id: Int64, to status: AgreementStatus, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws
        -> Agreement
    {
        try await self.change.run(actor: actor) { repositories, _ in
            let (before, after, activation) = try await repositories.agreements.changeStatus(
                id: id, to: status, expectedRowVersion: expectedRowVersion, scope: scope, actor: actor)
            let audit = AuditRecord(action: "status:\(status.rawValue)", entity: "agreement", entityID: id, before: before, after: after)
            return (after, (activation?.effects ?? []) + [.audit(audit), .matchDashboard])
        }
    }
}

/// A contract manager starts a new draft version of an agreement, copied from the latest.
public struct AmendAgreement: Sendable {
    let change: Change

    public func callAsFunction(agreementID: Int64, effectiveFrom: LocalDate?, note: String, scope: AccessScope, actor: AuditActor) async throws
        -> AgreementVersion
    {
        try await self.change.run(actor: actor) { repositories, _ in
            let version = try await repositories.versions.amend(
                agreementID: agreementID, effectiveFrom: effectiveFrom, note: note, scope: scope, actor: actor)
            return (version, version.amended)
        }
    }
}

/// A contract manager activates a draft version: its terms govern from its effective date.
public struct ActivateVersion: Sendable {
    let change: Change

    public func callAsFunction(agreementID: Int64, number: Int, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws
        -> AgreementVersion
    {
        try await self.change.run(actor: actor) { repositories, _ in
            let activation = try await repositories.versions.activate(
                agreementID: agreementID, number: number, expectedRowVersion: expectedRowVersion, scope: scope, actor: actor)
            return (activation.after, activation.effects)
        }
    }
}

/// A contract manager adds an objective to a draft version.
public struct AddObjective: Sendable {
    let change: Change

    public func callAsFunction(agreementID: Int64, versionNumber: Int, _ draft: ObjectiveDraft, scope: AccessScope, actor: AuditActor) async throws
        -> Objective
    {
        try await self.change.run(actor: actor) { repositories, _ in
            let objective = try await repositories.objectives.create(
                agreementID: agreementID, versionNumber: versionNumber, draft, scope: scope, actor: actor)
            return (objective, [.audit(AuditRecord(action: "create", entity: "objective", entityID: objective.id, after: objective))])
        }
    }
}

/// A contract manager edits an objective of a draft version, against the version read.
public struct EditObjective: Sendable {
    let change: Change

    public func callAsFunction(id: Int64, _ draft: ObjectiveDraft, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws
        -> Objective
    {
        try await self.change.run(actor: actor) { repositories, _ in
            let (before, after) = try await repositories.objectives.update(
                id: id, draft, expectedRowVersion: expectedRowVersion, scope: scope, actor: actor)
            return (after, [.audit(AuditRecord(action: "update", entity: "objective", entityID: id, before: before, after: after))])
        }
    }
}

/// A contract manager removes an objective from a draft version.
public struct RemoveObjective: Sendable {
    let change: Change

    public func callAsFunction(id: Int64, scope: AccessScope, actor: AuditActor) async throws {
        try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.objectives.delete(id: id, scope: scope)
            return ((), [.audit(AuditRecord(action: "delete", entity: "objective", entityID: id, before: before))])
        }
    }
}

/// What pages and the API read of agreements, their versions and objectives.
public struct AgreementQueries: Sendable {
    let repositories: Repositories

    public func list(_ filter: AgreementFilter, page: PageRequest, scope: AccessScope) async throws -> PageOf<Agreement> {
        try await self.repositories.agreements.list(filter, page: page, scope: scope)
    }

    /// Every master SLA, for choosing the one a vendor SLA underpins.
    public func masters() async throws -> [Agreement] {
        try await self.repositories.agreements.masters()
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Agreement {
        try await self.repositories.agreements.find(id: id, scope: scope)
    }

    public func versions(agreementID: Int64, scope: AccessScope) async throws -> [AgreementVersion] {
        try await self.repositories.versions.list(agreementID: agreementID, scope: scope)
    }

    public func version(agreementID: Int64, number: Int, scope: AccessScope) async throws -> AgreementVersion {
        try await self.repositories.versions.find(agreementID: agreementID, number: number, scope: scope)
    }
}

public struct ObjectiveQueries: Sendable {
    let repositories: Repositories

    /// The objective and where it sits (its agreement, version number and the version's state).
    public func find(id: Int64, scope: AccessScope) async throws -> (Objective, ObjectivePlacement) {
        try await self.repositories.objectives.find(id: id, scope: scope)
    }

    public func list(versionID: Int64, scope: AccessScope) async throws -> [Objective] {
        try await self.repositories.objectives.list(versionID: versionID, scope: scope)
    }

    /// The series' breaches, current revisions only.
    public func breaches(seriesID: Int64) async throws -> [BreachRow] {
        try await self.repositories.periodRecords.breaches(seriesID: seriesID)
    }

    /// The latest alert transitions of a series (at most `limit`).
    public func alertEvents(seriesID: Int64, limit: Int = 50) async throws -> [AlertEvent] {
        try await self.repositories.periodRecords.alertEvents(seriesID: seriesID, limit: limit)
    }

    /// The events of one ticket of a series and the timer cycles they made.
    public func ticketHistory(seriesID: Int64, ticket: String) async throws -> TicketHistory {
        try await self.repositories.tickets.history(seriesID: seriesID, ticket: ticket)
    }

    /// The good and valid counts of a series over each span, as measured by `now`.
    public func counts(seriesID: Int64, sliKind: SLIKind, spans: [DateInterval], now: Date) async throws -> [EventCounts] {
        try await self.repositories.measurements.counts(seriesID: seriesID, sliKind: sliKind, spans: spans, now: now)
    }
}

extension UseCases {
    public var createAgreement: CreateAgreement { CreateAgreement(change: self.change) }
    public var editAgreement: EditAgreement { EditAgreement(change: self.change) }
    public var changeAgreementStatus: ChangeAgreementStatus { ChangeAgreementStatus(change: self.change) }
    public var amendAgreement: AmendAgreement { AmendAgreement(change: self.change) }
    public var activateVersion: ActivateVersion { ActivateVersion(change: self.change) }
    public var addObjective: AddObjective { AddObjective(change: self.change) }
    public var editObjective: EditObjective { EditObjective(change: self.change) }
    public var removeObjective: RemoveObjective { RemoveObjective(change: self.change) }
    public var agreements: AgreementQueries { AgreementQueries(repositories: self.repositories) }
    public var objectives: ObjectiveQueries { ObjectiveQueries(repositories: self.repositories) }

    /// The recorded periods of a series between two instants (every revision).
    public func periodRecords(seriesID: Int64, from: Date, to: Date) async throws -> [PeriodRecord] {
        try await self.repositories.periodRecords.records(seriesID: seriesID, from: from, to: to)
    }

    /// Whether a corrective action worked: the periods since its check date all met their SLA.
    public var actionEffectiveness: ActionEffectiveness { ActionEffectiveness(repositories: self.repositories) }
}

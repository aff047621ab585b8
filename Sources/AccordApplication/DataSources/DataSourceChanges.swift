import AccordDomain
import AccordStorage
import Foundation

/// An admin defines a data source Accord pulls from.
public struct CreateDataSource: Sendable {
    let change: Change

    public func callAsFunction(_ draft: DataSourceDraft, actor: AuditActor) async throws -> DataSource {
        try draft.validate().throwIfAny()
        return try await self.change.run(actor: actor) { repositories, _ in
            let source = try await repositories.dataSources.insert(draft)
            return (source, [.audit(AuditRecord(action: "create", entity: "data_source", entityID: source.id, after: source))])
        }
    }
}

/// An admin changes a data source, against the version read; a token or password left empty is kept.
public struct EditDataSource: Sendable {
    let change: Change

    public func callAsFunction(id: Int64, _ draft: DataSourceDraft, expectedRowVersion: Int, actor: AuditActor) async throws -> DataSource {
        try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.dataSources.lock(id: id)
            guard before.rowVersion == expectedRowVersion else {
                throw EditConflict(entity: "data source", changedBy: "another admin", changedAt: before.updatedAt, currentRowVersion: before.rowVersion)
            }
            try draft.validate(storedToken: before.hasBearerToken, storedPassword: before.hasBasicPassword).throwIfAny()
            let after = try await repositories.dataSources.update(id: id, draft)
            return (after, [.audit(AuditRecord(action: "update", entity: "data_source", entityID: id, before: before, after: after))])
        }
    }
}

/// A contract manager points a ratio objective's series at a data source, or stops it pulling. A new pull starts from
/// the day the form gives, or else from the start of the objective's current period.
public struct SetPull: Sendable {
    let change: Change
    /// A pull reaches back no further than a pushed batch may.
    let reach: IngestReach

    public func set(objectiveID: Int64, _ draft: SeriesPullDraft, scope: AccessScope, actor: AuditActor) async throws -> SeriesPull {
        guard scope == .organisation else { throw NotFound("objective") }
        return try await self.change.run(actor: actor) { repositories, now in
            let context = try await ObjectiveContext.load(objectiveID: objectiveID, scope: scope, repositories: repositories)
            try draft.validate(sliKind: context.objective.sliKind).throwIfAny()
            guard let step = draft.stepSeconds else { throw ValidationErrors([FieldError("step_seconds", "Choose the step.")]) }
            let before = try await repositories.dataSources.pull(seriesID: context.objective.seriesID)
            // no day given: a pull keeps where it pulls from; a new one starts with the current period
            let from = PullPlan.aligned(draft.pullFrom ?? before?.pullFrom ?? Self.currentPeriodStart(context, now: now), stepSeconds: step)
            guard from <= now else { throw ValidationErrors([FieldError("pull_from", "Pull from a day that has begun.")]) }
            guard from >= now.addingTimeInterval(-Double(self.reach.pastDays) * 86_400) else {
                throw ValidationErrors([FieldError("pull_from", "Pull from at most \(self.reach.pastDays) days back, as far as a pushed batch may reach.")])
            }
            let after = try await repositories.dataSources.setPull(
                seriesID: context.objective.seriesID, objectiveID: objectiveID, draft, pullFrom: from, at: now)
            return (after, [.audit(AuditRecord(action: "set_pull", entity: "objective", entityID: objectiveID, before: before, after: after))])
        }
    }

    public func remove(objectiveID: Int64, scope: AccessScope, actor: AuditActor) async throws {
        guard scope == .organisation else { throw NotFound("objective") }
        try await self.change.run(actor: actor) { repositories, _ in
            let (objective, _) = try await repositories.objectives.find(id: objectiveID, scope: scope)
            guard let before = try await repositories.dataSources.removePull(seriesID: objective.seriesID) else { return ((), []) }
            return ((), [.audit(AuditRecord(action: "remove_pull", entity: "objective", entityID: objectiveID, before: before))])
        }
    }

    /// The start of the period of the objective's window that holds `now` (its calendar period, or the rolling window).
    static func currentPeriodStart(_ context: ObjectiveContext, now: Date) -> Date {
        if let days = context.objective.window.days { return now.addingTimeInterval(-Double(days) * 86_400) }
        return PeriodPlanner.plan(terms: context.terms, timeZone: context.zone, from: now, to: now.addingTimeInterval(1)).first?.span.start
            ?? now.addingTimeInterval(-31 * 86_400)
    }
}

/// What the Data sources page, the objective page and the API read of sources and pulls.
public struct DataSourceQueries: Sendable {
    let repositories: Repositories

    public func list() async throws -> [DataSource] {
        try await self.repositories.dataSources.list()
    }

    public func find(id: Int64) async throws -> DataSource {
        try await self.repositories.dataSources.find(id: id)
    }

    /// The pulls of a source, with each objective's name.
    public func pulls(sourceID: Int64) async throws -> [SeriesPull] {
        try await self.repositories.dataSources.pulls(sourceID: sourceID)
    }

    /// The pull of an objective's series, if it pulls (the customer's only: a vendor reads none).
    public func pull(objectiveID: Int64, scope: AccessScope) async throws -> SeriesPull? {
        let (objective, _) = try await self.repositories.objectives.find(id: objectiveID, scope: scope)
        guard scope == .organisation else { return nil }
        return try await self.repositories.dataSources.pull(seriesID: objective.seriesID)
    }
}

extension UseCases {
    public var createDataSource: CreateDataSource { CreateDataSource(change: self.change) }
    public var editDataSource: EditDataSource { EditDataSource(change: self.change) }
    public var setPull: SetPull { SetPull(change: self.change, reach: self.ingestReach) }
    public var dataSources: DataSourceQueries { DataSourceQueries(repositories: self.repositories) }
}

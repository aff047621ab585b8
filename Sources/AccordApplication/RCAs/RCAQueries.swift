import AccordDomain
import AccordStorage
import Foundation

/// Parties open an RCA over breaches (a customer may share one of internal-SLO breaches with the vendors).
public struct OpenRCA: Sendable {
    let change: Change

    public func callAsFunction(breachIDs: [Int64], title: String, shareWithVendors: Bool, scope: AccessScope, actor: AuditActor) async throws
        -> RootCauseAnalysis
    {
        try await self.change.run(actor: actor) { repositories, now in
            try await Self.open(breachIDs: breachIDs, title: title, shareWithVendors: shareWithVendors, scope: scope, actor: actor, now: now, on: repositories)
        }
    }

    /// Opens the RCA on repositories bound to the caller's transaction (a person's change, or a breach's follow-up with
    /// the trigger rule that opened it); the effects are the caller's to apply.
    static func open(
        breachIDs: [Int64], title: String, shareWithVendors: Bool = false, scope: AccessScope, actor: AuditActor, now: Date, automaticRule: String? = nil,
        on repositories: Repositories
    ) async throws -> (RootCauseAnalysis, [Effect]) {
        let rca = try await repositories.rcas.open(
            breachIDs: breachIDs, title: title, scope: scope, actor: actor, now: now, automaticRule: automaticRule, shareWithVendors: shareWithVendors)
        let agreements = try await repositories.rcas.partyAgreements(id: rca.id)
        return (rca, RCARules.opened(rca, automaticRule: automaticRule, agreements: agreements))
    }
}

/// The parties write an RCA while it is in their hands: its analysis, timeline and contributing factors (each edit
/// changes the content hash, so signatures given before no longer count).
public struct WriteRCA: Sendable {
    let change: Change

    public func analysis(id: Int64, _ draft: RCAAnalysisDraft, scope: AccessScope, actor: AuditActor) async throws -> RootCauseAnalysis {
        try await self.change.run(actor: actor) { repositories, _ in
            let (before, after) = try await repositories.rcas.editAnalysis(id: id, draft, scope: scope)
            return (after, RCARules.contentChanged(action: "analysis edited", note: "", before: before, after: after))
        }
    }

    public func timelineEntry(id: Int64, _ draft: TimelineDraft, scope: AccessScope, actor: AuditActor) async throws -> RootCauseAnalysis {
        try await self.change.run(actor: actor) { repositories, now in
            let (before, after) = try await repositories.rcas.addTimelineEntry(id: id, draft, scope: scope, actor: actor, now: now)
            let note = String(draft.text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
            return (after, RCARules.contentChanged(action: "timeline entry", note: note, before: before, after: after))
        }
    }

    public func factor(id: Int64, _ draft: FactorDraft, scope: AccessScope, actor: AuditActor) async throws -> RootCauseAnalysis {
        try await self.change.run(actor: actor) { repositories, now in
            let (before, after) = try await repositories.rcas.addFactor(id: id, draft, scope: scope, now: now)
            let note = String(draft.description.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
            return (after, RCARules.contentChanged(action: "contributing factor", note: note, before: before, after: after))
        }
    }
}

/// What pages and the API read of RCAs.
public struct RCAQueries: Sendable {
    let repositories: Repositories

    public func find(id: Int64, scope: AccessScope) async throws -> RootCauseAnalysis {
        try await self.repositories.rcas.find(id: id, scope: scope)
    }

    public func list(_ filter: RCAFilter, today: LocalDate, page: PageRequest, scope: AccessScope) async throws -> PageOf<RCASummary> {
        try await self.repositories.rcas.list(filter, today: today, page: page, scope: scope)
    }

    public func history(id: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        try await self.repositories.rcas.history(id: id, scope: scope)
    }

    public func evidence(id: Int64, scope: AccessScope) async throws -> [EvidenceFile] {
        try await self.repositories.evidence.list(.rca, id: id, scope: scope)
    }

    /// How many accepted RCAs name each root-cause category, per vendor.
    public func categoryCounts(scope: AccessScope) async throws -> [(vendorID: Int64?, vendorName: String, category: RootCauseCategory, count: Int)] {
        try await self.repositories.rcas.categoryCounts(scope: scope)
    }

    /// For each breach among these, the RCA that analyses it.
    public func analyses(ofBreaches ids: [Int64]) async throws -> [Int64: Int64] {
        try await self.repositories.rcas.analyses(ofBreaches: ids)
    }

    /// Who may own an action of this RCA, as the reader may see them: the customer's staff and every party's people
    /// for the customer; a vendor's own people only for that vendor's users.
    public func ownerCandidates(rcaID: Int64, scope: AccessScope) async throws -> [OwnerCandidate] {
        let rca = try await self.repositories.rcas.find(id: rcaID, scope: scope)
        let vendors = rca.parties.compactMap(\.vendorID).filter { vendor in scope.vendorID.map { $0 == vendor } ?? true }
        return try await self.repositories.actions.ownerCandidates(
            customer: scope.vendorID == nil && rca.parties.contains { $0.vendorID == nil }, vendorIDs: vendors)
    }

    /// Current breaches no RCA covers, for the form that opens one.
    public func unanalysedBreaches(scope: AccessScope) async throws -> [UnanalysedBreach] {
        try await self.repositories.rcas.unanalysedBreaches(scope: scope)
    }
}

/// A party adds a corrective action to an RCA.
public struct AddAction: Sendable {
    let change: Change

    public func callAsFunction(rcaID: Int64, _ draft: ActionDraft, scope: AccessScope, actor: AuditActor) async throws -> CorrectiveAction {
        try await self.change.run(actor: actor) { repositories, now in
            let action = try await repositories.actions.create(rcaID: rcaID, draft, scope: scope, actor: actor, now: now)
            return (action, action.raised)
        }
    }
}

/// A corrective action moves a step: its owner starts and completes it, the customer verifies it or reopens it.
public struct AdvanceAction: Sendable {
    let change: Change

    public func callAsFunction(_ step: ActionStep, id: Int64, byCustomer: Bool, expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor)
        async throws -> CorrectiveAction
    {
        try await self.change.run(actor: actor) { repositories, now in
            let (before, after) = try await repositories.actions.perform(
                step, id: id, byCustomer: byCustomer, expectedRowVersion: expectedRowVersion, scope: scope, actor: actor, now: now)
            return (after, step.moved(before: before, after: after))
        }
    }
}

public struct ActionQueries: Sendable {
    let repositories: Repositories

    public func find(id: Int64, scope: AccessScope) async throws -> CorrectiveAction {
        try await self.repositories.actions.find(id: id, scope: scope)
    }

    public func list(_ filter: ActionFilter, page: PageRequest, scope: AccessScope) async throws -> PageOf<CorrectiveAction> {
        try await self.repositories.actions.list(filter, page: page, scope: scope)
    }

    public func history(id: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        try await self.repositories.actions.history(id: id, scope: scope)
    }
}

extension UseCases {
    public var openRCA: OpenRCA { OpenRCA(change: self.change) }
    public var writeRCA: WriteRCA { WriteRCA(change: self.change) }
    public var rcas: RCAQueries { RCAQueries(repositories: self.repositories) }
    public var addAction: AddAction { AddAction(change: Change(repositories: self.repositories, clock: self.clock)) }
    public var advanceAction: AdvanceAction { AdvanceAction(change: Change(repositories: self.repositories, clock: self.clock)) }
    public var actions: ActionQueries { ActionQueries(repositories: self.repositories) }
}

import AccordDomain
import AccordStorage
import Foundation

/// Each person's inbox.
public struct InboxQueries: Sendable {
    let repositories: Repositories

    public func list(userID: Int64, unreadOnly: Bool, page: PageRequest) async throws -> PageOf<InboxItem> {
        try await self.repositories.inbox.list(userID: userID, unreadOnly: unreadOnly, page: page)
    }

    /// The person's items of one kind, of one vendor, or unread, newest first.
    public func list(userID: Int64, filter: InboxFilter, page: PageRequest) async throws -> PageOf<InboxItem> {
        try await self.repositories.inbox.list(userID: userID, filter: filter, page: page)
    }
}

/// A person marks one inbox item read, or all of them (`id` nil).
public struct MarkRead: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public func callAsFunction(userID: Int64, id: Int64?) async throws {
        try await self.repositories.inbox.markRead(userID: userID, id: id, at: self.clock())
    }

    /// Marks the person's items among `ids` read (at most 500 at once; ids of others' items change nothing); returns how
    /// many were unread.
    @discardableResult
    public func callAsFunction(userID: Int64, ids: [Int64]) async throws -> Int {
        guard ids.count <= 500 else { throw ValidationErrors([FieldError("ids", "At most 500 items at once.")]) }
        return try await self.repositories.inbox.markRead(userID: userID, ids: ids, at: self.clock())
    }
}

/// An agreement's governance terms: notice, freezes, dispute window, RCA triggers, what the vendor reads.
public struct GovernanceTermsQueries: Sendable {
    let repositories: Repositories

    public func find(agreementID: Int64, scope: AccessScope) async throws -> GovernanceTerms {
        try await self.repositories.governanceTerms.find(agreementID: agreementID, scope: scope)
    }
}

/// A contract manager sets an agreement's governance terms (notice, freezes, dispute window, RCA triggers, what the
/// vendor reads), against the version read.
public struct SaveGovernanceTerms: Sendable {
    let change: Change

    public func callAsFunction(agreementID: Int64, _ terms: GovernanceTerms, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor)
        async throws -> GovernanceTerms
    {
        try terms.validate().throwIfAny()
        return try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.governanceTerms.lock(agreementID: agreementID, expected: expectedRowVersion, scope: scope)
            let after = try await repositories.governanceTerms.write(agreementID: agreementID, terms, actor: actor)
            return (
                after,
                [.audit(AuditRecord(action: "update", entity: "agreement_governance", entityID: agreementID, before: before, after: after))]
            )
        }
    }
}

/// Files attached to a claim, a dispute or an RCA: every file or none.
public struct AttachEvidence: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public func callAsFunction(_ subject: GovernanceSubject, id: Int64, _ files: [EvidenceUpload], scope: AccessScope, actor: AuditActor)
        async throws -> [EvidenceFile]
    {
        try await Change(repositories: self.repositories, clock: self.clock).run(actor: actor) { repositories, now in
            let attached = try await repositories.evidence.attachAll(subject, id: id, files, scope: scope, actor: actor, now: now)
            return (attached.map(\.file), attached.flatMap { $0.effects(subject: subject, id: id) })
        }
    }
}

public struct EvidenceQueries: Sendable {
    let repositories: Repositories

    /// A file and its bytes, through its subject (which the scope must read).
    public func content(_ subject: GovernanceSubject, id: Int64, fileID: Int64, scope: AccessScope) async throws -> (EvidenceFile, [UInt8]) {
        try await self.repositories.evidence.content(subject, id: id, fileID: fileID, scope: scope)
    }
}

/// Who is responsible, accountable, consulted and informed for each governance activity of an agreement.
public struct RACIQueries: Sendable {
    let repositories: Repositories

    public func matrix(agreementID: Int64, scope: AccessScope) async throws -> RACIMatrix {
        try await self.repositories.raci.matrix(agreementID: agreementID, scope: scope)
    }

    /// The customer's people who may manage contracts, among those the matrix names.
    public func mayDecide(_ matrix: RACIMatrix) async throws -> Set<Int64> {
        try await self.repositories.raci.mayDecide(matrix)
    }

    /// The parties that may be named on the agreement.
    public func candidates(agreementID: Int64, scope: AccessScope) async throws -> [RACIParty] {
        try await self.repositories.raci.candidates(agreementID: agreementID, scope: scope)
    }

    public func health(scope: AccessScope) async throws -> [RACIHealth] {
        try await self.repositories.raci.health(scope: scope)
    }
}

/// A contract manager sets an agreement's RACI matrix whole: every party named must be a party of the agreement.
public struct SetRACI: Sendable {
    let change: Change

    public func callAsFunction(agreementID: Int64, _ assignments: [RACIAssignment], scope: AccessScope, actor: AuditActor) async throws -> RACIMatrix {
        try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.raci.lock(agreementID: agreementID, scope: scope)
            try RACIMatrix.check(assignments, candidates: try await repositories.raci.candidates(agreementID: agreementID, scope: scope)).throwIfAny()
            let after = try await repositories.raci.write(agreementID: agreementID, RACIMatrix(assignments))
            return (
                after, [.audit(AuditRecord(action: "update", entity: "raci", entityID: agreementID, before: before.assignments, after: after.assignments))]
            )
        }
    }
}

/// What a vendor's portal reads beyond the lists every role reads.
public struct PortalQueries: Sendable {
    let repositories: Repositories

    /// Overdue counts stop at this number (the page writes "100+").
    public static let overdueShown = PortalRepository.overdueShown

    /// A vendor's SLA breaches since an instant (of the agreements in `shared` when given, SLO breaches too).
    public func breachCount(vendorID: Int64, since: Date, internalFiguresOf shared: Set<Int64>? = nil) async throws -> Int {
        try await self.repositories.periodRecords.breachCount(vendorID: vendorID, since: since, internalFiguresOf: shared)
    }

    public func overdueCounts(today: LocalDate, scope: AccessScope) async throws -> (rcas: Int, actions: Int) {
        try await self.repositories.portal.overdueCounts(today: today, scope: scope)
    }

    public func contributions(vendorID: Int64, since: Date) async throws -> [PortalContribution] {
        try await self.repositories.portal.contributions(vendorID: vendorID, since: since)
    }

    public func averageShares(masterID: Int64) async throws -> [Int64?: Decimal] {
        try await self.repositories.portal.averageShares(masterID: masterID)
    }

    public func averageShare(vendorID: Int64) async throws -> (share: Decimal?, rcas: Int) {
        try await self.repositories.portal.averageShare(vendorID: vendorID)
    }

    public func recentBreaches(vendorID: Int64, since: Date, limit: Int = 20) async throws -> [VendorBreach] {
        try await self.repositories.portal.recentBreaches(vendorID: vendorID, since: since, limit: limit)
    }
}

extension UseCases {
    public var inbox: InboxQueries { InboxQueries(repositories: self.repositories) }
    public var markRead: MarkRead { MarkRead(repositories: self.repositories, clock: self.clock) }
    public var governanceTerms: GovernanceTermsQueries { GovernanceTermsQueries(repositories: self.repositories) }
    public var saveGovernanceTerms: SaveGovernanceTerms { SaveGovernanceTerms(change: Change(repositories: self.repositories, clock: self.clock)) }
    public var attachEvidence: AttachEvidence { AttachEvidence(repositories: self.repositories, clock: self.clock) }
    public var evidence: EvidenceQueries { EvidenceQueries(repositories: self.repositories) }
    public var raci: RACIQueries { RACIQueries(repositories: self.repositories) }
    public var setRACI: SetRACI { SetRACI(change: Change(repositories: self.repositories, clock: self.clock)) }
    public var portal: PortalQueries { PortalQueries(repositories: self.repositories) }
}

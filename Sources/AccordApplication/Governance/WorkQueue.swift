import AccordDomain
import AccordStorage
import Foundation

/// One thing that waits on someone: what it is, where to act on it, since when it waits or when it is due, and whether
/// the agreement's RACI names the person as the one to act.
public struct WorkItem: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, Encodable, CaseIterable {
        case credit, claim, dispute, proposal, rca, action, meeting, notice

        public var label: String {
            switch self {
            case .credit: "Credit"
            case .claim: "Exclusion claim"
            case .dispute: "Dispute"
            case .proposal: "Proposal"
            case .rca: "RCA"
            case .action: "Corrective action"
            case .meeting: "Review meeting"
            case .notice: "Notice deadline"
            }
        }
    }

    public var kind: Kind
    public var text: String
    public var link: String
    /// When it began to wait (filed, computed, submitted); nil for what is dated by `due` alone.
    public var since: Date?
    public var due: LocalDate?
    public var overdue: Bool
    /// The RACI names this person as responsible or accountable for the activity on the agreement (or it names no one
    /// there and the person manages contracts).
    public var mine: Bool

    enum CodingKeys: String, CodingKey {
        case kind, text, link, since, due, overdue, mine
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.kind, forKey: .kind)
        try container.encode(self.text, forKey: .text)
        try container.encode(self.link, forKey: .link)
        try container.encode(self.since, forKey: .since)
        try container.encode(self.due?.description, forKey: .due)
        try container.encode(self.overdue, forKey: .overdue)
        try container.encode(self.mine, forKey: .mine)
    }
}

/// What waits on the customer's people: credits to approve or issue, claims and disputes to decide, vendors' proposals
/// to answer, RCAs to accept, corrective actions overdue, this week's review meetings with their pack, and notice
/// deadlines within 90 days. Overdue first, then what the RACI gives the person, then the oldest.
public struct WorkQueue: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    /// How many of each kind are read.
    static let perKind = 50

    public func staff(user: User, scope: AccessScope) async throws -> [WorkItem] {
        guard user.role != .vendor else { return [] }
        let now = self.clock()
        let today = LocalDate.of(now, in: .gmt)
        let page = PageRequest(number: 1, size: Self.perKind)
        var matrices: [Int64: RACIMatrix] = [:]
        func mine(_ agreementID: Int64, _ activity: GovernanceActivity) async throws -> Bool {
            if matrices[agreementID] == nil { matrices[agreementID] = try await self.repositories.raci.matrix(agreementID: agreementID, scope: scope) }
            let actors = matrices[agreementID]?.actors(for: activity) ?? []
            if actors.isEmpty { return user.role.may(.manageContracts) }
            return actors.contains { $0.kind == .person && $0.id == user.id }
        }
        var items: [WorkItem] = []
        for status in [CreditStatus.computed, .approved] {
            for credit in try await self.repositories.credits.list(filter: CreditFilter(status: status), page: page, scope: scope).items {
                items.append(
                    WorkItem(
                        kind: .credit,
                        text: "\(status == .computed ? "Approve" : "Issue") the credit of \(Money.format(credit.amount, credit.currency)) for \(credit.objectiveName) (\(credit.agreementTitle)), \(Figures.period(start: credit.periodStart, end: credit.periodEnd, zone: Stamp.zone(credit.timeZone)))",
                        link: "/credits/\(credit.id)", since: credit.updatedAt, due: nil, overdue: false,
                        mine: try await mine(credit.agreementID, .creditApproval)))
            }
        }
        for claim in try await self.repositories.claims.list(ClaimFilter(status: .pending), page: page, scope: scope).items {
            items.append(
                WorkItem(
                    kind: .claim, text: "Decide \(claim.vendorName)'s claim: \(claim.kind.label) on \(claim.agreementTitle)", link: "/claims/\(claim.id)",
                    since: claim.filedAt, due: nil, overdue: false, mine: try await mine(claim.agreementID, .exclusionApproval)))
        }
        for dispute in try await self.repositories.disputes.list(DisputeFilter(status: .open), page: page, scope: scope).items {
            items.append(
                WorkItem(
                    kind: .dispute,
                    text: "Decide the dispute of the \(dispute.subject == .credit ? "credit" : "figure") of \(dispute.objectiveName) (\(dispute.agreementTitle))",
                    link: "/disputes/\(dispute.id)", since: dispute.filedAt, due: nil, overdue: false, mine: try await mine(dispute.agreementID, .disputeDecision)))
        }
        for proposal in try await self.repositories.proposals.list(agreementID: nil, openOnly: true, page: page, scope: scope).items
        where !proposal.proposedByCustomer && proposal.customerAcceptedAt == nil {
            items.append(
                WorkItem(
                    kind: .proposal, text: "Answer the vendor's proposal: \(proposal.title) (\(proposal.agreementTitle))", link: "/proposals/\(proposal.id)",
                    since: proposal.createdAt, due: nil, overdue: false, mine: try await mine(proposal.agreementID, .renegotiation)))
        }
        for rca in try await self.repositories.rcas.list(RCAFilter(status: .submitted), today: today, page: page, scope: scope).items {
            items.append(
                WorkItem(
                    kind: .rca, text: "Accept or return the RCA: \(rca.title)", link: "/rcas/\(rca.id)", since: nil, due: nil, overdue: false,
                    mine: user.role.may(.manageContracts)))
        }
        for action in try await self.repositories.actions.list(ActionFilter(overdueOn: today, openOnly: true), page: page, scope: scope).items {
            items.append(
                WorkItem(
                    kind: .action, text: "Overdue action of \(action.ownerName) (\(action.ownerParty)): \(action.description.prefix(100))",
                    link: "/actions/\(action.id)", since: nil, due: action.dueOn, overdue: true, mine: false))
        }
        let week = now.addingTimeInterval(7 * 86_400)
        let meetings = try await self.repositories.reviews.meetings(from: now, to: week, scope: scope, includeCancelled: false, limit: Self.perKind)
        let frozen = try await self.repositories.packs.packed(meetingIDs: meetings.map(\.0.id), scope: scope)
        for (meeting, series) in meetings {
            let packed = frozen.contains(meeting.id)
            let pack = packed ? "pack frozen" : meeting.packDueAt <= now ? "pack late: not frozen yet" : "pack due \(Stamp.format(meeting.packDueAt, Stamp.zone(series.timeZone)))"
            var mineToo = user.role.may(.manageContracts)
            if case .agreement(let id) = series.scope { mineToo = try await mine(id, .reviewChairing) }
            items.append(
                WorkItem(
                    kind: .meeting, text: "\(series.title), \(Stamp.format(meeting.startsAt, Stamp.zone(series.timeZone))): \(pack)",
                    link: "/meetings/\(meeting.id)", since: nil, due: LocalDate.of(meeting.startsAt, in: Stamp.zone(series.timeZone)),
                    overdue: !packed && meeting.packDueAt <= now, mine: mineToo))
        }
        // (a horizon past the calendar's end leaves the notices out; the rest of the queue is still ordered and filtered)
        let horizon = today.adding(days: 90) ?? today
        for notice in try await self.repositories.reviewFacts.notices(agreementIDs: nil, vendorID: scope.vendorID)
        where notice.deadline >= today && notice.deadline <= horizon {
            items.append(
                WorkItem(
                    kind: .notice,
                    text: "Notice deadline of \(notice.title): \(Figures.date(notice.deadline))\(notice.autoRenews ? ", renews by itself if no notice is given" : "")",
                    link: "/agreements/\(notice.agreementID)", since: nil, due: notice.deadline,
                    overdue: false, mine: try await mine(notice.agreementID, .renewalDecision)))
        }
        // an analyst or viewer decides nothing: they see what is informative (overdue actions, meetings), not decisions
        if !user.role.may(.manageContracts) { items.removeAll { ![.action, .meeting].contains($0.kind) } }
        return Self.ordered(items)
    }

    /// Overdue first, then the person's own, then by due day (soonest) or wait (longest).
    static func ordered(_ items: [WorkItem]) -> [WorkItem] {
        items.sorted { a, b in
            if a.overdue != b.overdue { return a.overdue }
            if a.mine != b.mine { return a.mine }
            let ka = a.due.flatMap { PeriodPlanner.startInstant($0, in: .gmt) } ?? a.since ?? .distantFuture
            let kb = b.due.flatMap { PeriodPlanner.startInstant($0, in: .gmt) } ?? b.since ?? .distantFuture
            return ka < kb
        }
    }
}

extension UseCases {
    public var workQueue: WorkQueue { WorkQueue(repositories: self.repositories, clock: self.clock) }
}

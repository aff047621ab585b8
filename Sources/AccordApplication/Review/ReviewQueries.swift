import AccordDomain
import AccordStorage
import Foundation

/// What pages and the API read of review series, meetings, their items and frozen packs.
public struct ReviewQueries: Sendable {
    let repositories: Repositories

    public func listSeries(scope: AccessScope, page: PageRequest) async throws -> PageOf<ReviewSeries> {
        try await self.repositories.reviews.listSeries(scope: scope, page: page)
    }

    public func series(id: Int64, scope: AccessScope) async throws -> ReviewSeries {
        try await self.repositories.reviews.series(id: id, scope: scope)
    }

    public func attendees(seriesID: Int64) async throws -> [ReviewAttendee] {
        try await self.repositories.reviews.attendees(seriesID: seriesID)
    }

    /// The people and vendor contacts a series of this scope may invite.
    public func candidates(for reviewScope: ReviewScope) async throws -> [AttendeeCandidate] {
        try await self.repositories.reviews.candidates(for: reviewScope)
    }

    /// The vendors a series of this scope reviews.
    public func vendors(of reviewScope: ReviewScope) async throws -> [(id: Int64, name: String)] {
        try await self.repositories.reviews.vendors(of: reviewScope)
    }

    /// Who may own a meeting's action item: the customer's staff and the series' vendors' users and contacts (a
    /// vendor's user: its own people only).
    public func ownerCandidates(of reviewScope: ReviewScope, scope: AccessScope) async throws -> [OwnerCandidate] {
        let vendors = try await self.repositories.reviews.vendors(of: reviewScope).map(\.id).filter { id in scope.vendorID.map { $0 == id } ?? true }
        return try await self.repositories.actions.ownerCandidates(customer: scope.vendorID == nil, vendorIDs: vendors)
    }

    public func meetings(seriesID: Int64, scope: AccessScope) async throws -> [ReviewMeeting] {
        try await self.repositories.reviews.meetings(seriesID: seriesID, scope: scope)
    }

    /// Meetings between two instants with their series (at most `limit`).
    public func meetings(from: Date, to: Date, scope: AccessScope, includeCancelled: Bool = true, limit: Int = 500) async throws
        -> [(ReviewMeeting, ReviewSeries)]
    {
        try await self.repositories.reviews.meetings(from: from, to: to, scope: scope, includeCancelled: includeCancelled, limit: limit)
    }

    public func meeting(id: Int64, scope: AccessScope) async throws -> (ReviewMeeting, ReviewSeries) {
        try await self.repositories.reviews.meeting(id: id, scope: scope)
    }

    public func history(meetingID: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        try await self.repositories.reviews.history(meetingID: meetingID, scope: scope)
    }

    public func items(meetingID: Int64, scope: AccessScope) async throws -> [ReviewItem] {
        try await self.repositories.reviews.items(meetingID: meetingID, scope: scope)
    }

    public func items(meetingIDs: [Int64], scope: AccessScope) async throws -> [Int64: [ReviewItem]] {
        try await self.repositories.reviews.items(meetingIDs: meetingIDs, scope: scope)
    }

    /// Open items a vendor owns.
    public func openItems(ownerVendorID: Int64, scope: AccessScope) async throws -> [ReviewItem] {
        try await self.repositories.reviews.openItems(ownerVendorID: ownerVendorID, scope: scope)
    }

    public func item(id: Int64, scope: AccessScope) async throws -> ReviewItem {
        try await self.repositories.reviews.item(id: id, scope: scope)
    }

    /// Notice deadlines of these agreements (all, when nil), a vendor's only of its own.
    public func notices(agreementIDs: [Int64]?, vendorID: Int64?) async throws -> [NoticeDeadline] {
        try await self.repositories.reviewFacts.notices(agreementIDs: agreementIDs, vendorID: vendorID)
    }

    /// The live agenda and pack of a meeting for an audience (nil: the customer's).
    public func pack(meeting: ReviewMeeting, series: ReviewSeries, audienceVendorID: Int64?, clock: @escaping @Sendable () -> Date) async throws
        -> ReviewPack
    {
        try await ReviewPackBuilder(repositories: self.repositories, clock: clock).build(meeting: meeting, series: series, audienceVendorID: audienceVendorID)
    }
}

/// Frozen packs: each audience's latest revision, and the revisions before it.
public struct PackQueries: Sendable {
    let repositories: Repositories

    public func find(id: Int64, scope: AccessScope) async throws -> StoredPack {
        try await self.repositories.packs.find(id: id, scope: scope)
    }

    public func latest(meetingID: Int64, scope: AccessScope) async throws -> [StoredPack] {
        try await self.repositories.packs.latest(meetingID: meetingID, scope: scope)
    }

    public func latest(meetingIDs: [Int64], scope: AccessScope) async throws -> [Int64: [StoredPack]] {
        try await self.repositories.packs.latest(meetingIDs: meetingIDs, scope: scope)
    }

    /// The meetings among these that have a frozen pack.
    public func packed(meetingIDs: [Int64], scope: AccessScope) async throws -> Set<Int64> {
        try await self.repositories.packs.packed(meetingIDs: meetingIDs, scope: scope)
    }

    public func revisions(meetingID: Int64, audienceVendorID: Int64?, scope: AccessScope) async throws -> [StoredPack] {
        try await self.repositories.packs.revisions(meetingID: meetingID, audienceVendorID: audienceVendorID, scope: scope)
    }
}

/// Renegotiation proposals: the list, one proposal with its thread and history, the terms it would change, and its
/// what-if replay over recorded periods.
public struct ProposalQueries: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public func find(id: Int64, scope: AccessScope) async throws -> RenegotiationProposal {
        try await self.repositories.proposals.find(id: id, scope: scope)
    }

    public func list(agreementID: Int64?, openOnly: Bool, page: PageRequest, scope: AccessScope) async throws -> PageOf<RenegotiationProposal> {
        try await self.repositories.proposals.list(agreementID: agreementID, openOnly: openOnly, page: page, scope: scope)
    }

    /// The proposal and its counters, first to last.
    public func thread(of proposal: RenegotiationProposal) async throws -> [RenegotiationProposal] {
        try await self.repositories.proposals.thread(of: proposal)
    }

    public func history(id: Int64, scope: AccessScope) async throws -> [HistoryEntry] {
        try await self.repositories.proposals.history(id: id, scope: scope)
    }

    /// The agreement's objectives in force, by series: what a proposal changes.
    public func currentObjectives(agreementID: Int64, scope: AccessScope) async throws -> [Int64: Objective] {
        try await RenegotiationService(repositories: self.repositories, clock: self.clock).currentObjectives(agreementID: agreementID, scope: scope)
    }

    /// The proposal's terms replayed over the recorded periods beside the current ones.
    public func whatIf(_ proposal: RenegotiationProposal, scope: AccessScope) async throws -> [WhatIfReplay.Result] {
        try await RenegotiationService(repositories: self.repositories, clock: self.clock).whatIf(proposal, scope: scope)
    }
}

/// Each person's calendar feed of their meetings (its secret in the address is the credential).
public struct CalendarFeedQueries: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    /// When the person's feed address was issued (nil: none).
    public func issuedAt(userID: Int64) async throws -> Date? {
        try await self.repositories.calendarFeeds.issuedAt(userID: userID)
    }

    /// The account a feed secret belongs to.
    public func user(forSecret secret: String) async throws -> User? {
        try await self.repositories.calendarFeeds.user(forSecret: secret)
    }

    /// The iCalendar feed of the meetings the scope sees.
    public func feed(scope: AccessScope, name: String) async throws -> String {
        try await ReviewCalendar(repositories: self.repositories, clock: self.clock).feed(scope: scope, name: name)
    }

    /// One meeting as an iCalendar invitation.
    public func invitation(meetingID: Int64, scope: AccessScope) async throws -> String {
        try await ReviewCalendar(repositories: self.repositories, clock: self.clock).invitation(meetingID: meetingID, scope: scope)
    }
}

extension UseCases {
    public var reviews: ReviewQueries { ReviewQueries(repositories: self.repositories) }
    public var packs: PackQueries { PackQueries(repositories: self.repositories) }
    public var proposals: ProposalQueries { ProposalQueries(repositories: self.repositories, clock: self.clock) }
    public var calendarFeeds: CalendarFeedQueries { CalendarFeedQueries(repositories: self.repositories, clock: self.clock) }
}

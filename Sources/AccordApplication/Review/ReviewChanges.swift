import AccordDomain
import AccordStorage
import Foundation

/// A contract manager sets up a review series (its cadence, scope and first meetings, planned ahead).
public struct CreateReviewSeries: Sendable {
    let change: Change

    public func callAsFunction(_ draft: ReviewSeriesDraft, scope: AccessScope, actor: AuditActor) async throws -> ReviewSeries {
        try await self.change.run(actor: actor) { repositories, now in
            let today = LocalDate.of(now, in: .gmt)
            let series = try await repositories.reviews.createSeries(
                draft, through: today.adding(days: ReviewMeetingsJob.planningDays) ?? today, scope: scope, actor: actor, now: now)
            return (series, ReviewEffects.seriesCreated(series))
        }
    }
}

/// A contract manager names a series' attendees (the customer's people and vendor contacts).
public struct SetAttendees: Sendable {
    let change: Change

    public func callAsFunction(seriesID: Int64, userIDs: [Int64], contactIDs: [Int64], scope: AccessScope, actor: AuditActor) async throws
        -> [ReviewAttendee]
    {
        try await self.change.run(actor: actor) { repositories, _ in
            let (before, after) = try await repositories.reviews.setAttendees(seriesID: seriesID, userIDs: userIDs, contactIDs: contactIDs, scope: scope)
            return (after, ReviewEffects.attendeesSet(seriesID: seriesID, before: before, after: after))
        }
    }
}

/// A contract manager adds an ad-hoc meeting to a series.
public struct AddMeeting: Sendable {
    let change: Change

    public func callAsFunction(seriesID: Int64, day: LocalDate, time: ClockTime?, reason: String, scope: AccessScope, actor: AuditActor) async throws
        -> ReviewMeeting
    {
        try await self.change.run(actor: actor) { repositories, now in
            let meeting = try await repositories.reviews.addMeeting(seriesID: seriesID, day: day, time: time, reason: reason, scope: scope, now: now)
            return (meeting, ReviewEffects.meetingAdded(meeting, reason: reason))
        }
    }
}

/// A contract manager ends a series: no meeting is planned after today.
public struct EndReviewSeries: Sendable {
    let change: Change

    public func callAsFunction(id: Int64, scope: AccessScope, actor: AuditActor) async throws -> ReviewSeries {
        try await self.change.run(actor: actor) { repositories, now in
            let (before, after) = try await repositories.reviews.endSeries(id: id, scope: scope, now: now)
            let vendors = try await repositories.reviews.vendors(of: after.scope).map(\.id)
            return (after, ReviewEffects.seriesEnded(before: before, after: after, vendorIDs: vendors))
        }
    }
}

/// A meeting is moved, cancelled or minuted, an item added to it, or its packs frozen by hand.
public struct ChangeMeeting: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date
    var change: Change { Change(repositories: self.repositories, clock: self.clock) }

    public func move(meetingID: Int64, to day: LocalDate, at time: ClockTime?, reason: String, expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor)
        async throws -> ReviewMeeting
    {
        try await self.change.run(actor: actor) { repositories, now in
            let (before, after, series) = try await repositories.reviews.move(
                meetingID: meetingID, to: day, at: time, reason: reason, expectedRowVersion: expectedRowVersion, scope: scope, now: now)
            let vendors = try await repositories.reviews.vendors(of: series.scope).map(\.id)
            return (after, ReviewEffects.meetingMoved(before: before, after: after, series: series, vendorIDs: vendors, reason: reason))
        }
    }

    public func cancel(meetingID: Int64, reason: String, expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor) async throws -> ReviewMeeting {
        try await self.change.run(actor: actor) { repositories, now in
            let (before, after, series) = try await repositories.reviews.cancel(
                meetingID: meetingID, reason: reason, expectedRowVersion: expectedRowVersion, scope: scope, now: now)
            let vendors = try await repositories.reviews.vendors(of: series.scope).map(\.id)
            return (after, ReviewEffects.meetingCancelled(before: before, after: after, series: series, vendorIDs: vendors, reason: reason))
        }
    }

    public func saveMinutes(
        meetingID: Int64, attendance: [Int64], notes: [ReviewMeeting.Minutes.Note], expectedRowVersion: Int?, scope: AccessScope, actor: AuditActor
    ) async throws -> ReviewMeeting {
        try await self.change.run(actor: actor) { repositories, now in
            let (before, after) = try await repositories.reviews.saveMinutes(
                meetingID: meetingID, attendance: attendance, notes: notes, expectedRowVersion: expectedRowVersion, scope: scope, now: now)
            return (after, ReviewEffects.minutesSaved(before: before, after: after))
        }
    }

    public func addItem(meetingID: Int64, _ draft: ReviewItemDraft, partyVendorID: Int64?, scope: AccessScope, actor: AuditActor) async throws -> ReviewItem {
        try await self.change.run(actor: actor) { repositories, now in
            let item = try await repositories.reviews.addItem(meetingID: meetingID, draft, partyVendorID: partyVendorID, scope: scope, actor: actor, now: now)
            return (item, ReviewEffects.itemRecorded(item))
        }
    }

    /// Freezes each audience's pack now (a new revision when one exists).
    public func freezePacks(meetingID: Int64, actor: AuditActor) async throws -> [StoredPack] {
        try await ReviewPacks(repositories: self.repositories, clock: self.clock).freeze(meetingID: meetingID, scheduled: false, actor: actor)
    }
}

/// An item of a meeting is done, dropped with a reason, or (a question) decided.
public struct AdvanceReviewItem: Sendable {
    let change: Change

    public func callAsFunction(_ step: ReviewItemStep, itemID: Int64, scope: AccessScope, actor: AuditActor) async throws -> ReviewItem {
        try await self.change.run(actor: actor) { repositories, now in
            let (before, after) = try await repositories.reviews.perform(step, itemID: itemID, scope: scope, actor: actor, now: now)
            return (after, ReviewEffects.itemClosed(before: before, after: after))
        }
    }
}

/// Either side proposes new terms for an agreement, or counters the other side's proposal (`parentID`). For the
/// customer, only the people the RACI names to decide renegotiations propose.
public struct ProposeTerms: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public func callAsFunction(agreementID: Int64, _ draft: ProposalDraft, parentID: Int64?, scope: AccessScope, actor: AuditActor) async throws
        -> RenegotiationProposal
    {
        try await ProposalAnswerer.of(actor, scope: scope, agreementID: agreementID, repositories: self.repositories).checkDecides("propose")
        let current = try await RenegotiationService(repositories: self.repositories, clock: self.clock).currentObjectives(agreementID: agreementID, scope: scope)
        let agreement = try await self.repositories.agreements.find(id: agreementID, scope: scope)
        return try await Change(repositories: self.repositories, clock: self.clock).run(actor: actor) { repositories, now in
            try await Self.file(
                agreementID: agreementID, draft, parentID: parentID, current: current, scope: scope, actor: actor, now: now,
                today: LocalDate.of(now, in: TimeZone(identifier: agreement.timeZone) ?? .gmt), on: repositories)
        }
    }

    /// Stores the proposal (superseding the one it counters) on repositories bound to the caller's transaction; the
    /// effects are the caller's to apply.
    static func file(
        agreementID: Int64, _ draft: ProposalDraft, parentID: Int64?, current: [Int64: Objective], scope: AccessScope, actor: AuditActor, now: Date,
        today: LocalDate, on repositories: Repositories
    ) async throws -> (RenegotiationProposal, [Effect]) {
        let proposal = try await repositories.proposals.create(
            agreementID: agreementID, draft, parentID: parentID, current: current, scope: scope, actor: actor, now: now, today: today)
        return (proposal, ProposalRules.filed(proposal))
    }
}

/// A person's calendar feed address is issued (replacing any earlier one) or revoked; the secret in the address is
/// shown once and kept only as its SHA-256.
public struct CalendarFeedChanges: Sendable {
    let change: Change

    public func issue(userID: Int64, actor: AuditActor) async throws -> String {
        let secret = "cal_\(SecureToken.make())"
        try await self.change.run(actor: actor) { repositories, now in
            try await repositories.calendarFeeds.store(secret: secret, userID: userID, now: now)
            return ((), [.audit(AuditRecord(action: "issue", entity: "calendar_feed", entityID: userID, after: ["user_id": "\(userID)"]))])
        }
        return secret
    }

    public func revoke(userID: Int64, actor: AuditActor) async throws {
        try await self.change.run(actor: actor) { repositories, _ in
            let removed = try await repositories.calendarFeeds.remove(userID: userID)
            return ((), removed ? [.audit(AuditRecord(action: "revoke", entity: "calendar_feed", entityID: userID, after: ["user_id": "\(userID)"]))] : [])
        }
    }
}

extension UseCases {
    public var createReviewSeries: CreateReviewSeries { CreateReviewSeries(change: self.change) }
    public var setAttendees: SetAttendees { SetAttendees(change: self.change) }
    public var addMeeting: AddMeeting { AddMeeting(change: self.change) }
    public var endReviewSeries: EndReviewSeries { EndReviewSeries(change: self.change) }
    public var changeMeeting: ChangeMeeting { ChangeMeeting(repositories: self.repositories, clock: self.clock) }
    public var advanceReviewItem: AdvanceReviewItem { AdvanceReviewItem(change: self.change) }
    public var proposeTerms: ProposeTerms { ProposeTerms(repositories: self.repositories, clock: self.clock) }
    public var calendarFeed: CalendarFeedChanges { CalendarFeedChanges(change: self.change) }
}

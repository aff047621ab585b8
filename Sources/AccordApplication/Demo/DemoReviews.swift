import AccordDomain
import AccordStorage
import Foundation

/// The review history of the demo: a series of each tier with past meetings (packs frozen, minutes written and locked,
/// action items open and done), renewal terms with a notice deadline near and one passed, and a renegotiation in
/// progress: Northwind's proposal to relax its target, countered by the customer, with its what-if.
struct DemoReviews {
    let repositories: Repositories

    static let actionTexts = [
        "Share the March outage post-incident report", "Rehearse the failover runbook with the customer's on-call",
        "Publish the replication-lag dashboard to the customer", "Propose a maintenance calendar for the first quarter",
        "Confirm the December change freeze with the platform team",
    ]

    func seed(
        master: Agreement, northwind: Agreement, globex: Agreement, initech: Agreement, people: DemoGovernance.People, now: Date
    ) async throws {
        let org = AccessScope.organisation
        let carla = AuditActor(userID: people.carla.id, label: people.carla.name)
        let olli = AuditActor(userID: people.olli.id, label: people.olli.name)
        let berlin = TimeZone(identifier: "Europe/Berlin") ?? .gmt
        let today = LocalDate.of(now, in: berlin)
        guard let fourMonthsAgo = today.adding(days: -122), let threeWeeksAgo = today.adding(days: -21),
            let halfYearAgo = today.adding(days: -183), let yearAgo = today.adding(days: -366)
        else { return }
        let nora = try await self.repositories.contacts.list(vendorID: northwind.vendorID ?? 0, scope: org).first

        // renewal terms: Initech's notice deadline 85 days out (its 90-day reminder is due), Globex's passed and auto-renewing
        // (Northwind's agreement names its own notice date)
        for (agreement, daysToDeadline, autoRenews) in [(initech, 85, false), (globex, -10, true)] {
            guard let end = agreement.endDate, let deadline = today.adding(days: daysToDeadline) else { continue }
            var terms = try await self.repositories.governanceTerms.find(agreementID: agreement.id, scope: org)
            terms.noticePeriodDays = end.daysSince1970 - deadline.daysSince1970
            terms.autoRenews = autoRenews
            _ = try await SaveGovernanceTerms(change: Change(repositories: self.repositories, clock: { Date() }))(
                agreementID: agreement.id, terms, expectedRowVersion: terms.rowVersion, scope: org, actor: carla)
        }

        let createSeries = CreateReviewSeries(change: Change(repositories: self.repositories, clock: { now }))
        // tactical: Northwind's monthly service review, four months of history
        let monthly = try await createSeries(
            ReviewSeriesDraft(
                title: "Northwind monthly service review", tier: .tactical, scope: .agreement(northwind.id),
                recurrence: .monthly(ordinal: 1, weekday: 3), timeZone: "Europe/Berlin", startTime: ClockTime("10:00"), durationMinutes: 60,
                startsOn: fourMonthsAgo, location: "Room Spree / video call", attendeeUserIDs: [people.carla.id, people.ari.id, people.olli.id],
                attendeeContactIDs: nora.map { [$0.id] } ?? []),
            scope: org, actor: carla)
        // operational: Initech's weekly service desk check, three weeks of history
        let weekly = try await createSeries(
            ReviewSeriesDraft(
                title: "Initech weekly service desk check", tier: .operational, scope: .agreement(initech.id),
                recurrence: .weekly(weekday: 1, everyWeeks: 1), timeZone: "Europe/Berlin", startTime: ClockTime("09:30"), durationMinutes: 30,
                startsOn: threeWeeksAgo, location: "Video call", attendeeUserIDs: [people.carla.id, people.dana.id]),
            scope: org, actor: carla)
        // strategic: the quarterly business review of the checkout service with every vendor under it
        let quarterly = try await createSeries(
            ReviewSeriesDraft(
                title: "Checkout quarterly business review", tier: .strategic, scope: .master(master.id),
                recurrence: .quarterly(ordinal: 1, weekday: 4), timeZone: "Europe/Berlin", startTime: ClockTime("14:00"), durationMinutes: 90,
                startsOn: halfYearAgo, location: "Board room", attendeeUserIDs: [people.carla.id, people.ada.id, people.olli.id, people.dana.id]),
            scope: org, actor: carla)
        // annual: Globex's relationship review
        let annual = try await createSeries(
            ReviewSeriesDraft(
                title: "Globex annual relationship review", tier: .annual, scope: .vendor(globex.vendorID ?? 0),
                recurrence: .yearly(month: 11, ordinal: -1, weekday: 2), timeZone: "Europe/Berlin", startTime: ClockTime("11:00"), durationMinutes: 120,
                startsOn: yearAgo, attendeeUserIDs: [people.carla.id, people.ada.id]),
            scope: org, actor: carla)
        for (series, from) in [(monthly, fourMonthsAgo), (weekly, threeWeeksAgo), (quarterly, halfYearAgo), (annual, yearAgo)] {
            _ = try await self.repositories.reviews.backfill(seriesID: series.id, from: from, now: now)
        }

        try await self.heldMeetings(of: [monthly, weekly, quarterly, annual], monthlyID: monthly.id, northwind: northwind, carla: carla, olli: olli, now: now)
        // minutes whose three-business-day comment period has ended are locked with their hash
        _ = try await ReviewMeetingsJob.lockDueMinutes(repositories: self.repositories, now: now)

        try await self.renegotiation(northwind: northwind, carla: carla, olli: olli, now: now, today: today)
    }

    /// Past meetings: packs frozen, minutes written; the monthly's items roll forward until done.
    private func heldMeetings(
        of allSeries: [ReviewSeries], monthlyID: Int64, northwind: Agreement, carla: AuditActor, olli: AuditActor, now: Date
    ) async throws {
        let org = AccessScope.organisation
        let packs = ReviewPacks(repositories: self.repositories, clock: { now })
        for series in allSeries {
            let held = try await self.repositories.reviews.meetings(seriesID: series.id, scope: org).filter { $0.endsAt < now }
            let attendees = try await self.repositories.reviews.attendees(seriesID: series.id)
            for (index, meeting) in held.enumerated() {
                // history: only the latest meeting's pack is announced
                try await packs.freeze(
                    meetingID: meeting.id, scheduled: true, announce: index == held.count - 1 && series.id == monthlyID,
                    actor: AuditActor(userID: nil, label: "review-meetings job"))
                let minutes = ChangeMeeting(repositories: self.repositories, clock: { meeting.endsAt })
                _ = try await minutes.saveMinutes(
                    meetingID: meeting.id, attendance: attendees.prefix(max(1, attendees.count - index % 2)).map(\.id),
                    notes: [
                        .init(item: "Opening and scorecard", text: "Scorecard walked through; figures agreed as in the pack."),
                        .init(item: "Decisions, actions and close", text: "Actions below; next review as planned."),
                    ], expectedRowVersion: nil, scope: org, actor: carla)
                _ = try await minutes.addItem(
                    meetingID: meeting.id,
                    ReviewItemDraft(kind: .decision, text: "The pack's figures are accepted as the record of the period.", decidedBy: "The meeting"),
                    partyVendorID: nil, scope: org, actor: carla)
                if series.id == monthlyID, let due = meeting.day.adding(days: 14) {
                    let action = try await minutes.addItem(
                        meetingID: meeting.id,
                        ReviewItemDraft(
                            kind: .action, text: Self.actionTexts[index % Self.actionTexts.count],
                            ownerName: "Olli Ops", ownerVendorID: northwind.vendorID, dueOn: due),
                        partyVendorID: northwind.vendorID, scope: org, actor: carla)
                    // the first month's action is done; later ones stay open and roll into the next agenda
                    if index == 0 {
                        _ = try await AdvanceReviewItem(change: Change(repositories: self.repositories, clock: { now }))(
                            .done, itemID: action.id, scope: .vendor(northwind.vendorID ?? 0), actor: olli)
                    }
                }
                if series.id == monthlyID, index == held.count - 1 {
                    _ = try await minutes.addItem(
                        meetingID: meeting.id, ReviewItemDraft(kind: .question, text: "Should the peak season in December have its own target?"),
                        partyVendorID: nil, scope: org, actor: carla)
                }
            }
        }
    }

    /// A renegotiation in progress: Northwind proposes relaxing availability, the customer counters.
    private func renegotiation(northwind: Agreement, carla: AuditActor, olli: AuditActor, now: Date, today: LocalDate) async throws {
        let org = AccessScope.organisation
        let service = RenegotiationService(repositories: self.repositories, clock: { now })
        let current = try await service.currentObjectives(agreementID: northwind.id, scope: org)
        func propose(_ draft: ProposalDraft, parentID: Int64?, scope: AccessScope, actor: AuditActor) async throws -> RenegotiationProposal {
            try await Change(repositories: self.repositories, clock: { now }).run(actor: actor) { repositories, now in
                try await ProposeTerms.file(
                    agreementID: northwind.id, draft, parentID: parentID, current: current, scope: scope, actor: actor, now: now, today: today,
                    on: repositories)
            }
        }
        if let (seriesID, objective) = current.first, let effective = LocalDate(year: today.year + 1, month: 2, day: 1) {
            let proposal = try await propose(
                ProposalDraft(
                    title: "Relax platform availability to 99.8 %",
                    rationale: "The March outage aside, the platform ran between 99.8 and 99.9 % in most months; a 99.8 % target with the same credit tiers matches what the shared architecture can deliver.",
                    effectiveFrom: effective,
                    changes: [TermsChange(seriesID: seriesID, objectiveName: objective.name, slaTarget: Decimal(string: "99.8"))], replayPeriods: 12),
                parentID: nil, scope: .vendor(northwind.vendorID ?? 0), actor: olli)
            _ = try await propose(
                ProposalDraft(
                    title: "Counter: 99.85 % with a steeper first credit tier",
                    rationale: "Checkout depends on the platform at peak; we can accept 99.85 % if the first credit tier starts at 99.85 % with 15 %.",
                    effectiveFrom: effective,
                    changes: [
                        TermsChange(
                            seriesID: seriesID, objectiveName: objective.name, slaTarget: Decimal(string: "99.85"),
                            creditTiers: [
                                CreditTier(threshold: Decimal(string: "99.85") ?? 99, percent: 15), CreditTier(threshold: 99, percent: 25),
                                CreditTier(threshold: 95, percent: 100),
                            ])
                    ], replayPeriods: 12),
                parentID: proposal.id, scope: org, actor: carla)
        }
    }
}

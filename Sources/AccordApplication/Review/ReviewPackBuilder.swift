import AccordDomain
import AccordStorage
import Foundation

/// Reads a meeting's facts from the data and builds its pack: the agenda, the scorecard and every table. For a vendor
/// audience every read is narrowed to that vendor and nothing internal is included (no SLO, no burn-rate alerts, no
/// unused-budget candidates, no staff names beyond the attendees).
public struct ReviewPackBuilder: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.repositories = repositories
        self.clock = clock
    }

    /// How far back the facts of a series' first meeting reach.
    static func firstSpan(_ tier: ReviewTier) -> TimeInterval {
        switch tier {
        case .operational: 7 * 86_400
        case .tactical: 31 * 86_400
        case .strategic: 92 * 86_400
        case .annual: 366 * 86_400
        }
    }

    /// The vendors a meeting's packs are for: each vendor of the series' scope gets its own.
    public func audiences(_ series: ReviewSeries) async throws -> [(id: Int64, name: String)] {
        try await self.repositories.reviews.vendors(of: series.scope)
    }

    public func build(meeting: ReviewMeeting, series: ReviewSeries, audienceVendorID: Int64?) async throws -> ReviewPack {
        let now = self.clock()
        let zone = TimeZone(identifier: series.timeZone) ?? .gmt
        let today = LocalDate.of(now, in: zone)
        let scope: AccessScope = audienceVendorID.map { .vendor($0) } ?? .organisation
        let internalPack = audienceVendorID == nil
        let previous = try await self.repositories.reviews.previousMeeting(before: meeting)
        let factsFrom = previous?.startsAt ?? meeting.startsAt.addingTimeInterval(-Self.firstSpan(series.tier))
        let factsTo = min(now, meeting.startsAt)
        let vendors = try await self.audiences(series)
        let audienceName = audienceVendorID.map { id in vendors.first { $0.id == id }?.name ?? "Vendor" } ?? "Internal"

        // objectives in the series' scope (a vendor's own only)
        let entries = try await self.repositories.objectives.portfolio(scope: scope, today: today).filter { entry in
            switch series.scope {
            case .agreement(let id): entry.placement.agreementID == id
            case .vendor(let id): entry.vendorID == id
            case .master(let id): entry.placement.agreementID == id || entry.masterID == id
            }
        }
        let agreementIDs = Array(Set(entries.map(\.placement.agreementID) + [series.scope.agreementID].compactMap { $0 })).sorted()
        let seriesIDs = entries.map(\.objective.seriesID)
        let records = try await self.repositories.periodRecords.latestRecords(
            seriesIDs: seriesIDs, from: now.addingTimeInterval(-2 * 366 * 86_400), to: now)
        let closed = Dictionary(grouping: records.filter { $0.periodEnd <= now }, by: \.seriesID).mapValues { $0.sorted { $0.periodStart < $1.periodStart } }
        let firing = internalPack ? try await self.repositories.periodRecords.firingRules(seriesIDs: seriesIDs) : [:]

        // the vendors whose probation has ended (their last day has passed): candidates to tighten their terms
        var probationEnded = Set<Int64>()
        if internalPack {
            for vendorID in Set(entries.compactMap(\.vendorID)) {
                let vendor = try await self.repositories.vendors.find(id: vendorID, scope: .organisation)
                if let until = vendor.probationUntil, until < today { probationEnded.insert(vendorID) }
            }
        }
        var objectives: [AgendaFacts.Objective] = []
        var scorecard: [ReviewPack.ScoreRow] = []
        var candidates: [ReviewPack.Row] = []
        var items: [AgendaFacts.Item] = []
        for entry in entries {
            let objective = entry.objective
            let entryZone = TimeZone(identifier: entry.timeZone) ?? .gmt
            let party = entry.vendorName ?? "The customer"
            let history = closed[objective.seriesID] ?? []
            let latest = history.last
            // the period's own target, as recorded at its close (a season or ramp step may have set it)
            let target = latest?.slaTarget ?? objective.slaTarget
            let status: AgendaFacts.Status =
                switch latest?.slaStatus {
                case .breached: .breached
                case .met:
                    internalPack && (latest?.sloStatus == .breached || !(firing[objective.seriesID] ?? []).isEmpty) ? .atRisk : .met
                default: .noData
                }
            let trend = history.suffix(6).map(\.attainment)
            objectives.append(
                AgendaFacts.Objective(
                    name: objective.name, party: party, target: target, actual: latest?.attainment, status: status, trend: trend))
            scorecard.append(
                ReviewPack.ScoreRow(
                    objectiveID: objective.id, objective: objective.name, agreement: entry.agreementTitle, party: party,
                    period: latest.map { ReviewText.periodLabel($0.periodStart, zone: entryZone, window: objective.window) } ?? "—",
                    target: target, actual: latest?.attainment.map { $0.rounded(places: 3) },
                    variance: latest?.attainment.map { ($0 - target).rounded(places: 3) }, status: status.rawValue, trend: trend,
                    source: objective.sliKind.isTicketBased ? "Ticket events (\(objective.sliKind.label.lowercased()))" : "Availability buckets (good / valid)",
                    lineage: latest.map { "/objectives/\(objective.id)/periods/\(RFC3339.format($0.periodStart))" }))
            // renegotiation candidates from the last 12 closed periods: the customer's negotiating position, internal only
            guard internalPack else { continue }
            let window = history.suffix(12)
            // an objective in its first year (at most 12 periods recorded in the two years read) is new: its first target
            // can be set from its history
            let ended = entry.vendorID.map { probationEnded.contains($0) } ?? false
            let found = RenegotiationRules.candidates(
                attainments: window.map(\.attainment), target: target,
                budgetLeft: internalPack ? window.map { $0.budgetConsumed.map { 1 - $0 } } : [], isNew: history.count <= 12, probationEnded: ended,
                standardTarget: objective.slaTarget, metTheirTargets: window.map { $0.slaStatus == .met })
            for candidate in found {
                var message = candidate.message
                if candidate.kind == .probationEnded, let tighter = candidate.suggestedTarget {
                    message += " " + (try await self.probationWhatIf(
                        objective: objective, target: objective.slaTarget, tighter: tighter,
                        periods: Array(window.suffix(RenegotiationRules.Settings().probationGoodPeriods)), agreementID: entry.placement.agreementID,
                        zone: entryZone))
                }
                candidates.append(ReviewPack.Row(cells: [objective.name, party, candidate.kind.rawValue.replacingOccurrences(of: "_", with: " "), message], link: nil, flagged: false))
                items.append(AgendaFacts.Item(kind: .renegotiation, text: "\(objective.name): \(message)", party: party))
            }
        }

        let facts = self.repositories.reviewFacts
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm zzz"
        func stamp(_ date: Date) -> String { formatter.string(from: date) }
        let breaches = try await facts.breaches(agreementIDs: agreementIDs, vendorID: audienceVendorID, from: factsFrom, to: factsTo)
        let windows = Dictionary(entries.map { ($0.objective.id, $0.objective.window) }, uniquingKeysWith: { first, _ in first })
        let breachRows = breaches.map { breach in
            ReviewPack.BreachRow(
                objective: breach.objectiveName, party: breach.party,
                period: ReviewText.periodLabel(
                    breach.periodStart, zone: TimeZone(identifier: breach.timeZone) ?? .gmt, window: windows[breach.objectiveID] ?? .calendarMonth),
                attainment: breach.attainment.rounded(places: 3), target: breach.target,
                lineage: "/objectives/\(breach.objectiveID)/periods/\(RFC3339.format(breach.periodStart))")
        }
        for breach in breachRows {
            items.append(
                AgendaFacts.Item(
                    kind: .breach, text: "SLA breach: \(breach.objective), \(breach.period): \(breach.attainment.plain) % against \(breach.target.plain) %",
                    party: breach.party, shortfall: breach.target - breach.attainment))
        }
        var tables: [ReviewPack.Table] = []
        if internalPack {
            let alerts = try await facts.alertsFired(seriesIDs: seriesIDs, from: factsFrom, to: factsTo)
            for alert in alerts {
                items.append(AgendaFacts.Item(kind: .alert, text: "Burn-rate alert (\(alert.severity)): \(alert.objectiveName)", party: alert.party))
            }
            tables.append(
                ReviewPack.Table(
                    key: "alerts", title: "Burn-rate alerts fired", columns: ["Objective", "Party", "Rule", "Severity", "Fired at"],
                    rows: alerts.map { ReviewPack.Row(cells: [$0.objectiveName, $0.party, $0.rule, $0.severity, stamp($0.at)], link: nil, flagged: false) },
                    empty: "No alert fired."))
        }
        let rcas = try await facts.openRCAs(agreementIDs: agreementIDs, vendorID: audienceVendorID)
        for rca in rcas {
            let late = max(0, today.daysSince1970 - rca.dueOn.daysSince1970)
            items.append(
                AgendaFacts.Item(
                    kind: .rca, text: "RCA #\(rca.id) \(rca.title) (\(rca.status.replacingOccurrences(of: "_", with: " ")))", party: rca.parties,
                    days: late, overdue: rca.dueOn < today))
        }
        tables.append(
            ReviewPack.Table(
                key: "rcas", title: "Root-cause analyses open", columns: ["RCA", "Title", "Status", "Due", "Parties"],
                rows: rcas.map {
                    ReviewPack.Row(
                        cells: ["#\($0.id)", $0.title, $0.status.replacingOccurrences(of: "_", with: " "), $0.dueOn.description, $0.parties],
                        link: "/rcas/\($0.id)", flagged: $0.dueOn < today)
                }, empty: "No RCA open."))
        // a vendor's pack names its own people only: the customer's and other vendors' people appear as their party
        func owner(_ name: String, vendorID: Int64?, party: String) -> String {
            audienceVendorID == nil || (vendorID != nil && vendorID == audienceVendorID) ? name : party
        }
        let actions = try await facts.openActions(agreementIDs: agreementIDs, vendorID: audienceVendorID).map { action in
            var shown = action
            shown.ownerName = owner(action.ownerName, vendorID: action.ownerVendorID, party: action.party)
            return shown
        }
        for action in actions {
            items.append(
                AgendaFacts.Item(
                    kind: .action, text: "Action #\(action.id) (RCA #\(action.rcaID)): \(action.description) — \(action.ownerName)", party: action.party,
                    days: max(0, today.daysSince1970 - action.dueOn.daysSince1970), overdue: action.dueOn < today))
        }
        tables.append(
            ReviewPack.Table(
                key: "actions", title: "Corrective actions open", columns: ["Action", "Description", "Owner", "Party", "Due", "Status"],
                rows: actions.map {
                    ReviewPack.Row(
                        cells: ["#\($0.id)", $0.description, $0.ownerName, $0.party, $0.dueOn.description, $0.status.replacingOccurrences(of: "_", with: " ")],
                        link: "/actions/\($0.id)", flagged: $0.dueOn < today)
                }, empty: "No corrective action open."))
        let claims = try await facts.pendingClaims(agreementIDs: agreementIDs, vendorID: audienceVendorID)
        for claim in claims {
            items.append(AgendaFacts.Item(kind: .claim, text: "Exclusion claim #\(claim.id) (\(claim.kind.replacingOccurrences(of: "_", with: " "))) awaiting a decision", party: claim.party))
        }
        tables.append(
            ReviewPack.Table(
                key: "claims", title: "Exclusion claims awaiting a decision", columns: ["Claim", "Kind", "Vendor", "From", "To", "Filed"],
                rows: claims.map {
                    ReviewPack.Row(
                        cells: ["#\($0.id)", $0.kind.replacingOccurrences(of: "_", with: " "), $0.party, stamp($0.startsAt), stamp($0.endsAt),
                                LocalDate.of($0.filedAt, in: zone).description], link: "/claims/\($0.id)", flagged: false)
                }, empty: "No claim pending."))
        let disputes = try await facts.openDisputes(agreementIDs: agreementIDs, vendorID: audienceVendorID)
        for dispute in disputes {
            items.append(AgendaFacts.Item(kind: .dispute, text: "Dispute #\(dispute.id) of \(dispute.objectiveName) (\(dispute.subject))", party: dispute.party))
        }
        tables.append(
            ReviewPack.Table(
                key: "disputes", title: "Disputes open", columns: ["Dispute", "Objective", "Subject", "Vendor", "Period", "Filed"],
                rows: disputes.map {
                    ReviewPack.Row(
                        cells: ["#\($0.id)", $0.objectiveName, $0.subject, $0.party,
                                ReviewText.periodLabel($0.periodStart, zone: TimeZone(identifier: $0.timeZone) ?? .gmt, window: windows[$0.objectiveID] ?? .calendarMonth),
                                LocalDate.of($0.filedAt, in: zone).description],
                        link: "/disputes/\($0.id)", flagged: false)
                }, empty: "No dispute open."))
        let credits = try await facts.credits(agreementIDs: agreementIDs, vendorID: audienceVendorID, from: factsFrom, to: factsTo)
        for credit in credits where credit.status == "computed" {
            items.append(
                AgendaFacts.Item(
                    kind: .credit,
                    text: "Credit awaiting approval: \(credit.objectiveName), \(ReviewText.periodLabel(credit.periodStart, zone: TimeZone(identifier: credit.timeZone) ?? .gmt, window: windows[credit.objectiveID] ?? .calendarMonth)): \(credit.amount.plain) \(credit.currency)",
                    party: credit.party))
        }
        tables.append(
            ReviewPack.Table(
                key: "credits", title: "Service credits", columns: ["Objective", "Party", "Period start", "Amount", "Currency", "Status"],
                rows: credits.map {
                    ReviewPack.Row(
                        cells: [$0.objectiveName, $0.party, LocalDate.of($0.periodStart, in: TimeZone(identifier: $0.timeZone) ?? .gmt).description,
                                $0.amount.plain, $0.currency, $0.status],
                        link: internalPack ? "/credits/\($0.id)" : nil, flagged: $0.status == "computed")
                }, empty: "No credit in this span."))
        // notice deadlines within 180 days, and those passed while the term runs: the customer's renewal decision, internal only
        let notices = (internalPack ? try await facts.notices(agreementIDs: agreementIDs, vendorID: nil) : []).filter { notice in
            let left = notice.deadline.daysSince1970 - today.daysSince1970
            return left <= 180 && (left >= 0 || (notice.endDate.map { $0 >= today } ?? false))
        }
        for notice in notices {
            let left = notice.deadline.daysSince1970 - today.daysSince1970
            items.append(
                AgendaFacts.Item(
                    kind: .notice,
                    text: left >= 0 ? "Notice deadline for \(notice.title): \(notice.deadline)" : "\(notice.title): \(RenewalRules.afterDeadline(autoRenews: notice.autoRenews))",
                    party: vendors.first { $0.id == notice.vendorID }?.name ?? "The customer", days: max(0, left)))
        }
        if internalPack {
            tables.append(
                ReviewPack.Table(
                    key: "notices", title: "Notice deadlines (next 180 days)", columns: ["Agreement", "Deadline", "Days left", "Term ends", "After the deadline"],
                    rows: notices.map { notice in
                        let left = notice.deadline.daysSince1970 - today.daysSince1970
                        return ReviewPack.Row(
                            cells: [notice.title, notice.deadline.description, "\(left)", notice.endDate?.description ?? "",
                                    notice.autoRenews ? "renews automatically" : "expires"],
                            link: "/agreements/\(notice.agreementID)", flagged: left <= 30)
                    }, empty: "No notice deadline within 180 days."))
            tables.append(
                ReviewPack.Table(
                    key: "candidates", title: "Renegotiation candidates", columns: ["Objective", "Party", "Rule", "Evidence"], rows: candidates,
                    empty: "The data suggests no change of terms."))
        }
        // items carried from earlier meetings of the series
        let carried = try await self.repositories.reviews.carriedItems(seriesID: series.id, before: meeting.day, scope: scope).map { item in
            var shown = item
            shown.ownerName = owner(item.ownerName, vendorID: item.ownerVendorID, party: item.ownerParty)
            return shown
        }
        for item in carried {
            let owner = item.kind == .action ? " — \(item.ownerName), due \(item.dueOn?.description ?? "")" : ""
            items.append(
                AgendaFacts.Item(
                    kind: .carried, text: "\(item.kind == .action ? "Action item" : "Open question"): \(item.text)\(owner)", party: item.ownerParty,
                    days: item.dueOn.map { max(0, today.daysSince1970 - $0.daysSince1970) }, overdue: item.dueOn.map { $0 < today } ?? false,
                    raisedOn: item.raisedOn))
        }
        tables.append(
            ReviewPack.Table(
                key: "carried", title: "Open items from earlier meetings", columns: ["Kind", "Item", "Owner", "Party", "Due", "Raised"],
                rows: carried.map {
                    ReviewPack.Row(
                        cells: [$0.kind.rawValue, $0.text, $0.ownerName, $0.ownerParty, $0.dueOn?.description ?? "", $0.raisedOn.description],
                        link: "/meetings/\($0.meetingID)", flagged: $0.dueOn.map { $0 < today } ?? false)
                }, empty: "Nothing carried over."))
        // open proposals with their what-if
        let service = RenegotiationService(repositories: self.repositories, clock: self.clock)
        var proposals: [ReviewPack.Proposal] = []
        for proposal in try await self.repositories.proposals.open(agreementIDs: agreementIDs, vendorID: audienceVendorID) {
            items.append(
                AgendaFacts.Item(
                    kind: .renegotiation, text: "Proposal #\(proposal.id): \(proposal.title) (\(proposal.status.label.lowercased()))",
                    party: proposal.proposedByVendorID.flatMap { id in vendors.first { $0.id == id }?.name } ?? "The customer"))
            proposals.append(
                ReviewPack.Proposal(
                    id: proposal.id, title: proposal.title, status: proposal.status.label, effectiveFrom: proposal.effectiveFrom.description,
                    whatIf: try await service.whatIf(proposal, scope: scope)))
        }

        let agendaFacts = AgendaFacts(
            tier: series.tier, title: "\(series.title) — \(meeting.day)", meetingDay: meeting.day, durationMinutes: series.durationMinutes,
            objectives: objectives, items: items)
        let agenda = ReviewAgendaBuilder.build(agendaFacts)
        let all = try await self.repositories.reviews.attendees(seriesID: series.id)
        var attendees = all.map { ReviewPack.Attendee(name: $0.name, party: $0.party) }
        if let audienceVendorID {
            // a vendor's pack names its own people only: the customer's are counted, other vendors' left out
            let customer = all.filter { $0.vendorID == nil }.count
            attendees = all.filter { $0.vendorID == audienceVendorID }.map { ReviewPack.Attendee(name: $0.name, party: $0.party) }
            if customer > 0 { attendees.insert(ReviewPack.Attendee(name: "\(customer) \(customer == 1 ? "person" : "people")", party: "The customer"), at: 0) }
        }
        return ReviewPack(
            meetingID: meeting.id, seriesID: series.id, title: series.title, tier: series.tier.label, audience: audienceName,
            audienceVendorID: audienceVendorID, scope: internalPack ? series.scopeLabel : "\(audienceName): \(series.tier.label.lowercased()) review",
            day: meeting.day.description, when: ReviewText.meetingTime(start: meeting.startsAt, end: meeting.endsAt, zone: zone),
            startsAt: meeting.startsAt, endsAt: meeting.endsAt, timeZone: series.timeZone, location: series.location, factsFrom: factsFrom,
            factsTo: factsTo, generatedAt: now, attendees: attendees,
            agenda: agenda.sections.map { section in
                ReviewPack.AgendaSection(
                    title: section.title, minutes: section.minutes, items: section.items.map { ReviewPack.AgendaItem(text: $0.text, minutes: $0.minutes) })
            }, forInformation: agenda.forInformation.map(\.text), quiet: agenda.quiet, scorecard: scorecard, breaches: breachRows, tables: tables,
            proposals: proposals)
    }

    /// The what-if of a probation candidate: the periods that met the target replayed under the tighter one, from their
    /// recorded exact counts (the credits each would owe, without the probation factor: probation has ended).
    func probationWhatIf(
        objective: Objective, target: Decimal, tighter: Decimal, periods: [PeriodRecord], agreementID: Int64, zone: TimeZone
    ) async throws -> String {
        let agreement = try await self.repositories.agreements.find(id: agreementID, scope: .organisation)
        let credits = agreement.kind == .vendor && agreement.fee > 0 && objective.window.days == nil
        let fee = credits ? CreditCalculator.periodFee(fee: agreement.fee, feePeriod: agreement.feePeriod, window: objective.window) : 0
        let replay = WhatIfReplay.run(
            objectiveName: objective.name,
            periods: periods.map { record in
                // each period under the terms in force on its first day: a season or ramp step keeps its own targets
                let day = LocalDate.of(record.periodStart, in: zone)
                var period = WhatIfReplay.Period(
                    start: record.periodStart, label: ReviewText.periodLabel(record.periodStart, zone: zone, window: objective.window),
                    counts: EventCounts(good: record.good, valid: record.valid), periodFee: fee, onProbation: false)
                if objective.movingTerms.source(forPeriodStarting: day) != .base {
                    let inForce = objective.inForce(forPeriodStarting: day)
                    period.currentTerms = WhatIfReplay.Terms(slaTarget: inForce.slaTarget, sloTarget: inForce.sloTarget, credits: inForce.credits)
                    period.proposedTerms = period.currentTerms
                }
                return period
            },
            current: WhatIfReplay.Terms(slaTarget: target, sloTarget: objective.sloTarget, credits: objective.credits),
            proposed: WhatIfReplay.Terms(slaTarget: tighter, sloTarget: max(objective.sloTarget, tighter), credits: objective.credits),
            currency: agreement.currency)
        return "What-if over those \(replay.rows.count) periods at \(tighter.plain) %: \(replay.proposedBreaches) breached (now \(replay.currentBreaches)), "
            + "credits \(CreditCalculator.minorUnitText(replay.proposedCredits, currency: agreement.currency)) \(agreement.currency) "
            + "(now \(CreditCalculator.minorUnitText(replay.currentCredits, currency: agreement.currency)) \(agreement.currency))."
    }
}

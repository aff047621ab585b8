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

    /// What every section of one pack reads by: the meeting's series, the audience (nil: the customer's internal
    /// pack), the span of facts, the objectives in scope and the agreements they belong to.
    struct Facts: Sendable {
        var meeting: ReviewMeeting
        var series: ReviewSeries
        var audienceVendorID: Int64?
        var now: Date
        var zone: TimeZone
        var today: LocalDate
        var factsFrom: Date
        var factsTo: Date
        var vendors: [(id: Int64, name: String)]
        var entries: [PortfolioEntry]
        var agreementIDs: [Int64]

        var scope: AccessScope { self.audienceVendorID.map { .vendor($0) } ?? .organisation }
        var internalPack: Bool { self.audienceVendorID == nil }
        var seriesIDs: [Int64] { self.entries.map(\.objective.seriesID) }
        var windows: [Int64: ObjectiveWindow] {
            Dictionary(self.entries.map { ($0.objective.id, $0.objective.window) }, uniquingKeysWith: { first, _ in first })
        }

        /// "2 Dec 2026 10:00 CET" in the series' zone.
        func stamp(_ date: Date) -> String {
            Stamp.format(date, self.zone)
        }

        /// A vendor's pack names its own people only: the customer's and other vendors' people appear as their party.
        func owner(_ name: String, vendorID: Int64?, party: String) -> String {
            self.audienceVendorID == nil || (vendorID != nil && vendorID == self.audienceVendorID) ? name : party
        }

        func periodLabel(_ start: Date, timeZone: String, objectiveID: Int64) -> String {
            ReviewText.periodLabel(start, zone: TimeZone(identifier: timeZone) ?? .gmt, window: self.windows[objectiveID] ?? .calendarMonth)
        }
    }

    /// What one section adds: agenda items (for the agenda builder to weigh) and tables.
    struct Section: Sendable {
        var items: [AgendaFacts.Item] = []
        var tables: [ReviewPack.Table] = []
    }

    /// The pack of a meeting for an audience: each section read in turn, then the agenda built from their items.
    public func build(meeting: ReviewMeeting, series: ReviewSeries, audienceVendorID: Int64?) async throws -> ReviewPack {
        let facts = try await self.facts(meeting: meeting, series: series, audienceVendorID: audienceVendorID)
        let objectives = try await self.objectives(facts)
        let breaches = try await self.breaches(facts)
        let (proposals, proposalItems) = try await self.proposals(facts)
        var sections = [objectives.section, breaches.section]
        for section in [self.alerts, self.rcas, self.actions, self.claims, self.disputes, self.credits, self.notices] {
            sections.append(try await section(facts))
        }
        if facts.internalPack {
            sections.append(
                Section(tables: [
                    ReviewPack.Table(
                        key: "candidates", title: "Renegotiation candidates", columns: ["Objective", "Party", "Rule", "Evidence"],
                        rows: objectives.candidates, empty: "The data suggests no change of terms.")
                ]))
        }
        sections.append(try await self.carried(facts))
        sections.append(Section(items: proposalItems))
        let audienceName = audienceVendorID.map { id in facts.vendors.first { $0.id == id }?.name ?? "Vendor" }
        let agenda = ReviewAgendaBuilder.build(
            AgendaFacts(
                tier: series.tier, title: "\(series.title) — \(meeting.day)", meetingDay: meeting.day, durationMinutes: series.durationMinutes,
                objectives: objectives.facts, items: sections.flatMap(\.items), audienceParty: audienceName))
        return ReviewPack(
            meetingID: meeting.id, seriesID: series.id, title: series.title, tier: series.tier.label, audience: audienceName ?? "Internal",
            audienceVendorID: audienceVendorID,
            scope: facts.internalPack ? series.scopeLabel : "\(audienceName ?? "Vendor"): \(series.tier.label.lowercased()) review",
            day: meeting.day.description, when: ReviewText.meetingTime(start: meeting.startsAt, end: meeting.endsAt, zone: facts.zone),
            startsAt: meeting.startsAt, endsAt: meeting.endsAt, timeZone: series.timeZone, location: series.location, factsFrom: facts.factsFrom,
            factsTo: facts.factsTo, generatedAt: facts.now, attendees: try await self.attendees(facts),
            agenda: agenda.sections.map { section in
                ReviewPack.AgendaSection(
                    title: section.title, minutes: section.minutes, items: section.items.map { ReviewPack.AgendaItem(text: $0.text, minutes: $0.minutes, link: $0.link) })
            }, forInformation: agenda.forInformation.map(\.text), quiet: agenda.quiet, scorecard: objectives.scorecard, breaches: breaches.rows,
            tables: sections.flatMap(\.tables), proposals: proposals)
    }

    /// The span of facts (since the previous meeting, or the tier's span before the first) and the objectives in the
    /// series' scope (a vendor's own only).
    func facts(meeting: ReviewMeeting, series: ReviewSeries, audienceVendorID: Int64?) async throws -> Facts {
        let now = self.clock()
        let zone = TimeZone(identifier: series.timeZone) ?? .gmt
        let today = LocalDate.of(now, in: zone)
        let scope: AccessScope = audienceVendorID.map { .vendor($0) } ?? .organisation
        let previous = try await self.repositories.reviews.previousMeeting(before: meeting)
        let entries = try await self.repositories.objectives.portfolio(scope: scope, today: today).filter { entry in
            switch series.scope {
            case .agreement(let id): entry.placement.agreementID == id
            case .vendor(let id): entry.vendorID == id
            case .master(let id): entry.placement.agreementID == id || entry.masterID == id
            }
        }
        return Facts(
            meeting: meeting, series: series, audienceVendorID: audienceVendorID, now: now, zone: zone, today: today,
            factsFrom: previous?.startsAt ?? meeting.startsAt.addingTimeInterval(-Self.firstSpan(series.tier)), factsTo: min(now, meeting.startsAt),
            vendors: try await self.audiences(series), entries: entries,
            agreementIDs: Array(Set(entries.map(\.placement.agreementID) + [series.scope.agreementID].compactMap { $0 })).sorted())
    }

    /// Each objective's last closed period against its own target, with its own outcome, and the period under way
    /// apart, so far: the scorecard, the agenda's facts, and (internal only) the renegotiation candidates of its last 12
    /// periods, the customer's negotiating position. Everything as of the pack's cut-off.
    func objectives(_ facts: Facts) async throws
        -> (facts: [AgendaFacts.Objective], scorecard: [ReviewPack.ScoreRow], candidates: [ReviewPack.Row], section: Section)
    {
        let cutOff = facts.factsTo
        let records = try await self.repositories.periodRecords.latestRecords(
            seriesIDs: facts.seriesIDs, from: cutOff.addingTimeInterval(-2 * 366 * 86_400), to: cutOff)
        let closed = Dictionary(grouping: records.filter { $0.periodEnd <= cutOff }, by: \.seriesID).mapValues { $0.sorted { $0.periodStart < $1.periodStart } }
        let underWay = Dictionary(
            try await PortfolioReport(repositories: self.repositories).rows(scope: facts.scope, now: cutOff, seriesIDs: facts.seriesIDs)
                .map { ($0.entry.objective.seriesID, $0) }, uniquingKeysWith: { first, _ in first })
        let firing = facts.internalPack ? try await self.repositories.periodRecords.firingRules(seriesIDs: facts.seriesIDs) : [:]
        let probationEnded = facts.internalPack ? try await self.probationEnded(facts) : []
        var objectives: [AgendaFacts.Objective] = []
        var scorecard: [ReviewPack.ScoreRow] = []
        var candidates: [ReviewPack.Row] = []
        var section = Section()
        for entry in facts.entries {
            let objective = entry.objective
            let party = entry.vendorName ?? "The customer"
            let history = closed[objective.seriesID] ?? []
            let latest = history.last
            // the period's own target, as recorded at its close (a season or ramp step may have set it)
            let target = latest?.slaTarget ?? objective.slaTarget
            let status: AgendaFacts.Status =
                switch latest?.slaStatus {
                case .breached: .breached
                case .met: .met
                default: .noData
                }
            let current = underWay[objective.seriesID].map { Self.current($0, firing: firing[objective.seriesID] ?? [], internalPack: facts.internalPack) }
            let trend = history.suffix(6).map(\.attainment)
            let period = latest.map { ReviewText.periodLabel($0.periodStart, zone: TimeZone(identifier: entry.timeZone) ?? .gmt, window: objective.window) }
            objectives.append(
                AgendaFacts.Objective(
                    name: objective.name, party: party, target: target, period: period, actual: latest?.attainment, status: status, trend: trend,
                    current: current, link: "/objectives/\(objective.id)"))
            scorecard.append(Self.scoreRow(entry, latest: latest, target: target, status: status, trend: trend, current: current))
            guard facts.internalPack else { continue }
            for (row, item) in try await self.candidates(entry, history: history, target: target, probationEnded: probationEnded) {
                candidates.append(row)
                section.items.append(item)
            }
        }
        return (objectives, scorecard, candidates, section)
    }

    /// The period under way as the audience may read it. The customer's: at risk when below its internal SLO, heading
    /// below the SLA at the last day's rate, or with a burn-rate rule firing. A vendor's: against the SLA only.
    static func current(_ row: PortfolioReport.Row, firing: [String], internalPack: Bool) -> AgendaFacts.Current {
        let objective = row.entry.objective
        let zone = TimeZone(identifier: row.entry.timeZone) ?? .gmt
        let label = objective.window.days == nil ? ReviewText.periodLabel(row.currentSpan.start, zone: zone, window: objective.window) : "Last \(objective.window.days ?? 0) days"
        // the figure as shown: three decimals, more only where fewer would round it across a target
        let targets = internalPack ? [objective.slaTarget, objective.sloTarget] : [objective.slaTarget]
        let actual = row.current.attainment.flatMap { Decimal(string: Figures.percentDigits($0, targets: targets)) }
        guard row.current.attainment != nil else { return AgendaFacts.Current(label: label, actual: nil, status: .noData) }
        if row.current.slaStatus == .breached { return AgendaFacts.Current(label: label, actual: actual, status: .belowTarget) }
        let heading = row.outlook?.projectedAttainment.map { $0 < objective.slaTarget } ?? false
        let risky = internalPack ? (row.outlook?.status == .atRisk || row.current.sloStatus == .breached || !firing.isEmpty) : heading
        return AgendaFacts.Current(label: label, actual: actual, status: risky ? .atRisk : .onTrack)
    }

    static func scoreRow(
        _ entry: PortfolioEntry, latest: PeriodRecord?, target: Decimal, status: AgendaFacts.Status, trend: [Decimal?], current: AgendaFacts.Current?
    ) -> ReviewPack.ScoreRow {
        let objective = entry.objective
        return ReviewPack.ScoreRow(
            objectiveID: objective.id, objective: objective.name, agreement: entry.agreementTitle, party: entry.vendorName ?? "The customer",
            period: latest.map { ReviewText.periodLabel($0.periodStart, zone: TimeZone(identifier: entry.timeZone) ?? .gmt, window: objective.window) } ?? "—",
            target: target, actual: latest?.attainment.flatMap { Decimal(string: Figures.percentDigits($0, targets: [target])) },
            variance: latest?.attainment.map { ($0 - target).rounded(places: 3) }, status: status.rawValue, soFar: current?.text, trend: trend,
            source: objective.sliKind.isTicketBased ? "Ticket events (\(objective.sliKind.label.lowercased()))" : "Availability buckets (good / valid)",
            lineage: latest.map { "/objectives/\(objective.id)/periods/\(RFC3339.format($0.periodStart))" })
    }

    /// The vendors whose probation has ended (their last day has passed): candidates to tighten their terms.
    func probationEnded(_ facts: Facts) async throws -> Set<Int64> {
        var ended = Set<Int64>()
        for vendorID in Set(facts.entries.compactMap(\.vendorID)) {
            let vendor = try await self.repositories.vendors.find(id: vendorID, scope: .organisation)
            if let until = vendor.probationUntil, until < facts.today { ended.insert(vendorID) }
        }
        return ended
    }

    /// One objective's renegotiation candidates from its last 12 closed periods, with a probation candidate's what-if.
    func candidates(_ entry: PortfolioEntry, history: [PeriodRecord], target: Decimal, probationEnded: Set<Int64>) async throws
        -> [(ReviewPack.Row, AgendaFacts.Item)]
    {
        let objective = entry.objective
        let party = entry.vendorName ?? "The customer"
        let window = history.suffix(12)
        // an objective in its first year (at most 12 periods recorded in the two years read) is new: its first target can
        // be set from its history
        let found = RenegotiationRules.candidates(
            attainments: window.map(\.attainment), target: target, budgetLeft: window.map { $0.budgetConsumed.map { 1 - $0 } },
            isNew: history.count <= 12, probationEnded: entry.vendorID.map { probationEnded.contains($0) } ?? false,
            standardTarget: objective.slaTarget, metTheirTargets: window.map { $0.slaStatus == .met })
        var result: [(ReviewPack.Row, AgendaFacts.Item)] = []
        for candidate in found {
            var message = candidate.message
            if candidate.kind == .probationEnded, let tighter = candidate.suggestedTarget {
                message += " " + (try await self.probationWhatIf(
                    objective: objective, target: objective.slaTarget, tighter: tighter,
                    periods: Array(window.suffix(RenegotiationRules.Settings().probationGoodPeriods)), agreementID: entry.placement.agreementID,
                    zone: TimeZone(identifier: entry.timeZone) ?? .gmt))
            }
            result.append(
                (ReviewPack.Row(cells: [objective.name, party, candidate.kind.rawValue.replacingOccurrences(of: "_", with: " "), message], link: nil, flagged: false),
                 AgendaFacts.Item(kind: .renegotiation, text: "\(objective.name): \(message)", party: party, link: "/objectives/\(objective.id)")))
        }
        return result
    }

    /// SLA breaches recorded in the span, each with its lineage.
    func breaches(_ facts: Facts) async throws -> (rows: [ReviewPack.BreachRow], section: Section) {
        let breaches = try await self.repositories.reviewFacts.breaches(
            agreementIDs: facts.agreementIDs, vendorID: facts.audienceVendorID, from: facts.factsFrom, to: facts.factsTo)
        let rows = breaches.map { breach in
            ReviewPack.BreachRow(
                objective: breach.objectiveName, party: breach.party,
                period: facts.periodLabel(breach.periodStart, timeZone: breach.timeZone, objectiveID: breach.objectiveID),
                attainment: breach.attainment.rounded(places: 3), target: breach.target,
                lineage: "/objectives/\(breach.objectiveID)/periods/\(RFC3339.format(breach.periodStart))")
        }
        let items = rows.map { breach in
            AgendaFacts.Item(
                kind: .breach, text: "SLA breach: \(breach.objective), \(breach.period): \(breach.attainment.plain) % against \(breach.target.plain) %",
                party: breach.party, shortfall: breach.target - breach.attainment, link: breach.lineage)
        }
        return (rows, Section(items: items))
    }

    /// Burn-rate alerts fired in the span: internal only.
    func alerts(_ facts: Facts) async throws -> Section {
        guard facts.internalPack else { return Section() }
        let alerts = try await self.repositories.reviewFacts.alertsFired(seriesIDs: facts.seriesIDs, from: facts.factsFrom, to: facts.factsTo)
        return Section(
            items: alerts.map {
                AgendaFacts.Item(kind: .alert, text: "Burn-rate alert (\($0.severity)): \($0.objectiveName)", party: $0.party, link: "/objectives/\($0.objectiveID)")
            },
            tables: [
                ReviewPack.Table(
                    key: "alerts", title: "Burn-rate alerts fired", columns: ["Objective", "Party", "Rule", "Severity", "Fired at"],
                    rows: alerts.map { ReviewPack.Row(cells: [$0.objectiveName, $0.party, $0.rule, $0.severity, facts.stamp($0.at)], link: nil, flagged: false) },
                    empty: "No alert fired.")
            ])
    }

    /// Root-cause analyses open, the overdue flagged.
    func rcas(_ facts: Facts) async throws -> Section {
        let today = facts.today
        let rcas = try await self.repositories.reviewFacts.openRCAs(agreementIDs: facts.agreementIDs, vendorID: facts.audienceVendorID, asOf: facts.factsTo)
        return Section(
            items: rcas.map { rca in
                AgendaFacts.Item(
                    kind: .rca, text: "RCA #\(rca.id) \(rca.title) (\(rca.status.replacingOccurrences(of: "_", with: " ")))", party: rca.parties,
                    days: max(0, today.daysSince1970 - rca.dueOn.daysSince1970), overdue: rca.dueOn < today, link: "/rcas/\(rca.id)")
            },
            tables: [
                ReviewPack.Table(
                    key: "rcas", title: "Root-cause analyses open", columns: ["RCA", "Title", "Status", "Due", "Parties"],
                    rows: rcas.map {
                        ReviewPack.Row(
                            cells: ["#\($0.id)", $0.title, $0.status.replacingOccurrences(of: "_", with: " "), Figures.date($0.dueOn), $0.parties],
                            link: "/rcas/\($0.id)", flagged: $0.dueOn < today)
                    }, empty: "No RCA open.")
            ])
    }

    /// Corrective actions open, each owner named as the audience may read them.
    func actions(_ facts: Facts) async throws -> Section {
        let today = facts.today
        let actions = try await self.repositories.reviewFacts.openActions(agreementIDs: facts.agreementIDs, vendorID: facts.audienceVendorID, asOf: facts.factsTo).map { action in
            var shown = action
            shown.ownerName = facts.owner(action.ownerName, vendorID: action.ownerVendorID, party: action.party)
            return shown
        }
        return Section(
            items: actions.map { action in
                AgendaFacts.Item(
                    kind: .action, text: "Action #\(action.id) (RCA #\(action.rcaID)): \(action.description) — \(action.ownerName)", party: action.party,
                    days: max(0, today.daysSince1970 - action.dueOn.daysSince1970), overdue: action.dueOn < today, link: "/actions/\(action.id)")
            },
            tables: [
                ReviewPack.Table(
                    key: "actions", title: "Corrective actions open", columns: ["Action", "Description", "Owner", "Party", "Due", "Status"],
                    rows: actions.map {
                        ReviewPack.Row(
                            cells: ["#\($0.id)", $0.description, $0.ownerName, $0.party, Figures.date($0.dueOn), $0.status.replacingOccurrences(of: "_", with: " ")],
                            link: "/actions/\($0.id)", flagged: $0.dueOn < today)
                    }, empty: "No corrective action open.")
            ])
    }

    /// Exclusion claims awaiting a decision.
    func claims(_ facts: Facts) async throws -> Section {
        let claims = try await self.repositories.reviewFacts.pendingClaims(agreementIDs: facts.agreementIDs, vendorID: facts.audienceVendorID, asOf: facts.factsTo)
        return Section(
            items: claims.map {
                AgendaFacts.Item(kind: .claim, text: "Exclusion claim #\($0.id) (\($0.kind.replacingOccurrences(of: "_", with: " "))) awaiting a decision", party: $0.party, link: "/claims/\($0.id)")
            },
            tables: [
                ReviewPack.Table(
                    key: "claims", title: "Exclusion claims awaiting a decision", columns: ["Claim", "Kind", "Vendor", "From", "To", "Filed"],
                    rows: claims.map {
                        ReviewPack.Row(
                            cells: ["#\($0.id)", $0.kind.replacingOccurrences(of: "_", with: " "), $0.party, facts.stamp($0.startsAt), facts.stamp($0.endsAt),
                                    Figures.date(LocalDate.of($0.filedAt, in: facts.zone))], link: "/claims/\($0.id)", flagged: false)
                    }, empty: "No claim pending.")
            ])
    }

    /// Disputes open.
    func disputes(_ facts: Facts) async throws -> Section {
        let disputes = try await self.repositories.reviewFacts.openDisputes(agreementIDs: facts.agreementIDs, vendorID: facts.audienceVendorID, asOf: facts.factsTo)
        return Section(
            items: disputes.map {
                AgendaFacts.Item(kind: .dispute, text: "Dispute #\($0.id) of \($0.objectiveName) (\($0.subject))", party: $0.party, link: "/disputes/\($0.id)")
            },
            tables: [
                ReviewPack.Table(
                    key: "disputes", title: "Disputes open", columns: ["Dispute", "Objective", "Subject", "Vendor", "Period", "Filed"],
                    rows: disputes.map {
                        ReviewPack.Row(
                            cells: ["#\($0.id)", $0.objectiveName, $0.subject, $0.party,
                                    facts.periodLabel($0.periodStart, timeZone: $0.timeZone, objectiveID: $0.objectiveID),
                                    Figures.date(LocalDate.of($0.filedAt, in: facts.zone))],
                            link: "/disputes/\($0.id)", flagged: false)
                    }, empty: "No dispute open.")
            ])
    }

    /// Service credits of the span, those awaiting approval on the agenda.
    func credits(_ facts: Facts) async throws -> Section {
        let credits = try await self.repositories.reviewFacts.credits(
            agreementIDs: facts.agreementIDs, vendorID: facts.audienceVendorID, from: facts.factsFrom, to: facts.factsTo)
        return Section(
            items: credits.filter { $0.status == "computed" }.map { credit in
                AgendaFacts.Item(
                    kind: .credit,
                    text: "Credit awaiting approval: \(credit.objectiveName), \(facts.periodLabel(credit.periodStart, timeZone: credit.timeZone, objectiveID: credit.objectiveID)): \(Money.format(credit.amount, credit.currency))",
                    party: credit.party, link: facts.internalPack ? "/credits/\(credit.id)" : nil)
            },
            tables: [
                ReviewPack.Table(
                    key: "credits", title: "Service credits", columns: ["Objective", "Party", "Period", "Amount", "Status"],
                    rows: credits.map {
                        ReviewPack.Row(
                            cells: [$0.objectiveName, $0.party, facts.periodLabel($0.periodStart, timeZone: $0.timeZone, objectiveID: $0.objectiveID),
                                    Money.format($0.amount, $0.currency), $0.status],
                            link: facts.internalPack ? "/credits/\($0.id)" : nil, flagged: $0.status == "computed")
                    }, empty: "No credit in this span.")
            ])
    }

    /// Notice deadlines within 180 days, and those passed while the term runs: the customer's renewal decision,
    /// internal only.
    func notices(_ facts: Facts) async throws -> Section {
        guard facts.internalPack else { return Section() }
        let today = facts.today
        let notices = try await self.repositories.reviewFacts.notices(agreementIDs: facts.agreementIDs, vendorID: nil).filter { notice in
            let left = notice.deadline.daysSince1970 - today.daysSince1970
            return left <= 180 && (left >= 0 || (notice.endDate.map { $0 >= today } ?? false))
        }
        return Section(
            items: notices.map { notice in
                let left = notice.deadline.daysSince1970 - today.daysSince1970
                return AgendaFacts.Item(
                    kind: .notice,
                    text: left >= 0 ? "Notice deadline for \(notice.title): \(Figures.date(notice.deadline))" : "\(notice.title): \(RenewalRules.afterDeadline(autoRenews: notice.autoRenews))",
                    party: facts.vendors.first { $0.id == notice.vendorID }?.name ?? "The customer", days: max(0, left), link: "/agreements/\(notice.agreementID)")
            },
            tables: [
                ReviewPack.Table(
                    key: "notices", title: "Notice deadlines (next 180 days)", columns: ["Agreement", "Deadline", "Days left", "Term ends", "After the deadline"],
                    rows: notices.map { notice in
                        let left = notice.deadline.daysSince1970 - today.daysSince1970
                        return ReviewPack.Row(
                            cells: [notice.title, Figures.date(notice.deadline), "\(left)", notice.endDate.map(Figures.date) ?? "",
                                    notice.autoRenews ? "renews automatically" : "expires"],
                            link: "/agreements/\(notice.agreementID)", flagged: left <= 30)
                    }, empty: "No notice deadline within 180 days.")
            ])
    }

    /// Items carried from earlier meetings of the series.
    func carried(_ facts: Facts) async throws -> Section {
        let today = facts.today
        let carried = try await self.repositories.reviews.carriedItems(seriesID: facts.series.id, before: facts.meeting.day, scope: facts.scope).map { item in
            var shown = item
            shown.ownerName = facts.owner(item.ownerName, vendorID: item.ownerVendorID, party: item.ownerParty)
            return shown
        }
        return Section(
            items: carried.map { item in
                let owner = item.kind == .action ? " — \(item.ownerName), due \(item.dueOn.map(Figures.date) ?? "")" : ""
                return AgendaFacts.Item(
                    kind: .carried, text: "\(item.kind == .action ? "Action item" : "Open question"): \(item.text)\(owner)", party: item.ownerParty,
                    days: item.dueOn.map { max(0, today.daysSince1970 - $0.daysSince1970) }, overdue: item.dueOn.map { $0 < today } ?? false,
                    raisedOn: item.raisedOn, link: "/meetings/\(item.meetingID)")
            },
            tables: [
                ReviewPack.Table(
                    key: "carried", title: "Open items from earlier meetings", columns: ["Kind", "Item", "Owner", "Party", "Due", "Raised"],
                    rows: carried.map {
                        ReviewPack.Row(
                            cells: [$0.kind.rawValue, $0.text, $0.ownerName, $0.ownerParty, $0.dueOn.map(Figures.date) ?? "", Figures.date($0.raisedOn)],
                            link: "/meetings/\($0.meetingID)", flagged: $0.dueOn.map { $0 < today } ?? false)
                    }, empty: "Nothing carried over.")
            ])
    }

    /// Open proposals with their what-if.
    func proposals(_ facts: Facts) async throws -> ([ReviewPack.Proposal], [AgendaFacts.Item]) {
        let service = RenegotiationService(repositories: self.repositories, clock: self.clock)
        var proposals: [ReviewPack.Proposal] = []
        var items: [AgendaFacts.Item] = []
        for proposal in try await self.repositories.proposals.open(agreementIDs: facts.agreementIDs, vendorID: facts.audienceVendorID, asOf: facts.factsTo) {
            items.append(
                AgendaFacts.Item(
                    kind: .renegotiation, text: "Proposal #\(proposal.id): \(proposal.title) (\(proposal.status.label.lowercased()))",
                    party: proposal.proposedByVendorID.flatMap { id in facts.vendors.first { $0.id == id }?.name } ?? "The customer",
                    link: "/proposals/\(proposal.id)"))
            proposals.append(
                ReviewPack.Proposal(
                    id: proposal.id, title: proposal.title, status: proposal.status.label, effectiveFrom: Figures.date(proposal.effectiveFrom),
                    whatIf: try await service.whatIf(proposal, scope: facts.scope)))
        }
        return (proposals, items)
    }

    /// The attendees as the audience reads them: a vendor's pack names its own people only, the customer's counted and
    /// other vendors' left out.
    func attendees(_ facts: Facts) async throws -> [ReviewPack.Attendee] {
        let all = try await self.repositories.reviews.attendees(seriesID: facts.series.id)
        guard let audienceVendorID = facts.audienceVendorID else { return all.map { ReviewPack.Attendee(name: $0.name, party: $0.party) } }
        let customer = all.filter { $0.vendorID == nil }.count
        var attendees = all.filter { $0.vendorID == audienceVendorID }.map { ReviewPack.Attendee(name: $0.name, party: $0.party) }
        if customer > 0 { attendees.insert(ReviewPack.Attendee(name: "\(customer) \(customer == 1 ? "person" : "people")", party: "The customer"), at: 0) }
        return attendees
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
            + "credits \(Money.format(replay.proposedCredits, agreement.currency)) (now \(Money.format(replay.currentCredits, agreement.currency)))."
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// An objective's page (now, burn-down, periods, exclusions, breaches, alert history) and each period's
/// "how this number was computed" page.
struct ObjectiveShowPages {
    let dependencies: AppDependencies

    struct PeriodLine {
        var label: String
        var start: String
        var version: Int
        var attainment: String
        /// CSS keys (`met`, `breached`, `no_data`, and while open `on_track`, `at_risk`, `below_target`) and words.
        var slaStatus: String
        var slaStatusText: String
        var sloStatus: String
        var sloStatusText: String
        var sla: String
        var slo: String
        var budget: String
        var good: String
        var valid: String
        var closed: Bool
        var revision: String
        /// The season or ramp step that set the period's targets; nil under the standard terms.
        var source: String?
        /// What the surge clause did, in words; nil without one (`surgeApplied`: only when it applied).
        var surge: String?
        var surgeApplied: String?

        init(_ row: PeriodRow, label: String, revision: String) {
            self.label = label
            self.start = RFC3339.format(row.start)
            self.version = row.versionNumber
            self.attainment = Figures.attainment(row.attainment, targets: row.showsInternalFigures ? [row.slaTarget, row.sloTarget] : [row.slaTarget])
            if let outlook = row.outlook {
                // an open period is never called breached: how it is going, and the budget so far
                self.slaStatus = outlook.rawValue
                self.slaStatusText = outlook.label
                self.sloStatus = row.sloStatus == .breached ? "at_risk" : row.sloStatus.rawValue
                self.sloStatusText = row.sloStatus == .breached ? "budget spent so far" : row.sloStatus == .met ? "within so far" : "no data yet"
            } else {
                self.slaStatus = row.slaStatus.rawValue
                self.slaStatusText = row.slaStatus.label
                self.sloStatus = row.sloStatus.rawValue
                self.sloStatusText = row.sloStatus.label
            }
            self.sla = Figures.target(row.slaTarget)
            self.slo = Figures.target(row.sloTarget)
            self.budget = row.budgetRemaining.map { $0 < -1 ? Figures.budgetLeft($0) : "\(Figures.budgetLeft($0)) left" } ?? "—"
            self.good = Figures.count(row.good)
            self.valid = Figures.count(row.valid)
            self.closed = row.closed
            self.revision = revision
            self.source = row.targetSource == MovingTerms.Source.base.label ? nil : row.targetSource
            self.surge = row.surge.map(ObjectiveShowPages.surgeText)
            self.surgeApplied = row.surge.flatMap { $0.applied ? ObjectiveShowPages.surgeText($0) : nil }
        }
    }

    /// What a surge clause did, with counts as pages write them (thousands separated, to 3 decimals where a bucket
    /// counted pro rata).
    static func surgeText(_ outcome: SurgeOutcome) -> String {
        func count(_ exact: String) -> String {
            guard let fraction = Fraction(text: exact) else { return exact }
            return Figures.count(Precision.shown(fraction))
        }
        guard outcome.applied else {
            return "Surge clause: volume \(count(outcome.volume)) within the threshold of \(count(outcome.threshold)); it does not apply."
        }
        switch outcome.rule {
        case .relaxedTarget:
            return "Surge clause applied: volume \(count(outcome.volume)) above the threshold of \(count(outcome.threshold)); judged against the relaxed target."
        case .capVolume:
            return "Surge clause applied: volume \(count(outcome.volume)) above the threshold of \(count(outcome.threshold)); \(count(outcome.countedValid)) valid events count (\(count(outcome.countedGood)) good), \(count(outcome.beyondValid)) are beyond the surge threshold (\(count(outcome.beyondGood)) good)."
        }
    }

    struct StatusView {
        var current: String
        var budget: String
        var rates: String
        var alerts: [String]
        var hasAlerts: Bool
    }

    struct AlertLine {
        var at: String
        var text: String
    }

    struct BreachLine {
        var id: Int64
        var rcaID: Int64?
        var canOpenRCA: Bool
        var period: String
        var severity: String
        var figures: String
        var revision: Int
        /// The period's lineage page (the batches or tickets behind the figure) and its credit, when one was recorded.
        var periodStart: String
        var creditID: Int64?
        var credit: String
    }

    struct ShowView {
        var chrome: Chrome
        var status: StatusView
        var periods: [PeriodLine]
        var hasPeriods: Bool
        var chart: String
        var chartSummary: String
        var burnDown: String
        var burnDownSummary: String
        var objective: AgreementViews.ObjectiveRow
        var agreement: Agreement
        var versionNumber: Int
        var isDraft: Bool
        var canEdit: Bool
        var canManage: Bool
        var canDispute: Bool
        var canIngest: Bool
        var isTicketBased: Bool
        var exclusions: [ExclusionPages.ExclusionLine]
        var breaches: [BreachLine]
        var alertHistory: [AlertLine]
        /// Whether the SLO, error budget, burn rates and alerts are shown (not to a vendor's user, unless shared).
        var showsInternal: Bool
        var printedAt: String
        /// Seasons and ramp steps in words (the SLO only for those who see it).
        var movingTerms: [String]
        /// Where a ratio objective's data is pulled from, for the customer's staff; nil for a vendor's user.
        var dataPull: DataPullView?
    }

    struct DataPullView {
        var pulls: Bool
        var source: String
        var goodQuery: String
        var validQuery: String
        var step: String
        var from: String
        var behind: String
        var lastSuccess: String
        var lastError: String?
        var canSet: Bool
        var hasSources: Bool
        var form: FormState
        var sources: [Choice]
        var steps: [Choice]
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("objectives/:id", use: self.getObjective)
        router.get("objectives/:id/periods/:start", use: self.getObjectivePeriod)
        router.post("objectives/:id/pull", use: self.postObjectivePull)
        router.post("objectives/:id/pull/remove", use: self.postObjectivePullRemove)
    }

    @Sendable func postObjectivePull(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let id = try context.id()
        _ = try await self.dependencies.useCases.objectives.find(id: id, scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return try await submitForm(request, context: context, render: { try await self.show(request, context, pullForm: $0) }) { input in
            _ = try await self.dependencies.useCases.setPull.set(objectiveID: id, try DraftParsing.pull(input), scope: context.scope, actor: context.actor)
            return Redirect.to("/objectives/\(id)#data-pull", notice: .updated)
        }
    }

    @Sendable func postObjectivePullRemove(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let id = try context.id()
        _ = try await self.dependencies.useCases.objectives.find(id: id, scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        try await self.dependencies.useCases.setPull.remove(objectiveID: id, scope: context.scope, actor: context.actor)
        return Redirect.to("/objectives/\(id)#data-pull", notice: .updated)
    }

    /// The data pull section: what the series pulls and how far behind it is, and (for contract managers, on a ratio
    /// objective) the form that sets it; the form keeps what was typed when it is refused.
    func dataPull(_ objective: Objective, user: User, scope: AccessScope, now: Date, zone: TimeZone, form: FormState?) async throws -> DataPullView? {
        guard scope == .organisation, !objective.sliKind.isTicketBased else { return nil }
        let pull = try await self.dependencies.useCases.dataSources.pull(objectiveID: objective.id, scope: scope)
        let canSet = user.role.may(.manageContracts)
        let sources = canSet ? try await self.dependencies.useCases.dataSources.list() : []
        let state =
            form
            ?? FormState(values: [
                "source_id": pull.map { "\($0.sourceID)" } ?? "", "good_query": pull?.goodQuery ?? "", "valid_query": pull?.validQuery ?? "",
                "step_seconds": "\(pull?.stepSeconds ?? 60)", "pull_from": "",
            ])
        return DataPullView(
            pulls: pull != nil, source: pull?.sourceName ?? "", goodQuery: pull?.goodQuery ?? "", validQuery: pull?.validQuery ?? "",
            step: pull.map { "\($0.stepSeconds / 60) min" } ?? "", from: pull.map { Stamp.format($0.pullFrom, zone) } ?? "",
            behind: pull.map { DataSourcePages.behind($0, now: now) } ?? "", lastSuccess: pull?.lastSuccessAt.map { Stamp.format($0, .gmt) } ?? "never",
            lastError: pull.flatMap { $0.lastError.isEmpty ? nil : $0.lastError }, canSet: canSet, hasSources: !sources.isEmpty, form: state,
            sources: sources.map { Choice(value: "\($0.id)", label: $0.name, selected: state.values["source_id"] == "\($0.id)") },
            steps: [60, 300].map { Choice(value: "\($0)", label: "\($0 / 60) minute\($0 == 60 ? "" : "s")", selected: state.values["step_seconds"] == "\($0)") })
    }

    @Sendable func getObjective(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.show(request, context)
    }

    @Sendable func getObjectivePeriod(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.period(context)
    }

    static func stamp(_ date: Date, zone: TimeZone) -> String { ExclusionPages.ExclusionLine.format(date, zone) }

    func show(_ request: Request, _ context: AccordRequestContext, pullForm: FormState? = nil) async throws -> Response {
        let user = try context.requireUser()
        let loaded = try await self.dependencies.useCases.objective(try context.id(), scope: context.scope)
        let (objective, placement, agreement, zone) = (loaded.objective, loaded.placement, loaded.agreement, loaded.zone)
        let now = self.dependencies.clock()
        let showsInternal = try await self.dependencies.seesInternalFigures(context, agreementID: agreement.id)
        let allRows = try await self.dependencies.useCases.periods.periods(loaded, from: now.addingTimeInterval(-365 * 86_400), to: now, now: now)
        let rows = showsInternal ? allRows : allRows.map(\.withholdingInternalFigures)
        let labels = rows.map { ObjectivePages.label($0.start, zone: zone, window: objective.window) }
        let chart = AttainmentChart(
            points: zip(labels, rows).map { AttainmentChart.Point(label: $0, row: $1) },
            sla: objective.slaTarget.double, slo: showsInternal ? objective.sloTarget.double : nil, slaText: Figures.target(objective.slaTarget),
            sloText: showsInternal ? Figures.target(objective.sloTarget) : nil)
        let lines = zip(labels, rows).map { label, row in
            PeriodLine(row, label: label, revision: row.revision.map { $0 > 1 ? "revision \($0)" : "recorded" } ?? (row.closed ? "closing" : "open"))
        }
        let fullStatus = try await self.dependencies.useCases.status.status(loaded, now: now)
        let status = showsInternal ? fullStatus : fullStatus.withholdingInternalFigures
        let alerts = status.alerts.map { alert in
            // the rule, and what it means for this period: how soon the budget left is gone at the long window's rate
            let rate = status.burnRates.first { $0.window == alert.longWindow }?.burnRate
            let runway = status.period.flatMap { period in
                Figures.runway(remaining: period.budgetRemaining, burnRate: rate, periodSeconds: period.end.timeIntervalSince(period.start))
            }
            return "\(alert.severity.capitalized): burning faster than \(alert.factor.plain)× over \(alert.longWindow) and \(alert.shortWindow)"
                + (runway.map { " — \($0)" } ?? "")
        }
        let statusView = StatusView(
            current: status.period.flatMap { period in
                period.attainment.map { attainment in
                    let targets = showsInternal ? [period.slaTarget, period.sloTarget] : [period.slaTarget]
                    var text = "\(Figures.attainment(attainment, targets: targets)) so far"
                    if let outlook = period.outlook {
                        text += ": \(outlook.label)"
                        if let projected = period.projectedAttainment {
                            text += "; at the last day's rate the period ends at \(Figures.attainment(projected, targets: targets))"
                        }
                    }
                    return text + " (SLA \(Figures.target(period.slaTarget))\(showsInternal ? ", SLO \(Figures.target(period.sloTarget))" : ""))"
                }
            } ?? "No data in the current period yet",
            budget: status.period.map { Figures.budgetSentence($0.budgetRemaining, slo: $0.sloTarget) } ?? "—",
            rates: status.burnRates.map { "\($0.window) \(Figures.rate($0.burnRate))" }.joined(separator: " · "),
            alerts: alerts, hasAlerts: !alerts.isEmpty)
        let burnDown = try await self.burnDown(objective: objective, period: status.period, zone: zone, now: now)
        let exclusions = try await self.dependencies.useCases.exclusions.list(of: objective, scope: context.scope).map(context.facing)
        // a vendor's user sees breaches of the SLA only, unless the agreement shares the SLO
        let breachRows = try await self.dependencies.useCases.objectives.breaches(seriesID: objective.seriesID).filter { showsInternal || $0.severity == "sla" }
        let credits = Dictionary(rows.compactMap { row in row.creditId.map { (row.start, ($0, Decimal(string: row.creditAmount).map { Money.format($0, row.currency) } ?? row.creditAmount)) } }) { first, _ in first }
        let analyses = try await self.dependencies.useCases.rcas.analyses(ofBreaches: breachRows.map(\.id))
        let mayOpen = user.role.may(.manageContracts) && agreement.kind == .vendor
        let breaches = breachRows.map {
            BreachLine(
                id: $0.id, rcaID: analyses[$0.id], canOpenRCA: mayOpen && analyses[$0.id] == nil,
                period: ObjectivePages.label($0.periodStart, zone: zone, window: objective.window), severity: $0.severity.uppercased(),
                figures:
                    "\(Figures.attainment($0.attainment, targets: [$0.target])) against \(Figures.target($0.target)) (\(Figures.count($0.good)) good of \(Figures.count($0.valid)) valid)",
                revision: $0.revision, periodStart: RFC3339.format($0.periodStart), creditID: credits[$0.periodStart]?.0,
                credit: credits[$0.periodStart]?.1 ?? "")
        }
        let history = try await self.dependencies.useCases.objectives.alertEvents(seriesID: objective.seriesID, limit: 20).map {
            AlertLine(
                at: Self.stamp($0.at, zone: zone),
                text:
                    "\($0.rule): \($0.state)\($0.longBurn.map { " (long window \(Figures.rate($0))" } ?? "")\($0.shortBurn.map { ", short \(Figures.rate($0)))" } ?? "")"
            )
        }
        let view = ShowView(
            chrome: Chrome(title: objective.name, context: context, notice: request.notice), status: statusView, periods: lines.reversed(),
            hasPeriods: !lines.isEmpty, chart: chart.svg, chartSummary: chart.summary, burnDown: burnDown.svg, burnDownSummary: burnDown.summary,
            objective: AgreementViews.objectiveRow(objective), agreement: agreement, versionNumber: placement.versionNumber,
            isDraft: placement.versionState == .draft, canEdit: user.role.may(.manageContracts) && placement.versionState == .draft,
            canManage: user.role.may(.manageContracts), canDispute: user.role.may(.fileClaims), canIngest: user.role.may(.ingest), isTicketBased: objective.sliKind.isTicketBased,
            exclusions: exclusions.map { ExclusionPages.ExclusionLine($0, zone: zone) }, breaches: breaches, alertHistory: showsInternal ? history : [],
            showsInternal: showsInternal, printedAt: Self.stamp(now, zone: zone),
            movingTerms: Self.movingTerms(objective.movingTerms, showsSLO: showsInternal),
            dataPull: try await self.dataPull(objective, user: user, scope: context.scope, now: now, zone: zone, form: pullForm))
        let refused = pullForm.map { !$0.errors.isEmpty || $0.conflict != nil } ?? false
        return self.dependencies.renderer.response(view, template: "objectives/show", status: refused ? .unprocessableContent : .ok)
    }

    /// "Season peak: 11-01 to 12-31, SLA 99.5 %, SLO 99.8 %, credit tiers < 99.5 % → 10 %" and "Ramp step 1, to 2026-02-28: …".
    static func movingTerms(_ terms: MovingTerms, showsSLO: Bool) -> [String] {
        func targets(_ sla: Decimal, _ slo: Decimal) -> String {
            "SLA \(Figures.target(sla))" + (showsSLO ? ", SLO \(Figures.target(slo))" : "")
        }
        let seasons = terms.seasons.map { season in
            "Season \(season.name): \(season.from) to \(season.to) every year, \(targets(season.slaTarget, season.sloTarget))"
                + (season.creditTiers.map { "; credit tiers \(VersionComparison.tiers(CreditSchedule(tiers: $0, capPercent: 100, probationFactor: 1)))" } ?? "")
        }
        let steps = terms.ramp.enumerated().map { index, step in
            "Ramp step \(index + 1), periods starting up to \(Figures.date(step.until)): \(targets(step.slaTarget, step.sloTarget))"
        }
        let surge = terms.surge.map { clause in
            var text = "Surge clause: above \(clause.thresholdPercent.plain) % of a forecast of \(Figures.count(clause.forecast)) valid events a period"
            if !clause.seasonForecasts.isEmpty {
                text += " (" + clause.seasonForecasts.sorted { $0.key < $1.key }.map { "\($0.key): \(Figures.count($0.value))" }.joined(separator: ", ") + ")"
            }
            switch clause.rule {
            case .relaxedTarget:
                text += ", the period is judged against SLA \(clause.relaxedSLA.map(Figures.target) ?? "?")"
                    + (showsSLO ? ", SLO \(clause.relaxedSLO.map(Figures.target) ?? "?")" : "")
            case .capVolume:
                text += ", only the volume up to the threshold counts (the rest is shown as beyond it)"
            }
            return text
        }
        return steps + seasons + (surge.map { [$0] } ?? [])
    }

    /// Budget left at the end of each day of the current period so far.
    func burnDown(objective: Objective, period: PeriodRow?, zone: TimeZone, now: Date) async throws -> BurnDownChart {
        guard let period else { return BurnDownChart(points: [], periodDays: 30) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var days: [DateInterval] = []
        var cursor = period.start
        while cursor < min(now, period.end), let next = calendar.date(byAdding: .day, value: 1, to: cursor) {
            days.append(DateInterval(start: cursor, end: min(next, period.end)))
            cursor = next
        }
        let totalDays = max(1, calendar.dateComponents([.day], from: period.start, to: period.end).day ?? 30)
        let counts = try await self.dependencies.useCases.objectives.counts(
            seriesID: objective.seriesID, sliKind: objective.sliKind, spans: days.map { DateInterval(start: period.start, end: $0.end) }, now: now)
        let formatter = Stamp.formatter("d MMM", zone)
        // the same error budget as the period's figure (against the SLO, over the valid events so far), day by day:
        // the last point is the budget left the page and the API show
        let points = zip(days, counts).map { day, counts in
            let remaining = AttainmentCalculator.judge(counts, slaTarget: period.slaTarget, sloTarget: period.sloTarget).budgetRemaining
            return BurnDownChart.Point(label: Stamp.threeLetters(formatter.string(from: day.start) + " ").trimmingCharacters(in: .whitespaces), remaining: remaining?.double, text: Figures.budgetLeft(remaining))
        }
        return BurnDownChart(points: points, periodDays: totalDays, slo: Figures.target(period.sloTarget))
    }

    /// How a batch came: pulled (from where), compacted (of how many, since when), or pushed (with what credential).
    static func sender(_ entry: LineageEntry, zone: TimeZone) -> String {
        if let pulled = entry.pulled {
            return "pulled from \(pulled.source), \(Self.stamp(pulled.from, zone: zone)) to \(Self.stamp(pulled.to, zone: zone)), answers SHA-256 \(pulled.sha256.prefix(16))…"
        }
        if let count = entry.compactedFrom {
            return "\(count) batches of one hour, compacted (received from \(Self.stamp(entry.firstReceivedAt ?? entry.receivedAt, zone: zone)))"
        }
        return entry.credential == "api_token" ? "API token" : "signed-in user"
    }

    struct PeriodView {
        var chrome: Chrome
        var objective: AgreementViews.ObjectiveRow
        var label: String
        var span: String
        var start: String
        var figure: PeriodLine
        var revisions: [RevisionLine]
        var hasRevisions: Bool
        var exclusions: [ExclusionPages.ExclusionLine]
        var batches: [BatchLine]
        var tickets: [TicketLine]
        var isTicketBased: Bool
        var showsInternal: Bool
        /// Set when raw buckets of the period were summarised: what its figure and lineage read from instead.
        var summarised: String? = nil
    }

    struct RevisionLine {
        var revision: Int
        var reason: String
        var computedAt: String
        var figures: String
    }

    struct BatchLine {
        var id: Int64
        var source: String
        var receivedAt: String
        var sender: String
        var rows: Int
        var inPeriod: String
        var hash: String
    }

    struct TicketLine {
        var ticket: String
        var cycle: Int
        var priority: String
        var started: String
        var deadline: String
        var known: String
        var outcome: String
        /// The ticket's events that could not apply, each with the reason.
        var ignored: [String]
    }

    func period(_ context: AccordRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let loaded = try await self.dependencies.useCases.objective(try context.id(), scope: context.scope)
        let (objective, zone) = (loaded.objective, loaded.zone)
        guard let text = context.parameters.get("start")?.removingPercentEncoding, let start = RFC3339.parse(text) else { throw NotFound("period") }
        let now = self.dependencies.clock()
        let showsInternal = try await self.dependencies.seesInternalFigures(context, agreementID: loaded.agreement.id)
        let full = context.facing(try await self.dependencies.useCases.explanation.explain(loaded, start: start, scope: context.scope, now: now))
        let explanation = showsInternal ? full : full.withholdingInternalFigures
        let row = explanation.period
        let label = ObjectivePages.label(row.start, zone: zone, window: objective.window)
        let view = PeriodView(
            chrome: Chrome(title: "\(objective.name), \(label)", context: context), objective: AgreementViews.objectiveRow(objective), label: label,
            span: "\(Self.stamp(row.start, zone: zone)) – \(Self.stamp(row.end, zone: zone))", start: RFC3339.format(row.start),
            figure: PeriodLine(row, label: label, revision: row.revision.map { "revision \($0)" } ?? "not recorded yet"),
            revisions: row.priorRevisions.map {
                RevisionLine(
                    revision: $0.revision, reason: $0.reason.replacingOccurrences(of: "_", with: " "),
                    computedAt: Self.stamp($0.computedAt, zone: zone),
                    figures:
                        "\(Figures.attainment($0.attainment, targets: showsInternal ? [row.slaTarget, row.sloTarget] : [row.slaTarget])) (\(Figures.count($0.good)) good of \(Figures.count($0.valid)) valid), SLA \($0.slaStatus.label)"
                )
            }, hasRevisions: !row.priorRevisions.isEmpty,
            exclusions: explanation.exclusions.map { ExclusionPages.ExclusionLine($0, zone: zone) },
            batches: explanation.batches.map {
                BatchLine(
                    id: $0.batchId, source: $0.source, receivedAt: Self.stamp($0.receivedAt, zone: zone),
                    sender: Self.sender($0, zone: zone), rows: $0.rowCount,
                    inPeriod: "\(Figures.count(Decimal($0.bucketsInPeriod))) buckets: \(Figures.count(Decimal($0.goodInPeriod))) good of \(Figures.count(Decimal($0.validInPeriod))) valid"
                        + ($0.countedValidExact == String($0.validInPeriod) ? "" : "; \(Figures.count($0.countedGood)) good of \(Figures.count($0.countedValid)) valid counted after exclusions"),
                    hash: String($0.contentHash.prefix(16)))
            },
            tickets: explanation.tickets.map {
                TicketLine(
                    ticket: $0.ticket, cycle: $0.cycle, priority: $0.priority, started: Self.stamp($0.startedAt, zone: zone),
                    deadline: $0.deadline.map { Self.stamp($0, zone: zone) } ?? "—", known: $0.knownAt.map { Self.stamp($0, zone: zone) } ?? "—",
                    outcome: $0.met == true ? "met" : $0.met == false ? "breached" : "running",
                    ignored: $0.ignoredEvents.prefix(5).map { "\($0.type) at \(Self.stamp($0.at, zone: zone)): \($0.reason)" }
                        + ($0.ignoredEvents.count > 5 ? ["… more in the ticket's lineage"] : []))
            }, isTicketBased: objective.sliKind.isTicketBased, showsInternal: showsInternal,
            summarised: explanation.summarisedMonths.isEmpty
                ? nil
                : "The raw buckets of "
                    + explanation.summarisedMonths.map { month in
                        let label = RFC3339.parse(month.month + "-01T00:00:00Z").map { Stamp.string($0, "MMM yyyy", .gmt) } ?? month.month
                        return "\(label) (summarised \(Self.stamp(month.summarisedAt, zone: zone)))"
                    }.joined(separator: ", ")
                    + " are no longer kept: this period's figure and its batches read from the hourly rollup and each batch's buckets and sums per hour, which add up to what was judged.")
        return self.dependencies.renderer.response(view, template: "objectives/period")
    }
}

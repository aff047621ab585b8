import AccordDomain
import AccordStorage
import Foundation

/// A figure the customer keeps internal (the SLO, its status, the error budget): encoded as its value, or as null
/// where the reader may not see it (every documented field is always present). One way for every row that carries one.
@propertyWrapper
public struct Withheld<Value: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: Value
    public var isShown = true

    public init(wrappedValue: Value) {
        self.wrappedValue = wrappedValue
    }

    public var projectedValue: Withheld<Value> {
        get { self }
        set { self = newValue }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if self.isShown { try container.encode(self.wrappedValue) } else { try container.encodeNil() }
    }
}

/// An optional field written as null when it has no value (as the API documents it), never left out.
@propertyWrapper
public struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.wrappedValue)
    }
}

/// One judged period of an objective series, as pages and the API show it.
public struct PeriodRow: Encodable, Sendable {
    public var start: Date
    public var end: Date
    public var closed: Bool
    public var versionNumber: Int
    public var slaTarget: Decimal
    @Withheld public var sloTarget: Decimal
    /// Counts, to 12 decimals once an exclusion covers part of a bucket (otherwise whole numbers).
    public var good: Decimal
    public var valid: Decimal
    /// The same counts exactly: `"66"`, `"200/3"`.
    public var goodExact: String
    public var validExact: String
    public var attainment: Decimal?
    public var slaStatus: TargetStatus
    @Withheld public var sloStatus: TargetStatus
    @Withheld public var budgetConsumed: Decimal?
    @Withheld public var budgetRemaining: Decimal?
    /// The recorded revision shown, once the period is closed and recorded; nil while it is open.
    public var revision: Int?
    /// Why the shown revision was recorded: `close`, `late_data` or `exclusion`.
    public var revisionReason: String?
    /// Whether the period is judged with the probation factor: its first day is on or before the vendor's last day
    /// of probation.
    public var onProbation: Bool
    /// The credit the period owes (recorded once it closes; what the figure so far would owe while it is open): 0
    /// when none is owed, and for master SLAs, agreements without a fee and rolling windows.
    public var creditPercent: Decimal
    /// In the currency's minor unit, as a string: `"100.00"`.
    public var creditAmount: String
    public var currency: String
    /// `computed`, `approved`, `issued` or `waived` once a credit is recorded; nil otherwise.
    public var creditStatus: String?
    public var creditId: Int64?
    /// While a calendar period is open: `on_track`, `at_risk`, `below_target` or `no_data` (never breached before it
    /// closes), and the attainment it ends with at the last day's rate. Nil once closed, and for rolling windows.
    public var outlook: PeriodOutlook.Status?
    public var projectedAttainment: Decimal?
    /// Earlier recorded figures of this period, oldest first (late data and exclusions make new revisions).
    public var priorRevisions: [PriorRevision]
    /// Whether the customer's internal figures (SLO, its status and the error budget) are written out; false for a
    /// vendor's users unless the agreement shares them (`withholdingInternalFigures`).
    public var showsInternalFigures: Bool { self.$sloTarget.isShown }
    /// What set the period's targets: `standard terms`, `season <name>` or `ramp step <n> (to <day>)`.
    public var targetSource = MovingTerms.Source.base.label
    /// What the objective's surge clause did to the period (nil without a clause).
    @Nullable public var surge: SurgeOutcome?

    public struct PriorRevision: Encodable, Sendable {
        public var revision: Int
        public var reason: String
        public var computedAt: Date
        public var good: Decimal
        public var valid: Decimal
        public var goodExact: String
        public var validExact: String
        public var attainment: Decimal?
        public var slaStatus: TargetStatus
        @Withheld public var sloStatus: TargetStatus
    }

    enum CodingKeys: String, CodingKey {
        case start, end, closed, versionNumber, slaTarget, sloTarget, good, valid, goodExact, validExact, attainment, slaStatus, sloStatus
        case budgetConsumed, budgetRemaining, revision, revisionReason, onProbation, creditPercent, creditAmount, currency, creditStatus
        case creditId, outlook, projectedAttainment, priorRevisions, targetSource, surge
    }

    /// The row as a vendor's user sees it when the agreement does not share the customer's internal figures: no SLO,
    /// no error budget, and an open period "at risk" only when it is heading below the SLA.
    public var withholdingInternalFigures: PeriodRow {
        var copy = self
        copy.$sloTarget.isShown = false
        copy.$sloStatus.isShown = false
        copy.$budgetConsumed.isShown = false
        copy.$budgetRemaining.isShown = false
        copy.priorRevisions = self.priorRevisions.map {
            var revision = $0
            revision.$sloStatus.isShown = false
            return revision
        }
        if copy.outlook == .atRisk, !(self.projectedAttainment.map { $0 < self.slaTarget } ?? false) { copy.outlook = .onTrack }
        return copy
    }
}

/// Judges the calendar periods of an objective's series from the hourly rollup, each under the version in force at its start;
/// a rolling window gives one row, the last N days up to now.
public struct PeriodReport: Sendable {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public func periods(objectiveID: Int64, scope: AccessScope, from: Date, to: Date, now: Date) async throws -> [PeriodRow] {
        let context = try await ObjectiveContext.load(objectiveID: objectiveID, scope: scope, repositories: self.repositories)
        return try await self.periods(context, from: from, to: to, now: now)
    }

    /// The periods between `from` and `to` of an objective already read.
    ///
    /// A rolling window has no calendar periods: it gives one row, the N × 24 hours up to `to` (or now, if earlier);
    /// with `rollingFrom`, the N × 24 hours from that instant instead (up to now at most), as its lineage asks.
    public func periods(_ context: ObjectiveContext, from: Date, to: Date, now: Date, rollingFrom: Date? = nil) async throws -> [PeriodRow] {
        let (objective, terms, zone) = (context.objective, context.terms, context.zone)
        var planned = PeriodPlanner.plan(terms: terms, timeZone: zone, from: from, to: to)
        let end = min(to, now)
        if let current = terms.last(where: { $0.effectiveFrom <= LocalDate.of(end, in: zone) }) ?? terms.first,
            let days = current.objective.window.days
        {
            let length = Double(days) * 86_400
            let span =
                rollingFrom.map { DateInterval(start: $0, end: max($0, min($0.addingTimeInterval(length), now))) }
                ?? DateInterval(start: end.addingTimeInterval(-length), end: end)
            planned = [PlannedPeriod(span: span, terms: current)]
        }
        let records = Dictionary(
            grouping: try await self.repositories.periodRecords.records(seriesID: objective.seriesID, from: from, to: to), by: \.periodStart)
        // recorded periods are read from their record: only open or not yet recorded ones are counted from the rollup
        // (with a surge clause every period is, to say what the clause did)
        let surgeClause = planned.contains { $0.terms.objective.movingTerms.surge != nil }
        let unrecorded = planned.filter { records[$0.span.start] == nil || surgeClause }
        let counted = try await self.repositories.measurements.counts(
            seriesID: objective.seriesID, sliKind: objective.sliKind, spans: unrecorded.map(\.span), now: now)
        let countsByStart = Dictionary(zip(unrecorded.map(\.span.start), counted), uniquingKeysWith: { first, _ in first })
        // the last day of each open calendar period, for its outlook
        let open = planned.filter { $0.span.end > now && $0.span.start <= now && $0.terms.objective.window.days == nil }
        let recentSpans = open.map { DateInterval(start: max($0.span.start, now.addingTimeInterval(-PeriodOutlook.recentSpan)), end: now) }
        let recent = Dictionary(
            zip(open.map(\.span.start), zip(recentSpans, try await self.repositories.measurements.counts(
                seriesID: objective.seriesID, sliKind: objective.sliKind, spans: recentSpans, now: now))),
            uniquingKeysWith: { first, _ in first })
        let credits = Dictionary(
            try await self.repositories.credits.all(
                filter: .init(seriesID: objective.seriesID, from: planned.first?.span.start ?? from, to: to), scope: .organisation)
                .map { ($0.periodStart, $0) }, uniquingKeysWith: { first, _ in first })
        var surged: [Date: SurgeJudgement.Judged] = [:]
        if surgeClause {
            for period in planned {
                surged[period.span.start] = try await SurgeJudgement(repositories: self.repositories).judge(
                    objective: period.terms.objective, span: period.span, zone: zone, total: countsByStart[period.span.start] ?? .zero, now: now)
            }
        }
        return planned.map { period in
            var period = period
            if let judgedBySurge = surged[period.span.start] { period.terms.objective = judgedBySurge.objective }
            let counts = surged[period.span.start]?.counts ?? countsByStart[period.span.start] ?? .zero
            let judged = AttainmentCalculator.judge(counts, slaTarget: period.terms.objective.slaTarget, sloTarget: period.terms.objective.sloTarget)
            var row = PeriodRow(
                start: period.span.start, end: period.span.end, closed: period.span.end <= now && period.terms.objective.window.days == nil,
                versionNumber: period.terms.versionNumber,
                slaTarget: period.terms.objective.slaTarget, sloTarget: period.terms.objective.sloTarget,
                good: Precision.shown(counts.good), valid: Precision.shown(counts.valid), goodExact: counts.good.description,
                validExact: counts.valid.description, attainment: judged.attainment, slaStatus: judged.slaStatus, sloStatus: judged.sloStatus,
                budgetConsumed: judged.budgetConsumed, budgetRemaining: judged.budgetRemaining, revision: nil, revisionReason: nil,
                onProbation: false, creditPercent: 0, creditAmount: Money.amount(0, context.agreement.currency), currency: context.agreement.currency,
                creditStatus: nil, creditId: nil, outlook: nil, projectedAttainment: nil, priorRevisions: [])
            row.targetSource = period.terms.objective.movingTerms.source(forPeriodStarting: LocalDate.of(period.span.start, in: zone)).label
            row.surge = surged[period.span.start]?.outcome
            // the credit: as recorded, or as the terms give it for the figure shown
            let exact = records[period.span.start]?.last.flatMap { EventCounts(good: $0.good, valid: $0.valid).attainment } ?? judged.exactAttainment
            if period.terms.objective.window.days == nil {
                row.onProbation = CreditTerms.onProbation(period: period.span, vendor: context.vendor, zone: zone)
            }
            if let credit = credits[period.span.start] {
                row.show(credit)
            } else if let figures = CreditTerms.credit(
                attainment: exact, terms: period.terms.objective, period: period.span, agreement: context.agreement, vendor: context.vendor,
                zone: zone)
            {
                row.creditPercent = figures.percent
                row.creditAmount = Money.amount(figures.amount, figures.currency)
            }
            if let (span, counts) = recent[period.span.start] {
                let outlook = PeriodOutlook.of(
                    soFar: EventCounts(good: Fraction(text: row.goodExact) ?? 0, valid: Fraction(text: row.validExact) ?? 0), recent: counts,
                    recentSeconds: Int64(span.duration.rounded()), remainingSeconds: Int64(period.span.end.timeIntervalSince(now).rounded()),
                    slaTarget: row.slaTarget, sloTarget: row.sloTarget)
                row.outlook = outlook.status
                row.projectedAttainment = outlook.projectedAttainment
            }
            // a recorded period shows its figure of record; the live computation only fills periods not yet recorded
            if let revisions = records[period.span.start], !revisions.isEmpty { row.show(recorded: revisions) }
            return row
        }
    }

    public static func rounded(_ value: Decimal, places: Int) -> Decimal { value.rounded(places: places) }

    /// A recorded attainment as the API gives it (records made before figures were kept to 12 decimals hold more).
    static func shown(_ attainment: Decimal?, of record: PeriodRecord) -> Decimal? {
        attainment.map { Precision.shown(Fraction($0), below: [record.slaTarget, record.sloTarget]) }
    }
}

extension PeriodRow {
    /// The credit recorded for the period, as the ledger holds it.
    mutating func show(_ credit: Credit) {
        self.onProbation = credit.onProbation
        self.creditPercent = credit.percent
        self.creditAmount = Money.amount(credit.amount, credit.currency)
        self.creditStatus = credit.status.rawValue
        self.creditId = credit.id
    }

    /// The figures of record of a recorded period (`revisions` oldest first): the latest revision's, with the earlier
    /// ones listed.
    mutating func show(recorded revisions: [PeriodRecord]) {
        guard let latest = revisions.last else { return }
        self.revision = latest.revision
        self.revisionReason = latest.reason
        self.versionNumber = latest.versionNumber
        self.slaTarget = latest.slaTarget
        self.sloTarget = latest.sloTarget
        self.good = Precision.shown(latest.good)
        self.valid = Precision.shown(latest.valid)
        self.goodExact = latest.good.description
        self.validExact = latest.valid.description
        self.attainment = PeriodReport.shown(latest.attainment, of: latest)
        self.slaStatus = latest.slaStatus
        self.sloStatus = latest.sloStatus
        self.budgetConsumed = latest.budgetConsumed.map { Precision.shown(Fraction($0), above: [1]) }
        self.budgetRemaining = latest.budgetConsumed.map { Precision.shown(1 - Fraction($0), below: [0]) }
        self.priorRevisions = revisions.dropLast().map {
            PeriodRow.PriorRevision(
                revision: $0.revision, reason: $0.reason, computedAt: $0.computedAt, good: Precision.shown($0.good),
                valid: Precision.shown($0.valid), goodExact: $0.good.description, validExact: $0.valid.description,
                attainment: PeriodReport.shown($0.attainment, of: $0), slaStatus: $0.slaStatus, sloStatus: $0.sloStatus)
        }
    }
}

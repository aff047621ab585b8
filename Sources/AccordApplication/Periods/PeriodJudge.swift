import AccordDomain
import AccordStorage
import Foundation

/// Judges periods of a series for the scheduler: the terms in force at each period's start, the agreement's zone,
/// the counts with exclusions removed, and the credit owed under the vendor's probation at the period's end.
struct PeriodJudge: Sendable {
    let repositories: Repositories

    /// Everything about a series that judging its periods needs, read once.
    struct SeriesContext: Sendable {
        var terms: [SeriesTerms]
        var objective: Objective
        var agreement: Agreement
        var vendor: Vendor?
        var zone: TimeZone
    }

    func context(seriesID: Int64) async throws -> SeriesContext? {
        let terms = try await self.repositories.objectives.activeTerms(seriesID: seriesID, scope: .organisation)
        guard let latest = terms.last else { return nil }
        let (objective, placement) = try await self.repositories.objectives.find(id: latest.objective.id, scope: .organisation)
        let agreement = try await self.repositories.agreements.find(id: placement.agreementID, scope: .organisation)
        let vendor = try await agreement.vendorID.asyncMap { try await self.repositories.vendors.find(id: $0, scope: .organisation) }
        return SeriesContext(
            terms: terms, objective: objective, agreement: agreement, vendor: vendor, zone: TimeZone(identifier: agreement.timeZone) ?? .gmt)
    }

    /// The periods that ended since `closedThrough` (all of them the first time), and when the next one ends.
    func closePlan(seriesID: Int64, closedThrough: Date?, now: Date) async throws -> PeriodRecordRepository.ClosePlan {
        guard let context = try await self.context(seriesID: seriesID) else {
            return .init(ended: [], nextCloseAt: now.addingTimeInterval(3600))
        }
        let from = closedThrough ?? .distantPast
        let planned = PeriodPlanner.plan(terms: context.terms, timeZone: context.zone, from: max(from, Self.earliest(context)), to: now)
        let ended = planned.filter { $0.span.end <= now }
        let current = planned.last { $0.span.end > now }
        let figures = try await self.figures(ended, context: context, now: now)
        // rolling windows and series without a current period are looked at again hourly
        return .init(ended: figures, nextCloseAt: current?.span.end ?? now.addingTimeInterval(3600))
    }

    /// Judges stored periods again (late data, exclusions).
    func judge(seriesID: Int64, spans: [DateInterval], now: Date) async throws -> [PeriodFigures] {
        guard let context = try await self.context(seriesID: seriesID) else { return [] }
        let planned = spans.compactMap { span -> PlannedPeriod? in
            let day = LocalDate.of(span.start, in: context.zone)
            guard let terms = context.terms.last(where: { $0.effectiveFrom <= day }) ?? context.terms.first else { return nil }
            return PlannedPeriod(span: span, terms: terms.inForce(forPeriodStarting: day))
        }
        return try await self.figures(planned, context: context, now: now)
    }

    static func earliest(_ context: SeriesContext) -> Date {
        guard let first = context.terms.first else { return .distantPast }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = context.zone
        return calendar.date(from: DateComponents(year: first.effectiveFrom.year, month: first.effectiveFrom.month, day: first.effectiveFrom.day))
            ?? .distantPast
    }

    func figures(_ planned: [PlannedPeriod], context: SeriesContext, now: Date) async throws -> [PeriodFigures] {
        guard !planned.isEmpty else { return [] }
        let counts = try await self.repositories.measurements.counts(
            seriesID: context.objective.seriesID, sliKind: context.objective.sliKind, spans: planned.map(\.span), now: now)
        var figures: [PeriodFigures] = []
        for (period, total) in zip(planned, counts) {
            // a surge clause may relax the targets or count only the volume up to its threshold
            let surged = try await SurgeJudgement(repositories: self.repositories).judge(
                objective: period.terms.objective, span: period.span, zone: context.zone, total: total, now: now)
            let terms = surged.objective
            let judged = AttainmentCalculator.judge(surged.counts, slaTarget: terms.slaTarget, sloTarget: terms.sloTarget)
            figures.append(
                PeriodFigures(
                    span: period.span, objectiveID: terms.id, vendorID: context.agreement.vendorID, versionNumber: period.terms.versionNumber,
                    slaTarget: terms.slaTarget, sloTarget: terms.sloTarget, judgement: judged,
                    credit: Self.credit(attainment: judged.exactAttainment, terms: terms, period: period.span, context: context)))
        }
        return figures
    }

    static func credit(attainment: Fraction?, terms: Objective, period: DateInterval, context: SeriesContext) -> CreditFigures? {
        CreditTerms.credit(
            attainment: attainment, terms: terms, period: period, agreement: context.agreement, vendor: context.vendor, zone: context.zone)
    }

    /// Each workbook rule's state for a series now.
    func alerts(seriesID: Int64, now: Date) async throws -> [PeriodRecordRepository.AlertEvaluation] {
        guard let context = try await self.context(seriesID: seriesID) else { return [] }
        let day = LocalDate.of(now, in: context.zone)
        // the SLO of the current period: the version, then the season or ramp step, in force today (seasons and steps
        // follow period boundaries, so today's answer is the period's)
        guard let current = context.terms.last(where: { $0.effectiveFrom <= day }) ?? context.terms.last else { return [] }
        let slo = current.objective.inForce(forPeriodStarting: day).sloTarget
        let rules = BurnRateRule.workbook
        let lookbacks = Array(Set(rules.flatMap { [$0.longWindow, $0.shortWindow] })).sorted()
        let counts = try await self.repositories.measurements.recentCounts(
            seriesID: seriesID, sliKind: context.objective.sliKind, lookbacks: lookbacks, now: now)
        return rules.map { rule in
            let long = counts[rule.longWindow] ?? .zero
            let short = counts[rule.shortWindow] ?? .zero
            return .init(
                objectiveID: context.objective.id, rule: Self.ruleName(rule), severity: rule.severity.rawValue,
                firing: rule.fires(long: long, short: short, sloTarget: slo),
                longBurn: BurnRate.of(long, sloTarget: slo).map { PeriodReport.rounded($0, places: 3) },
                shortBurn: BurnRate.of(short, sloTarget: slo).map { PeriodReport.rounded($0, places: 3) }, longWindow: Int(rule.longWindow),
                shortWindow: Int(rule.shortWindow))
        }
    }

    static func ruleName(_ rule: BurnRateRule) -> String {
        "\(rule.factor)x over \(ObjectiveStatusReport.name(rule.longWindow)) and \(ObjectiveStatusReport.name(rule.shortWindow))"
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// A period's counts and terms under its objective's surge clause: what every judgement of a period uses (the close,
/// the periods list, the dashboard, the lineage), so the clause applies the same everywhere.
struct SurgeJudgement: Sendable {
    let repositories: Repositories

    struct Judged: Sendable {
        /// The counts that count (the volume cap may leave some beyond the threshold).
        var counts: EventCounts
        /// The terms the period is judged against (relaxed by the clause where it says so).
        var objective: Objective
        var outcome: SurgeOutcome?
    }

    /// `objective`: the terms in force on the period's first day (`Objective.inForce`); `total`: all its counts.
    func judge(objective: Objective, span: DateInterval, zone: TimeZone, total: EventCounts, now: Date) async throws -> Judged {
        guard let clause = objective.movingTerms.surge, objective.window.days == nil else { return Judged(counts: total, objective: objective, outcome: nil) }
        let season = objective.movingTerms.season(forPeriodStarting: LocalDate.of(span.start, in: zone))
        let threshold = clause.threshold(season: season)
        var ordered: [EventCounts] = []
        if clause.rule == .capVolume, total.valid > threshold {
            ordered = try await self.steps(objective: objective, span: span, through: threshold, now: now)
        }
        let applied = clause.apply(total: total, ordered: ordered, season: season)
        return Judged(counts: applied.counts, objective: applied.relaxed ? objective.relaxedBySurge() : objective, outcome: applied.outcome)
    }

    /// The terms of a recorded period whose counts are `recorded` (for the volume cap, already those that count): the
    /// relaxed targets when its volume passed the threshold of a relaxed-target clause, else `objective` as given.
    static func terms(of objective: Objective, recorded: EventCounts, zone: TimeZone, periodStart: Date) -> Objective {
        guard let clause = objective.movingTerms.surge, clause.rule == .relaxedTarget, objective.window.days == nil else { return objective }
        let season = objective.movingTerms.season(forPeriodStarting: LocalDate.of(periodStart, in: zone))
        return recorded.valid > clause.threshold(season: season) ? objective.relaxedBySurge() : objective
    }

    /// The period's counts in time order, fine enough for the cap: each hour up to the one in which the cumulative valid
    /// volume reaches the threshold, then that hour's events instant by instant (each instant's buckets or outcomes as
    /// one step), so the step that crosses it is one bucket (or the buckets starting together). The steps before and
    /// including the crossing one sum to the counts up to there; the rest of the period is left out (beyond anyway).
    func steps(objective: Objective, span: DateInterval, through threshold: Fraction, now: Date) async throws -> [EventCounts] {
        let measurements = self.repositories.measurements
        var hours: [DateInterval] = []
        var cursor = span.start
        while cursor < span.end {
            let next = min(span.end, Date(timeIntervalSince1970: ((cursor.timeIntervalSince1970 / 3600).rounded(.down) + 1) * 3600))
            hours.append(DateInterval(start: cursor, end: next))
            cursor = next
        }
        let hourly = try await measurements.counts(seriesID: objective.seriesID, sliKind: objective.sliKind, spans: hours, now: now)
        var steps: [EventCounts] = []
        var cumulative = Fraction(0)
        for (hour, counts) in zip(hours, hourly) {
            if cumulative + counts.valid < threshold || counts.valid == 0 {
                steps.append(counts)
                cumulative += counts.valid
                continue
            }
            // the crossing hour, instant by instant
            let instants = try await measurements.stepInstants(seriesID: objective.seriesID, sliKind: objective.sliKind, span: hour, now: now)
            let spans = zip(instants, instants.dropFirst().map { $0 } + [hour.end]).map { DateInterval(start: $0, end: max($0, $1)) }
            steps += try await measurements.counts(seriesID: objective.seriesID, sliKind: objective.sliKind, spans: spans, now: now)
            break
        }
        return steps
    }
}

extension Objective {
    /// The objective (as in force for a period) under its surge clause's relaxed targets, never stricter than the
    /// targets in force (a ramp step or season may already be below the relaxed ones).
    func relaxedBySurge() -> Objective {
        guard let clause = self.movingTerms.surge, let sla = clause.relaxedSLA, let slo = clause.relaxedSLO else { return self }
        return self.relaxed(sla: min(sla, self.slaTarget), slo: min(slo, self.sloTarget))
    }

    /// The objective under a surge clause's relaxed targets: its tiers at or below the relaxed SLA, as for a season.
    func relaxed(sla: Decimal, slo: Decimal) -> Objective {
        var copy = self
        copy.slaTarget = sla
        copy.sloTarget = slo
        copy.credits.tiers = self.credits.tiers.filter { $0.threshold <= sla }
        return copy
    }
}

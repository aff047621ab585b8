import AccordDomain
import AccordStorage
import Foundation

/// Proposals with their evidence: the what-if replay of recorded periods under the terms in force and the proposed
/// terms, and the renegotiation candidates the data suggests.
public struct RenegotiationService: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.repositories = repositories
        self.clock = clock
    }

    /// The objectives of the agreement's version in force today, by series.
    public func currentObjectives(agreementID: Int64, scope: AccessScope) async throws -> [Int64: Objective] {
        let agreement = try await self.repositories.agreements.find(id: agreementID, scope: scope)
        let today = LocalDate.of(self.clock(), in: TimeZone(identifier: agreement.timeZone) ?? .gmt)
        let entries = try await self.repositories.objectives.portfolio(scope: scope, today: today).filter { $0.placement.agreementID == agreementID }
        return Dictionary(entries.map { ($0.objective.seriesID, $0.objective) }, uniquingKeysWith: { first, _ in first })
    }

    /// For each changed objective: its last `replayPeriods` recorded periods (their latest revisions) judged under the
    /// terms in force and under the proposal, with the credits each would owe.
    public func whatIf(_ proposal: RenegotiationProposal, scope: AccessScope) async throws -> [WhatIfReplay.Result] {
        let agreement = try await self.repositories.agreements.find(id: proposal.agreementID, scope: scope)
        let vendor = try await agreement.vendorID.asyncMap { try await self.repositories.vendors.find(id: $0, scope: scope) }
        let zone = TimeZone(identifier: agreement.timeZone) ?? .gmt
        let current = try await self.currentObjectives(agreementID: agreement.id, scope: scope)
        let now = self.clock()
        var results: [WhatIfReplay.Result] = []
        for change in proposal.changes {
            guard let objective = current[change.seriesID] else { continue }
            let records = try await self.repositories.periodRecords.latestRecords(
                seriesIDs: [change.seriesID], from: now.addingTimeInterval(-3 * 366 * 86_400), to: now)
            let closed = records.filter { $0.periodEnd <= now }.sorted { $0.periodStart < $1.periodStart }.suffix(proposal.replayPeriods)
            let credits = agreement.kind == .vendor && agreement.fee > 0 && objective.window.days == nil
            let fee = credits ? CreditCalculator.periodFee(fee: agreement.fee, feePeriod: agreement.feePeriod, window: objective.window) : 0
            // the proposal changes the standard terms and may set a ramp; a season or ramp step sets its own targets
            let changed = change.applied(to: objective)
            func terms(_ objective: Objective) -> WhatIfReplay.Terms {
                WhatIfReplay.Terms(slaTarget: objective.slaTarget, sloTarget: objective.sloTarget, credits: objective.credits)
            }
            let periods = closed.map { record in
                let day = LocalDate.of(record.periodStart, in: zone)
                let counts = EventCounts(good: record.good, valid: record.valid)
                var period = WhatIfReplay.Period(
                    start: record.periodStart, label: ReviewText.periodLabel(record.periodStart, zone: zone, window: objective.window),
                    counts: counts, periodFee: fee, onProbation: vendor?.isOnProbation(on: day) ?? false)
                // the terms of the season or step in force on its first day, relaxed when a surge clause applied to it
                let held = SurgeJudgement.terms(of: objective.inForce(forPeriodStarting: day), recorded: counts, zone: zone, periodStart: record.periodStart)
                let offered = SurgeJudgement.terms(of: changed.inForce(forPeriodStarting: day), recorded: counts, zone: zone, periodStart: record.periodStart)
                if held != objective || offered != changed {
                    period.currentTerms = terms(held)
                    period.proposedTerms = terms(offered)
                }
                return period
            }
            let proposed = terms(changed)
            results.append(
                WhatIfReplay.run(
                    objectiveName: objective.name, periods: Array(periods),
                    current: WhatIfReplay.Terms(slaTarget: objective.slaTarget, sloTarget: objective.sloTarget, credits: objective.credits),
                    proposed: proposed, currency: agreement.currency))
        }
        return results
    }
}

/// Labels shared by packs, agendas and replays.
public enum ReviewText {
    public static func periodLabel(_ start: Date, zone: TimeZone, window: ObjectiveWindow) -> String {
        let day = LocalDate.of(start, in: zone)
        switch window {
        case .calendarMonth: return "\(Self.months[max(1, min(12, day.month)) - 1]) \(day.year)"
        case .calendarQuarter: return "Q\((day.month - 1) / 3 + 1) \(day.year)"
        case .rollingDays(let days): return "\(days) days to \(day.adding(days: days).map { $0.description } ?? day.description)"
        }
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Wed 2 Dec 2026, 10:00–11:00 (Europe/Berlin)".
    public static func meetingTime(start: Date, end: Date, zone: TimeZone) -> String {
        Stamp.meeting(start: start, end: end, zone: zone)
    }
}

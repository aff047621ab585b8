import AccordDomain
import AccordStorage
import Foundation

/// Everything behind one period's figure: the figure (and its revisions), the exclusions that touched it, the batches
/// whose buckets it sums, and for ticket SLIs the tickets whose outcomes it counts.
public struct PeriodExplanation: Sendable {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public struct Result: Encodable, Sendable {
        public var period: PeriodRow
        public var exclusions: [Exclusion]
        public var batches: [LineageEntry]
        public var tickets: [TicketOutcomeRow]
        /// The months of the period whose raw buckets were summarised (`RawRetentionJob`), as "2025-07" with when: its
        /// figure and lineage read from the hourly rollup and each batch's hourly digest there.
        public var summarisedMonths: [SummarisedMonth] = []
    }

    public struct SummarisedMonth: Encodable, Sendable, Equatable {
        public var month: String
        public var summarisedAt: Date
    }

    /// The period of `context`'s objective that starts at `start`: a calendar period starting exactly there, or for a
    /// rolling window the N days from `start` (as the periods list gives a window ending at `to`).
    public func period(_ context: ObjectiveContext, start: Date, now: Date) async throws -> PeriodRow {
        let zone = context.zone
        let terms = context.terms.last { $0.effectiveFrom <= LocalDate.of(start, in: zone) } ?? context.terms.first
        let rolling = terms?.objective.window.days != nil
        let periods = try await PeriodReport(repositories: self.repositories).periods(
            context, from: start, to: rolling ? now : start.addingTimeInterval(1), now: now, rollingFrom: rolling ? start : nil)
        guard let period = periods.first, period.start == start else { throw NotFound("period") }
        return period
    }

    /// One page of the ticket outcomes a period counts (breaches first).
    public func tickets(_ context: ObjectiveContext, start: Date, page: PageRequest, now: Date) async throws -> PageOf<TicketOutcomeRow> {
        guard context.objective.sliKind.isTicketBased else { throw NotFound("period") }
        let period = try await self.period(context, start: start, now: now)
        return try await self.repositories.tickets.outcomes(
            seriesID: context.objective.seriesID, span: DateInterval(start: period.start, end: period.end), page: page)
    }

    /// Everything behind the period of `context`'s objective that starts at `start`.
    public func explain(_ context: ObjectiveContext, start: Date, scope: AccessScope, now: Date) async throws -> Result {
        let objective = context.objective
        let period = try await self.period(context, start: start, now: now)
        let span = DateInterval(start: period.start, end: period.end)
        let exclusions = try await self.repositories.exclusions.list(of: objective, scope: scope).filter {
            $0.startsAt < span.end && $0.endsAt > span.start
        }
        if objective.sliKind.isTicketBased {
            return Result(
                period: period, exclusions: exclusions, batches: [],
                tickets: try await self.repositories.tickets.outcomes(seriesID: objective.seriesID, span: span))
        }
        var result = Result(
            period: period, exclusions: exclusions,
            batches: try await self.repositories.measurements.lineage(seriesID: objective.seriesID, span: span), tickets: [])
        result.summarisedMonths = try await self.repositories.measurements.summarisedMonths(overlapping: span).map {
            SummarisedMonth(month: MeasurementRepository.monthLabel($0.month), summarisedAt: $0.summarisedAt)
        }
        return result
    }
}

extension PeriodExplanation.Result {
    /// The lineage without the customer's internal figures (see `PeriodRow.withholdingInternalFigures`).
    public var withholdingInternalFigures: PeriodExplanation.Result {
        var copy = self
        copy.period = self.period.withholdingInternalFigures
        return copy
    }
}

extension PeriodExplanation.Result: VendorFacing {
    public var vendorFacing: PeriodExplanation.Result {
        var copy = self
        copy.batches = self.batches.map(\.vendorFacing)
        copy.exclusions = self.exclusions.map(\.vendorFacing)
        return copy
    }
}

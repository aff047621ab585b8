import AccordDomain
import AccordStorage
import Foundation
import Logging

/// The rows of one batch as a client sent them, before validation.
public enum IngestRows: Sendable {
    case buckets([RawBucketRow])
    /// A plain CSV read straight into values (`BucketCells`), checked as `buckets` are.
    case bucketCells([BucketCells])
    case ticketEvents([RawTicketEventRow])
}

/// What an accepted batch stored.
public enum IngestResult: Sendable, Encodable {
    case buckets(IngestedBatch)
    case ticketEvents(IngestedTicketBatch)

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .buckets(let batch): try batch.encode(to: encoder)
        case .ticketEvents(let batch): try batch.encode(to: encoder)
        }
    }
}

/// How far from now a batch may reach (`ACCORD_INGEST_PAST_DAYS`, `ACCORD_INGEST_FUTURE_DAYS`).
public struct IngestReach: Sendable, Equatable {
    public var pastDays: Int
    public var futureDays: Int

    public init(pastDays: Int = IngestWindow.defaultPastDays, futureDays: Int = IngestWindow.defaultFutureDays) {
        self.pastDays = pastDays
        self.futureDays = futureDays
    }

    public static let standard = IngestReach()
}

/// Ingest of measurements: ratio buckets from monitoring tools, ticket events from help desks.
///
/// A batch is validated whole (every bad row reported with its row, field and reason) and stored all-or-nothing;
/// closed periods it changes are recorded again before the caller hears back, so figures are current on the 2xx.
public struct MeasurementIngest: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date
    let logger: Logger
    /// How far back and ahead of now a batch may reach, in days.
    let reach: IngestReach

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date, logger: Logger, reach: IngestReach = .standard) {
        self.repositories = repositories
        self.clock = clock
        self.logger = logger
        self.reach = reach
    }

    public func ingest(_ rows: IngestRows, objective: Objective, source: String, scope: AccessScope, sender: BatchSender) async throws -> IngestResult {
        if source.count > 200 || source.firstControlCharacter != nil {
            throw ValidationErrors([FieldError("source", "source must be at most 200 characters, without control characters.")])
        }
        let window = IngestWindow(now: self.clock(), pastDays: self.reach.pastDays, futureDays: self.reach.futureDays)
        var result: IngestResult
        let touched: DateInterval?
        switch rows {
        case .buckets, .bucketCells:
            let buckets = try Self.buckets(rows, window: window)
            touched = buckets.map(\.start).min().flatMap { start in buckets.map(\.end).max().map { DateInterval(start: start, end: max(start, $0)) } }
            result = .buckets(
                try await self.repositories.measurements.ingest(
                    objectiveID: objective.id, source: source, buckets: buckets, scope: scope, sender: sender))
            AccordMetrics.rowsStored(buckets.count, kind: "buckets", via: "push")
        case .ticketEvents(let rows):
            let events = try TicketEventBatchParser.parse(rows, priorities: objective.priorityGoals.map(\.priority), window: window)
            touched = events.map(\.at).min().flatMap { first in events.map(\.at).max().map { DateInterval(start: first, end: $0) } }
            result = .ticketEvents(
                try await self.repositories.tickets.ingest(objectiveID: objective.id, source: source, events: events, scope: scope, sender: sender))
            AccordMetrics.rowsStored(events.count, kind: "ticket_events", via: "push")
        }
        // Late data: the periods it changed are recorded again now. The batch is stored either way; if this fails the
        // recompute job records them shortly.
        do {
            try await PeriodRecompute(repositories: self.repositories).run(now: self.clock())
        } catch {
            self.logger.warning("recompute after ingest deferred to the recompute job", metadata: ["error": "\(String(reflecting: error))"])
        }
        // the dashboard's row of this series follows at once; if this fails the dashboard-rows job refreshes it shortly
        var current: PortfolioReport.Row?
        do {
            current = try await DashboardRows(repositories: self.repositories).refreshed(seriesIDs: [objective.seriesID], now: self.clock()).first
        } catch {
            self.logger.warning("dashboard row after ingest deferred to the dashboard-rows job", metadata: ["error": "\(String(reflecting: error))"])
        }
        // what the batch changed: the periods it touched as they now stand, with their breaches and credits
        if let touched {
            do {
                let periods = try await self.impact(objectiveID: objective.id, touched: touched, scope: scope, current: current)
                switch result {
                case .buckets(var batch):
                    batch.periods = periods
                    result = .buckets(batch)
                case .ticketEvents(var batch):
                    batch.periods = periods
                    result = .ticketEvents(batch)
                }
            } catch {
                self.logger.warning("the periods an ingest touched could not be read", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        return result
    }

    /// The checked buckets of a ratio batch, however its rows were read; none for ticket events.
    static func buckets(_ rows: IngestRows, window: IngestWindow) throws(ValidationErrors) -> [MeasurementBucket] {
        switch rows {
        case .buckets(let raw): try BucketBatchParser.parse(raw, window: window)
        case .bucketCells(let cells): try BucketBatchParser.parse(cells: cells, window: window)
        case .ticketEvents: []
        }
    }

    /// The periods overlapping `touched` (at most the latest 36), as they stand now. `current`: the dashboard's
    /// computation of the objective's current period, just made; a batch within that period (a live feed) is answered
    /// from it rather than by counting the period again, when it was judged under the same terms the period list uses.
    func impact(objectiveID: Int64, touched: DateInterval, scope: AccessScope, current: PortfolioReport.Row? = nil) async throws -> [PeriodImpact] {
        let now = self.clock()
        let context = try await ObjectiveContext.load(objectiveID: objectiveID, scope: scope, repositories: self.repositories)
        if let current, let outlook = current.outlook, touched.start >= current.currentSpan.start, touched.start < current.currentSpan.end,
            touched.end <= current.currentSpan.end,
            current.currentSpan.end > now, let terms = context.terms(at: current.currentSpan.start),
            terms.objective.versionID == current.entry.objective.versionID, terms.objective.movingTerms.surge == nil
        {
            let span = current.currentSpan
            let credit = CreditTerms.credit(
                attainment: current.current.exactAttainment, terms: terms.objective, period: span, agreement: context.agreement, vendor: context.vendor,
                zone: context.zone)
            return [
                PeriodImpact(
                    start: span.start, end: span.end, label: ReviewText.periodLabel(span.start, zone: context.zone, window: terms.objective.window),
                    closed: false, attainment: current.current.attainment, status: outlook.status.rawValue, revision: nil, breached: false, creditId: nil,
                    creditAmount: Money.amount(credit?.amount ?? 0, context.agreement.currency), currency: context.agreement.currency)
            ]
        }
        let rows = try await PeriodReport(repositories: self.repositories).periods(
            context, from: touched.start, to: max(touched.end, touched.start.addingTimeInterval(1)), now: now)
        return rows.filter { $0.start < max(touched.end, touched.start.addingTimeInterval(1)) && $0.end > touched.start }.suffix(36).map { row in
            PeriodImpact(
                start: row.start, end: row.end, label: ReviewText.periodLabel(row.start, zone: context.zone, window: context.objective.window),
                closed: row.closed, attainment: row.attainment,
                status: row.closed ? row.slaStatus.rawValue : (row.outlook?.rawValue ?? row.slaStatus.rawValue), revision: row.revision,
                breached: row.closed && row.slaStatus == .breached, creditId: row.creditId, creditAmount: row.creditAmount, currency: row.currency)
        }
    }
}

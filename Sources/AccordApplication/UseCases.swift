import AccordDomain
import AccordStorage
import Foundation
import Logging

/// Every use case over one database and one clock: what the web layer and the command line call.
public struct UseCases: Sendable {
    let repositories: Repositories
    /// The current instant; tests pass a clock they can move.
    public let clock: @Sendable () -> Date
    public let logger: Logger
    public let ingestReach: IngestReach
    /// Where outbound requests (webhook deliveries) may connect.
    public let outbound: OutboundGuard
    /// How long after a step ends it is pulled from a data source (`ACCORD_PULL_SETTLE_SECONDS`).
    public let pullSettle: TimeInterval
    /// Where mail links point and where captured mail goes.
    public var mailOptions: MailOptions = .standard
    /// How long raw minute buckets are kept before the raw-retention job summarises them (`ACCORD_RAW_RETENTION_DAYS`).
    public var rawRetentionDays = RawRetention.defaultDays

    public init(
        repositories: Repositories, clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger, ingestReach: IngestReach = .standard,
        outbound: OutboundGuard = OutboundGuard(), pullSettle: TimeInterval = PullPlan.settleLag
    ) {
        self.repositories = repositories
        self.clock = clock
        self.logger = logger
        self.ingestReach = ingestReach
        self.outbound = outbound
        self.pullSettle = pullSettle
    }

    /// The same use cases inside a transaction already open (`Database.bound(to:)`): everything they do joins it.
    public func within(_ database: Database) -> UseCases {
        var useCases = UseCases(
            repositories: Repositories(database: database), clock: self.clock, logger: self.logger, ingestReach: self.ingestReach,
            outbound: self.outbound, pullSettle: self.pullSettle)
        useCases.mailOptions = self.mailOptions
        useCases.rawRetentionDays = self.rawRetentionDays
        return useCases
    }

    /// The one way a use case applies its effects, in its own transaction.
    var change: Change { Change(repositories: self.repositories, clock: self.clock) }

    public var ingest: MeasurementIngest {
        MeasurementIngest(repositories: self.repositories, clock: self.clock, logger: self.logger, reach: self.ingestReach)
    }
    public var credits: CreditLedger { CreditLedger(repositories: self.repositories, clock: self.clock) }
    public var decideClaim: DecideClaim { DecideClaim(repositories: self.repositories, clock: self.clock) }
    public var decideDispute: DecideDispute { DecideDispute(repositories: self.repositories, clock: self.clock) }
    public var webhookRegistration: WebhookRegistration { WebhookRegistration(repositories: self.repositories, outbound: self.outbound) }
    public var acceptProposal: AcceptProposal { AcceptProposal(repositories: self.repositories, clock: self.clock) }
    public var rejectProposal: RejectProposal { RejectProposal(repositories: self.repositories, clock: self.clock) }
    public var withdrawProposal: WithdrawProposal { WithdrawProposal(repositories: self.repositories, clock: self.clock) }
    /// Who `actor` answers a proposal of the agreement as: its side, and whether the RACI lets them decide for it.
    public func proposalAnswerer(_ actor: AuditActor, scope: AccessScope, agreementID: Int64) async throws -> ProposalRules.Answerer {
        try await ProposalAnswerer.of(actor, scope: scope, agreementID: agreementID, repositories: self.repositories)
    }
    public var signRCA: SignRCA { SignRCA(repositories: self.repositories, clock: self.clock) }
    public var advanceRCA: AdvanceRCA { AdvanceRCA(repositories: self.repositories, clock: self.clock) }
    public var recompute: PeriodRecompute { PeriodRecompute(repositories: self.repositories) }

    public var periods: PeriodReport { PeriodReport(repositories: self.repositories) }
    public var status: ObjectiveStatusReport { ObjectiveStatusReport(repositories: self.repositories) }
    public var explanation: PeriodExplanation { PeriodExplanation(repositories: self.repositories) }
    public var portfolio: PortfolioReport { PortfolioReport(repositories: self.repositories) }

    /// An objective, its agreement and its terms, read once for the reports of one request.
    public func objective(_ id: Int64, scope: AccessScope) async throws -> ObjectiveContext {
        try await ObjectiveContext.load(objectiveID: id, scope: scope, repositories: self.repositories)
    }

    /// The runner of the standard jobs (period closing, recompute, alerts, session purge) on this clock.
    public func jobRunner(logger: Logger? = nil) -> JobRunner {
        JobRunner(
            jobs: StandardJobs.all(repositories: self.repositories, outbound: self.outbound, pullSettle: self.pullSettle, mail: self.mailOptions,
                rawRetentionDays: self.rawRetentionDays), store: self.repositories.jobs, clock: self.clock,
            logger: logger ?? self.logger)
    }
}

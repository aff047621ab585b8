import AccordApplication
import AccordDomain
import Foundation
import Logging

/// What every controller needs, built once at start-up.
public struct AppDependencies: Sendable {
    public let configuration: AppConfiguration
    /// The use cases, reports and jobs the handlers call.
    public let useCases: UseCases
    public let renderer: PageRenderer
    public let hasher: PasswordHasher
    /// The database behind the use cases (readiness, the benchmark's baseline).
    public let backend: Backend
    /// The dashboard's short-lived lines and rendered rows, per process (each replica its own; see `PortfolioCache` for
    /// why that stays correct with several).
    public let portfolioCache = PortfolioCache()
    /// Public trust pages: built at most once a minute, requests per address limited.
    public let trustGate = TrustPageGate()

    /// The current instant; tests pass a clock they can move.
    public var clock: @Sendable () -> Date { self.useCases.clock }

    /// The jobs this process runs (period closing, recompute, alerts, session purge), on this clock.
    public var jobRunner: JobRunner {
        var logger = Logger(label: "accord.jobs")
        logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info") ?? .info
        return self.useCases.jobRunner(logger: logger)
    }
}

extension AppDependencies {
    /// Whether the caller sees the customer's internal figures (SLO, error budget, burn-rate alerts) of these
    /// agreements: everyone on the customer's side does; a vendor's user only where the agreement's governance terms
    /// share them. The answer holds the agreements that may show them.
    func internalFigures(_ context: AccordRequestContext, agreementIDs: [Int64]) async throws -> Set<Int64> {
        guard context.identity?.user.role == .vendor else { return Set(agreementIDs) }
        return try await self.useCases.sharing.internalFigures(agreementIDs)
    }

    /// For a vendor's user, the agreements among its dashboard rows that share internal figures with it (what the
    /// dashboard and the portal filter, count and order by); nil for the customer's people, who see them all.
    func dashboardSharing(_ context: AccordRequestContext) async throws -> Set<Int64>? {
        guard context.identity?.user.role == .vendor else { return nil }
        return try await self.useCases.sharing.dashboardAgreements(scope: context.scope)
    }

    /// Whether the caller sees the internal figures of one agreement (see `internalFigures(_:agreementIDs:)`).
    func seesInternalFigures(_ context: AccordRequestContext, agreementID: Int64) async throws -> Bool {
        try await self.internalFigures(context, agreementIDs: [agreementID]).contains(agreementID)
    }
}

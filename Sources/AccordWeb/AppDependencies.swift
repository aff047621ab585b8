import AccordDomain
import AccordStorage
import Foundation
import Logging

/// What every controller needs, built once at start-up.
public struct AppDependencies: Sendable {
    public let configuration: AppConfiguration
    public let repositories: Repositories
    public let renderer: PageRenderer
    public let hasher: PasswordHasher
    public let migrations: [Migration]
    /// The current instant; tests pass a clock they can move.
    public let clock: @Sendable () -> Date
    /// Rendered dashboard tables, per process.
    public let portfolioCache = PortfolioCache()

    /// The period jobs over these repositories and this clock (the server runs one; an ingest calls its recompute).
    public var scheduler: Scheduler {
        var logger = Logger(label: "accord.scheduler")
        logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info") ?? .info
        return Scheduler(repositories: self.repositories, clock: self.clock, logger: logger)
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// What every controller needs, built once at start-up.
public struct AppDependencies: Sendable {
    public let configuration: AppConfiguration
    public let repositories: Repositories
    public let renderer: PageRenderer
    public let hasher: PasswordHasher
    public let migrations: [Migration]
    /// The current instant; tests pass a clock they can move.
    public let clock: @Sendable () -> Date
}

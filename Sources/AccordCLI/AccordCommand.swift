import AccordApplication
import AccordDomain
import AccordStorage
import AccordWeb
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

@main
struct AccordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accord",
        abstract: "Accord: multi-vendor SLA governance.",
        subcommands: [Serve.self, Migrate.self, SeedDemo.self, UserCommand.self, TokenCommand.self, JobsCommand.self, OpenSLOCommand.self, StatementCommand.self])
}

/// Settings shared by every subcommand, read from the environment.
struct Environment {
    static func configuration() throws -> AppConfiguration {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["DATABASE_URL"], var database = DatabaseSettings(url: url, maximumConnections: Int(env["ACCORD_DB_POOL"] ?? "") ?? 20)
        else {
            throw ValidationError(
                "Set DATABASE_URL, e.g. postgres://accord_app@localhost:5432/accord or postgres://accord_app@/accord?host=/path/to/socket-dir")
        }
        if let wait = env["ACCORD_DB_WAIT_SECONDS"].flatMap(Int.init), (1...600).contains(wait) { database.connectionWait = .seconds(wait) }
        var owner: DatabaseSettings?
        if let ownerURL = env["ACCORD_MIGRATION_DATABASE_URL"], !ownerURL.isEmpty {
            guard let settings = DatabaseSettings(url: ownerURL, maximumConnections: 1) else {
                throw ValidationError("ACCORD_MIGRATION_DATABASE_URL must be a postgres:// URL, like DATABASE_URL, naming the schema's owner.")
            }
            owner = settings
        }
        let root = URL(fileURLWithPath: env["ACCORD_ROOT"] ?? FileManager.default.currentDirectoryPath, isDirectory: true)
        let host = env["ACCORD_HOST"] ?? "127.0.0.1"
        let port = Int(env["ACCORD_PORT"] ?? "") ?? 8080
        var configuration = AppConfiguration(
            host: host, port: port,
            behindTLS: ["1", "true", "yes"].contains((env["ACCORD_BEHIND_TLS"] ?? "").lowercased()), root: root, database: database,
            migrationDatabase: owner,
            runsScheduler: !["0", "false", "no", "off"].contains((env["ACCORD_SCHEDULER"] ?? "").lowercased()),
            diagnostics: ["1", "true", "yes"].contains((env["ACCORD_DIAGNOSTICS"] ?? "").lowercased()),
            ingestReach: IngestReach(
                pastDays: Int(env["ACCORD_INGEST_PAST_DAYS"] ?? "") ?? IngestWindow.defaultPastDays,
                futureDays: Int(env["ACCORD_INGEST_FUTURE_DAYS"] ?? "") ?? IngestWindow.defaultFutureDays),
            trustedProxies: Set((env["ACCORD_TRUSTED_PROXIES"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }),
            webhookAllowList: try Self.webhookAllowList(), metricsToken: try Self.metricsToken(env["ACCORD_METRICS_TOKEN"]),
            pullSettle: try Self.pullSettle(env["ACCORD_PULL_SETTLE_SECONDS"]), mail: try Self.mail(root: root, host: host, port: port))
        configuration.rawRetentionDays = try Self.rawRetentionDays(env["ACCORD_RAW_RETENTION_DAYS"])
        return configuration
    }

    /// `ACCORD_PUBLIC_URL` (the address people open Accord at, for links in mail; unset: http://HOST:PORT) and
    /// `ACCORD_MAIL_CAPTURE_DIR` (where captured mail is written; unset: .data/mail under the root).
    static func mail(root: URL, host: String, port: Int) throws -> MailOptions {
        let env = ProcessInfo.processInfo.environment
        let publicURL = env["ACCORD_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "http://\(host):\(port)"
        guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, publicURL.count <= 300 else {
            throw ValidationError("ACCORD_PUBLIC_URL must be an http:// or https:// address, such as https://accord.example.com.")
        }
        let capture = env["ACCORD_MAIL_CAPTURE_DIR"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0, isDirectory: true) }
            ?? root.appendingPathComponent(".data/mail", isDirectory: true)
        return MailOptions(publicURL: publicURL, captureDirectory: capture)
    }

    /// `ACCORD_RAW_RETENTION_DAYS`: 62 to 36,600; unset: 62.
    static func rawRetentionDays(_ value: String?) throws -> Int {
        guard let value, !value.isEmpty else { return RawRetention.defaultDays }
        guard let days = Int(value), (RawRetention.minimumDays...RawRetention.maximumDays).contains(days) else {
            throw ValidationError(
                "ACCORD_RAW_RETENTION_DAYS must be a whole number of days from \(RawRetention.minimumDays) to \(RawRetention.maximumDays) (unset: \(RawRetention.defaultDays)).")
        }
        return days
    }

    /// `ACCORD_PULL_SETTLE_SECONDS`: 0 to 3,600; unset: two minutes.
    static func pullSettle(_ value: String?) throws -> TimeInterval {
        guard let value, !value.isEmpty else { return PullPlan.settleLag }
        guard let seconds = Int(value), (0...3600).contains(seconds) else {
            throw ValidationError("ACCORD_PULL_SETTLE_SECONDS must be a whole number of seconds from 0 to 3600.")
        }
        return TimeInterval(seconds)
    }

    /// `ACCORD_METRICS_TOKEN`: at least 32 characters, or unset (no `/metrics`).
    static func metricsToken(_ value: String?) throws -> String? {
        guard let value, !value.isEmpty else { return nil }
        guard value.count >= 32, value.count <= 512, value.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw ValidationError("ACCORD_METRICS_TOKEN must be 32 to 512 printable characters without spaces (for example: openssl rand -hex 32).")
        }
        return value
    }

    /// `ACCORD_WEBHOOK_ALLOW`: CIDR blocks of internal receivers the organisation's own webhooks may reach.
    static func webhookAllowList() throws -> [AddressRange] {
        switch OutboundPolicy.allowList(parsing: ProcessInfo.processInfo.environment["ACCORD_WEBHOOK_ALLOW"] ?? "") {
        case .success(let ranges): return ranges
        case .failure(let error): throw ValidationError("ACCORD_WEBHOOK_ALLOW: \(error.description)")
        }
    }

    static func logger(_ label: String = "accord") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "info") ?? .info
        return logger
    }

    /// Runs `body` with repositories on a started connection pool, after applying pending migrations.
    static func withRepositories<T: Sendable>(_ body: @Sendable (Repositories, AppConfiguration) async throws -> T) async throws -> T {
        try await Self.withDatabase { database, configuration, _ in try await body(Repositories(database: database), configuration) }
    }

    /// Runs `body` on a started connection pool, after applying pending migrations, whose names it is given.
    static func withDatabase<T: Sendable>(_ body: @Sendable (Database, AppConfiguration, [String]) async throws -> T) async throws -> T {
        let configuration = try Self.configuration()
        // migrations run as the schema's owner (ACCORD_MIGRATION_DATABASE_URL), or as DATABASE_URL's role when none is set
        let applied = try await MigrationRunner.migrate(
            settings: configuration.migrationDatabase ?? configuration.database, serverRole: configuration.database.username,
            migrations: try Migration.load(from: configuration.schemaDirectory), logger: Self.logger())
        let database = Database(settings: configuration.database, logger: Self.logger())
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.client.run() }
            defer { group.cancelAll() }
            return try await body(database, configuration, applied)
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Migrate the database, then serve the web UI and the API.")

    func run() async throws {
        let logger = Environment.logger()
        let app = try await buildApplication(configuration: try Environment.configuration(), logger: logger)
        // SIGTERM drains for a bounded time: requests in flight get `ACCORD_DRAIN_SECONDS` (default 20) to finish, then
        // they are cancelled, and a process whose work ignores cancellation ends 5 seconds later all the same
        let drain = Int(ProcessInfo.processInfo.environment["ACCORD_DRAIN_SECONDS"] ?? "").flatMap { (1...600).contains($0) ? $0 : nil } ?? 20
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: app),
                .init(service: DrainDeadline(seconds: drain + 5, logger: logger), successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(drain)
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// Ends the process a fixed time after shutdown begins, whatever is still running: work that ignores cancellation
/// (a request stuck on a connection the database never closed) cannot keep a replica from stopping.
struct DrainDeadline: ServiceLifecycle.Service {
    let seconds: Int
    let logger: Logger

    func run() async throws {
        // returns when the group begins its graceful shutdown
        try? await gracefulShutdown()
        let (seconds, logger) = (self.seconds, self.logger)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: TimeInterval(seconds))
            logger.warning("work was still running \(seconds) s after shutdown began; exiting")
            exit(1)
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations.")

    func run() async throws {
        let applied = try await Environment.withDatabase { _, _, applied in applied }
        print(applied.isEmpty ? "The database is up to date." : "Applied \(applied.count) migration(s): \(applied.joined(separator: ", ")).")
    }
}

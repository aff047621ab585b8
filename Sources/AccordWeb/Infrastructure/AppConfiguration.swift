import AccordApplication
import AccordDomain
import Foundation

/// Everything `accord serve` needs to know, read from the environment by the command line.
public struct AppConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Behind a TLS-terminating proxy: cookies get `Secure` and the `__Host-` prefix.
    public var behindTLS: Bool
    /// Addresses of the proxies in front of Accord (`ACCORD_TRUSTED_PROXIES`): only their `X-Forwarded-For` is believed.
    public var trustedProxies: Set<String>
    /// The folder holding `schema/`, `web/templates` and `web/static`.
    public var root: URL
    /// The role the server connects as: reads and writes rows, no DDL, INSERT and SELECT only on the audit trail.
    public var database: DatabaseSettings
    /// The schema's owner, for migrations (`ACCORD_MIGRATION_DATABASE_URL`); nil when the server's role owns the schema.
    public var migrationDatabase: DatabaseSettings?
    public var sessionPolicy: SessionPolicy
    public var loginThrottle: LoginThrottle
    public var bcryptCost: UInt8
    /// Whether this process runs the period jobs (closing, recomputing, alerts). Several replicas may all run them.
    public var runsScheduler: Bool
    /// Serves `/diagnostics/baseline`, the minimal page the dashboard benchmark measures against (`ACCORD_DIAGNOSTICS=1`).
    public var diagnostics: Bool
    /// How far from now an ingest batch may reach (`ACCORD_INGEST_PAST_DAYS`, `ACCORD_INGEST_FUTURE_DAYS`).
    public var ingestReach: IngestReach
    /// Internal receivers the organisation's own webhooks may reach (`ACCORD_WEBHOOK_ALLOW`, CIDR blocks); a vendor's
    /// endpoints never reach them.
    public var webhookAllowList: [AddressRange]
    /// The bearer token Prometheus presents to read `/metrics` (`ACCORD_METRICS_TOKEN`); unset: no `/metrics`.
    public var metricsToken: String?
    /// How long after a step ends it is pulled from a data source (`ACCORD_PULL_SETTLE_SECONDS`, 0 to 3,600).
    public var pullSettle: TimeInterval
    /// The server's public address for links in mail (`ACCORD_PUBLIC_URL`) and the capture folder
    /// (`ACCORD_MAIL_CAPTURE_DIR`).
    public var mail: MailOptions
    /// How long raw minute buckets are kept (`ACCORD_RAW_RETENTION_DAYS`).
    public var rawRetentionDays = RawRetention.defaultDays
    /// How long a kept-alive connection may sit idle before the server closes it.
    public var idleTimeoutSeconds: Int64 = 60

    public init(
        host: String = "127.0.0.1", port: Int = 8080, behindTLS: Bool = false, root: URL, database: DatabaseSettings,
        migrationDatabase: DatabaseSettings? = nil,
        sessionPolicy: SessionPolicy = .standard, loginThrottle: LoginThrottle = .standard, bcryptCost: UInt8 = 12,
        runsScheduler: Bool = true, diagnostics: Bool = false, ingestReach: IngestReach = .standard, trustedProxies: Set<String> = [],
        webhookAllowList: [AddressRange] = [], metricsToken: String? = nil, pullSettle: TimeInterval = PullPlan.settleLag, mail: MailOptions? = nil
    ) {
        self.host = host
        self.port = port
        self.behindTLS = behindTLS
        self.root = root
        self.database = database
        self.migrationDatabase = migrationDatabase
        self.sessionPolicy = sessionPolicy
        self.loginThrottle = loginThrottle
        self.bcryptCost = bcryptCost
        self.runsScheduler = runsScheduler
        self.diagnostics = diagnostics
        self.ingestReach = ingestReach
        self.trustedProxies = trustedProxies
        self.webhookAllowList = webhookAllowList
        self.metricsToken = metricsToken
        self.pullSettle = pullSettle
        self.mail = mail ?? MailOptions(publicURL: "http://\(host):\(port)", captureDirectory: root.appendingPathComponent(".data/mail"))
    }

    public var templatesDirectory: URL { self.root.appendingPathComponent("web/templates") }
    public var staticDirectory: URL { self.root.appendingPathComponent("web/static") }
    public var schemaDirectory: URL { self.root.appendingPathComponent("schema") }
    public var openAPIFile: URL { self.root.appendingPathComponent("openapi.yaml") }

    public var sessionCookieName: String { self.behindTLS ? "__Host-accord_session" : "accord_session" }
    public var loginCookieName: String { self.behindTLS ? "__Host-accord_login" : "accord_login" }
}

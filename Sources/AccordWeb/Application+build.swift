import AccordApplication
import AccordDomain
import Foundation
import Hummingbird
import HummingbirdCore
import Logging

/// Wires storage, templates, middleware and controllers into a runnable application.
public func buildApplication(
    configuration: AppConfiguration, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }
) async throws -> some ApplicationProtocol {
    let backend = try Backend(settings: configuration.database, schemaDirectory: configuration.schemaDirectory, logger: logger)
    var useCases = backend.useCases(
        clock: clock, logger: logger, ingestReach: configuration.ingestReach,
        outbound: OutboundGuard(policy: OutboundPolicy(allowList: configuration.webhookAllowList)), pullSettle: configuration.pullSettle)
    useCases.mailOptions = configuration.mail
    useCases.rawRetentionDays = configuration.rawRetentionDays
    let dependencies = AppDependencies(
        configuration: configuration,
        useCases: useCases,
        renderer: try await PageRenderer(directory: configuration.templatesDirectory), hasher: PasswordHasher(cost: configuration.bcryptCost),
        backend: backend)
    let router = try buildRouter(dependencies, logger: logger)
    var app = Application(
        router: router, server: .http1(configuration: .init(idleTimeout: .seconds(configuration.idleTimeoutSeconds))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Accord"),
        services: [backend.service] + (configuration.runsScheduler ? [dependencies.jobRunner] : []), logger: logger)
    app.beforeServerStarts {
        // the schema's owner migrates when one is configured (the server's own role has no DDL rights)
        try await backend.migrate(owner: configuration.migrationDatabase, logger: logger)
    }
    return app
}

func buildRouter(_ dependencies: AppDependencies, logger: Logger) throws -> Router<AccordRequestContext> {
    let openAPI = try OpenAPIController(file: dependencies.configuration.openAPIFile)
    let router = Router(context: AccordRequestContext.self)
    // requests and their durations by route, for /metrics
    AccordMetrics.bootstrap()
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorMappingMiddleware(renderer: dependencies.renderer))
    router.add(middleware: QueryGuardMiddleware())
    // Inside the error mapping: it serves a file when the routes answer 404, which it only sees as a thrown error.
    router.add(middleware: RangeGuardMiddleware(directory: dependencies.configuration.staticDirectory, urlBasePath: "/static"))
    router.add(middleware: FileMiddleware(dependencies.configuration.staticDirectory.path, urlBasePath: "/static", logger: logger))
    router.add(middleware: AuthenticationMiddleware(authentication: dependencies.useCases.authentication, configuration: dependencies.configuration))
    // inside authentication, so it knows who was refused; outside CSRF, so it sees those refusals too
    router.add(middleware: SecurityEventMiddleware(authentication: dependencies.useCases.authentication))
    router.add(middleware: CSRFMiddleware(configuration: dependencies.configuration))
    HealthController(dependencies: dependencies).addRoutes(to: router)
    SessionController(dependencies: dependencies).addRoutes(to: router)
    HomeController(dependencies: dependencies).addRoutes(to: router)
    VendorPages(dependencies: dependencies).addRoutes(to: router)
    ServicePages(dependencies: dependencies).addRoutes(to: router)
    CalendarPages(dependencies: dependencies).addRoutes(to: router)
    AgreementPages(dependencies: dependencies).addRoutes(to: router)
    ObjectiveShowPages(dependencies: dependencies).addRoutes(to: router)
    ExclusionPages(dependencies: dependencies).addRoutes(to: router)
    CreditPages(dependencies: dependencies).addRoutes(to: router)
    ClaimPages(dependencies: dependencies).addRoutes(to: router)
    DisputePages(dependencies: dependencies).addRoutes(to: router)
    InboxPages(dependencies: dependencies).addRoutes(to: router)
    RCAPages(dependencies: dependencies).addRoutes(to: router)
    ActionPages(dependencies: dependencies).addRoutes(to: router)
    WebhookPages(dependencies: dependencies).addRoutes(to: router)
    RACIPages(dependencies: dependencies).addRoutes(to: router)
    GovernanceTermsPages(dependencies: dependencies).addRoutes(to: router)
    ReviewPages(dependencies: dependencies).addRoutes(to: router)
    CalendarFeedPages(dependencies: dependencies).addRoutes(to: router)
    ProposalPages(dependencies: dependencies).addRoutes(to: router)
    DashboardPages(dependencies: dependencies).addRoutes(to: router)
    ScorecardPages(dependencies: dependencies).addRoutes(to: router)
    UploadPages(dependencies: dependencies).addRoutes(to: router)
    if dependencies.configuration.diagnostics { DiagnosticsPages(dependencies: dependencies).addRoutes(to: router) }
    AdminPages(dependencies: dependencies).addRoutes(to: router)
    JobPages(dependencies: dependencies).addRoutes(to: router)
    DataSourcePages(dependencies: dependencies).addRoutes(to: router)
    MailPages(dependencies: dependencies).addRoutes(to: router)
    StatementPages(dependencies: dependencies).addRoutes(to: router)
    TrustPagePages(dependencies: dependencies).addRoutes(to: router)
    SearchPages(dependencies: dependencies).addRoutes(to: router)
    MetricsController(dependencies: dependencies).addRoutes(to: router)
    OpenSLOAPI(dependencies: dependencies).addPageRoutes(to: router)
    OpenSLOPages(dependencies: dependencies).addRoutes(to: router)
    SecurityPages(dependencies: dependencies).addRoutes(to: router)
    openAPI.addRoutes(to: router)
    let api = router.group("api/v1")
    VendorAPI(dependencies: dependencies).addRoutes(to: api)
    ServiceAPI(dependencies: dependencies).addRoutes(to: api)
    CalendarAPI(dependencies: dependencies).addRoutes(to: api)
    AgreementAPI(dependencies: dependencies).addRoutes(to: api)
    MeasurementAPI(dependencies: dependencies).addRoutes(to: api)
    ExclusionAPI(dependencies: dependencies).addRoutes(to: api)
    CreditAPI(dependencies: dependencies).addRoutes(to: api)
    GovernanceAPI(dependencies: dependencies).addRoutes(to: api)
    RCAAPI(dependencies: dependencies).addRoutes(to: api)
    WebhookAPI(dependencies: dependencies).addRoutes(to: api)
    RACIAPI(dependencies: dependencies).addRoutes(to: api)
    ReviewAPI(dependencies: dependencies).addRoutes(to: api)
    CalendarFeedPages(dependencies: dependencies).addAPIRoutes(to: api)
    AdminAPI(dependencies: dependencies).addRoutes(to: api)
    JobAPI(dependencies: dependencies).addRoutes(to: api)
    DataSourceAPI(dependencies: dependencies).addRoutes(to: api)
    MailAPI(dependencies: dependencies).addRoutes(to: api)
    StatementPages(dependencies: dependencies).addAPIRoutes(to: api)
    TrustPagePages(dependencies: dependencies).addAPIRoutes(to: api)
    HomeController(dependencies: dependencies).addAPIRoutes(to: api)
    SearchPages(dependencies: dependencies).addAPIRoutes(to: api)
    OpenSLOAPI(dependencies: dependencies).addRoutes(to: api)
    SecurityPages(dependencies: dependencies).addAPIRoutes(to: api)
    return router
}

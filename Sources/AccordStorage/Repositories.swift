/// Every repository over one database, as the application layer, the web layer and the command line use them.
public struct Repositories: Sendable {
    public let database: Database
    public let vendors: VendorRepository
    public let contacts: VendorContactRepository
    public let services: ServiceRepository
    public let calendars: CalendarRepository
    public let agreements: AgreementRepository
    public let versions: VersionRepository
    public let objectives: ObjectiveRepository
    public let users: UserRepository
    public let sessions: SessionStore
    public let tokens: APITokenRepository
    public let loginAttempts: LoginAttemptRepository
    public let audit: AuditRepository
    public let measurements: MeasurementRepository
    public let idempotency: IdempotencyStore
    public let exclusions: ExclusionRepository
    public let tickets: TicketRepository
    public let periodRecords: PeriodRecordRepository
    public let credits: CreditRepository
    public let jobs: JobRepository
    public let securityEvents: SecurityEventRepository
    public let governanceTerms: GovernanceTermsRepository
    public let claims: ClaimRepository
    public let disputes: DisputeRepository
    public let evidence: EvidenceRepository
    public let raci: RACIRepository
    public let inbox: InboxRepository
    public let webhooks: WebhookRepository
    public let rcas: RCARepository
    public let actions: ActionRepository
    public let portal: PortalRepository

    public init(database: Database) {
        self.database = database
        self.vendors = VendorRepository(database: database)
        self.contacts = VendorContactRepository(database: database)
        self.services = ServiceRepository(database: database)
        self.calendars = CalendarRepository(database: database)
        self.agreements = AgreementRepository(database: database)
        self.versions = VersionRepository(database: database)
        self.objectives = ObjectiveRepository(database: database)
        self.users = UserRepository(database: database)
        self.sessions = SessionStore(database: database)
        self.tokens = APITokenRepository(database: database)
        self.loginAttempts = LoginAttemptRepository(database: database)
        self.audit = AuditRepository(database: database)
        self.measurements = MeasurementRepository(database: database)
        self.idempotency = IdempotencyStore(database: database)
        self.exclusions = ExclusionRepository(database: database)
        self.tickets = TicketRepository(database: database)
        self.periodRecords = PeriodRecordRepository(database: database)
        self.credits = CreditRepository(database: database)
        self.jobs = JobRepository(database: database)
        self.securityEvents = SecurityEventRepository(database: database)
        self.governanceTerms = GovernanceTermsRepository(database: database)
        self.claims = ClaimRepository(database: database)
        self.disputes = DisputeRepository(database: database)
        self.evidence = EvidenceRepository(database: database)
        self.raci = RACIRepository(database: database)
        self.inbox = InboxRepository(database: database)
        self.webhooks = WebhookRepository(database: database)
        self.rcas = RCARepository(database: database)
        self.actions = ActionRepository(database: database)
        self.portal = PortalRepository(database: database)
    }
}

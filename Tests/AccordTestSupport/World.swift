import AccordDomain
import AccordStorage
import AccordApplication
import Foundation

/// Two vendors, each with its own service, master SLA, active vendor SLA, objective, calendar and contact,
/// plus a user of every role: the fixture for isolation, CSRF and page tests.
public struct World: Sendable {
    public static let password = "correct horse battery staple"
    /// Hashed once per test process: bcrypt at cost 12 is deliberately slow.
    public static let passwordHash = Task { try await PasswordHasher(cost: 12).hash(World.password) }

    public var vendorA: Vendor
    public var vendorB: Vendor
    public var contactA: VendorContact
    public var contactB: VendorContact
    public var serviceA: Service
    public var serviceB: Service
    public var calendarA: BusinessCalendar
    public var calendarB: BusinessCalendar
    public var masterA: Agreement
    public var masterB: Agreement
    public var agreementA: Agreement
    public var agreementB: Agreement
    public var objectiveA: Objective
    public var objectiveB: Objective
    public var admin: User
    public var manager: User
    public var analyst: User
    public var viewer: User
    public var vendorUserA: User
    public var vendorUserB: User

    public static func seed(_ repositories: Repositories, vendorBName: String = "Beta Systems") async throws -> World {
        let actor = AuditActor.system
        let org = AccessScope.organisation
        let hours = (1...5).map { WeeklyHours(weekday: $0, opens: ClockTime("09:00")!, closes: ClockTime("17:00")!) }
        let useCases = UseCases(repositories: repositories, logger: TestDatabase.logger)
        let vendorA = try await useCases.createVendor(VendorDraft(name: "Alpha Hosting"), scope: org, actor: actor)
        let vendorB = try await useCases.createVendor(VendorDraft(name: vendorBName), scope: org, actor: actor)
        let contactA = try await useCases.addContact(
            vendorID: vendorA.id, VendorContactDraft(name: "Ann Alpha", email: "ann@alpha.example"), scope: org, actor: actor)
        let contactB = try await useCases.addContact(
            vendorID: vendorB.id, VendorContactDraft(name: "Ben Beta", email: "ben@beta.example"), scope: org, actor: actor)
        let serviceA = try await useCases.createService(ServiceDraft(name: "Checkout"), scope: org, actor: actor)
        let serviceB = try await useCases.createService(ServiceDraft(name: "Payroll"), scope: org, actor: actor)
        let calendarA = try await useCases.createCalendar(
            BusinessCalendarDraft(name: "Berlin hours", timeZone: "Europe/Berlin", weeklyHours: hours), scope: org, actor: actor)
        let calendarB = try await useCases.createCalendar(
            BusinessCalendarDraft(name: "New York hours", timeZone: "America/New_York", weeklyHours: hours), scope: org, actor: actor)
        let start = LocalDate("2026-01-01")!
        func activeAgreement(_ draft: AgreementDraft, calendar: Int64?) async throws -> (Agreement, Objective) {
            let agreement = try await repositories.agreements.create(draft, scope: org, actor: actor)
            let objective = try await repositories.objectives.create(
                agreementID: agreement.id, versionNumber: 1,
                ObjectiveDraft(
                    name: "Availability", sliKind: .ratio, slaTarget: 99.9, sloTarget: 99.95, window: .calendarMonth, calendarID: calendar,
                    exclusionKinds: [.plannedMaintenance, .customerCaused],
                    credits: CreditSchedule(tiers: [CreditTier(threshold: 99.9, percent: 10)], capPercent: 30, probationFactor: 1)),
                scope: org, actor: actor)
            let active = try await repositories.agreements.changeStatus(
                id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: org, actor: actor
            ).after
            return (active, objective)
        }
        let (masterA, _) = try await activeAgreement(
            AgreementDraft(kind: .master, title: "Checkout master", serviceID: serviceA.id, startDate: start), calendar: nil)
        let (masterB, _) = try await activeAgreement(
            AgreementDraft(kind: .master, title: "Payroll master", serviceID: serviceB.id, startDate: start), calendar: nil)
        let (agreementA, objectiveA) = try await activeAgreement(
            AgreementDraft(
                kind: .vendor, title: "Alpha hosting SLA", vendorID: vendorA.id, masterID: masterA.id, dependencyKind: .serial, fee: 1000,
                startDate: start),
            calendar: calendarA.id)
        let (agreementB, objectiveB) = try await activeAgreement(
            AgreementDraft(
                kind: .vendor, title: "Beta payroll SLA", vendorID: vendorB.id, masterID: masterB.id, dependencyKind: .serial, fee: 2000,
                startDate: start),
            calendar: calendarB.id)
        let hash = try await Self.passwordHash.value
        func user(_ email: String, _ name: String, _ role: Role, _ vendorID: Int64? = nil) async throws -> User {
            try await repositories.users.insert(
                UserDraft(email: email, name: name, role: role, vendorID: vendorID, password: Self.password), passwordHash: hash, actor: actor)
        }
        return World(
            vendorA: vendorA, vendorB: vendorB, contactA: contactA, contactB: contactB, serviceA: serviceA, serviceB: serviceB, calendarA: calendarA,
            calendarB: calendarB, masterA: masterA, masterB: masterB, agreementA: agreementA, agreementB: agreementB, objectiveA: objectiveA,
            objectiveB: objectiveB, admin: try await user("admin@test.example", "Ada Admin", .admin),
            manager: try await user("carla@test.example", "Carla Contract", .contractManager),
            analyst: try await user("ari@test.example", "Ari Analyst", .analyst), viewer: try await user("vic@test.example", "Vic Viewer", .viewer),
            vendorUserA: try await user("ops@alpha.example", "Olli Alpha", .vendor, vendorA.id),
            vendorUserB: try await user("ops@beta.example", "Bea Beta", .vendor, vendorB.id))
    }
}

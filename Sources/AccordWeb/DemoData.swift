import AccordDomain
import AccordStorage
import Foundation

/// A small, realistic organisation to try Accord with: one master SLA for Checkout, three vendor SLAs under it,
/// and a user of every role, including users of two different vendors.
public struct DemoData: Sendable {
    public static let password = "accord-demo-pass"

    public static let logins: [(email: String, role: String)] = [
        ("admin@accord.example", "admin"),
        ("carla@accord.example", "contract_manager"),
        ("ari@accord.example", "analyst"),
        ("vic@accord.example", "viewer"),
        ("ops@northwind.example", "vendor (Northwind Cloud)"),
        ("desk@initech.example", "vendor (Initech Service Desk)"),
    ]

    let repositories: Repositories
    let hasher: PasswordHasher

    public init(repositories: Repositories, hasher: PasswordHasher) {
        self.repositories = repositories
        self.hasher = hasher
    }

    /// Seeds once; returns false when the demo is already there.
    @discardableResult
    public func seed(today: LocalDate) async throws -> Bool {
        guard try await self.repositories.users.credentials(email: "admin@accord.example") == nil else { return false }
        let actor = AuditActor.system
        let org = AccessScope.organisation
        let services = self.repositories.services
        let checkout = try await services.create(
            ServiceDraft(name: "Checkout", description: "Basket, payment and order confirmation in the web shop.", owner: "Digital Commerce"),
            scope: org, actor: actor)
        _ = try await services.create(
            ServiceDraft(name: "Payments", description: "Card and wallet payments.", owner: "Finance IT"), scope: org, actor: actor)
        let hours = (1...5).map { WeeklyHours(weekday: $0, opens: ClockTime("09:00")!, closes: ClockTime("17:00")!) }
        let holidays = ["2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01"].map { Holiday(date: LocalDate($0)!, name: "Public holiday") }
        let office = try await self.repositories.calendars.create(
            BusinessCalendarDraft(name: "Berlin office hours", timeZone: "Europe/Berlin", weeklyHours: hours, holidays: holidays), scope: org,
            actor: actor)

        let vendors = self.repositories.vendors
        let northwind = try await vendors.create(
            VendorDraft(name: "Northwind Cloud", description: "Hosting platform and managed Kubernetes.", website: "https://northwind.example"),
            scope: org, actor: actor)
        let globex = try await vendors.create(
            VendorDraft(name: "Globex Edge", description: "Content delivery network.", website: "https://globex.example"), scope: org, actor: actor)
        let initech = try await vendors.create(
            VendorDraft(
                name: "Initech Service Desk", description: "Second-line support.", website: "https://initech.example",
                probationUntil: LocalDate(year: today.year + 1, month: 3, day: 31)),
            scope: org, actor: actor)
        _ = try await vendors.create(VendorDraft(name: "Umbrella Payments", description: "Payment gateway."), scope: org, actor: actor)
        _ = try await self.repositories.contacts.create(
            vendorID: northwind.id, VendorContactDraft(name: "Nora Quist", email: "nora@northwind.example", title: "Service delivery manager"),
            scope: org, actor: actor)

        let start = LocalDate(year: today.year, month: 1, day: 1)!
        let end = LocalDate(year: today.year + 1, month: 12, day: 31)!
        let master = try await self.activeAgreement(
            AgreementDraft(kind: .master, title: "Checkout end-to-end availability", serviceID: checkout.id, startDate: start, endDate: end),
            objective: ObjectiveDraft(name: "Checkout availability", sliKind: .ratio, slaTarget: 99.5, sloTarget: 99.7, window: .calendarMonth))
        let credits = CreditSchedule(
            tiers: [CreditTier(threshold: 99.9, percent: 10), CreditTier(threshold: 99.0, percent: 25), CreditTier(threshold: 95.0, percent: 100)],
            capPercent: 50, probationFactor: 1)
        _ = try await self.activeAgreement(
            AgreementDraft(
                kind: .vendor, title: "Northwind hosting platform", vendorID: northwind.id, masterID: master.id, dependencyKind: .serial,
                fee: 42000, currency: "EUR", timeZone: "Europe/Berlin", startDate: start, endDate: end,
                renewalDate: LocalDate(year: today.year + 1, month: 10, day: 1), noticeDate: LocalDate(year: today.year + 1, month: 9, day: 30)),
            objective: ObjectiveDraft(
                name: "Platform availability", sliKind: .ratio, slaTarget: 99.9, sloTarget: 99.95, window: .calendarMonth,
                exclusionKinds: [.plannedMaintenance, .forceMajeure], credits: credits))
        _ = try await self.activeAgreement(
            AgreementDraft(
                kind: .vendor, title: "Globex edge delivery", vendorID: globex.id, masterID: master.id, dependencyKind: .parallel,
                parallelGroup: "edge", fee: 8000, currency: "EUR", startDate: start, endDate: end),
            objective: ObjectiveDraft(
                name: "Edge availability", sliKind: .ratio, slaTarget: 99.5, sloTarget: 99.8, window: .calendarMonth,
                exclusionKinds: [.plannedMaintenance]))
        _ = try await self.activeAgreement(
            AgreementDraft(
                kind: .vendor, title: "Initech second-line support", vendorID: initech.id, masterID: master.id, dependencyKind: .serial,
                fee: 12500, currency: "EUR", timeZone: "Europe/Berlin", startDate: start, endDate: end),
            objective: ObjectiveDraft(
                name: "First response within goal", sliKind: .ticketResponse, slaTarget: 95, sloTarget: 97, window: .calendarMonth,
                calendarID: office.id,
                priorityGoals: [
                    PriorityGoal(priority: "P1", goalMinutes: 30), PriorityGoal(priority: "P2", goalMinutes: 120),
                    PriorityGoal(priority: "P3", goalMinutes: 480),
                ],
                exclusionKinds: [.customerCaused],
                credits: CreditSchedule(
                    tiers: [CreditTier(threshold: 95, percent: 5), CreditTier(threshold: 90, percent: 15)], capPercent: 15, probationFactor: 0.5)))

        let hash = try await self.hasher.hash(Self.password)
        let people: [(String, String, Role, Int64?)] = [
            ("admin@accord.example", "Ada Admin", .admin, nil),
            ("carla@accord.example", "Carla Contract", .contractManager, nil),
            ("ari@accord.example", "Ari Analyst", .analyst, nil),
            ("vic@accord.example", "Vic Viewer", .viewer, nil),
            ("ops@northwind.example", "Olli Ops", .vendor, northwind.id),
            ("desk@initech.example", "Dana Desk", .vendor, initech.id),
        ]
        for (email, name, role, vendorID) in people {
            _ = try await self.repositories.users.create(
                UserDraft(email: email, name: name, role: role, vendorID: vendorID, password: Self.password), passwordHash: hash, actor: actor)
        }
        return true
    }

    private func activeAgreement(_ draft: AgreementDraft, objective: ObjectiveDraft) async throws -> Agreement {
        let agreement = try await self.repositories.agreements.create(draft, scope: .organisation, actor: .system)
        _ = try await self.repositories.objectives.create(
            agreementID: agreement.id, versionNumber: 1, objective, scope: .organisation, actor: .system)
        return try await self.repositories.agreements.changeStatus(
            id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
    }
}

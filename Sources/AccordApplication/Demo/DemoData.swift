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
        let (checkout, office, northwind, globex, initech) = try await self.directory(today: today)

        let start = LocalDate(year: today.year, month: 1, day: 1)!
        let end = LocalDate(year: today.year + 1, month: 12, day: 31)!
        let master = try await self.activeAgreement(
            AgreementDraft(kind: .master, title: "Checkout end-to-end availability", serviceID: checkout.id, startDate: start, endDate: end),
            // a ramp: the service opened on 1 January and was tightened step by step until it commenced in May
            objective: ObjectiveDraft(
                name: "Checkout availability", sliKind: .ratio, slaTarget: 99.5, sloTarget: 99.7, window: .calendarMonth,
                movingTerms: MovingTerms(ramp: [
                    RampStep(until: LocalDate(year: today.year, month: 2, day: 28)!, slaTarget: 99.0, sloTarget: 99.3),
                    RampStep(until: LocalDate(year: today.year, month: 4, day: 30)!, slaTarget: 99.3, sloTarget: 99.5),
                ])))
        let credits = CreditSchedule(
            tiers: [CreditTier(threshold: 99.9, percent: 10), CreditTier(threshold: 99.0, percent: 25), CreditTier(threshold: 95.0, percent: 100)],
            capPercent: 50, probationFactor: 1)
        let northwindSLA = try await self.activeAgreement(
            AgreementDraft(
                kind: .vendor, title: "Northwind hosting platform", vendorID: northwind.id, masterID: master.id, dependencyKind: .serial,
                fee: 42000, currency: "EUR", timeZone: "Europe/Berlin", startDate: start, endDate: end,
                renewalDate: LocalDate(year: today.year + 1, month: 10, day: 1), noticeDate: LocalDate(year: today.year + 1, month: 9, day: 30)),
            // a surge clause: above 150 % of a forecast of 2,480,000 requests a month (3,720,000), only the volume up to
            // that counts; a busy month (August) shows it applied
            objective: ObjectiveDraft(
                name: "Platform availability", sliKind: .ratio, slaTarget: 99.9, sloTarget: 99.95, window: .calendarMonth,
                exclusionKinds: [.plannedMaintenance, .forceMajeure], credits: credits,
                movingTerms: MovingTerms(surge: SurgeClause(forecast: 2_480_000, thresholdPercent: 150, rule: .capVolume))))
        let globexSLA = try await self.activeAgreement(
            AgreementDraft(
                kind: .vendor, title: "Globex edge delivery", vendorID: globex.id, masterID: master.id, dependencyKind: .parallel,
                parallelGroup: "edge", fee: 8000, currency: "EUR", startDate: start, endDate: end),
            // seasons: retail peak in November and December is held to a tighter target, with steeper credits
            objective: ObjectiveDraft(
                name: "Edge availability", sliKind: .ratio, slaTarget: 99.5, sloTarget: 99.8, window: .calendarMonth,
                exclusionKinds: [.plannedMaintenance],
                credits: CreditSchedule(tiers: [CreditTier(threshold: 99.5, percent: 5)], capPercent: 30, probationFactor: 1),
                movingTerms: MovingTerms(seasons: [
                    Season(
                        name: "peak", from: MonthDay(month: 11, day: 1)!, to: MonthDay(month: 12, day: 31)!, slaTarget: 99.8, sloTarget: 99.9,
                        creditTiers: [CreditTier(threshold: 99.8, percent: 10), CreditTier(threshold: 99.0, percent: 25)])
                ])))
        let initechSLA = try await self.activeAgreement(
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

        let people: [(String, String, Role, Int64?)] = [
            ("admin@accord.example", "Ada Admin", .admin, nil),
            ("carla@accord.example", "Carla Contract", .contractManager, nil),
            ("ari@accord.example", "Ari Analyst", .analyst, nil),
            ("vic@accord.example", "Vic Viewer", .viewer, nil),
            ("ops@northwind.example", "Olli Ops", .vendor, northwind.id),
            ("desk@initech.example", "Dana Desk", .vendor, initech.id),
        ]
        var users: [String: User] = [:]
        for (email, name, role, vendorID) in people {
            users[email] = try await CreateUser(change: Change(repositories: self.repositories, clock: { Date() }), hasher: self.hasher)(
                UserDraft(email: email, name: name, role: role, vendorID: vendorID, password: Self.password), actor: actor)
        }
        try await self.measurements(
            master: master, northwind: northwindSLA, globex: globexSLA, initech: initechSLA, analystID: users["ari@accord.example"]?.id, today: today)
        if let carla = users["carla@accord.example"], let ada = users["admin@accord.example"], let ari = users["ari@accord.example"],
            let olli = users["ops@northwind.example"], let dana = users["desk@initech.example"]
        {
            let people = DemoGovernance.People(carla: carla, ada: ada, ari: ari, olli: olli, dana: dana)
            let now = Date()
            try await DemoGovernance(repositories: self.repositories).seed(
                master: master, northwind: northwindSLA, globex: globexSLA, initech: initechSLA, people: people, now: now)
            try await DemoReviews(repositories: self.repositories).seed(
                master: master, northwind: northwindSLA, globex: globexSLA, initech: initechSLA, people: people, now: now)
        }
        // the demo sends no mail: it writes each message to the capture folder, and the Mail page says so
        _ = try await MailAdministration(change: Change(repositories: self.repositories, clock: { Date() }), options: .standard).update(
            MailSettingsDraft(mode: .capture, host: "", port: 587, security: .starttls, senderAddress: "accord@demo.example", senderName: "Accord demo"),
            actor: actor)
        // the months the demo closed have their signed statements at once
        _ = try await StatementJob(repositories: self.repositories, waiting: false).run(now: Date())
        return true
    }

    /// The services, the office calendar and the vendors (with Northwind's contact) the agreements name.
    private func directory(today: LocalDate) async throws -> (checkout: Service, office: BusinessCalendar, northwind: Vendor, globex: Vendor, initech: Vendor) {
        let actor = AuditActor.system
        let org = AccessScope.organisation
        let addService = CreateService(repositories: self.repositories, clock: { Date() })
        let checkout = try await addService(
            ServiceDraft(name: "Checkout", description: "Basket, payment and order confirmation in the web shop.", owner: "Digital Commerce"),
            scope: org, actor: actor)
        _ = try await addService(
            ServiceDraft(name: "Payments", description: "Card and wallet payments.", owner: "Finance IT"), scope: org, actor: actor)
        let hours = (1...5).map { WeeklyHours(weekday: $0, opens: ClockTime("09:00")!, closes: ClockTime("17:00")!) }
        let holidays = ["2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01"].map { Holiday(date: LocalDate($0)!, name: "Public holiday") }
        let office = try await CreateCalendar(repositories: self.repositories, clock: { Date() })(
            BusinessCalendarDraft(name: "Berlin office hours", timeZone: "Europe/Berlin", weeklyHours: hours, holidays: holidays), scope: org,
            actor: actor)

        let addVendor = CreateVendor(repositories: self.repositories, clock: { Date() })
        let northwind = try await addVendor(
            VendorDraft(name: "Northwind Cloud", description: "Hosting platform and managed Kubernetes.", website: "https://northwind.example"),
            scope: org, actor: actor)
        let globex = try await addVendor(
            // its probation ended in March: with its periods since all met, its internal agendas suggest tightening its terms
            VendorDraft(
                name: "Globex Edge", description: "Content delivery network.", website: "https://globex.example",
                probationUntil: LocalDate(year: today.year, month: 3, day: 31)),
            scope: org, actor: actor)
        let initech = try await addVendor(
            VendorDraft(
                name: "Initech Service Desk", description: "Second-line support.", website: "https://initech.example",
                probationUntil: LocalDate(year: today.year + 1, month: 3, day: 31)),
            scope: org, actor: actor)
        _ = try await addVendor(VendorDraft(name: "Umbrella Payments", description: "Payment gateway."), scope: org, actor: actor)
        _ = try await AddContact(repositories: self.repositories, clock: { Date() })(
            vendorID: northwind.id, VendorContactDraft(name: "Nora Quist", email: "nora@northwind.example", title: "Service delivery manager"),
            scope: org, actor: actor)
        return (checkout, office, northwind, globex, initech)
    }

    /// The year so far: hourly availability buckets (a March outage on Northwind, partly excluded as maintenance, and a
    /// burn in the last hours that fires alerts), and first-response ticket events for Initech, a few answered late.
    private func measurements(
        master: Agreement, northwind: Agreement, globex: Agreement, initech: Agreement, analystID: Int64?, today: LocalDate
    ) async throws {
        let sender = BatchSender(userID: analystID, credential: "demo")
        var random = DemoRandom(seed: 20_260_101)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let yearStart = utc.date(from: DateComponents(year: today.year, month: 1, day: 1))!
        let now = Date()
        let lastHour = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 300).rounded(.down) * 300)
        let outage = utc.date(from: DateComponents(year: today.year, month: 3, day: 12, hour: 2))!
        // a second incident, in October, that no root-cause analysis covers yet
        let october = utc.date(from: DateComponents(year: today.year, month: 10, day: 8, hour: 2))!
        let objectives = self.repositories.objectives
        func objectiveID(_ agreement: Agreement) async throws -> Int64 {
            let version = try await self.repositories.versions.find(agreementID: agreement.id, number: 1, scope: .organisation)
            return try await objectives.list(versionID: version.id, scope: .organisation).first!.id
        }
        let series: [(Agreement, Double, Bool)] = [(master, 0.0012, true), (northwind, 0.0003, true), (globex, 0.0009, false)]
        for (agreement, badRate, hitByOutage) in series {
            let id = try await objectiveID(agreement)
            var month = yearStart
            while month < lastHour {
                let next = min(utc.date(byAdding: .month, value: 1, to: month)!, lastHour)
                var buckets: [MeasurementBucket] = []
                var hour = month
                while hour < next {
                    // the last six hours come in five-minute buckets, as a monitoring tool pushes them live
                    let step: TimeInterval = hour >= lastHour.addingTimeInterval(-6 * 3600) ? 300 : 3600
                    var valid = Int64((4000 + random.next(2000)) * Int(step) / 3600)
                    // Northwind's August is busy (a third above its usual volume): its surge clause applies
                    if agreement.id == northwind.id, utc.component(.month, from: hour) == 8 { valid = valid * 4 / 3 }
                    var rate = badRate * (0.5 + Double(random.next(100)) / 100)
                    if hitByOutage, hour >= outage, hour < outage.addingTimeInterval(3 * 3600) { rate = 0.6 }
                    if hitByOutage, hour >= october, hour < october.addingTimeInterval(2 * 3600) { rate = 0.6 }
                    if hitByOutage, hour >= lastHour.addingTimeInterval(-2 * 3600) { rate = 0.05 }
                    let bad = min(valid, Int64((Double(valid) * rate).rounded()))
                    buckets.append(MeasurementBucket(start: hour, end: hour.addingTimeInterval(step), good: valid - bad, valid: valid))
                    hour = hour.addingTimeInterval(step)
                }
                if !buckets.isEmpty {
                    _ = try await self.repositories.measurements.ingest(
                        objectiveID: id, source: "synthetic probe", buckets: buckets, scope: .organisation, sender: sender)
                }
                month = next
            }
            if agreement.id == northwind.id, outage < now {
                _ = try await self.repositories.exclusions.create(
                    objectiveID: id,
                    ExclusionDraft(
                        kind: .plannedMaintenance, reason: "Announced database failover window (change CHG-1042).", startsAt: outage,
                        endsAt: outage.addingTimeInterval(3600)),
                    scope: .organisation, actor: .system)
            }
        }
        // Initech: tickets on working days, 09:00–16:00 Berlin; goals P1 30 min, P2 2 h, P3 8 h of office time
        let initechObjective = try await objectiveID(initech)
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = TimeZone(identifier: "Europe/Berlin")!
        var events: [TicketEvent] = []
        var day = yearStart
        var number = 1
        while day < now.addingTimeInterval(-86_400) {
            let weekday = berlin.component(.weekday, from: day)
            if weekday != 1, weekday != 7 {
                for _ in 0..<3 {
                    let priority = ["P1", "P2", "P3", "P3"][random.next(4)]
                    let goal = ["P1": 30, "P2": 120, "P3": 480][priority]!
                    let created = berlin.date(bySettingHour: 9 + random.next(7), minute: random.next(60), second: 0, of: day)!
                    let late = random.next(100) < 5
                    let minutes = late ? goal + 10 + random.next(goal) : 1 + random.next(max(1, goal - 5))
                    let ticket = "INC-\(10_000 + number)"
                    number += 1
                    events.append(TicketEvent(ticket: ticket, priority: priority, kind: .created, at: created))
                    // responses inside office hours: a goal running past 17:00 continues the next working morning
                    let responded = WorkingSchedule.business(
                        BusinessCalendar(
                            id: 0, name: "", timeZone: "Europe/Berlin",
                            weeklyHours: (1...5).map { WeeklyHours(weekday: $0, opens: ClockTime("09:00")!, closes: ClockTime("17:00")!) },
                            holidays: [],
                            rowVersion: 1, updatedAt: now)
                    ).deadline(start: created, goal: TimeInterval(minutes * 60))
                    if let responded, responded < now {
                        events.append(TicketEvent(ticket: ticket, priority: priority, kind: .responded, at: responded))
                    }
                }
            }
            day = day.addingTimeInterval(86_400)
        }
        for chunk in stride(from: 0, to: events.count, by: 2000) {
            _ = try await self.repositories.tickets.ingest(
                objectiveID: initechObjective, source: "initech helpdesk", events: Array(events[chunk..<min(chunk + 2000, events.count)]),
                scope: .organisation, sender: sender)
        }
    }

    private func activeAgreement(_ draft: AgreementDraft, objective: ObjectiveDraft) async throws -> Agreement {
        let change = Change(repositories: self.repositories, clock: { Date() })
        let agreement = try await CreateAgreement(change: change)(draft, scope: .organisation, actor: .system)
        _ = try await AddObjective(change: change)(agreementID: agreement.id, versionNumber: 1, objective, scope: .organisation, actor: .system)
        return try await ChangeAgreementStatus(change: change)(
            id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
    }
}

/// A small deterministic generator, so every demo database holds the same figures.
struct DemoRandom {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next(_ bound: Int) -> Int {
        self.state = self.state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((self.state >> 33) % UInt64(max(1, bound)))
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// A vendor user's home: what it must act on first, then its agreements in force with each objective's current
/// period, its SLA breaches, credits, claims, disputes and inbox, and how its SLAs contribute to the services they
/// underpin. Only its own vendor's data, read through its scope.
struct VendorPortal {
    let dependencies: AppDependencies

    struct ActItem {
        var text: String
        var link: String
        var overdue: Bool
    }

    struct ObjectiveLine {
        var objectiveID: Int64
        var objective: String
        var agreement: String
        var attainment: String
        var sla: String
        var status: String
        var statusText: String
        var budget: String
        var alert: String
    }

    struct SimpleLine {
        var text: String
        var link: String
        var status: String
        var tag: String? = nil
    }

    struct ContributionLine {
        var agreementID: Int64
        var agreement: String
        var service: String
        var dependency: String
        var breaches: String
        var share: String
    }

    struct View {
        var chrome: Chrome
        var vendor: String
        var vendorID: Int64
        var toAct: [ActItem]
        var objectives: [ObjectiveLine]
        var breaches: [SimpleLine]
        var credits: [SimpleLine]
        var claims: [SimpleLine]
        var disputes: [SimpleLine]
        var inbox: [SimpleLine]
        var unread: Int
        var contributions: [ContributionLine]
        var meetings: [SimpleLine]
        /// Whether any of its agreements shares the customer's internal figures (the budget and alert columns).
        var anyShared: Bool
        var statements: [SimpleLine]
        /// The Ed25519 keys statements are signed with (base64), to check them with.
        var publicKeys: [String]
    }

    func render(_ request: Request, _ context: AccordRequestContext, user: User) async throws -> Response {
        guard let vendorID = user.vendorID else { throw AccessDenied() }
        let scope = try context.scope
        let now = self.dependencies.clock()
        let useCases = self.dependencies.useCases
        let vendor = try await useCases.vendors.find(id: vendorID, scope: scope)
        // its objectives in force, most at risk first; the customer's internal figures only where an agreement shares them
        let shared = try await self.dependencies.dashboardSharing(context) ?? []
        let objectives = try await self.objectiveLines(scope: scope, shared: shared, now: now)
        // an open period below its SLA so far, or heading below it, is something to act on before it closes
        var toAct = try await self.waitingOn(vendorID: vendorID, scope: scope, today: LocalDate.of(now, in: .gmt))
        for line in objectives where line.status == PeriodOutlook.Status.belowTarget.rawValue || line.status == PeriodOutlook.Status.atRisk.rawValue {
            toAct.append(
                ActItem(
                    text: "\(line.objective) (\(line.agreement)) is \(line.statusText) this period: \(line.attainment) against an SLA of \(line.sla)",
                    link: "/objectives/\(line.objectiveID)", overdue: false))
        }
        let meetings = try await useCases.reviews.meetings(
            from: now.addingTimeInterval(-3600), to: now.addingTimeInterval(45 * 86_400), scope: scope, includeCancelled: false, limit: 5
        ).map { meeting, series in
            SimpleLine(
                text: "\(series.title), \(ReviewText.meetingTime(start: meeting.startsAt, end: meeting.endsAt, zone: TimeZone(identifier: series.timeZone) ?? .gmt))",
                link: "/meetings/\(meeting.id)", status: meeting.status.rawValue)
        }
        let inbox = try await useCases.inbox.list(userID: user.id, unreadOnly: true, page: PageRequest(number: 1, size: 5))
        let records = try await self.records(vendorID: vendorID, scope: scope, now: now)
        let statements = try await useCases.statements.recent(scope: scope, limit: 6).compactMap { statement -> SimpleLine? in
            guard let reading = try? StatementReading(statement) else { return nil }
            let credits = reading.hasCredits ? "credits owed \(reading.credits.joined(separator: ", "))" : "no credit owed"
            return SimpleLine(
                text: "\(reading.title), \(reading.month)\(statement.revision > 1 ? " (revision \(statement.revision))" : ""): \(reading.breaches) breaches, \(credits)",
                link: "/statements/\(statement.id)", status: "")
        }
        let view = View(
            chrome: Chrome(title: "\(vendor.name) portal", context: context, notice: request.notice), vendor: vendor.name, vendorID: vendorID, toAct: toAct,
            objectives: objectives, breaches: records.breaches, credits: records.credits, claims: records.claims, disputes: records.disputes,
            inbox: inbox.items.map { SimpleLine(text: $0.title, link: $0.link, status: "", tag: $0.toAct ? "to act" : nil) }, unread: inbox.total,
            contributions: try await self.contributions(vendorID: vendorID, now: now), meetings: meetings, anyShared: !shared.isEmpty,
            statements: statements, publicKeys: try await useCases.statements.publicKeys().map(\.publicKey))
        return self.dependencies.renderer.response(view, template: "portal")
    }

    /// What waits on the vendor, the overdue first: RCAs to write, its open actions, the customer's proposals to
    /// answer, review action items it owns.
    func waitingOn(vendorID: Int64, scope: AccessScope, today: LocalDate) async throws -> [ActItem] {
        let useCases = self.dependencies.useCases
        var toAct: [ActItem] = []
        for rca in try await useCases.rcas.list(.init(), today: today, page: PageRequest(number: 1, size: 50), scope: scope).items
        where [.requested, .inProgress, .returned].contains(rca.status) {
            toAct.append(ActItem(text: "RCA \(rca.title): \(rca.status.label), due \(Figures.date(rca.dueOn))", link: "/rcas/\(rca.id)", overdue: rca.overdue))
        }
        for action in try await useCases.actions.list(.init(openOnly: true, ownerVendorID: vendorID), page: PageRequest(number: 1, size: 50), scope: scope).items {
            toAct.append(
                ActItem(
                    text: "Action: \(action.description.prefix(100)), due \(Figures.date(action.dueOn))", link: "/actions/\(action.id)",
                    overdue: ActionRules.isOverdue(state: action.status, due: action.dueOn, today: today)))
        }
        for proposal in try await useCases.proposals.list(agreementID: nil, openOnly: true, page: PageRequest(number: 1, size: 20), scope: scope).items
        where proposal.proposedByCustomer {
            toAct.append(ActItem(text: "Proposal to answer: \(proposal.title) (\(proposal.agreementTitle))", link: "/proposals/\(proposal.id)", overdue: false))
        }
        for item in try await useCases.reviews.openItems(ownerVendorID: vendorID, scope: scope) {
            toAct.append(
                ActItem(
                    text: "Review action: \(item.text.prefix(100)), due \(item.dueOn.map(Figures.date) ?? "")", link: "/meetings/\(item.meetingID)",
                    overdue: item.dueOn.map { $0 < today } ?? false))
        }
        toAct.sort { $0.overdue && !$1.overdue }
        return toAct
    }

    /// The vendor's objectives in force, most at risk first, from the rows the dashboard keeps (its own only).
    func objectiveLines(scope: AccessScope, shared: Set<Int64>, now: Date) async throws -> [ObjectiveLine] {
        let dashboard = self.dependencies.useCases.dashboard
        try await dashboard.match(now: now)
        let keys = try await dashboard.pageKeys(DashboardFilter(), sort: .risk, page: PageRequest(number: 1, size: 50), scope: scope, internalFiguresOf: shared)
        let found = try await dashboard.rows(seriesIDs: keys.map(\.seriesID), scope: scope)
        return keys.compactMap { found[$0.seriesID] }.map { row in
            let line = DashboardPages.line(row, columns: !shared.isEmpty, showsInternal: shared.contains(row.agreementID))
            return ObjectiveLine(
                objectiveID: row.objectiveID, objective: row.objectiveName, agreement: row.agreementTitle, attainment: line.attainment, sla: line.sla,
                status: line.slaStatus, statusText: line.slaStatusText, budget: line.showsInternal ? line.budget : "not shared",
                alert: line.showsInternal ? line.alert : "—")
        }
    }

    /// The year's SLA breaches and the latest credits, claims and disputes.
    func records(vendorID: Int64, scope: AccessScope, now: Date) async throws
        -> (breaches: [SimpleLine], credits: [SimpleLine], claims: [SimpleLine], disputes: [SimpleLine])
    {
        let useCases = self.dependencies.useCases
        let breaches = try await useCases.portal.recentBreaches(vendorID: vendorID, since: now.addingTimeInterval(-366 * 86_400)).map { breach in
            SimpleLine(
                text: "\(breach.objectiveName) (\(breach.agreementTitle)), \(Figures.period(start: breach.periodStart, end: breach.periodEnd, zone: Stamp.zone(breach.timeZone))): \(Figures.attainment(breach.attainment, targets: [breach.target])) against \(Figures.target(breach.target))",
                link: "/objectives/\(breach.objectiveID)", status: "breached")
        }
        let credits = try await useCases.credits.page(filter: .init(vendorID: vendorID), page: PageRequest(number: 1, size: 10), scope: scope).items.map { credit in
            SimpleLine(
                text: "\(credit.objectiveName), \(Figures.period(start: credit.periodStart, end: credit.periodEnd, zone: Stamp.zone(credit.timeZone))): \(Money.format(credit.amount, credit.currency))",
                link: "/credits/\(credit.id)", status: credit.status.rawValue)
        }
        let claims = try await useCases.claims.list(.init(), page: PageRequest(number: 1, size: 5), scope: scope).items.map {
            SimpleLine(text: "Claim \($0.id): \($0.kind.label) on \($0.agreementTitle)", link: "/claims/\($0.id)", status: $0.status.rawValue)
        }
        let disputes = try await useCases.disputes.list(.init(), page: PageRequest(number: 1, size: 5), scope: scope).items.map {
            SimpleLine(text: "Dispute \($0.id): the \($0.subject == .credit ? "credit" : "figure") of \($0.objectiveName)", link: "/disputes/\($0.id)", status: $0.status.rawValue)
        }
        return (breaches, credits, claims, disputes)
    }

    /// What each of the vendor's SLAs contributed to its master over the last year.
    func contributions(vendorID: Int64, now: Date) async throws -> [ContributionLine] {
        try await self.dependencies.useCases.portal.contributions(vendorID: vendorID, since: now.addingTimeInterval(-366 * 86_400)).map {
            ContributionLine(
                agreementID: $0.agreementID, agreement: $0.agreementTitle, service: $0.serviceName,
                dependency: $0.dependency == "parallel" ? "redundant (parallel)" : "serial: needed for the service",
                breaches: $0.masterBreaches == 0
                    ? "The service met its commitment in every closed period of the last year."
                    : "The service breached its commitment in \($0.masterBreaches) period\($0.masterBreaches == 1 ? "" : "s") of the last year; this SLA was breached too in \($0.alsoBreached) of them.",
                share: $0.averageShare.map { "\($0.plain) % on average in accepted joint RCAs" } ?? "no shares agreed in accepted joint RCAs")
        }
    }
}

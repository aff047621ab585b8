import AccordApplication
import AccordDomain
import AccordStorage
import Foundation
import Hummingbird

/// The portfolio dashboard (every agreement and objective in force), a vendor's scorecard and a master SLA's
/// composition and coverage check.
struct DashboardPages {
    let dependencies: AppDependencies
    var repositories: Repositories { self.dependencies.repositories }

    struct Line {
        var objectiveID: Int64
        var objective: String
        var agreementID: Int64
        var agreement: String
        var vendor: String
        var isMaster: Bool
        var attainment: String
        var sla: String
        var slo: String
        /// How the current period is going: CSS key and words (`on track`, `at risk`, `below target so far`).
        var slaStatus: String
        var slaStatusText: String
        var sloStatus: String
        var sloStatusText: String
        var budget: String
        var alert: String
        var hasAlert: Bool
        var sparkline: String
    }

    struct DashboardView {
        var chrome: Chrome
        /// Overdue root-cause analyses and actions, read per request (not cached with the table).
        var overdue: [OverdueLink]
        /// The rendered table (from `dashboard-table`, escaped there), shared by everyone with the same scope.
        var table: String
        var isEmpty: Bool
        var summary: [String]
    }

    struct OverdueLink {
        var text: String
        var link: String
    }

    struct TableView {
        var lines: [Line]
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("dashboard") { request, context in
            _ = try context.requireUser()
            let now = self.dependencies.clock()
            let stamp = try await self.repositories.periodRecords.portfolioStamp()
            let hour = Int((now.timeIntervalSince1970 / 3600).rounded(.down))
            let cache = self.dependencies.portfolioCache
            let entry: PortfolioCache.Entry
            if let cached = cache.lookup(scope: try context.scope, stamp: stamp, hour: hour) {
                entry = cached
            } else {
                let rows = try await self.dependencies.useCases.portfolio.rows(scope: context.scope, now: now)
                let lines = rows.map(Self.line)
                let breached = rows.filter { $0.current.slaStatus == .breached }.count
                let atRisk = rows.filter { $0.outlook?.status == .atRisk }.count
                let alerting = rows.filter { !$0.firing.isEmpty }.count
                entry = PortfolioCache.Entry(
                    stamp: stamp, hour: hour,
                    html: lines.isEmpty ? "" : self.dependencies.renderer.render(TableView(lines: lines), template: "dashboard-table"),
                    summary: [
                        "\(rows.count) objectives in force", "\(breached) below the SLA so far this period",
                        "\(atRisk) at risk (below the SLO, or heading below the SLA at the last day's rate)", "\(alerting) with a burn-rate alert",
                    ])
                cache.store(entry, scope: try context.scope)
            }
            let today = LocalDate.of(self.dependencies.clock(), in: .gmt)
            let scope = try context.scope
            let (lateRCAs, lateActions) = try await self.dependencies.portfolioCache.overdueCounts(scope: scope, now: self.dependencies.clock()) {
                try await self.dependencies.repositories.portal.overdueCounts(today: today, scope: scope)
            }
            var overdue: [OverdueLink] = []
            func count(_ n: Int) -> String { n >= PortalRepository.overdueShown ? "\(PortalRepository.overdueShown)+" : "\(n)" }
            if lateRCAs > 0 {
                overdue.append(OverdueLink(text: "\(count(lateRCAs)) root-cause analys\(lateRCAs == 1 ? "is" : "es") overdue", link: "/rcas?overdue=true"))
            }
            if lateActions > 0 {
                overdue.append(OverdueLink(text: "\(count(lateActions)) corrective action\(lateActions == 1 ? "" : "s") overdue", link: "/actions?overdue=true"))
            }
            let moment = self.dependencies.clock()
            overdue += try await self.dependencies.portfolioCache.governanceReminders(scope: scope, now: moment) {
                try await self.governanceReminders(scope: scope, now: moment)
            }
            let view = DashboardView(
                chrome: Chrome(title: "Dashboard", context: context, notice: request.notice), overdue: overdue, table: entry.html, isEmpty: entry.html.isEmpty,
                summary: entry.summary)
            return self.dependencies.renderer.response(view, template: "dashboard")
        }
    }

    /// Notice deadlines within 90 days (the customer's people) and reviews in the next seven days.
    func governanceReminders(scope: AccessScope, now: Date) async throws -> [OverdueLink] {
        var links: [OverdueLink] = []
        let today = LocalDate.of(now, in: .gmt)
        if scope.vendorID == nil {
            for notice in try await self.dependencies.repositories.reviewFacts.notices(agreementIDs: nil, vendorID: nil) {
                let left = notice.deadline.daysSince1970 - today.daysSince1970
                guard (0...RenewalRules.reminderDays[0]).contains(left) else { continue }
                links.append(
                    OverdueLink(
                        text: "Notice deadline for \(notice.title): \(Figures.date(notice.deadline)), \(left) day\(left == 1 ? "" : "s") left",
                        link: "/agreements/\(notice.agreementID)"))
            }
        }
        let upcoming = try await self.dependencies.repositories.reviews.meetings(
            from: now, to: now.addingTimeInterval(7 * 86_400), scope: scope, includeCancelled: false, limit: 3)
        for (meeting, series) in upcoming {
            links.append(
                OverdueLink(
                    text: "Review: \(series.title), \(ReviewText.meetingTime(start: meeting.startsAt, end: meeting.endsAt, zone: TimeZone(identifier: series.timeZone) ?? .gmt))",
                    link: "/meetings/\(meeting.id)"))
        }
        return links
    }

    static func line(_ row: PortfolioReport.Row) -> Line {
        let objective = row.entry.objective
        return Line(
            objectiveID: objective.id, objective: objective.name, agreementID: row.entry.placement.agreementID, agreement: row.entry.agreementTitle,
            vendor: row.entry.vendorName ?? "Master SLA", isMaster: row.entry.agreementKind == .master,
            attainment: Figures.attainment(row.current.attainment, targets: [objective.slaTarget, objective.sloTarget]),
            sla: Figures.target(objective.slaTarget), slo: Figures.target(objective.sloTarget),
            slaStatus: row.outlook?.status.rawValue ?? row.current.slaStatus.rawValue,
            slaStatusText: row.outlook?.status.label ?? row.current.slaStatus.label,
            sloStatus: row.current.sloStatus == .breached ? "at_risk" : row.current.sloStatus.rawValue,
            sloStatusText: row.current.sloStatus == .breached ? "budget spent" : row.current.sloStatus == .met ? "within" : "no data",
            budget: Figures.budgetLeft(row.current.budgetRemaining),
            alert: row.firing.joined(separator: "; "), hasAlert: !row.firing.isEmpty,
            sparkline: Sparkline(values: row.history.map { $0?.double }, sla: objective.slaTarget.double).svg)
    }
}

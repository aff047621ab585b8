import AccordApplication
import AccordDomain
import Foundation
import Hummingbird
import Mustache

/// The portfolio dashboard (every agreement and objective in force), a vendor's scorecard and a master SLA's
/// composition and coverage check.
struct DashboardPages {
    let dependencies: AppDependencies

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
        /// Whether the table has the SLO, budget and alert columns, and whether this row fills them (a vendor's user
        /// sees them only for agreements that share the customer's internal figures).
        var columns = true
        var showsInternal = true
    }

    struct DashboardView {
        var chrome: Chrome
        /// Overdue root-cause analyses and actions, notice deadlines and reviews near, cached per scope for a minute.
        var overdue: [OverdueLink]
        /// Notice deadlines near and the next reviews: reminders, not alarms.
        var reminders: [OverdueLink]
        /// The rows' HTML, each from `dashboard-row` (escaped there).
        var rowsHTML: String
        var isEmpty: Bool
        /// Nothing in force at all (not just nothing matching the filter).
        var nothingInForce: Bool
        var counts: [CountLink]
        var vendors: [ReviewPages.Option]
        var services: [ReviewPages.Option]
        var statuses: [ReviewPages.Option]
        var sorts: [ReviewPages.Option]
        var search: String
        var alertingOnly: Bool
        var showVendorFilter: Bool
        var filtered: Bool
        var pager: Pager
        /// The SLO, budget and alert columns, the alert filter and the budget sort: not for a vendor's user unless one
        /// of its agreements shares the customer's internal figures.
        var internalColumns: Bool
    }

    /// A summary count that filters the table when followed.
    struct CountLink {
        var text: String
        var link: String
        var status: String
        var current: Bool
    }

    struct OverdueLink {
        var text: String
        var link: String
    }

    struct TableView {
        var lines: [Line]
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("dashboard", use: self.dashboard)
    }

    /// `GET /dashboard`: the status counts, one page of rows, the overdue and reminder lines and the filters.
    @Sendable func dashboard(_ request: Request, context: AccordRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let now = self.dependencies.clock()
        var query = try DashboardQuery(request)
        // rows follow their data: an ingest computes the rows it changed, the dashboard-rows job any other change within
        // seconds; a page view only matches them to the objectives in force when those changed (one row read)
        try await self.dependencies.useCases.dashboard.match(now: now)
        let scope = try context.scope
        // a vendor's user sees the internal figures (and statuses drawn from them) only of agreements that share them
        let shared = try await self.dependencies.dashboardSharing(context)
        let internalColumns = shared.map { !$0.isEmpty } ?? true
        if !internalColumns {
            // no alert filter or budget sort unless an agreement shares them
            query.filter.alertingOnly = false
            if query.sort == .budget { query.sort = .risk }
        }
        let countKey = "\(PortfolioCache.key(scope))|\(query.filter.vendorID ?? 0)|\(query.filter.serviceID ?? 0)|\(query.filter.agreementID ?? 0)|\(query.filter.search ?? "")"
        let counts = try await self.dependencies.portfolioCache.dashboardCounts(key: countKey, now: now) {
            try await self.dependencies.useCases.dashboard.counts(query.filter, scope: scope, internalFiguresOf: shared)
        }
        let rows = try await self.rowsHTML(query, scope: scope, shared: shared, internalColumns: internalColumns)
        let page = PageOf(
            items: rows, total: counts.matching(status: query.filter.status, alertingOnly: query.filter.alertingOnly), request: query.page)
        let (vendors, services) = try await self.dependencies.portfolioCache.filterChoices(scope: scope, now: now) {
            let vendors = scope.vendorID == nil ? try await self.dependencies.useCases.vendors.all(scope: scope).map { ($0.id, $0.name) } : []
            let services = try await self.dependencies.useCases.services.list(search: nil, page: PageRequest(number: 1, size: 200), scope: scope).items
                .map { ($0.id, $0.name) }
            return (vendors, services)
        }
        let view = DashboardView(
            chrome: Chrome(title: "Dashboard", context: context, notice: request.notice), overdue: try await self.overdueLines(scope: scope, now: now),
            reminders: try await self.dependencies.portfolioCache.governanceReminders(scope: scope, now: now) {
                try await self.governanceReminders(scope: scope, now: now)
            },
            rowsHTML: page.items.joined(separator: "\n"),
            isEmpty: page.items.isEmpty, nothingInForce: counts.total == 0 && query.filter == DashboardFilter(),
            counts: Self.countLinks(counts, query: query, internalColumns: internalColumns),
            vendors: [ReviewPages.Option(value: "", label: "Every vendor", selected: query.filter.vendorID == nil)]
                + vendors.map { ReviewPages.Option(value: "\($0.0)", label: $0.1, selected: query.filter.vendorID == $0.0) },
            services: [ReviewPages.Option(value: "", label: "Every service", selected: query.filter.serviceID == nil)]
                + services.map { ReviewPages.Option(value: "\($0.0)", label: $0.1, selected: query.filter.serviceID == $0.0) },
            statuses: [ReviewPages.Option(value: "", label: "Any status", selected: query.filter.status == nil)]
                + DashboardRow.Status.allCases.map {
                    ReviewPages.Option(value: $0.rawValue, label: $0.label.prefix(1).uppercased() + $0.label.dropFirst(), selected: query.filter.status == $0)
                },
            sorts: [("risk", "Most at risk first"), ("budget", "Least budget left first"), ("name", "By agreement and name")]
                .filter { internalColumns || $0.0 != "budget" }.map {
                    ReviewPages.Option(value: $0.0, label: $0.1, selected: query.sort.rawValue == $0.0)
                },
            search: query.filter.search ?? "", alertingOnly: query.filter.alertingOnly, showVendorFilter: scope.vendorID == nil,
            filtered: query.filter != DashboardFilter(), pager: Pager(page, path: "/dashboard", query: query.pairs),
            internalColumns: internalColumns)
        return self.dependencies.renderer.response(view, template: "dashboard")
    }

    /// The page's rows as HTML, in order: keys first, whole rows only for those not shown since they were last computed.
    /// A vendor's user gets its own rows rendered for it (not from the customer's cache), with the internal figures only
    /// of agreements that share them.
    func rowsHTML(_ query: DashboardQuery, scope: AccessScope, shared: Set<Int64>?, internalColumns: Bool) async throws -> [String] {
        let dashboard = self.dependencies.useCases.dashboard
        let cache = self.dependencies.portfolioCache
        var html: [Int64: String] = [:]
        let keys: [DashboardRowKey]
        if let shared {
            keys = try await dashboard.pageKeys(query.filter, sort: query.sort, page: query.page, scope: scope, internalFiguresOf: shared)
            for (series, row) in try await dashboard.rows(seriesIDs: keys.map(\.seriesID), scope: scope) {
                html[series] = self.dependencies.renderer.render(
                    Self.line(row, columns: internalColumns, showsInternal: shared.contains(row.agreementID)), template: "dashboard-row")
            }
        } else {
            keys = try await dashboard.pageKeys(query.filter, sort: query.sort, page: query.page, scope: scope)
            for key in keys {
                html[key.seriesID] = cache.cachedRowHTML(seriesID: key.seriesID, refreshedAt: key.refreshedAt, version: key.sourceVersion)
            }
            let missing = keys.map(\.seriesID).filter { html[$0] == nil }
            for (series, row) in try await dashboard.rows(seriesIDs: missing, scope: scope) {
                let rendered = self.dependencies.renderer.render(Self.line(row), template: "dashboard-row")
                cache.storeRowHTML(rendered, seriesID: series, refreshedAt: row.refreshedAt, version: row.sourceVersion)
                html[series] = rendered
            }
        }
        return keys.compactMap { key in html[key.seriesID] }
    }

    /// "3 root-cause analyses overdue", "1 corrective action overdue": counted up to `PortalQueries.overdueShown`.
    func overdueLines(scope: AccessScope, now: Date) async throws -> [OverdueLink] {
        let today = LocalDate.of(now, in: .gmt)
        let (lateRCAs, lateActions) = try await self.dependencies.portfolioCache.overdueCounts(scope: scope, now: now) {
            try await self.dependencies.useCases.portal.overdueCounts(today: today, scope: scope)
        }
        func count(_ n: Int) -> String { n >= PortalQueries.overdueShown ? "\(PortalQueries.overdueShown)+" : "\(n)" }
        var overdue: [OverdueLink] = []
        if lateRCAs > 0 {
            overdue.append(OverdueLink(text: "\(count(lateRCAs)) root-cause analys\(lateRCAs == 1 ? "is" : "es") overdue", link: "/rcas?overdue=true"))
        }
        if lateActions > 0 {
            overdue.append(OverdueLink(text: "\(count(lateActions)) corrective action\(lateActions == 1 ? "" : "s") overdue", link: "/actions?overdue=true"))
        }
        return overdue
    }

    /// The count links above the table, each a filter: every objective, each status, and (with internal figures) alerting.
    static func countLinks(_ counts: DashboardCounts, query: DashboardQuery, internalColumns: Bool) -> [CountLink] {
        func link(_ status: DashboardRow.Status?, alerting: Bool = false) -> String {
            var changed = query
            changed.filter.status = status
            changed.filter.alertingOnly = alerting
            changed.page = PageRequest(number: 1, size: query.page.size)
            return changed.url
        }
        var links = [
            CountLink(
                text: "\(counts.total) objective\(counts.total == 1 ? "" : "s") in force", link: link(nil), status: "all",
                current: query.filter.status == nil && !query.filter.alertingOnly)
        ]
        for status in DashboardRow.Status.allCases {
            let count = counts.byStatus[status] ?? 0
            let words =
                switch status {
                case .breached: "below the SLA so far this period"
                case .atRisk:
                    internalColumns
                        ? "at risk (below the SLO, heading below the SLA at the last day's rate, or alerting)"
                        : "at risk (heading below the SLA)"
                case .onTrack: "on track"
                case .noData: "without data this period"
                }
            links.append(CountLink(text: "\(count) \(words)", link: link(status), status: status.rawValue, current: query.filter.status == status))
        }
        if internalColumns {
            links.append(
                CountLink(text: "\(counts.alerting) with a burn-rate alert", link: link(nil, alerting: true), status: "alerting", current: query.filter.alertingOnly))
        }
        return links
    }

    /// Notice deadlines within 90 days (the customer's people) and reviews in the next seven days.
    func governanceReminders(scope: AccessScope, now: Date) async throws -> [OverdueLink] {
        var links: [OverdueLink] = []
        let today = LocalDate.of(now, in: .gmt)
        if scope.vendorID == nil {
            for notice in try await self.dependencies.useCases.reviews.notices(agreementIDs: nil, vendorID: nil) {
                let left = notice.deadline.daysSince1970 - today.daysSince1970
                guard (0...RenewalRules.reminderDays[0]).contains(left) else { continue }
                links.append(
                    OverdueLink(
                        text: "Notice deadline for \(notice.title): \(Figures.date(notice.deadline)), \(left) day\(left == 1 ? "" : "s") left",
                        link: "/agreements/\(notice.agreementID)"))
            }
        }
        let upcoming = try await self.dependencies.useCases.reviews.meetings(
            from: now, to: now.addingTimeInterval(7 * 86_400), scope: scope, includeCancelled: false, limit: 3)
        for (meeting, series) in upcoming {
            links.append(
                OverdueLink(
                    text: "Review: \(series.title), \(ReviewText.meetingTime(start: meeting.startsAt, end: meeting.endsAt, zone: TimeZone(identifier: series.timeZone) ?? .gmt))",
                    link: "/meetings/\(meeting.id)"))
        }
        return links
    }

    /// A row's line; `internal` false leaves out the SLO, the budget and the alerts (a vendor's user), and calls an
    /// open period at risk only when it is heading below the SLA.
    static func line(_ row: DashboardRow, columns: Bool = true, showsInternal: Bool = true) -> Line {
        var line = Self.customerLine(row)
        line.columns = columns
        line.showsInternal = showsInternal
        if !showsInternal {
            line.attainment = Figures.attainment(row.attainment, targets: [row.slaTarget])
            line.slo = ""
            line.sloStatus = ""
            line.sloStatusText = ""
            line.budget = ""
            line.alert = ""
            line.hasAlert = false
            if row.outlook == .atRisk, !(row.projected.map { $0 < row.slaTarget } ?? false) {
                line.slaStatus = PeriodOutlook.Status.onTrack.rawValue
                line.slaStatusText = PeriodOutlook.Status.onTrack.label
            }
        }
        return line
    }

    static func customerLine(_ row: DashboardRow) -> Line {
        Line(
            objectiveID: row.objectiveID, objective: row.objectiveName, agreementID: row.agreementID, agreement: row.agreementTitle,
            vendor: row.vendorName ?? "Master SLA", isMaster: row.isMaster,
            attainment: Figures.attainment(row.attainment, targets: [row.slaTarget, row.sloTarget]),
            sla: Figures.target(row.slaTarget), slo: Figures.target(row.sloTarget),
            slaStatus: row.outlook?.rawValue ?? row.slaStatus.rawValue,
            slaStatusText: row.outlook?.label ?? row.slaStatus.label,
            sloStatus: row.sloStatus == .breached ? "at_risk" : row.sloStatus.rawValue,
            sloStatusText: row.sloStatus == .breached ? "budget spent" : row.sloStatus == .met ? "within" : "no data",
            budget: Figures.budgetLeft(row.budgetRemaining),
            alert: row.firing.joined(separator: "; "), hasAlert: !row.firing.isEmpty,
            sparkline: Sparkline(values: row.history.map { $0?.double }, sla: row.slaTarget.double).svg)
    }
}

/// The dashboard's filter, sort and page as the URL holds them, so a view can be bookmarked and shared:
/// `vendor`, `service`, `agreement`, `status` (breached, at_risk, on_track, no_data), `alerts=true`, `q`, `sort` (risk,
/// budget, name) and `page`.
struct DashboardQuery: Equatable {
    var filter: DashboardFilter
    var sort: DashboardSort
    var page: PageRequest

    static let pageSize = 50

    init(_ request: Request) throws {
        var errors = ValidationErrors()
        func id(_ key: String) -> Int64? {
            guard let text = request.uri.queryParameters.get(key), !text.isEmpty else { return nil }
            guard let value = Int64(text), value > 0 else {
                errors.add(key, "\(key) is an id, not \"\(text.prefix(40))\".")
                return nil
            }
            return value
        }
        var filter = DashboardFilter(vendorID: id("vendor"), serviceID: id("service"), agreementID: id("agreement"))
        if let text = request.uri.queryParameters.get("status"), !text.isEmpty {
            filter.status = DashboardRow.Status(rawValue: text)
            if filter.status == nil { errors.add("status", "status is one of: breached, at_risk, on_track, no_data.") }
        }
        filter.alertingOnly = request.uri.queryParameters.get("alerts") == "true"
        if let search = request.uri.queryParameters.get("q"), !search.trimmingCharacters(in: .whitespaces).isEmpty {
            if search.count > 200 || search.firstControlCharacter != nil {
                errors.add("q", "Search for at most 200 characters, without control characters.")
            } else {
                filter.search = search
            }
        }
        var sort = DashboardSort.risk
        if let text = request.uri.queryParameters.get("sort"), !text.isEmpty {
            if let chosen = DashboardSort(rawValue: text) { sort = chosen } else { errors.add("sort", "sort is one of: risk, budget, name.") }
        }
        let requested = try request.page()
        try errors.throwIfAny()
        self.filter = filter
        self.sort = sort
        self.page = PageRequest(number: requested.number, size: Self.pageSize)
    }

    /// The query's pairs, for the pager's links.
    var pairs: [(String, String?)] {
        [
            ("vendor", self.filter.vendorID.map(String.init)), ("service", self.filter.serviceID.map(String.init)),
            ("agreement", self.filter.agreementID.map(String.init)), ("status", self.filter.status?.rawValue),
            ("alerts", self.filter.alertingOnly ? "true" : nil), ("q", self.filter.search), ("sort", self.sort == .risk ? nil : self.sort.rawValue),
        ]
    }

    /// This view's address.
    var url: String {
        let parts = (self.pairs + [("page", self.page.number > 1 ? "\(self.page.number)" : nil)]).compactMap { key, value in
            value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
        }
        return parts.isEmpty ? "/dashboard" : "/dashboard?" + parts.joined(separator: "&")
    }
}

/// A dashboard line answers the template by name, not by reflection: a page renders fifty of them, and looking each
/// field up through `Mirror` was most of the page's cost.
extension DashboardPages.Line: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "objectiveID": self.objectiveID
        case "objective": self.objective
        case "agreementID": self.agreementID
        case "agreement": self.agreement
        case "vendor": self.vendor
        case "isMaster": self.isMaster
        case "attainment": self.attainment
        case "sla": self.sla
        case "slo": self.slo
        case "slaStatus": self.slaStatus
        case "slaStatusText": self.slaStatusText
        case "sloStatus": self.sloStatus
        case "sloStatusText": self.sloStatusText
        case "budget": self.budget
        case "alert": self.alert
        case "hasAlert": self.hasAlert
        case "sparkline": self.sparkline
        case "columns": self.columns
        case "showsInternal": self.showsInternal
        default: nil
        }
    }
}

extension DashboardPages.DashboardView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "chrome": self.chrome
        case "overdue": self.overdue
        case "reminders": self.reminders
        case "rowsHTML": self.rowsHTML
        case "isEmpty": self.isEmpty
        case "nothingInForce": self.nothingInForce
        case "counts": self.counts
        case "vendors": self.vendors
        case "services": self.services
        case "statuses": self.statuses
        case "sorts": self.sorts
        case "search": self.search
        case "alertingOnly": self.alertingOnly
        case "showVendorFilter": self.showVendorFilter
        case "filtered": self.filtered
        case "pager": self.pager
        case "internalColumns": self.internalColumns
        default: nil
        }
    }
}

extension DashboardPages.CountLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": self.text
        case "link": self.link
        case "status": self.status
        case "current": self.current
        default: nil
        }
    }
}

extension DashboardPages.OverdueLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": self.text
        case "link": self.link
        default: nil
        }
    }
}

extension ReviewPages.Option: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": self.value
        case "label": self.label
        case "selected": self.selected
        default: nil
        }
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// A vendor's scorecard, and a master SLA's composition from the vendor SLAs under it with the coverage check.
struct ScorecardPages {
    let dependencies: AppDependencies

    struct ScoreLine {
        var line: DashboardPages.Line
        var record: String
    }

    struct ScorecardView {
        var chrome: Chrome
        var vendor: Vendor
        var lines: [ScoreLine]
        var isEmpty: Bool
        var credits: [String]
        var breaches: Int
        var onProbation: String?
        var share: String
        /// The budget and alert columns (see `DashboardPages.Line.columns`).
        var internalColumns: Bool
        var printedOn: String
    }

    struct MemberLine {
        var agreementID: Int64
        var agreement: String
        var vendor: String
        var dependency: String
        var objective: String
        var objectiveID: Int64?
        var target: String
        var current: String
        /// Average share of responsibility in accepted joint RCAs of this master.
        var share: String
    }

    struct PeriodLine {
        var label: String
        var measured: String
        var composed: String
        var gap: String
    }

    struct CompositionView {
        var chrome: Chrome
        var agreement: Agreement
        var masterObjective: String
        var masterTarget: String
        var members: [MemberLine]
        var hasMembers: Bool
        var coverage: String
        var covered: Bool
        var periods: [PeriodLine]
        var notes: [String]
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("vendors/:id/scorecard", use: self.getVendorScorecard)
        router.get("agreements/:id/composition", use: self.getAgreementComposition)
    }

    @Sendable func getVendorScorecard(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.scorecard(context)
    }

    @Sendable func getAgreementComposition(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.composition(context)
    }

    func scorecard(_ context: AccordRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let vendor = try await self.dependencies.useCases.vendors.find(id: try context.id(), scope: context.scope)
        let now = self.dependencies.clock()
        let rows = try await self.dependencies.useCases.portfolio.rows(scope: context.scope, now: now) {
            $0.vendorID == vendor.id
        }
        let shared = try await self.dependencies.internalFigures(context, agreementIDs: Array(Set(rows.map(\.entry.placement.agreementID))))
        let columns = !shared.isEmpty
        let lines = rows.map { row in
            let measured = row.history.compactMap { $0 }
            let met = measured.filter { $0 >= row.entry.objective.slaTarget }.count
            return ScoreLine(
                line: DashboardPages.line(
                    DashboardRows.row(row, version: 0, now: now), columns: columns, showsInternal: shared.contains(row.entry.placement.agreementID)),
                record: measured.isEmpty ? "no closed periods with data" : "SLA met in \(met) of \(measured.count) periods with data")
        }
        let creditLines = try await self.dependencies.useCases.credits.byStatus(vendorID: vendor.id, scope: context.scope)
        // a vendor's user counts breaches of the internal SLO only where its agreement shares the customer's figures
        let sharing: Set<Int64>? = try context.scope.vendorID == nil ? nil : shared
        let breaches = try await self.dependencies.useCases.portal.breachCount(
            vendorID: vendor.id, since: now.addingTimeInterval(-365 * 86_400), internalFiguresOf: sharing)
        let today = LocalDate.of(now, in: TimeZone(identifier: "UTC")!)
        let share = try await self.dependencies.useCases.portal.averageShare(vendorID: vendor.id)
        let view = ScorecardView(
            chrome: Chrome(title: "\(vendor.name) scorecard", context: context), vendor: vendor, lines: lines, isEmpty: lines.isEmpty,
            credits: creditLines, breaches: breaches,
            onProbation: vendor.isOnProbation(on: today) ? vendor.probationUntil.map { "On probation until \(Figures.date($0)) (the last day)" } : nil,
            share: share.share.map { "\($0.plain) % on average over \(share.rcas) accepted joint RCA\(share.rcas == 1 ? "" : "s")" } ?? "no shares agreed yet",
            internalColumns: columns || rows.isEmpty, printedOn: Figures.date(today))
        return self.dependencies.renderer.response(view, template: "vendors/scorecard")
    }

    /// A vendor SLA under a master, with its first ratio objective in force (nil: it has none).
    struct Member {
        var row: PortfolioReport.Row?
        var agreementID: Int64
        var title: String
        var vendor: String
        var vendorID: Int64?
        var kind: DependencyKind
        var group: String?
    }

    func composition(_ context: AccordRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        guard agreement.kind == .master else {
            throw RuleViolation("Composition applies to master SLAs: this is a vendor SLA under \(agreement.masterTitle ?? "a master").")
        }
        let rows = try await self.dependencies.useCases.portfolio.rows(scope: context.scope, now: self.dependencies.clock()) {
            $0.placement.agreementID == agreement.id || $0.masterID == agreement.id
        }
        let master = rows.first { $0.entry.placement.agreementID == agreement.id && $0.entry.objective.sliKind == .ratio }
        let members = Self.members(of: agreement.id, rows: rows)
        let composable = members.filter { $0.row != nil }
        var notes: [String] = []
        if composable.count < members.count {
            notes.append("Vendor SLAs without an availability (ratio) objective are listed but left out of the composition.")
        }
        if agreement.status != .active || master == nil { notes.append("The master has no ratio objective in force to compare with.") }
        let coverage = master.flatMap { master in
            Composition.coverage(
                vendorTargets: composable.compactMap { member in
                    member.row.map { Composition.Member(dependency: member.kind, group: member.group, availability: $0.entry.objective.slaTarget.double) }
                }, masterTarget: master.entry.objective.slaTarget.double)
        }
        let periods = master.map { Self.periodLines(master: $0, composable: composable, zone: TimeZone(identifier: agreement.timeZone) ?? .gmt) } ?? []
        let shares = try await self.dependencies.useCases.portal.averageShares(masterID: agreement.id)
        let view = CompositionView(
            chrome: Chrome(title: "\(agreement.title): composition", context: context), agreement: agreement,
            masterObjective: master?.entry.objective.name ?? "—", masterTarget: master.map { Figures.target($0.entry.objective.slaTarget) } ?? "—",
            members: members.map { member in
                MemberLine(
                    agreementID: member.agreementID, agreement: member.title, vendor: member.vendor,
                    dependency: member.kind == .parallel ? "parallel (\(member.group ?? ""))" : "serial",
                    objective: member.row?.entry.objective.name ?? "no ratio objective", objectiveID: member.row?.entry.objective.id,
                    target: member.row.map { Figures.target($0.entry.objective.slaTarget) } ?? "—",
                    current: member.row.map { row in
                        Figures.attainment(row.current.attainment, targets: [row.entry.objective.slaTarget, row.entry.objective.sloTarget])
                    } ?? "no data",
                    share: member.vendorID.flatMap { shares[$0] }.map { "\($0.plain) %" } ?? "—")
            }, hasMembers: !members.isEmpty, coverage: Self.coverageText(coverage), covered: coverage?.isCovered ?? true, periods: periods.reversed(),
            notes: notes)
        return self.dependencies.renderer.response(view, template: "agreements/composition")
    }

    /// Each vendor SLA under the master, once, with its first ratio objective in force.
    static func members(of masterID: Int64, rows: [PortfolioReport.Row]) -> [Member] {
        var members: [Member] = []
        var seen = Set<Int64>()
        for row in rows where row.entry.masterID == masterID && !seen.contains(row.entry.placement.agreementID) {
            let id = row.entry.placement.agreementID
            seen.insert(id)
            members.append(
                Member(
                    row: rows.first { $0.entry.placement.agreementID == id && $0.entry.objective.sliKind == .ratio }, agreementID: id,
                    title: row.entry.agreementTitle, vendor: row.entry.vendorName ?? "—", vendorID: row.entry.vendorID,
                    kind: row.entry.dependencyKind ?? .serial, group: row.entry.parallelGroup))
        }
        return members
    }

    static func coverageText(_ coverage: Composition.Coverage?) -> String {
        guard let coverage else { return "No coverage check: the master needs a ratio objective and at least one vendor SLA with one." }
        return coverage.isCovered
            ? String(format: "Covered: the vendors' SLA targets compose to %.4f %%, at least the master's %.4f %%.", coverage.composedTarget, coverage.masterTarget)
            : String(
                format:
                    "Not covered: the vendors' SLA targets compose to %.4f %%, %.4f points below the master's %.4f %%. The vendors can all keep their promises while the master is breached.",
                coverage.composedTarget, coverage.shortfall, coverage.masterTarget)
    }

    /// Each period of the master, measured beside what its vendors' attainments compose to.
    static func periodLines(master: PortfolioReport.Row, composable: [Member], zone: TimeZone) -> [PeriodLine] {
        let spans = master.historySpans + [master.currentSpan]
        let measured = master.history + [master.current.attainment]
        var periods: [PeriodLine] = []
        for (index, span) in spans.enumerated() {
            let values = composable.map { member -> Double? in
                guard let row = member.row else { return nil }
                let all = row.history + [row.current.attainment]
                return index < all.count ? all[index]?.double : nil
            }
            let known = values.compactMap { $0 }
            let composed: Double? =
                known.count < values.count || values.isEmpty
                ? nil
                : Composition.compose(zip(composable, known).map { Composition.Member(dependency: $0.kind, group: $0.group, availability: $1 / 100) })
                    .map { $0 * 100 }
            let own = measured[index]?.double
            periods.append(
                PeriodLine(
                    label: ObjectivePages.label(span.start, zone: zone, window: master.entry.objective.window) + (index == spans.count - 1 ? " (so far)" : ""),
                    measured: measured[index].map { Figures.attainment($0, targets: [master.entry.objective.slaTarget, master.entry.objective.sloTarget]) }
                        ?? "no data",
                    composed: composed.map { "\(Decimal($0).fixed(3)) %" } ?? "incomplete",
                    gap: own.flatMap { own in composed.map { String(format: "%+.3f", own - $0) } } ?? "—"))
        }
        return periods
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// The credit ledger: every credit computed at period close, filtered by vendor and status, exported as CSV; contract
/// managers approve, issue (with the invoice reference) or waive (with a reason). Vendors see their own, read-only.
struct CreditPages {
    let dependencies: AppDependencies
    var credits: CreditLedger { self.dependencies.useCases.credits }

    struct Line {
        var id: Int64
        var vendor: String
        var agreement: String
        var agreementID: Int64
        var objective: String
        var objectiveID: Int64
        var period: String
        var attainment: String
        var percent: String
        var amount: String
        var status: String
        var rowVersion: Int
        /// Awaiting approval: the list offers it to approve with others.
        var approvable: Bool
    }

    struct SummaryLine {
        var vendor: String
        var quarter: String
        var currency: String
        var credits: Int
        var owed: String
        var issued: String
        var waived: String
    }

    struct HistoryLine {
        var at: String
        var text: String
    }

    struct ListView {
        var chrome: Chrome
        var credits: [Line]
        var isEmpty: Bool
        var vendors: [Choice]
        var statuses: [Choice]
        var exportURL: String
        var totals: [String]
        var pager: Pager
        var isVendor: Bool
        var canApprove: Bool
        var summary: [SummaryLine]
        var errors: [String]
        /// Where the approve form returns to: this view.
        var returnURL: String
        var asOf: String
        var filterText: String?
    }

    struct ShowView {
        var chrome: Chrome
        var credit: Line
        var periodStart: String
        var figures: [Fact]
        var canApprove: Bool
        var canIssue: Bool
        var canWaive: Bool
        var rowVersion: Int
        var form: FormState
        var history: [HistoryLine]

        struct Fact {
            var label: String
            var value: String
        }
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("credits", use: self.getCredits)
        router.get("credits.csv", use: self.getCreditsCSV)
        // approve every credit ticked on the list, all or none
        router.post("credits/approve", use: self.postCreditsApprove)
        router.get("credits/:id", use: self.getCredit)
        for action in ["approve", "issue", "waive"] {
            router.post("credits/:id/\(action)") { request, context in
                let credit = try await self.credits.find(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(.approveCredits)
                return try await submitForm(
                    request, context: context, render: { try await self.show(context, credit: credit, state: $0, notice: nil) }
                ) {
                    input in
                    _ = try await self.credits.perform(
                        try Self.action(action, input), id: credit.id, expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope,
                        actor: context.actor)
                    return Redirect.to("/credits/\(credit.id)", notice: .statusChanged)
                }
            }
        }
    }

    @Sendable func getCredits(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.list(request, context)
    }

    @Sendable func getCreditsCSV(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let filter = try await self.filter(request, context)
        return CSVDownload.response(try await self.credits.export(filter: filter, scope: context.scope), filename: "accord-credits.csv")
    }

    @Sendable func postCreditsApprove(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.approveCredits)
        var request = request
        let input = try await request.form(context: context)
        let back = CreditPages.returnPath(input.text("return"))
        var chosen: [(id: Int64, rowVersion: Int)] = []
        var problems: [String] = []
        for value in input.texts("credit") {
            let parts = value.split(separator: ":")
            guard parts.count == 2, let id = Int64(parts[0]), let version = Int(parts[1]) else {
                problems.append("A ticked credit could not be read (\(value.prefix(40))): reload the list and try again.")
                continue
            }
            chosen.append((id, version))
        }
        do {
            if !problems.isEmpty { throw ValidationErrors(problems.map { FieldError("credits", $0) }) }
            let approved = try await self.credits.approveAll(chosen, scope: context.scope, actor: context.actor)
            _ = approved
            return Redirect.to(back, notice: .approved)
        } catch let errors as ValidationErrors {
            let lines = errors.errors.map { error in error.row.map { "Row \($0): \(error.message)" } ?? error.message }
            return try await self.list(request, context, errors: ["Nothing was approved."] + lines, status: .unprocessableContent)
        }
    }

    @Sendable func getCredit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let credit = try await self.credits.find(id: try context.id(), scope: context.scope)
        return try await self.show(context, credit: credit, state: FormState(), notice: request.notice)
    }

    static func action(_ name: String, _ input: Input) throws -> CreditAction {
        switch name {
        case "approve": .approve
        case "issue": .issue(invoiceReference: input.text("invoice_reference") ?? "")
        default: .waive(reason: input.text("waive_reason") ?? "")
        }
    }

    /// The list a form came from, if it is one (a path under /credits), else the list itself.
    static func returnPath(_ path: String?) -> String {
        guard let path, path.hasPrefix("/credits"), !path.hasPrefix("//"), path.count <= 500,
            path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" })
        else { return "/credits" }
        return path
    }

    static func line(_ credit: Credit) -> Line {
        Line(
            id: credit.id, vendor: credit.vendorName ?? "—", agreement: credit.agreementTitle, agreementID: credit.agreementID,
            objective: credit.objectiveName, objectiveID: credit.objectiveID,
            period: Figures.period(start: credit.periodStart, end: credit.periodEnd, zone: TimeZone(identifier: credit.timeZone) ?? .gmt),
            attainment: Figures.attainment(credit.attainment, targets: [credit.tierThreshold].compactMap { $0 }), percent: "\(credit.percent.plain) %", amount: Money.format(credit.amount, credit.currency),
            status: credit.status.rawValue, rowVersion: credit.rowVersion, approvable: credit.status == .computed)
    }

    func filter(_ request: Request, _ context: AccordRequestContext) async throws -> CreditFilter {
        CreditFilter(
            vendorID: request.query("vendor").flatMap { Int64($0) }, status: request.query("status").flatMap(CreditStatus.init(rawValue:)))
    }

    func list(
        _ request: Request, _ context: AccordRequestContext, errors: [String] = [], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let user = try context.requireUser()
        let filter = try await self.filter(request, context)
        let page = try await self.credits.page(filter: filter, page: request.page(), scope: context.scope)
        let vendors = try await self.dependencies.useCases.vendors.list(
            search: nil, page: PageRequest(number: 1, size: 200), scope: context.scope)
        let totals = try await self.credits.totals(filter: filter, scope: context.scope)
        let summary = try await self.credits.summary(filter: filter, scope: context.scope).map {
            SummaryLine(
                vendor: $0.vendorName ?? "—", quarter: $0.quarter, currency: $0.currency, credits: $0.credits, owed: Money.format($0.owed, $0.currency),
                issued: Money.format($0.issued, $0.currency), waived: Money.format($0.waived, $0.currency))
        }
        let query: [(String, String?)] = [("vendor", filter.vendorID.map(String.init)), ("status", filter.status?.rawValue)]
        let exportQuery = query.compactMap { key, value in value.map { "\(key)=\(URLText.encode($0))" } }.joined(separator: "&")
        let view = ListView(
            chrome: Chrome(title: "Credits", context: context, notice: request.notice), credits: page.items.map(Self.line),
            isEmpty: page.items.isEmpty,
            vendors: vendors.items.map { Choice(value: "\($0.id)", label: $0.name, selected: filter.vendorID == $0.id) },
            statuses: CreditStatus.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: filter.status == $0) },
            exportURL: "/credits.csv" + (exportQuery.isEmpty ? "" : "?\(exportQuery)"), totals: totals,
            pager: Pager(page, path: "/credits", query: query), isVendor: user.role == .vendor,
            canApprove: user.role.may(.approveCredits) && page.items.contains { $0.status == .computed }, summary: summary, errors: errors,
            returnURL: "/credits" + (exportQuery.isEmpty ? "" : "?\(exportQuery)"),
            asOf: Figures.date(LocalDate.of(self.dependencies.clock(), in: .gmt)),
            filterText: { (words: [String]) in words.isEmpty ? nil : words.joined(separator: ", ") }(
                [
                    filter.vendorID.flatMap { id in vendors.items.first { $0.id == id }?.name },
                    filter.status.map { "status \($0.label.lowercased())" },
                ].compactMap { $0 }))
        return self.dependencies.renderer.response(view, template: "credits/list", status: status)
    }

    func show(_ context: AccordRequestContext, credit: Credit, state: FormState, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let manage = user.role.may(.manageContracts)
        let figures: [ShowView.Fact] = [
            .init(
                label: "Period",
                value: Figures.period(start: credit.periodStart, end: credit.periodEnd, zone: TimeZone(identifier: credit.timeZone) ?? .gmt)
                    + " (\(credit.timeZone))"),
            .init(
                label: "Attainment",
                value: "\(Figures.attainment(credit.attainment, targets: [credit.tierThreshold].compactMap { $0 })) (period revision \(credit.revision))"),
            .init(
                label: "Tier reached",
                value: (credit.tierThreshold.map { "below \(Figures.target($0)): " } ?? "") + "\(credit.tierPercent.plain) % of the fee (after the cap)"),
            .init(label: "Probation", value: credit.onProbation ? "Vendor on probation: factor applied" : "Not on probation"),
            .init(label: "Credit", value: "\(credit.percent.plain) % of \(Money.format(credit.periodFee, credit.currency))"),
            .init(label: "Amount", value: Money.format(credit.amount, credit.currency)),
            .init(label: "Status", value: credit.status.label),
            .init(label: "Invoice reference", value: credit.invoiceReference ?? "—"),
            .init(label: "Waived because", value: credit.waiveReason ?? "—"),
        ]
        let zone = TimeZone(identifier: credit.timeZone) ?? .gmt
        let history = try await self.credits.history(id: credit.id, scope: context.scope, vendorFacing: user.role == .vendor).map { step in
            let what =
                switch step.action {
                case "create": "Computed at the period's close"
                case "recompute": "Recomputed after the period's figure changed"
                case "recompute_differs": "The period's figure changed after the credit was agreed; the credit was left as it was"
                case "withdraw": "Withdrawn: the period no longer owes a credit"
                case "approve": "Approved"
                case "issue": "Issued"
                case "waive": "Waived"
                default: step.action.replacingOccurrences(of: "_", with: " ").capitalized
                }
            return HistoryLine(
                at: ExclusionPages.ExclusionLine.format(step.at, zone),
                text: what + (step.by.map { " by \($0)" } ?? " by Accord") + (step.note.map { ": \($0)" } ?? ""))
        }
        let view = ShowView(
            chrome: Chrome(title: "Credit \(credit.id)", context: context, notice: notice), credit: Self.line(credit),
            periodStart: RFC3339.format(credit.periodStart), figures: figures, canApprove: manage && credit.status == .computed,
            canIssue: manage && credit.status == .approved, canWaive: manage && (credit.status == .computed || credit.status == .approved),
            rowVersion: state.rowVersion ?? credit.rowVersion, form: state, history: history)
        return self.dependencies.renderer.response(
            view, template: "credits/show", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// One joint RCA: its breaches and their impact, the merged timeline, the analysis, factors, shares, signatures,
/// actions, files and history, with the forms of each step for whoever may take it.
struct RCAShowPage {
    let dependencies: AppDependencies

    struct PartyLine {
        var name: String
        var share: String
        var signed: Bool
        var signedBy: String
        var signedAt: String
    }

    struct BreachLine {
        var objectiveID: Int64
        var hasLink: Bool
        var objective: String
        var agreement: String
        var period: String
        var severity: String
        var attainment: String
        var target: String
        var budget: String
        var credit: String
    }

    struct TimelineLine {
        var at: String
        var utc: String
        var text: String
        var link: String?
        var party: String
    }

    struct FactorLine {
        var category: String
        var description: String
        var party: String
    }

    struct ActionLine {
        var id: Int64
        var type: String
        var description: String
        var owner: String
        var party: String
        var due: String
        var status: String
        var statusLabel: String
        var overdue: Bool
    }

    struct View {
        struct OwnerGroup {
            var party: String
            var people: [Choice]

            /// Candidates in their order, one group per party.
            static func grouped(_ owners: [OwnerCandidate], chosen: String?) -> [OwnerGroup] {
                var groups: [OwnerGroup] = []
                for owner in owners {
                    let choice = Choice(value: owner.key, label: owner.name, selected: chosen == owner.key)
                    if groups.last?.party == owner.party { groups[groups.count - 1].people.append(choice) } else {
                        groups.append(OwnerGroup(party: owner.party, people: [choice]))
                    }
                }
                return groups
            }
        }

        var chrome: Chrome
        var id: Int64
        var title: String
        var status: String
        var statusLabel: String
        var due: String
        var overdue: Bool
        var opened: String
        var automatic: String?
        var returnComment: String?
        var hash: String
        var parties: [PartyLine]
        var signedCount: Int
        var partyCount: Int
        var breaches: [BreachLine]
        /// The budget column: only when a breach carries its error budget (never for a vendor whose agreement does
        /// not share the customer's internal figures).
        var showsBudget: Bool
        var timeline: [TimelineLine]
        var trigger: String?
        var rootCause: String?
        var category: String?
        var whys: [String]
        var factors: [FactorLine]
        /// This RCA's factors by category, most frequent first (SVG of counts and escaped labels only).
        var pareto: String?
        var paretoSummary: String
        var actions: [ActionLine]
        var files: [EvidenceLine]
        var history: [HistoryLine]
        var zone: String
        var zoneIsRCA: Bool
        var rcaZone: String
        var canWrite: Bool
        var canSign: Bool
        var canStart: Bool
        /// In progress and signed by every party: it may go for acceptance.
        var canSubmit: Bool
        /// In progress, but a party's signature on this version is missing: the page says whose.
        var awaitingSignatures: String?
        var canDecide: Bool
        var canClose: Bool
        var canRaise: Bool
        var categories: [Choice]
        /// The people who may own an action, grouped by party.
        var ownerGroups: [OwnerGroup]
        var partyChoices: [Choice]
        var shareRows: [ShareRow]
        var whyRows: [WhyRow]
        var types: [Choice]
        var form: FormState
        /// The factor and action forms: the state of the one submitted, blank for the other (they share field names).
        var factorForm: FormState
        var actionForm: FormState
        var accepted: String

        struct ShareRow {
            var index: Int
            var party: String
            var name: String
            var share: String
        }

        struct WhyRow {
            var number: Int
            var text: String
        }
    }

    /// The zone instants are shown in: the one asked for (`?zone=`), else the RCA's.
    static func zone(_ asked: String?, rca: RootCauseAnalysis) -> TimeZone {
        asked.flatMap { TimeZone(identifier: $0) } ?? Stamp.zone(rca.timeZone)
    }

    func render(_ request: Request, _ context: AccordRequestContext, state: FormState, notice: String?, template: String = "rcas/show") async throws
        -> Response
    {
        let user = try context.requireUser()
        let id = try context.id()
        let rcas = self.dependencies.useCases.rcas
        var rca = try await rcas.find(id: id, scope: context.scope)
        let vendor = try context.scope.vendorID
        if let vendor { rca = rca.facing(vendorID: vendor) }
        let zone = Self.zone(request.uri.queryParameters.get("zone").map { String($0) }, rca: rca)
        let rcaZone = Stamp.zone(rca.timeZone)
        let today = LocalDate.of(self.dependencies.clock(), in: rcaZone)
        let files = try await rcas.evidence(id: id, scope: context.scope)
        let parties = Dictionary(rca.parties.compactMap { party in party.vendorID.map { ($0, party.name) } }, uniquingKeysWith: { first, _ in first })
        let history = try await rcas.history(id: id, scope: context.scope).map { entry in
            vendor.map { entry.facing(vendorID: $0, parties: parties) } ?? entry
        }
        let editable = [RCAState.requested, .inProgress, .returned].contains(rca.status)
        let mine = rca.parties.first { $0.vendorID == vendor }
        let isCustomer = user.role != .vendor
        var values = state.values
        if state.errors.isEmpty && state.conflict == nil {
            values["trigger"] = rca.triggerStatement
            values["root_cause"] = rca.rootCause
            values["category"] = rca.rootCauseCategory?.rawValue ?? ""
        }
        var form = state
        form.values = values
        var categoryCounts: [RootCauseCategory: Int] = [:]
        for factor in rca.factors { categoryCounts[factor.category, default: 0] += 1 }
        let pareto = ParetoChart(title: "Contributing factors", bars: categoryCounts.map { .init(label: $0.key.label, count: $0.value) })
        let canRaiseAction = rca.status != .closed && user.role.may(.writeRCAs)
        let owners = canRaiseAction ? try await self.dependencies.useCases.rcas.ownerCandidates(rcaID: rca.id, scope: context.scope) : []
        let ownerGroups = View.OwnerGroup.grouped(owners, chosen: values["owner"])
        let view = View(
            chrome: Chrome(title: rca.title, context: context, notice: notice), id: rca.id, title: rca.title, status: rca.status.rawValue,
            statusLabel: rca.status.label, due: Figures.date(rca.dueOn), overdue: rca.isOverdue(today: today),
            opened: "\(Stamp.format(rca.openedAt, zone))\(rca.openedBy.map { " by \($0)" } ?? "")",
            automatic: rca.automatic ? "Opened automatically: \(rca.triggerRule)" : nil, returnComment: rca.status == .returned ? rca.returnComment : nil,
            hash: String(rca.contentHash.prefix(12)),
            parties: rca.parties.map {
                PartyLine(
                    name: $0.name, share: $0.share.map { "\($0.plain) %" } ?? "—", signed: $0.signed, signedBy: $0.signedBy ?? "",
                    signedAt: $0.signedAt.map { Stamp.format($0, zone) } ?? "")
            }, signedCount: rca.parties.filter(\.signed).count, partyCount: rca.parties.count,
            breaches: rca.breaches.map { breach in
                BreachLine(
                    objectiveID: breach.objectiveID, hasLink: breach.objectiveID > 0, objective: breach.objectiveName, agreement: breach.agreementTitle,
                    period: Figures.period(start: breach.periodStart, end: breach.periodEnd, zone: rcaZone), severity: breach.severityLabel,
                    attainment: breach.objectiveID > 0 ? Figures.attainment(breach.attainment, targets: [breach.target]) : "—",
                    target: breach.objectiveID > 0 ? "\(breach.target.plain) %" : "—",
                    budget: breach.budgetConsumed.map { "\(($0 * 100).rounded(places: 1).plain) % of the budget" } ?? "—",
                    credit: RCAMarkdown.money(breach.creditAmount, breach.currency))
            }, showsBudget: rca.breaches.contains { $0.budgetConsumed != nil },
            timeline: rca.timeline.map {
                TimelineLine(
                    at: Stamp.format($0.at, zone), utc: RFC3339.format($0.at), text: $0.text, link: $0.evidenceURL.isEmpty ? nil : $0.evidenceURL,
                    party: $0.authorParty)
            }, trigger: rca.triggerStatement.nonEmpty, rootCause: rca.rootCause.nonEmpty, category: rca.rootCauseCategory?.label, whys: rca.fiveWhys,
            factors: rca.factors.map { FactorLine(category: $0.category.label, description: $0.description, party: $0.responsibleParty) },
            pareto: rca.factors.isEmpty ? nil : pareto.svg, paretoSummary: pareto.summary,
            actions: rca.actions.map {
                ActionLine(
                    id: $0.id, type: $0.type.rawValue, description: $0.description, owner: $0.ownerName, party: $0.ownerParty, due: Figures.date($0.dueOn),
                    status: $0.status.rawValue, statusLabel: $0.status.label, overdue: ActionRules.isOverdue(state: $0.status, due: $0.dueOn, today: today))
            }, files: files.map { EvidenceLine($0, base: "/rcas/\(id)", zone: zone) }, history: history.map { HistoryLine($0, zone: zone) },
            zone: zone.identifier, zoneIsRCA: zone.identifier == rcaZone.identifier, rcaZone: rcaZone.identifier,
            canWrite: editable && user.role.may(.writeRCAs), canSign: editable && user.role.may(.writeRCAs) && !(mine?.signed ?? false),
            canStart: [RCAState.requested, .returned].contains(rca.status) && user.role.may(.writeRCAs),
            canSubmit: rca.status == .inProgress && user.role.may(.writeRCAs) && !rca.parties.isEmpty && rca.parties.allSatisfy(\.signed),
            awaitingSignatures: rca.status == .inProgress && user.role.may(.writeRCAs) && rca.parties.contains { !$0.signed }
                ? rca.parties.filter { !$0.signed }.map(\.name).joined(separator: ", ") : nil,
            canDecide: rca.status == .submitted && isCustomer && user.role.may(.manageContracts),
            canClose: rca.status == .accepted && user.role.may(.manageContracts), canRaise: canRaiseAction,
            categories: RootCauseCategory.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: values["category"] == $0.rawValue) },
            ownerGroups: ownerGroups,
            partyChoices: rca.parties.map { Choice(value: $0.vendorID.map(String.init) ?? "customer", label: $0.name, selected: $0.vendorID == vendor) },
            shareRows: rca.parties.enumerated().map { index, party in
                View.ShareRow(index: index, party: party.vendorID.map(String.init) ?? "customer", name: party.name, share: party.share?.plain ?? "")
            },
            whyRows: (1...RCARules.whysLimit).map { View.WhyRow(number: $0, text: rca.fiveWhys.count >= $0 ? rca.fiveWhys[$0 - 1] : "") },
            types: ActionType.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue.capitalized, selected: values["type"] == $0.rawValue) },
            form: form, factorForm: request.uri.path.hasSuffix("/factors") ? form : FormState(),
            actionForm: request.uri.path.hasSuffix("/actions") ? form : FormState(), accepted: EvidenceRules.acceptedText)
        return self.dependencies.renderer.response(
            view, template: template, status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

/// An RCA as a Markdown document, for mail and wikis. Every field goes through `MarkdownText`, so nothing a party
/// wrote adds headings, lists, HTML or links of its own; evidence links only to http(s) addresses.
enum RCAMarkdown {
    static func render(_ rca: RootCauseAnalysis) -> String {
        let text = MarkdownText.inline
        var lines = [
            "# RCA \(rca.id): \(text(rca.title))", "",
            "- Status: \(rca.status.label)", "- Due: \(rca.dueOn)", "- Opened: \(RFC3339.format(rca.openedAt))",
            "- Content hash: `\(rca.contentHash)`", "",
            "## Parties", "", "| Party | Share | Signed this version |", "|---|---|---|",
        ]
        lines += rca.parties.map { "| \(text($0.name)) | \($0.share.map { "\($0.plain) %" } ?? "—") | \($0.signed ? "yes" : "no") |" }
        lines += Self.breaches(rca)
        lines += ["", "## Timeline (UTC)", ""]
        lines += rca.timeline.map { entry -> String in
            let evidence = entry.evidenceURL.isEmpty ? "" : " (\(MarkdownText.linkOrText(entry.evidenceURL)))"
            return "- \(RFC3339.format(entry.at)) — \(text(entry.authorParty)): \(text(entry.text))\(evidence)"
        }
        lines += ["", "## Trigger", "", rca.triggerStatement.isEmpty ? "_Not written yet._" : MarkdownText.paragraph(rca.triggerStatement)]
        lines += ["", "## Root cause", "", rca.rootCause.isEmpty ? "_Not written yet._" : MarkdownText.paragraph(rca.rootCause)]
        if let category = rca.rootCauseCategory { lines += ["", "Category: \(category.label)"] }
        if !rca.fiveWhys.isEmpty {
            lines += ["", "### Five whys", ""] + rca.fiveWhys.enumerated().map { "\($0.offset + 1). \(text($0.element))" }
        }
        lines += ["", "## Contributing factors", ""]
        lines += rca.factors.map { "- **\(text($0.category.label))** (\(text($0.responsibleParty))): \(text($0.description))" }
        lines += ["", "## Corrective and preventive actions", "", "| Type | Action | Owner | Due | Status |", "|---|---|---|---|---|"]
        lines += rca.actions.map {
            "| \($0.type.rawValue) | \(text($0.description)) | \(text($0.ownerName)) (\(text($0.ownerParty))) | \($0.dueOn) | \($0.status.label) |"
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The breaches table; the budget column only when a breach carries its error budget (see `RCAShowPage`).
    static func breaches(_ rca: RootCauseAnalysis) -> [String] {
        let zone = Stamp.zone(rca.timeZone)
        let showsBudget = rca.breaches.contains { $0.budgetConsumed != nil }
        var columns = ["Objective", "Agreement", "Period", "Severity", "Attainment", "Target", "Credit"]
        if showsBudget { columns.insert("Budget consumed", at: 6) }
        let rows = rca.breaches.map { breach -> String in
            let figures = breach.objectiveID > 0
            var cells = [
                MarkdownText.inline(breach.objectiveName), MarkdownText.inline(breach.agreementTitle),
                Figures.period(start: breach.periodStart, end: breach.periodEnd, zone: zone), breach.severityLabel,
                figures ? Figures.attainment(breach.attainment, targets: [breach.target]) : "—", figures ? "\(breach.target.plain) %" : "—",
            ]
            if showsBudget { cells.append(breach.budgetConsumed.map { "\(($0 * 100).rounded(places: 1).plain) %" } ?? "—") }
            cells.append(MarkdownText.inline(Self.money(breach.creditAmount, breach.currency)))
            return "| " + cells.joined(separator: " | ") + " |"
        }
        return ["", "## Breaches and impact", "", "| " + columns.joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: columns.count)] + rows
    }

    /// A breach's credit as money reads everywhere (`EUR 4,200.00`), `—` without one.
    static func money(_ amount: String?, _ currency: String?) -> String {
        guard let amount else { return "—" }
        guard let currency, let value = Decimal(string: amount) else { return "\(amount) \(currency ?? "")" }
        return Money.format(value, currency)
    }
}

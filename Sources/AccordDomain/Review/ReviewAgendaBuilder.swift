import Foundation

/// A generated agenda: time-boxed sections of items ranked by impact, and what did not fit, kept for information.
public struct Agenda: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var text: String
        public var minutes: Int
        public var score: Int
    }

    public struct Section: Sendable, Equatable {
        public var title: String
        public var minutes: Int
        public var items: [Item]
    }

    public var title: String
    public var sections: [Section]
    /// Items that did not fit the meeting's time: listed, never dropped.
    public var forInformation: [Item]
    /// Every objective met and nothing open: the agenda says so and stays short.
    public var quiet: Bool
}

/// Builds a review agenda from its facts.
///
/// Scoring (higher first): an SLA breach 100 + 10 per point of shortfall (at most 50 more); an overdue RCA 80 and an
/// overdue action 70, each + 1 per day overdue (at most 30 more); an item carried from an earlier meeting undecided 55;
/// an objective at risk 60; an open RCA 50; a notice deadline 90 within 30 days, 60 within 90, 30 within 180; a
/// dispute 45; a claim 40; an open action 35; an alert fired 35; a credit awaiting approval 30; a renegotiation
/// candidate 25. Ties keep the order of the facts.
///
/// Time: each tier has a template of sections with shares of the meeting; an item costs its kind's minutes (a breach
/// 5, an RCA 4, a carried item 3, a claim or dispute 3, an objective at risk 3, an action 2, anything else 2). Items
/// fill their section by score until its minutes are used; the rest go to "for information".
public enum ReviewAgendaBuilder {
    struct Template {
        var title: String
        /// Percent of the meeting.
        var share: Int
        var kinds: Set<AgendaFacts.Item.Kind>
        var atRisk: Bool
    }

    static func templates(_ tier: ReviewTier) -> [Template] {
        switch tier {
        case .operational:
            [
                Template(title: "Incidents, breaches and alerts", share: 45, kinds: [.breach, .alert], atRisk: true),
                Template(title: "Root-cause analyses and actions", share: 35, kinds: [.rca, .action, .carried], atRisk: false),
                Template(title: "Claims and disputes", share: 20, kinds: [.claim, .dispute, .credit, .notice, .renegotiation], atRisk: false),
            ]
        case .tactical:
            [
                Template(title: "Breaches and objectives at risk", share: 35, kinds: [.breach, .alert], atRisk: true),
                Template(title: "Root-cause analyses and actions", share: 30, kinds: [.rca, .action, .carried], atRisk: false),
                Template(title: "Claims, disputes and credits", share: 20, kinds: [.claim, .dispute, .credit], atRisk: false),
                Template(title: "Looking ahead", share: 15, kinds: [.notice, .renegotiation], atRisk: false),
            ]
        case .strategic, .annual:
            [
                Template(title: "Performance and trends", share: 30, kinds: [.breach, .alert], atRisk: true),
                Template(title: "Root causes and improvement", share: 25, kinds: [.rca, .action, .carried], atRisk: false),
                Template(title: "Commercial: credits, claims and disputes", share: 15, kinds: [.claim, .dispute, .credit], atRisk: false),
                Template(title: "Terms, renegotiation and renewal", share: 30, kinds: [.notice, .renegotiation], atRisk: false),
            ]
        }
    }

    /// The minutes kept for opening (scorecard) and close, out of the meeting.
    static let openingMinutes = 5
    static let closingMinutes = 5

    public static func score(_ item: AgendaFacts.Item) -> Int {
        let days = min(30, max(0, item.days ?? 0))
        switch item.kind {
        case .breach:
            let points = item.shortfall.map { NSDecimalNumber(decimal: ($0 * 10).rounded(places: 0)).intValue } ?? 0
            return 100 + min(50, max(0, points))
        case .rca: return item.overdue ? 80 + days : 50
        case .action: return item.overdue ? 70 + days : 35
        case .carried: return 55
        case .notice:
            guard let left = item.days else { return 30 }
            return left <= 30 ? 90 : left <= 90 ? 60 : 30
        case .dispute: return 45
        case .claim: return 40
        case .alert: return 35
        case .credit: return 30
        case .renegotiation: return 25
        }
    }

    static func minutes(_ kind: AgendaFacts.Item.Kind) -> Int {
        switch kind {
        case .breach: 5
        case .rca: 4
        case .carried, .claim, .dispute: 3
        default: 2
        }
    }

    public static func build(_ facts: AgendaFacts) -> Agenda {
        let atRisk = facts.objectives.filter { $0.status == .atRisk }
        let quiet = facts.items.isEmpty && facts.objectives.allSatisfy { $0.status == .met || $0.status == .noData } && atRisk.isEmpty
        let scorecard = Agenda.Section(
            title: "Opening and scorecard", minutes: Self.openingMinutes,
            items: facts.objectives.map { objective in
                let actual = objective.actual.map { "\($0.rounded(places: 3).plain) %" } ?? "no data"
                return Agenda.Item(
                    text: "\(objective.name) (\(objective.party)): \(actual) against \(objective.target.plain) % — \(objective.status.rawValue.replacingOccurrences(of: "_", with: " "))",
                    minutes: 0, score: 0)
            })
        if quiet {
            let note = Agenda.Item(text: "Every objective met its target and nothing is open: a short review.", minutes: 0, score: 0)
            return Agenda(
                title: facts.title, sections: [scorecard, Agenda.Section(title: "Any other business", minutes: Self.closingMinutes, items: [note])],
                forInformation: [], quiet: true)
        }
        let available = max(0, facts.durationMinutes - Self.openingMinutes - Self.closingMinutes)
        var sections: [Agenda.Section] = []
        var appendix: [Agenda.Item] = []
        for template in Self.templates(facts.tier) {
            let budget = available * template.share / 100
            var candidates: [(Agenda.Item, Int)] = facts.items.enumerated().filter { template.kinds.contains($0.element.kind) }.map { index, item in
                let raised = item.raisedOn.map { " (raised \($0))" } ?? ""
                let due = item.overdue ? " — overdue \(item.days ?? 0) days" : item.kind == .notice ? item.days.map { " — \($0) days left" } ?? "" : ""
                return (Agenda.Item(text: "\(item.text) [\(item.party)]\(due)\(raised)", minutes: Self.minutes(item.kind), score: Self.score(item)), index)
            }
            if template.atRisk {
                candidates += atRisk.enumerated().map { index, objective in
                    (Agenda.Item(text: "At risk: \(objective.name) (\(objective.party))", minutes: 3, score: 60), facts.items.count + index)
                }
            }
            candidates.sort { $0.0.score != $1.0.score ? $0.0.score > $1.0.score : $0.1 < $1.1 }
            var used = 0
            var kept: [Agenda.Item] = []
            for (item, _) in candidates {
                if used + item.minutes <= budget {
                    kept.append(item)
                    used += item.minutes
                } else {
                    appendix.append(item)
                }
            }
            if !kept.isEmpty { sections.append(Agenda.Section(title: template.title, minutes: budget, items: kept)) }
        }
        appendix.sort { $0.score > $1.score }
        return Agenda(
            title: facts.title,
            sections: [scorecard] + sections + [Agenda.Section(title: "Decisions, actions and close", minutes: Self.closingMinutes, items: [])],
            forInformation: appendix, quiet: false)
    }

    /// The agenda as plain text, for golden tests and the Markdown pack.
    public static func text(_ agenda: Agenda) -> String {
        var lines = ["# \(agenda.title)"]
        for section in agenda.sections {
            lines.append("")
            lines.append("## \(section.title) (\(section.minutes) min)")
            lines += section.items.map { "- \($0.text)\($0.minutes > 0 ? " (\($0.minutes) min)" : "")" }
        }
        if !agenda.forInformation.isEmpty {
            lines.append("")
            lines.append("## For information")
            lines += agenda.forInformation.map { "- \($0.text)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

import Foundation

/// A generated agenda: time-boxed sections of items ranked by impact, and what did not fit, kept for information.
public struct Agenda: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var text: String
        public var minutes: Int
        public var score: Int
        /// The record the item is about.
        public var link: String? = nil
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
/// Time: items carried from earlier meetings (action items and open questions) come first, in up to 40 % of the
/// meeting's time, before what is already on record. Then each tier has a template of sections with shares of the rest; a
/// section takes the minutes its items need, its unused minutes go to the next, and what is left at the end is time
/// for discussion. An item costs its kind's minutes (a breach 5, an RCA 4, a carried item 3,
/// a claim or dispute 3, an objective to watch 3, an action 2, anything else 2). Items fill their section by score
/// until its minutes are used; the rest go to "for information". In a vendor's pack the vendor's own items come
/// before another party's. Identical lines (an alert fired five times) are one item, the count said.
public enum ReviewAgendaBuilder {
    struct Template {
        var title: String
        /// Percent of the meeting.
        var share: Int
        /// The kinds the section takes (objectives to watch go with alerts).
        var kinds: Set<AgendaFacts.Item.Kind>
    }

    static func templates(_ tier: ReviewTier) -> [Template] {
        switch tier {
        case .operational:
            [
                Template(title: "Incidents, breaches and alerts", share: 45, kinds: [.breach, .alert]),
                Template(title: "Root-cause analyses and actions", share: 35, kinds: [.rca, .action]),
                Template(title: "Claims and disputes", share: 20, kinds: [.claim, .dispute, .credit, .notice, .renegotiation]),
            ]
        case .tactical:
            [
                Template(title: "Breaches and objectives at risk", share: 35, kinds: [.breach, .alert]),
                Template(title: "Root-cause analyses and actions", share: 30, kinds: [.rca, .action]),
                Template(title: "Claims, disputes and credits", share: 20, kinds: [.claim, .dispute, .credit]),
                Template(title: "Looking ahead", share: 15, kinds: [.notice, .renegotiation]),
            ]
        case .strategic, .annual:
            [
                Template(title: "Performance and trends", share: 30, kinds: [.breach, .alert]),
                Template(title: "Root causes and improvement", share: 25, kinds: [.rca, .action]),
                Template(title: "Commercial: credits, claims and disputes", share: 15, kinds: [.claim, .dispute, .credit]),
                Template(title: "Terms, renegotiation and renewal", share: 30, kinds: [.notice, .renegotiation]),
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
        case .carried: return item.overdue ? 55 + days : 55
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

    /// The scorecard's line of one objective: the last closed period's figure with its own outcome, and the period
    /// under way apart, "so far", with its own status.
    static func scoreLine(_ objective: AgendaFacts.Objective) -> String {
        // three decimals, more only where fewer would round the figure across its target
        let figure = objective.actual.map { "\(Decimal(string: Figures.percentDigits($0, targets: [objective.target]))?.plain ?? $0.plain) %" } ?? "no data"
        let period = objective.period.map { "\($0) " } ?? ""
        var line = "\(objective.name) (\(objective.party)): \(period)\(figure) against \(objective.target.plain) % — \(Self.label(objective.status))"
        if let current = objective.current { line += "; \(current.text)" }
        return line
    }

    static func label(_ status: AgendaFacts.Status) -> String {
        switch status {
        case .met: "met"
        case .breached: "breached"
        case .atRisk: "at risk"
        case .noData: "no data"
        }
    }

    /// The objectives to watch: the period under way at risk or below target so far (or, without a current period,
    /// an objective marked at risk).
    static func watched(_ objective: AgendaFacts.Objective) -> (text: String, score: Int)? {
        guard let current = objective.current else {
            return objective.status == .atRisk ? ("At risk: \(objective.name) (\(objective.party))", 60) : nil
        }
        let soFar = current.actual.map { ", \(current.label) so far \($0.plain) %" } ?? ""
        switch current.status {
        case .atRisk: return ("At risk: \(objective.name) (\(objective.party))\(soFar)", 60)
        case .belowTarget: return ("Below target so far: \(objective.name) (\(objective.party))\(soFar)", 65)
        case .onTrack, .noData: return nil
        }
    }

    /// The most of the meeting the items carried from earlier meetings may take, in percent.
    static let carriedShare = 40

    public static func build(_ facts: AgendaFacts) -> Agenda {
        let watched = facts.objectives.compactMap { objective in Self.watched(objective).map { (objective, $0) } }
        let quiet = facts.items.isEmpty && facts.objectives.allSatisfy { $0.status == .met || $0.status == .noData } && watched.isEmpty
        let scorecard = Agenda.Section(
            title: "Opening and scorecard", minutes: Self.openingMinutes,
            items: facts.objectives.map { Agenda.Item(text: Self.scoreLine($0), minutes: 0, score: 0, link: $0.link) })
        if quiet {
            let note = Agenda.Item(text: "Every objective met its target and nothing is open: a short review.", minutes: 0, score: 0)
            return Agenda(
                title: facts.title, sections: [scorecard, Agenda.Section(title: "Any other business", minutes: Self.closingMinutes, items: [note])],
                forInformation: [], quiet: true)
        }
        let available = max(0, facts.durationMinutes - Self.openingMinutes - Self.closingMinutes)
        // a vendor's pack: its own items first
        // (a joint item names its parties joined by ", "; a name inside another vendor's name is not a match)
        func own(_ party: String) -> Bool { facts.audienceParty.map { party.components(separatedBy: ", ").contains($0) } ?? true }
        // every item as the agenda words it, identical lines collapsed into one (the count said)
        var lines: [(item: Agenda.Item, kind: AgendaFacts.Item.Kind, own: Bool, index: Int, count: Int)] = []
        var seen: [String: Int] = [:]
        for (index, item) in facts.items.enumerated() {
            let raised = item.raisedOn.map { " (raised \(Figures.date($0)))" } ?? ""
            let due = item.overdue ? " — overdue \(item.days ?? 0) days" : item.kind == .notice ? item.days.map { " — \($0) days left" } ?? "" : ""
            let text = "\(item.text) [\(item.party)]\(due)\(raised)"
            if let at = seen[text] {
                lines[at].count += 1
                lines[at].item.score = max(lines[at].item.score, Self.score(item))
                continue
            }
            seen[text] = lines.count
            lines.append(
                (Agenda.Item(text: text, minutes: Self.minutes(item.kind), score: Self.score(item), link: item.link), item.kind, own(item.party), index, 1))
        }
        for at in lines.indices where lines[at].count > 1 { lines[at].item.text += " — \(lines[at].count) times" }
        for (offset, (objective, watch)) in watched.enumerated() {
            lines.append(
                (Agenda.Item(text: watch.text, minutes: 3, score: watch.score, link: objective.link), .alert, own(objective.party),
                 facts.items.count + offset, 1))
        }
        func ranked(_ kinds: Set<AgendaFacts.Item.Kind>) -> [Agenda.Item] {
            lines.filter { kinds.contains($0.kind) }
                .sorted { $0.own != $1.own ? $0.own : $0.item.score != $1.item.score ? $0.item.score > $1.item.score : $0.index < $1.index }
                .map(\.item)
        }
        /// Fills a section by rank until its minutes are used; the rest go for information.
        var appendix: [Agenda.Item] = []
        func fill(_ items: [Agenda.Item], budget: Int) -> (kept: [Agenda.Item], used: Int) {
            var used = 0
            var kept: [Agenda.Item] = []
            for item in items {
                if used + item.minutes <= budget {
                    kept.append(item)
                    used += item.minutes
                } else {
                    appendix.append(item)
                }
            }
            return (kept, used)
        }
        var sections: [Agenda.Section] = []
        // what the last meeting left open is taken up first, before the repeats of what is already on record
        let carried = fill(ranked([.carried]), budget: available * Self.carriedShare / 100)
        if !carried.kept.isEmpty { sections.append(Agenda.Section(title: "Carried from earlier meetings", minutes: carried.used, items: carried.kept)) }
        let rest = available - carried.used
        // a section's unused minutes go to the next
        var spare = 0
        var allotted = 0
        let templates = Self.templates(facts.tier)
        for (index, template) in templates.enumerated() {
            // the shares' rounding goes to the last section: the meeting's minutes are all given
            let share = index == templates.count - 1 ? rest - allotted : rest * template.share / 100
            allotted += share
            let budget = share + spare
            let section = fill(ranked(template.kinds.subtracting([.carried])), budget: budget)
            spare = budget - section.used
            if !section.kept.isEmpty { sections.append(Agenda.Section(title: template.title, minutes: section.used, items: section.kept)) }
        }
        appendix.sort { $0.score > $1.score }
        // time in hand is said as such, not hidden in a section
        if spare > 0 { sections.append(Agenda.Section(title: "Discussion and any other business", minutes: spare, items: [])) }
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

import Foundation

/// Two versions of an agreement's terms side by side: each objective, matched across versions by its series, with
/// its terms in both and the changed ones marked; an objective only one version has is added or removed.
public struct VersionComparison: Sendable, Encodable {
    /// One term of one objective in both versions (nil where that version does not have the objective).
    public struct Term: Sendable, Encodable, Equatable {
        public var name: String
        public var from: String?
        public var to: String?
        public var changed: Bool
    }

    public enum Change: String, Sendable, Encodable {
        case changed, unchanged, added, removed
    }

    public struct Row: Sendable, Encodable {
        public var seriesId: Int64
        public var objective: String
        public var change: Change
        public var terms: [Term]
    }

    public var fromVersion: Int
    public var toVersion: Int
    /// The version-level terms: effective date and note.
    public var version: [Term]
    public var rows: [Row]

    /// Compares `from` with `to`; `showsSLO` false leaves out the customer's internal SLO (a vendor's user).
    public init(from: AgreementVersion, _ fromObjectives: [Objective], to: AgreementVersion, _ toObjectives: [Objective], showsSLO: Bool) {
        self.fromVersion = from.number
        self.toVersion = to.number
        self.version = [
            Self.term("Effective from", from.effectiveFrom.description, to.effectiveFrom.description),
            Self.term("Note", from.note.isEmpty ? "—" : from.note, to.note.isEmpty ? "—" : to.note),
        ]
        let before = Dictionary(fromObjectives.map { ($0.seriesID, $0) }) { first, _ in first }
        let after = Dictionary(toObjectives.map { ($0.seriesID, $0) }) { first, _ in first }
        // the later version's order, then what it removed
        let series = toObjectives.map(\.seriesID) + fromObjectives.map(\.seriesID).filter { after[$0] == nil }
        self.rows = series.map { id in
            let old = before[id].map { Self.terms($0, showsSLO: showsSLO) }
            let new = after[id].map { Self.terms($0, showsSLO: showsSLO) }
            let names = (new ?? old ?? []).map(\.0)
            let terms = names.enumerated().map { index, name in
                Self.term(name, old?[index].1, new?[index].1)
            }
            let change: Change =
                old == nil ? .added : new == nil ? .removed : terms.contains(where: \.changed) ? .changed : .unchanged
            return Row(seriesId: id, objective: after[id]?.name ?? before[id]?.name ?? "", change: change, terms: terms)
        }
    }

    static func term(_ name: String, _ from: String?, _ to: String?) -> Term {
        Term(name: name, from: from, to: to, changed: from != to)
    }

    /// An objective's terms as words, in a fixed order.
    static func terms(_ objective: Objective, showsSLO: Bool) -> [(String, String)] {
        var terms: [(String, String)] = [
            ("Name", objective.name),
            ("SLI", objective.sliKind.label),
            ("SLA target", "\(objective.slaTarget.plain) %"),
        ]
        if showsSLO { terms.append(("SLO target (internal)", "\(objective.sloTarget.plain) %")) }
        terms += [
            ("Window", objective.window.label),
            ("Business calendar", objective.calendarName ?? "24x7"),
            ("Goals per priority", objective.priorityGoals.isEmpty ? "—" : objective.priorityGoals.map { "\($0.priority) \($0.goalMinutes) min" }.joined(separator: ", ")),
            ("Exclusions honoured", objective.exclusionKinds.isEmpty ? "none" : objective.exclusionKinds.map(\.label).joined(separator: ", ")),
            ("Credit tiers", Self.tiers(objective.credits)),
            ("Credit cap", "\(objective.credits.capPercent.plain) % of the fee"),
            ("Probation factor", objective.credits.probationFactor.plain),
            (
                "Seasons",
                objective.movingTerms.seasons.isEmpty
                    ? "—"
                    : objective.movingTerms.seasons.map {
                        "\($0.name) \($0.from)–\($0.to): SLA \($0.slaTarget.plain) %" + (showsSLO ? ", SLO \($0.sloTarget.plain) %" : "")
                            + ($0.creditTiers.map { "; \(Self.tiers(CreditSchedule(tiers: $0, capPercent: 100, probationFactor: 1)))" } ?? "")
                    }.joined(separator: " | ")
            ),
            (
                "Ramp",
                objective.movingTerms.ramp.isEmpty
                    ? "—"
                    : objective.movingTerms.ramp.map {
                        "to \($0.until): SLA \($0.slaTarget.plain) %" + (showsSLO ? ", SLO \($0.sloTarget.plain) %" : "")
                    }.joined(separator: " | ")
            ),
        ]
        return terms
    }

    /// Credit tiers from the highest threshold down: `< 99.9 % → 5 %; < 99 % → 10 %`.
    public static func tiers(_ credits: CreditSchedule) -> String {
        guard !credits.tiers.isEmpty else { return "no credits" }
        return credits.tiers.sorted { $0.threshold > $1.threshold }.map { "< \($0.threshold.plain) % → \($0.percent.plain) %" }.joined(separator: "; ")
    }
}

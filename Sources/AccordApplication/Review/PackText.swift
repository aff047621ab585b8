import AccordDomain
import Foundation

/// A what-if replay as text: the terms now and proposed, a row per period, the totals.
public struct PackReplay: Sendable {
    public var objective: String
    public var current: String
    public var proposed: String
    public var rows: [[String]]
    public var totals: String
}

extension PackReplay {
    public init(_ result: WhatIfReplay.Result) {
        func terms(_ summary: WhatIfReplay.TermsSummary) -> String {
            let tiers = summary.creditTiers.map { "below \($0.threshold.plain) %: \($0.percent.plain) %" }.joined(separator: ", ")
            return "SLA \(summary.slaTarget.plain) %" + (tiers.isEmpty ? "" : "; credits \(tiers), cap \(summary.creditCapPercent.plain) %")
        }
        self.objective = result.objectiveName
        self.current = terms(result.current)
        self.proposed = terms(result.proposed)
        // a period judged against another SLA than the summary's (a season, ramp step or surge clause) says which
        func status(_ status: TargetStatus, _ target: Decimal?, _ summary: WhatIfReplay.TermsSummary) -> String {
            guard let target, target != summary.slaTarget else { return status.rawValue }
            return "\(status.rawValue) (SLA \(target.plain) %)"
        }
        self.rows = result.rows.map { row in
            [
                // three places, more where needed to keep a figure below a target from reading as reaching it
                row.period, Figures.attainment(row.attainment, targets: [row.currentTarget, row.proposedTarget].compactMap { $0 }),
                status(row.currentStatus, row.currentTarget, result.current),
                status(row.proposedStatus, row.proposedTarget, result.proposed), row.currentCredit.plain, row.proposedCredit.plain,
            ]
        }
        self.totals =
            "Breaches \(result.currentBreaches) → \(result.proposedBreaches); credits \(Money.format(result.currentCredits, result.currency)) → \(Money.format(result.proposedCredits, result.currency)) (difference \(Money.difference(result.creditDifference, result.currency)))"
    }
}

/// The pack as Markdown, and any of its tables as rows for CSV.
public enum PackMarkdown {
    /// What a pack frozen after its meeting began says plainly.
    public static func frozenLateNotice(_ pack: ReviewPack) -> String {
        let zone = TimeZone(identifier: pack.timeZone) ?? .gmt
        return "Frozen late: after the meeting began (frozen \(Stamp.format(pack.generatedAt, zone)), the meeting began \(Stamp.format(pack.startsAt, zone))). "
            + "Its facts end at the meeting's start; nothing after it is in this pack."
    }

    public static func table(_ pack: ReviewPack, key: String) throws -> ([String], [[String]]) {
        switch key {
        case "scorecard":
            return (
                ["Objective", "Agreement", "Party", "Period", "Target %", "Actual %", "Variance", "Status", "So far", "Trend", "Source", "Lineage"],
                pack.scorecard.map { row in
                    [
                        row.objective, row.agreement, row.party, row.period, row.target.plain, row.actual?.plain ?? "", row.variance?.plain ?? "", row.status,
                        row.soFar ?? "", row.trend.map { $0?.rounded(places: 3).plain ?? "" }.joined(separator: " "), row.source, row.lineage ?? "",
                    ]
                })
        case "breaches":
            return (
                ["Objective", "Party", "Period", "Attainment %", "Target %", "Lineage"],
                pack.breaches.map { [$0.objective, $0.party, $0.period, $0.attainment.plain, $0.target.plain, $0.lineage] })
        case "agenda":
            return (
                ["Section", "Minutes", "Item", "Item minutes", "Link"],
                pack.agenda.flatMap { section in
                    section.items.isEmpty
                        ? [[section.title, "\(section.minutes)", "", "", ""]]
                        : section.items.map { [section.title, "\(section.minutes)", $0.text, "\($0.minutes)", $0.link ?? ""] }
                } + pack.forInformation.map { ["For information", "", $0, "", ""] })
        case "what-if":
            return (
                ["Proposal", "Objective", "Period", "Attainment %", "Status now", "Status proposed", "Credit now", "Credit proposed"],
                pack.proposals.flatMap { proposal in
                    proposal.whatIf.flatMap { result in
                        result.rows.map { row in
                            [
                                "#\(proposal.id)", result.objectiveName, row.period, row.attainment?.plain ?? "", row.currentStatus.rawValue,
                                row.proposedStatus.rawValue, row.currentCredit.plain, row.proposedCredit.plain,
                            ]
                        }
                    }
                })
        default:
            guard let table = pack.tables.first(where: { $0.key == key }) else { throw NotFound("table") }
            return (table.columns, table.rows.map(\.cells))
        }
    }

    /// One of the pack's tables as CSV: numbers stay numbers; any text a spreadsheet would run as a formula is defused.
    public static func csv(_ pack: ReviewPack, key: String) throws -> String {
        let (columns, rows) = try Self.table(pack, key: key)
        return ([columns] + rows).map { row in
            row.map { CreditExport.cell(Decimal(string: $0) != nil && $0.allSatisfy { "0123456789.-".contains($0) } ? .number($0) : .text($0)) }
                .joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
    }

    /// Every table key a pack offers as CSV.
    public static func keys(_ pack: ReviewPack) -> [String] { ["agenda", "scorecard", "breaches"] + pack.tables.map(\.key) + ["what-if"] }

    /// The pack as a Markdown document. Every field goes through `MarkdownText`: a title, location, name or item cannot
    /// add headings, lists, HTML or links of its own.
    public static func render(_ pack: ReviewPack, revision: Int, sha256: String) -> String {
        let text = MarkdownText.inline
        func table(_ columns: [String], _ rows: [[String]]) -> [String] {
            ["| " + columns.map(text).joined(separator: " | ") + " |", "|" + columns.map { _ in " --- |" }.joined()]
                + rows.map { "| " + $0.map(text).joined(separator: " | ") + " |" }
        }
        var lines = [
            "# \(text(pack.title)) — \(text(pack.day))", "", "\(text(pack.tier)) review · \(text(pack.audience)) pack · revision \(revision)", "",
            "- When: \(text(pack.when))", "- Scope: \(text(pack.scope))",
        ]
        if !pack.location.isEmpty { lines.append("- Where: \(text(pack.location))") }
        lines += [
            "- Facts from \(RFC3339.format(pack.factsFrom)) to \(RFC3339.format(pack.factsTo))", "- Frozen \(RFC3339.format(pack.generatedAt)), SHA-256 `\(sha256)`",
            "- Attendees: \(pack.attendees.map { "\(text($0.name)) (\(text($0.party)))" }.joined(separator: ", "))", "",
        ]
        if pack.frozenLate { lines += ["**\(text(PackMarkdown.frozenLateNotice(pack)))**", ""] }
        lines += ["## Agenda", ""]
        for section in pack.agenda {
            lines.append("### \(text(section.title)) (\(section.minutes) min)")
            lines += section.items.map { "- \(text($0.text))\($0.minutes > 0 ? " (\($0.minutes) min)" : "")" }
            lines.append("")
        }
        if !pack.forInformation.isEmpty {
            lines += ["### For information"] + pack.forInformation.map { "- \(text($0))" } + [""]
        }
        for key in ["scorecard", "breaches"] {
            if let (columns, rows) = try? Self.table(pack, key: key) {
                lines += ["## \(key == "scorecard" ? "Scorecard" : "Breaches")", ""] + (rows.isEmpty ? ["None."] : table(columns, rows)) + [""]
            }
        }
        for item in pack.tables {
            lines += ["## \(text(item.title))", ""] + (item.rows.isEmpty ? [text(item.empty)] : table(item.columns, item.rows.map(\.cells))) + [""]
        }
        if !pack.proposals.isEmpty {
            lines += ["## Renegotiation proposals", ""]
            for proposal in pack.proposals {
                lines += ["### #\(proposal.id) \(text(proposal.title)) (\(text(proposal.status)), effective \(text(proposal.effectiveFrom)))", ""]
                for result in proposal.whatIf {
                    let view = PackReplay(result)
                    lines += ["\(text(view.objective)): now \(text(view.current)); proposed \(text(view.proposed)).", ""]
                    lines += table(["Period", "Attainment", "Status now", "Status proposed", "Credit now", "Credit proposed"], view.rows)
                    lines += ["", text(view.totals), ""]
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

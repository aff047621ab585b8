import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// A frozen pack rendered from its stored snapshot (never from live data): a printable document, Markdown, one CSV per
/// table; and the meeting as an iCalendar invitation. A vendor's users get their own vendor's pack only.
struct PackPages {
    let dependencies: AppDependencies

    struct ScoreLine {
        var objective: String
        var agreement: String
        var party: String
        var period: String
        var target: String
        var actual: String
        var variance: String
        var status: String
        var statusLabel: String
        var sparkline: String
        var source: String
        var lineage: String?
    }

    struct AgendaLine {
        var text: String
        /// Minutes the item takes; nil for the scorecard's lines, which take no time of their own. (Not named `minutes`:
        /// a nil would let the template read the section's minutes instead.)
        var takes: Int?
    }

    struct AgendaSectionView {
        var title: String
        var minutes: Int
        var items: [AgendaLine]
    }

    static func agenda(_ sections: [ReviewPack.AgendaSection]) -> [AgendaSectionView] {
        sections.map { section in
            AgendaSectionView(
                title: section.title, minutes: section.minutes, items: section.items.map { AgendaLine(text: $0.text, takes: $0.minutes > 0 ? $0.minutes : nil) })
        }
    }

    struct TableView {
        var key: String
        var title: String
        var columns: [String]
        var rows: [ReviewPack.Row]
        var isEmpty: Bool
        var empty: String
    }

    struct ReplayView {
        var objective: String
        var current: String
        var proposed: String
        var rows: [[String]]
        var totals: String
    }

    struct ProposalView {
        var id: Int64
        var title: String
        var status: String
        var effectiveFrom: String
        var replays: [ReplayView]
    }

    struct View {
        var chrome: Chrome
        var pack: ReviewPack
        var agenda: [AgendaSectionView]
        var packID: Int64
        var meetingID: Int64
        var revision: Int
        var sha256: String
        var generated: String
        var span: String
        var moved: [String]
        var scorecard: [ScoreLine]
        var breaches: [ReviewPack.BreachRow]
        var tables: [TableView]
        var proposals: [ProposalView]
        var audienceQuery: String
    }

    /// The pack revision asked for: `revision` (a pack id) or the latest of `audience` (`internal` or a vendor id); a
    /// vendor always gets its own.
    func stored(_ request: Request, context: AccordRequestContext) async throws -> StoredPack {
        let scope = try context.scope
        let meetingID = try context.id()
        _ = try await self.dependencies.useCases.reviews.meeting(id: meetingID, scope: scope)
        if let text = request.uri.queryParameters.get("revision"), !text.isEmpty {
            guard let id = Int64(text) else { throw NotFound("pack") }
            let pack = try await self.dependencies.useCases.packs.find(id: id, scope: scope)
            guard pack.meetingID == meetingID else { throw NotFound("pack") }
            return pack
        }
        let audience: Int64? =
            if let vendor = scope.vendorID { vendor } else { request.uri.queryParameters.get("audience").flatMap { Int64($0) } }
        guard let pack = try await self.dependencies.useCases.packs.latest(meetingID: meetingID, scope: scope).first(where: { $0.audienceVendorID == audience })
        else { throw NotFound("pack") }
        return pack
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("meetings/:id/pack", use: self.getMeetingPack)
        router.get("meetings/:id/pack.md", use: self.getMeetingPackMarkdown)
        router.get("meetings/:id/pack.csv", use: self.getMeetingPackCSV)
        router.get("meetings/:id/invite.ics", use: self.getMeetingInviteICS)
    }

    @Sendable func getMeetingPack(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let stored = try await self.stored(request, context: context)
        let pack = try ReviewPack.decode(stored.snapshot)
        let zone = TimeZone(identifier: pack.timeZone) ?? .gmt
        let view = View(
            chrome: Chrome(title: "\(pack.title), \(pack.day): pack", context: context), pack: pack, agenda: Self.agenda(pack.agenda), packID: stored.id, meetingID: pack.meetingID,
            revision: stored.revision, sha256: stored.sha256, generated: Stamp.format(stored.generatedAt, zone),
            span: "\(Stamp.format(pack.factsFrom, zone)) – \(Stamp.format(pack.factsTo, zone))", moved: stored.moved,
            scorecard: pack.scorecard.map(Self.scoreLine), breaches: pack.breaches,
            tables: pack.tables.map { TableView(key: $0.key, title: $0.title, columns: $0.columns, rows: $0.rows, isEmpty: $0.rows.isEmpty, empty: $0.empty) },
            proposals: pack.proposals.map(Self.proposalView),
            audienceQuery: stored.audienceVendorID.map { "\($0)" } ?? "internal")
        return self.dependencies.renderer.response(view, template: "meetings/pack")
    }

    @Sendable func getMeetingPackMarkdown(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let stored = try await self.stored(request, context: context)
        let text = PackMarkdown.render(try ReviewPack.decode(stored.snapshot), revision: stored.revision, sha256: stored.sha256)
        return Self.download(text, type: "text/markdown; charset=utf-8", name: "pack-\(stored.meetingID)-r\(stored.revision).md")
    }

    @Sendable func getMeetingPackCSV(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let stored = try await self.stored(request, context: context)
        let pack = try ReviewPack.decode(stored.snapshot)
        let key = request.uri.queryParameters.get("table") ?? "scorecard"
        let (columns, rows) = try PackMarkdown.table(pack, key: key)
        // numbers stay numbers; any text a spreadsheet would run as a formula is defused
        let csv = ([columns] + rows).map { row in
            row.map { CreditExport.cell(Decimal(string: $0) != nil && $0.allSatisfy { "0123456789.-".contains($0) } ? .number($0) : .text($0)) }
                .joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
        return Self.download(csv, type: "text/csv; charset=utf-8", name: "pack-\(stored.meetingID)-r\(stored.revision)-\(key).csv")
    }

    @Sendable func getMeetingInviteICS(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let text = try await self.dependencies.useCases.calendarFeeds.invitation(
            meetingID: try context.id(), scope: context.scope)
        return Self.download(text, type: "text/calendar; charset=utf-8; method=REQUEST", name: "meeting-\(try context.id()).ics")
    }

    static func download(_ text: String, type: String, name: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func scoreLine(_ row: ReviewPack.ScoreRow) -> ScoreLine {
        ScoreLine(
            objective: row.objective, agreement: row.agreement, party: row.party, period: row.period, target: "\(row.target.plain) %",
            actual: row.actual.map { "\($0.plain) %" } ?? "no data", variance: row.variance.map { ($0 >= 0 ? "+" : "") + $0.plain } ?? "—",
            status: row.status, statusLabel: row.status.replacingOccurrences(of: "_", with: " "), sparkline: Sparkline(values: row.trend.map { $0.map { NSDecimalNumber(decimal: $0).doubleValue } }, sla: NSDecimalNumber(decimal: row.target).doubleValue, width: 90, height: 22).svg,
            source: row.source, lineage: row.lineage)
    }

    static func proposalView(_ proposal: ReviewPack.Proposal) -> ProposalView {
        ProposalView(
            id: proposal.id, title: proposal.title, status: proposal.status, effectiveFrom: proposal.effectiveFrom,
            replays: proposal.whatIf.map(ReplayView.init))
    }
}

extension PackPages.ReplayView {
    init(_ result: WhatIfReplay.Result) {
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
            "Breaches \(result.currentBreaches) → \(result.proposedBreaches); credits \(result.currentCredits.plain) → \(result.proposedCredits.plain) \(result.currency) (difference \(result.creditDifference.plain))"
    }
}

/// The pack as Markdown, and any of its tables as rows for CSV.
enum PackMarkdown {
    static func table(_ pack: ReviewPack, key: String) throws -> ([String], [[String]]) {
        switch key {
        case "scorecard":
            return (
                ["Objective", "Agreement", "Party", "Period", "Target %", "Actual %", "Variance", "Status", "Trend", "Source", "Lineage"],
                pack.scorecard.map { row in
                    [
                        row.objective, row.agreement, row.party, row.period, row.target.plain, row.actual?.plain ?? "", row.variance?.plain ?? "", row.status,
                        row.trend.map { $0?.rounded(places: 3).plain ?? "" }.joined(separator: " "), row.source, row.lineage ?? "",
                    ]
                })
        case "breaches":
            return (
                ["Objective", "Party", "Period", "Attainment %", "Target %", "Lineage"],
                pack.breaches.map { [$0.objective, $0.party, $0.period, $0.attainment.plain, $0.target.plain, $0.lineage] })
        case "agenda":
            return (
                ["Section", "Minutes", "Item", "Item minutes"],
                pack.agenda.flatMap { section in
                    section.items.isEmpty ? [[section.title, "\(section.minutes)", "", ""]] : section.items.map { [section.title, "\(section.minutes)", $0.text, "\($0.minutes)"] }
                } + pack.forInformation.map { ["For information", "", $0, ""] })
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

    /// Every table key a pack offers as CSV.
    static func keys(_ pack: ReviewPack) -> [String] { ["agenda", "scorecard", "breaches"] + pack.tables.map(\.key) + ["what-if"] }

    /// The pack as a Markdown document. Every field goes through `MarkdownText`: a title, location, name or item cannot
    /// add headings, lists, HTML or links of its own.
    static func render(_ pack: ReviewPack, revision: Int, sha256: String) -> String {
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
            "- Attendees: \(pack.attendees.map { "\(text($0.name)) (\(text($0.party)))" }.joined(separator: ", "))", "", "## Agenda", "",
        ]
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
                    let view = PackPages.ReplayView(result)
                    lines += ["\(text(view.objective)): now \(text(view.current)); proposed \(text(view.proposed)).", ""]
                    lines += table(["Period", "Attainment", "Status now", "Status proposed", "Credit now", "Credit proposed"], view.rows)
                    lines += ["", text(view.totals), ""]
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

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
        /// The period under way, apart from the closed period's figure and status.
        var soFar: String?
        var sparkline: String
        var source: String
        var lineage: String?
    }

    struct AgendaLine {
        var text: String
        /// The record the item is about.
        var link: String?
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
                title: section.title, minutes: section.minutes, items: section.items.map { AgendaLine(text: $0.text, link: $0.link, takes: $0.minutes > 0 ? $0.minutes : nil) })
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

    struct ProposalView {
        var id: Int64
        var title: String
        var status: String
        var effectiveFrom: String
        var replays: [PackReplay]
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
        /// Said plainly when the pack was frozen after its meeting began.
        var frozenLate: String?
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
            audienceQuery: stored.audienceVendorID.map { "\($0)" } ?? "internal", frozenLate: pack.frozenLate ? PackMarkdown.frozenLateNotice(pack) : nil)
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
        let csv = try PackMarkdown.csv(pack, key: key)
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
            status: row.status, statusLabel: row.status.replacingOccurrences(of: "_", with: " "), soFar: row.soFar, sparkline: Sparkline(values: row.trend.map { $0.map { NSDecimalNumber(decimal: $0).doubleValue } }, sla: NSDecimalNumber(decimal: row.target).doubleValue, width: 90, height: 22).svg,
            source: row.source, lineage: row.lineage)
    }

    static func proposalView(_ proposal: ReviewPack.Proposal) -> ProposalView {
        ProposalView(
            id: proposal.id, title: proposal.title, status: proposal.status, effectiveFrom: proposal.effectiveFrom,
            replays: proposal.whatIf.map(PackReplay.init))
    }
}

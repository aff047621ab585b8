import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// One meeting: when, its agenda (the frozen pack's, or a draft from today's data), its packs' revisions, minutes
/// (attendance, notes per agenda section, decisions, action items, open questions), and moving or cancelling it. The
/// pack itself renders as a printable document, Markdown, CSV per table, and the meeting as an invitation.
struct MeetingPages {
    let dependencies: AppDependencies

    struct PackLine {
        var id: Int64
        var audience: String
        var audienceQuery: String
        var revision: Int
        var sha256: String
        var generated: String
        var generatedBy: String
        var moved: [String]
    }

    struct ItemLine {
        var item: ItemOut
        var isAction: Bool
        var isQuestion: Bool
        var isDecision: Bool
        var canDone: Bool
        var canClose: Bool
    }

    struct AttendanceLine {
        var id: Int64
        var name: String
        var party: String
        var present: Bool
    }

    struct NoteLine {
        var index: Int
        var item: String
        var text: String
    }

    struct PartyOption {
        var value: String
        var label: String
    }

    struct View {
        var chrome: Chrome
        var meeting: MeetingOut
        /// planned, under way, held, minutes open, minutes locked, cancelled
        var state: String = ""
        var seriesID: Int64
        var seriesTitle: String
        var tier: String
        var when: String
        var packDue: String
        var location: String?
        var cancelled: Bool
        var reason: String?
        var agendaTitle: String
        var agendaIsDraft: Bool
        var agenda: [PackPages.AgendaSectionView]
        var forInformation: [String]
        var quiet: Bool
        var packs: [PackLine]
        var items: [ItemLine]
        var attendance: [AttendanceLine]
        var notes: [NoteLine]
        var parties: [PartyOption]
        var kinds: [ReviewPages.Option]
        /// The people who may own an action item, grouped by party.
        var ownerGroups: [RCAShowPage.View.OwnerGroup]
        var concerns: [ReviewPages.Option]
        var moveOpen: Bool
        var cancelOpen: Bool
        var minutesOpen: Bool
        var minutesLocked: Bool
        var lockedAt: String?
        var commentUntil: String?
        var canManage: Bool
        var canMinute: Bool
        var canMove: Bool
        var history: [HistoryLine]
        var form: FormState
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("meetings/:id", use: self.getMeeting)
        func change(_ path: String, _ body: @escaping @Sendable (Input, AccordRequestContext, Int64) async throws -> Void) {
            router.post("meetings/:id/\(path)") { request, context in
                _ = try await self.dependencies.useCases.reviews.meeting(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(.runReviews)
                return try await submitForm(
                    request, context: context, render: { try await self.show(context, meetingID: try context.id(), state: $0, notice: nil) }
                ) { input in
                    try await body(input, context, try context.id())
                    return Redirect.to("/meetings/\(try context.id())", notice: path == "items" ? .created : .updated)
                }
            }
        }
        for step in MeetingStep.allCases {
            change(step.rawValue) { input, context, id in _ = try await step.apply(input, meetingID: id, context: context, dependencies: self.dependencies) }
        }
        let reviews = self.dependencies.useCases.reviews
        for step in ["done", "cancel", "decide"] {
            router.post("review-items/:id/\(step)") { request, context in
                let item = try await reviews.item(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(.writeRCAs)
                // a refused step shows the meeting again with the reason
                return try await submitForm(
                    request, context: context, render: { try await self.show(context, meetingID: item.meetingID, state: $0, notice: nil) }
                ) { input in
                    let parsed: ReviewItemStep =
                        switch step {
                        case "done": .done
                        case "cancel": .cancel(input.text("reason") ?? "")
                        default: .decide(input.text("decision") ?? "")
                        }
                    _ = try await self.dependencies.useCases.advanceReviewItem(parsed, itemID: item.id, scope: context.scope, actor: context.actor)
                    return Redirect.to("/meetings/\(item.meetingID)", notice: .statusChanged)
                }
            }
        }
        PackPages(dependencies: self.dependencies).addRoutes(to: router)
    }

    @Sendable func getMeeting(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.show(context, meetingID: try context.id(), state: FormState(), notice: request.notice)
    }

    private func show(_ context: AccordRequestContext, meetingID id: Int64, state: FormState, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let scope = try context.scope
        let (meeting, series) = try await self.dependencies.useCases.reviews.meeting(id: id, scope: scope)
        let out = try await ReviewAPI.meetingOut(id, dependencies: self.dependencies, context: context)
        let zone = TimeZone(identifier: series.timeZone) ?? .gmt
        let now = self.dependencies.clock()
        let today = LocalDate.of(now, in: zone)
        let vendors = try await self.dependencies.useCases.reviews.vendors(of: series.scope)
        // the agenda of the latest frozen pack the viewer may read, or a draft from today's data
        let stored = try await self.dependencies.useCases.packs.latest(meetingID: id, scope: scope)
        let mine = stored.first { $0.audienceVendorID == scope.vendorID } ?? stored.first
        let pack: ReviewPack
        let isDraft: Bool
        if let mine, let frozen = try? ReviewPack.decode(mine.snapshot) {
            pack = frozen
            isDraft = false
        } else {
            pack = try await self.dependencies.useCases.reviews.pack(
                meeting: meeting, series: series, audienceVendorID: scope.vendorID, clock: self.dependencies.clock)
            isDraft = true
        }
        var packs: [PackLine] = []
        for latest in stored {
            for revision in try await self.dependencies.useCases.packs.revisions(meetingID: id, audienceVendorID: latest.audienceVendorID, scope: scope) {
                let audience = revision.audienceVendorID.map { vendorID in vendors.first { $0.id == vendorID }?.name ?? "Vendor" } ?? "Internal"
                packs.append(
                    PackLine(
                        id: revision.id, audience: audience, audienceQuery: revision.audienceVendorID.map { "\($0)" } ?? "internal",
                        revision: revision.revision, sha256: revision.sha256, generated: Stamp.format(revision.generatedAt, zone),
                        generatedBy: PackOut(revision, audience: audience, viewerVendorID: scope.vendorID).generatedBy, moved: revision.moved))
            }
        }
        let items = try await self.dependencies.useCases.reviews.items(meetingID: id, scope: scope)
        let attendees = try await self.dependencies.useCases.reviews.attendees(seriesID: series.id)
        let present = Set(meeting.minutes.attendance)
        let canManage = user.role.may(.runReviews) && scope == .organisation
        let minutesOpen = meeting.status == .planned && !meeting.minutes.locked && meeting.startsAt <= now.addingTimeInterval(86_400)
        let sectionTitles = pack.agenda.map(\.title)
        let saved = Dictionary(meeting.minutes.notes.map { ($0.item, $0.text) }, uniquingKeysWith: { first, _ in first })
        let notes = sectionTitles.enumerated().map { index, title in NoteLine(index: index, item: title, text: saved[title] ?? "") }
            + meeting.minutes.notes.filter { !sectionTitles.contains($0.item) }.enumerated().map { offset, note in
                NoteLine(index: sectionTitles.count + offset, item: note.item, text: note.text)
            }
        let view = View(
            chrome: Chrome(title: "\(series.title), \(meeting.day)", context: context, notice: notice), meeting: out, seriesID: series.id,
            seriesTitle: series.title, tier: series.tier.label, when: ReviewText.meetingTime(start: meeting.startsAt, end: meeting.endsAt, zone: zone),
            packDue: Stamp.format(meeting.packDueAt, zone), location: series.location.nonEmpty, cancelled: meeting.status == .cancelled,
            reason: meeting.reason.nonEmpty, agendaTitle: isDraft ? "Draft agenda from today's data" : "Agenda (frozen pack, revision \(mine?.revision ?? 1))",
            agendaIsDraft: isDraft, agenda: PackPages.agenda(pack.agenda), forInformation: pack.forInformation, quiet: pack.quiet, packs: packs,
            items: items.map { item in
                let line = ItemOut(item, viewerVendorID: scope.vendorID, today: today)
                let writes = user.role.may(.writeRCAs)
                return ItemLine(
                    item: line, isAction: item.kind == .action, isQuestion: item.kind == .question, isDecision: item.kind == .decision,
                    canDone: writes && item.kind == .action && item.status == .open && (scope.vendorID == nil || scope.vendorID == item.ownerVendorID),
                    canClose: canManage && item.status == .open)
            },
            attendance: scope.vendorID == nil
                ? attendees.map { AttendanceLine(id: $0.id, name: $0.name, party: $0.party, present: present.contains($0.id)) } : [],
            notes: notes, parties: [PartyOption(value: "customer", label: "The customer")] + vendors.map { PartyOption(value: "\($0.id)", label: $0.name) },
            kinds: [("action", "Action item"), ("decision", "Decision"), ("question", "Open question")].map {
                ReviewPages.Option(value: $0.0, label: $0.1, selected: state.values["kind"] == $0.0)
            },
            ownerGroups: RCAShowPage.View.OwnerGroup.grouped(
                try await self.dependencies.useCases.reviews.ownerCandidates(of: series.scope, scope: scope), chosen: state.values["owner"]),
            concerns: ([("all", "Every party of the meeting")] + vendors.map { ("\($0.id)", "\($0.name) only") }).map {
                ReviewPages.Option(value: $0.0, label: $0.1, selected: state.values["party"] == $0.0)
            },
            moveOpen: state.errors["day"] != nil || state.errors["start_time"] != nil || state.errors["reason"] != nil && state.values["day"] != nil,
            cancelOpen: state.errors["reason"] != nil && state.values["day"] == nil,
            minutesOpen: minutesOpen, minutesLocked: meeting.minutes.locked, lockedAt: meeting.minutes.lockedAt.map { Stamp.format($0, zone) },
            commentUntil: meeting.minutes.commentUntil?.description, canManage: canManage, canMinute: canManage && minutesOpen,
            canMove: canManage && meeting.status == .planned && meeting.minutes.openedAt == nil,
            history: try await self.dependencies.useCases.reviews.history(meetingID: id, scope: scope).map { HistoryLine(context.facing($0), zone: zone) },
            form: state)
        var shown = view
        shown.state = meeting.stateLabel(now: now)
        return self.dependencies.renderer.response(
            shown, template: "meetings/show", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

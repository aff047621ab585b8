import AccordApplication
import AccordDomain
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/reviews`, `/api/v1/meetings`, `/api/v1/packs`, `/api/v1/review-items` and `/api/v1/proposals`: review
/// series, their meetings, frozen packs, minutes and renegotiation, as the pages offer them.
struct ReviewAPI {
    let dependencies: AppDependencies
    var clock: @Sendable () -> Date { self.dependencies.clock }
    var reviews: ReviewQueries { self.dependencies.useCases.reviews }

    /// A meeting with its items and its packs' latest revisions, as the viewer may read them.
    static func meetingOut(_ id: Int64, dependencies: AppDependencies, context: AccordRequestContext) async throws -> MeetingOut {
        let scope = try context.scope
        let meeting = try await dependencies.useCases.reviews.meeting(id: id, scope: scope)
        guard let out = try await Self.meetingOuts([meeting], dependencies: dependencies, scope: scope).first else { throw NotFound("meeting") }
        return out
    }

    /// Many meetings in a handful of queries: their items and packs read together, their series' vendors once each.
    static func meetingOuts(_ meetings: [(ReviewMeeting, ReviewSeries)], dependencies: AppDependencies, scope: AccessScope) async throws -> [MeetingOut] {
        let reviews = dependencies.useCases.reviews
        let ids = meetings.map(\.0.id)
        let items = try await reviews.items(meetingIDs: ids, scope: scope)
        let packs = try await dependencies.useCases.packs.latest(meetingIDs: ids, scope: scope)
        var vendors: [Int64: [(id: Int64, name: String)]] = [:]
        var result: [MeetingOut] = []
        for (meeting, series) in meetings {
            if vendors[series.id] == nil { vendors[series.id] = try await reviews.vendors(of: series.scope) }
            let names = vendors[series.id] ?? []
            let today = LocalDate.of(dependencies.clock(), in: TimeZone(identifier: series.timeZone) ?? .gmt)
            var out = MeetingOut(
                meeting, series: series, items: items[meeting.id] ?? [],
                packs: (packs[meeting.id] ?? []).map { pack in
                    PackOut(
                        pack, audience: pack.audienceVendorID.map { id in names.first { $0.id == id }?.name ?? "Vendor" } ?? "Internal",
                        viewerVendorID: scope.vendorID)
                }, viewerVendorID: scope.vendorID, today: today)
            if scope.vendorID != nil, series.scope.kind == "master" { out.notes = [] }
            result.append(out)
        }
        return result
    }

    static func seriesOut(_ series: ReviewSeries, useCases: UseCases, scope: AccessScope) async throws -> SeriesOut {
        SeriesOut(series, attendees: try await useCases.reviews.attendees(seriesID: series.id), viewerVendorID: scope.vendorID)
    }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        self.addSeriesRoutes(to: group)
        self.addMeetingRoutes(to: group)
        self.addItemAndPackRoutes(to: group)
        ProposalAPI(dependencies: self.dependencies).addRoutes(to: group)
    }

    /// `/reviews`: series, their meetings, ending one, adding an ad-hoc meeting.
    func addSeriesRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("reviews", use: self.getReviews)
        group.post("reviews", use: self.postReviews)
        group.get("reviews/:id", use: self.getReview)
        group.get("reviews/:id/meetings", use: self.getReviewMeetings)
        group.post("reviews/:id/end", use: self.postReviewEnd)
        group.post("reviews/:id/meetings", use: self.postReviewMeetings)
    }

    @Sendable func getReviews(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let scope = try context.scope
        let page = try await reviews.listSeries(scope: scope, page: request.apiPage())
        var items: [SeriesOut] = []
        for series in page.items { items.append(try await Self.seriesOut(series, useCases: self.dependencies.useCases, scope: scope)) }
        return JSON.response(ListEnvelope(PageOf(items: items, total: page.total, request: page.request)) { $0 })
    }

    @Sendable func postReviews(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.runReviews)
        var request = request
        let draft = try DraftParsing.series(try await request.json(context: context))
        let series = try await self.dependencies.useCases.createReviewSeries(draft, scope: context.scope, actor: context.actor)
        return JSON.response(try await Self.seriesOut(series, useCases: self.dependencies.useCases, scope: context.scope), status: .created)
    }

    @Sendable func getReview(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let series = try await reviews.series(id: try context.id(), scope: context.scope)
        return JSON.response(try await Self.seriesOut(series, useCases: self.dependencies.useCases, scope: context.scope))
    }

    @Sendable func getReviewMeetings(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let series = try await reviews.series(id: try context.id(), scope: context.scope)
        let meetings = try await reviews.meetings(seriesID: series.id, scope: context.scope).suffix(200).map { ($0, series) }
        return JSON.response(ItemsEnvelope(items: try await Self.meetingOuts(meetings, dependencies: self.dependencies, scope: context.scope)))
    }

    @Sendable func postReviewEnd(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await reviews.series(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.runReviews)
        let series = try await self.dependencies.useCases.endReviewSeries(id: try context.id(), scope: context.scope, actor: context.actor)
        return JSON.response(try await Self.seriesOut(series, useCases: self.dependencies.useCases, scope: context.scope))
    }

    @Sendable func postReviewMeetings(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await reviews.series(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.runReviews)
        var request = request
        let (day, time, reason) = try DraftParsing.meetingSlot(try await request.json(context: context))
        let meeting = try await self.dependencies.useCases.addMeeting(
            seriesID: try context.id(), day: day, time: time, reason: reason, scope: context.scope, actor: context.actor)
        return JSON.response(try await Self.meetingOut(meeting.id, dependencies: self.dependencies, context: context), status: .created)
    }

    /// `/meetings`: the calendar, one meeting, its live agenda and its changes (move, cancel, minutes, packs, items).
    func addMeetingRoutes(to group: RouterGroup<AccordRequestContext>) {
        let reviews = self.dependencies.useCases.reviews
        group.get("meetings", use: self.getMeetings)
        group.get("meetings/:id", use: self.getMeeting)
        group.get("meetings/:id/agenda", use: self.getMeetingAgenda)
        func change(_ path: String, _ body: @escaping @Sendable (Input, AccordRequestContext, Int64) async throws -> Void) {
            group.post("meetings/:id/\(path)") { request, context in
                _ = try await reviews.meeting(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(.runReviews)
                var request = request
                let input = try await request.json(context: context)
                try await body(input, context, try context.id())
                return JSON.response(try await Self.meetingOut(try context.id(), dependencies: self.dependencies, context: context))
            }
        }
        for step in MeetingStep.allCases where step != .items {
            change(step.rawValue) { input, context, id in _ = try await step.apply(input, meetingID: id, context: context, dependencies: self.dependencies) }
        }
        group.post("meetings/:id/items", use: self.postMeetingItems)
    }

    @Sendable func getMeetings(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        var reader = InputReader(Input(request.uri.queryParameters.reduce(into: [:]) { $0[String($1.key)] = .text(String($1.value)) }))
        let now = clock()
        let from = reader.date("from", label: "from") ?? LocalDate.of(now, in: .gmt)
        let to = reader.date("to", label: "to") ?? from.adding(days: 90) ?? from
        if to.daysSince1970 - from.daysSince1970 > 400 || to < from { reader.errors.add("to", "Ask for at most 400 days, to on or after from.") }
        try reader.errors.throwIfAny()
        guard let start = PeriodPlanner.startInstant(from, in: .gmt), let end = to.adding(days: 1).flatMap({ PeriodPlanner.startInstant($0, in: .gmt) })
        else { throw ValidationErrors([FieldError("from", "Not a day this server handles.")]) }
        let meetings = try await reviews.meetings(from: start, to: end, scope: context.scope, limit: 500)
        return JSON.response(ItemsEnvelope(items: try await Self.meetingOuts(meetings, dependencies: self.dependencies, scope: context.scope)))
    }

    @Sendable func getMeeting(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await Self.meetingOut(try context.id(), dependencies: self.dependencies, context: context))
    }

    @Sendable func getMeetingAgenda(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let (meeting, series) = try await reviews.meeting(id: try context.id(), scope: context.scope)
        let pack = try await reviews.pack(meeting: meeting, series: series, audienceVendorID: try context.scope.vendorID, clock: clock)
        return JSON.response(AgendaOut(pack: pack))
    }

    @Sendable func postMeetingItems(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await reviews.meeting(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.runReviews)
        var request = request
        guard
            let item = try await MeetingStep.items.apply(
                try await request.json(context: context), meetingID: try context.id(), context: context, dependencies: self.dependencies)
        else { throw NotFound("review item") }
        let today = LocalDate.of(clock(), in: .gmt)
        return JSON.response(ItemOut(item, viewerVendorID: nil, today: today), status: .created)
    }

    /// `/review-items/{id}/…` steps and `/packs/{id}`, a frozen pack's bytes.
    func addItemAndPackRoutes(to group: RouterGroup<AccordRequestContext>) {
        let clock = self.dependencies.clock
        let reviews = self.dependencies.useCases.reviews
        for step in ["done", "cancel", "decide"] {
            group.post("review-items/:id/\(step)") { request, context in
                _ = try await reviews.item(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(.writeRCAs)
                var request = request
                let input = try await request.json(context: context)
                let parsed: ReviewItemStep =
                    switch step {
                    case "done": .done
                    case "cancel": .cancel(input.text("reason") ?? "")
                    default: .decide(input.text("decision") ?? "")
                    }
                let item = try await self.dependencies.useCases.advanceReviewItem(parsed, itemID: try context.id(), scope: context.scope, actor: context.actor)
                return JSON.response(ItemOut(item, viewerVendorID: try context.scope.vendorID, today: LocalDate.of(clock(), in: .gmt)))
            }
        }
        group.get("packs/:id", use: self.getPack)
    }

    @Sendable func getPack(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let pack = try await self.dependencies.useCases.packs.find(id: try context.id(), scope: context.scope)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[HTTPField.Name("Accord-Pack-SHA256")!] = pack.sha256
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: pack.snapshot)))
    }
}

/// The changes of a meeting, one body shared by its page forms and its API routes: move, cancel, minutes, an item, a
/// pack frozen by hand.
enum MeetingStep: String, CaseIterable, Sendable {
    case move, cancel, minutes, items, packs

    /// Carries the step out; an item step answers the item it recorded.
    func apply(_ input: Input, meetingID id: Int64, context: AccordRequestContext, dependencies: AppDependencies) async throws -> ReviewItem? {
        let meetings = dependencies.useCases.changeMeeting
        let rowVersion = input.text("row_version").flatMap { Int($0) }
        switch self {
        case .move:
            let (day, time, reason) = try DraftParsing.meetingSlot(input)
            _ = try await meetings.move(
                meetingID: id, to: day, at: time, reason: reason, expectedRowVersion: rowVersion, scope: context.scope, actor: context.actor)
        case .cancel:
            _ = try await meetings.cancel(
                meetingID: id, reason: input.text("reason") ?? "", expectedRowVersion: rowVersion, scope: context.scope, actor: context.actor)
        case .minutes:
            let (present, notes) = try DraftParsing.minutes(input)
            _ = try await meetings.saveMinutes(
                meetingID: id, attendance: present, notes: notes, expectedRowVersion: rowVersion, scope: context.scope, actor: context.actor)
        case .items:
            var input = input
            // an owner picked from the list (`owner`: user:<id> or contact:<id>) names the person and their party
            if let key = input.text("owner") {
                let (_, series) = try await dependencies.useCases.reviews.meeting(id: id, scope: context.scope)
                let owners = try await dependencies.useCases.reviews.ownerCandidates(of: series.scope, scope: context.scope)
                guard let owner = owners.first(where: { $0.key == key }) else {
                    throw ValidationErrors([FieldError("owner", "Choose the owner from the list: a person of the customer or of a vendor in this review.")])
                }
                var fields = input.fields
                fields["owner_name"] = .text(owner.name)
                fields["owner_party"] = .text(owner.vendorID.map { "\($0)" } ?? "customer")
                input = Input(fields)
            }
            let (draft, party) = try DraftParsing.reviewItem(input)
            return try await meetings.addItem(meetingID: id, draft, partyVendorID: party, scope: context.scope, actor: context.actor)
        case .packs:
            _ = try await meetings.freezePacks(meetingID: id, actor: context.actor)
        }
        return nil
    }
}

/// The live agenda of a meeting (before or beside its frozen pack).
struct AgendaOut: Encodable, Sendable {
    var title: String
    var quiet: Bool
    var sections: [ReviewPack.AgendaSection]
    var forInformation: [String]

    enum CodingKeys: String, CodingKey {
        case title, quiet, sections
        case forInformation = "for_information"
    }

    init(pack: ReviewPack) {
        self.title = "\(pack.title) — \(pack.day)"
        self.quiet = pack.quiet
        self.sections = pack.agenda
        self.forInformation = pack.forInformation
    }
}

/// `/api/v1/proposals`: renegotiation proposals, their what-if replay, and the steps of both sides.
struct ProposalAPI {
    let dependencies: AppDependencies

    static func out(_ id: Int64, dependencies: AppDependencies, scope: AccessScope) async throws -> ProposalOut {
        let proposals = dependencies.useCases.proposals
        let proposal = try await proposals.find(id: id, scope: scope)
        return ProposalOut(
            proposal: scope.vendorID == nil ? proposal : proposal.vendorFacing,
            whatIf: try await proposals.whatIf(proposal, scope: scope),
            thread: try await proposals.thread(of: proposal).map(\.id),
            history: try await proposals.history(id: id, scope: scope).map { entry in
                scope.vendorID.map { entry.facing(vendorID: $0, parties: [:]) } ?? entry
            })
    }

    /// Files a proposal, or a counter to `parentID`, through the same checks as the page.
    static func file(
        agreementID: Int64, input: Input, parentID: Int64?, dependencies: AppDependencies, context: AccordRequestContext
    ) async throws -> RenegotiationProposal {
        // the customer's proposal counts as its acceptance: it follows the RACI's renegotiation activity as accepting does
        try await dependencies.useCases.proposeTerms(
            agreementID: agreementID, try DraftParsing.proposal(input), parentID: parentID, scope: context.scope, actor: context.actor)
    }

    /// Accepts, rejects or withdraws through the use case for each step.
    static func perform(
        _ step: ProposalRules.Step, id: Int64, rowVersion: Int?, dependencies: AppDependencies, context: AccordRequestContext
    ) async throws {
        _ = try context.requireUser(.answerProposals)
        let useCases = dependencies.useCases
        switch step {
        case .accept: _ = try await useCases.acceptProposal(id: id, expectedRowVersion: rowVersion, scope: context.scope, actor: context.actor)
        case .reject(let reason):
            _ = try await useCases.rejectProposal(id: id, reason: reason, expectedRowVersion: rowVersion, scope: context.scope, actor: context.actor)
        case .withdraw: _ = try await useCases.withdrawProposal(id: id, expectedRowVersion: rowVersion, scope: context.scope, actor: context.actor)
        }
    }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("proposals", use: self.getProposals)
        group.post("agreements/:id/proposals", use: self.postAgreementProposals)
        group.get("proposals/:id", use: self.getProposal)
        group.post("proposals/:id/counter", use: self.postProposalCounter)
        for step in ["accept", "reject", "withdraw"] {
            group.post("proposals/:id/\(step)") { request, context in
                _ = try await self.dependencies.useCases.proposals.find(id: try context.id(), scope: context.scope)
                let (reason, rowVersion) = try await GovernanceAPI.decision(request, context: context)
                let parsed: ProposalRules.Step = step == "accept" ? .accept : step == "reject" ? .reject(reason) : .withdraw
                try await Self.perform(parsed, id: try context.id(), rowVersion: rowVersion, dependencies: self.dependencies, context: context)
                return JSON.response(try await Self.out(try context.id(), dependencies: self.dependencies, scope: context.scope))
            }
        }
    }

    @Sendable func getProposals(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        var reader = InputReader(Input(request.uri.queryParameters.reduce(into: [:]) { $0[String($1.key)] = .text(String($1.value)) }))
        let agreement = reader.id("agreement_id", label: "agreement_id")
        try reader.errors.throwIfAny()
        let page = try await self.dependencies.useCases.proposals.list(
            agreementID: agreement, openOnly: request.query("open") == "true", page: request.apiPage(), scope: context.scope)
        let vendor = try context.scope.vendorID != nil
        return JSON.response(ListEnvelope(page) { vendor ? $0.vendorFacing : $0 })
    }

    @Sendable func postAgreementProposals(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.answerProposals)
        var request = request
        let input = try await request.json(context: context)
        let proposal = try await Self.file(agreementID: try context.id(), input: input, parentID: nil, dependencies: self.dependencies, context: context)
        return JSON.response(try await Self.out(proposal.id, dependencies: self.dependencies, scope: context.scope), status: .created)
    }

    @Sendable func getProposal(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await Self.out(try context.id(), dependencies: self.dependencies, scope: context.scope))
    }

    @Sendable func postProposalCounter(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let parent = try await self.dependencies.useCases.proposals.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.answerProposals)
        var request = request
        let input = try await request.json(context: context)
        let proposal = try await Self.file(
            agreementID: parent.agreementID, input: input, parentID: parent.id, dependencies: self.dependencies, context: context)
        return JSON.response(try await Self.out(proposal.id, dependencies: self.dependencies, scope: context.scope), status: .created)
    }
}

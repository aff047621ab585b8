import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Review series and their meetings: the list with what is coming up, a new series, one series with its attendees and
/// meetings, and one meeting with its agenda, packs, minutes and items.
struct ReviewPages {
    let dependencies: AppDependencies

    struct SeriesLine {
        var id: Int64
        var title: String
        var tier: String
        var scope: String
        var rule: String
        var active: Bool
    }

    struct MeetingLine {
        var id: Int64
        var series: String
        var tier: String
        var when: String
        var status: String
        /// planned, under way, held, minutes open, minutes locked, cancelled
        var state: String
        var adHoc: Bool
        var cancelled: Bool
        var packDue: String
        var hasPack: Bool
        var minutesLocked: Bool
    }

    struct ListView {
        var chrome: Chrome
        var series: [SeriesLine]
        var isEmpty: Bool
        var upcoming: [MeetingLine]
        var canManage: Bool
        var pager: Pager
    }

    struct Option {
        var value: String
        var label: String
        var selected: Bool
    }

    struct NewView {
        var chrome: Chrome
        var form: FormState
        var tiers: [Option]
        var scopes: [Option]
        var frequencies: [Option]
        var ordinals: [Option]
        var weekdays: [Option]
        var months: [Option]
        var calendars: [Option]
        var timeZones: [String]
        var zoneHint = "the meeting's start time is in it"
    }

    struct CandidateLine {
        var value: String
        var name: String
        var party: String
        var checked: Bool
        var proposed: Bool
    }

    struct ShowView {
        var chrome: Chrome
        var series: SeriesLine
        var when: String
        var duration: Int
        var preRead: Int
        var location: String?
        var zone: String
        var attendees: [AttendeeOut]
        var candidates: [CandidateLine]
        var upcoming: [MeetingLine]
        var past: [MeetingLine]
        var canManage: Bool
        var form: FormState
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("reviews", use: self.getReviews)
        router.get("reviews/new", use: self.getReviewsNew)
        router.post("reviews", use: self.postReviews)
        router.get("reviews/:id", use: self.getReview)
        router.post("reviews/:id/attendees", use: self.postReviewAttendees)
        router.post("reviews/:id/meetings", use: self.postReviewMeetings)
        router.post("reviews/:id/end", use: self.postReviewEnd)
        MeetingPages(dependencies: self.dependencies).addRoutes(to: router)
    }

    @Sendable func getReviews(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let scope = try context.scope
        let page = try await self.dependencies.useCases.reviews.listSeries(scope: scope, page: try request.page())
        let now = self.dependencies.clock()
        let upcoming = try await self.dependencies.useCases.reviews.meetings(
            from: now.addingTimeInterval(-86_400), to: now.addingTimeInterval(62 * 86_400), scope: scope, limit: 50)
        let view = ListView(
            chrome: Chrome(title: "Reviews", context: context, notice: request.notice),
            series: page.items.map { Self.line($0, viewerVendorID: scope.vendorID) },
            isEmpty: page.items.isEmpty, upcoming: try await self.meetingLines(upcoming, scope: scope), canManage: user.role.may(.runReviews),
            pager: Pager(page, path: "/reviews", query: []))
        return self.dependencies.renderer.response(view, template: "reviews/list")
    }

    @Sendable func getReviewsNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.runReviews)
        let today = LocalDate.of(self.dependencies.clock(), in: .gmt)
        return try await self.newForm(
            context,
            state: FormState(values: [
                "tier": "tactical", "frequency": "usual", "ordinal": "1", "weekday": "3", "month": "1", "start_time": "10:00",
                "duration_minutes": "60", "time_zone": "UTC", "starts_on": today.description,
            ]))
    }

    @Sendable func postReviews(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.runReviews)
        return try await submitForm(request, context: context, render: { try await self.newForm(context, state: $0) }) { input in
            let draft = try DraftParsing.series(input)
            let series = try await self.dependencies.useCases.createReviewSeries(draft, scope: context.scope, actor: context.actor)
            return Redirect.to("/reviews/\(series.id)", notice: .created)
        }
    }

    @Sendable func getReview(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.show(context, state: FormState(), notice: request.notice)
    }

    @Sendable func postReviewAttendees(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.dependencies.useCases.reviews.series(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.runReviews)
        return try await submitForm(request, context: context, render: { try await self.show(context, state: $0, notice: nil) }) { input in
            var users: [Int64] = []
            var contacts: [Int64] = []
            for entry in input.texts("attendees") {
                let parts = entry.split(separator: ":").map(String.init)
                guard parts.count == 2, let id = Int64(parts[1]) else { continue }
                if parts[0] == "user" { users.append(id) } else if parts[0] == "contact" { contacts.append(id) }
            }
            _ = try await self.dependencies.useCases.setAttendees(
                seriesID: try context.id(), userIDs: users, contactIDs: contacts, scope: context.scope, actor: context.actor)
            return Redirect.to("/reviews/\(try context.id())", notice: .updated)
        }
    }

    @Sendable func postReviewMeetings(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.dependencies.useCases.reviews.series(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.runReviews)
        return try await submitForm(request, context: context, render: { try await self.show(context, state: $0, notice: nil) }) { input in
            let (day, time, reason) = try DraftParsing.meetingSlot(input)
            let meeting = try await self.dependencies.useCases.addMeeting(
                seriesID: try context.id(), day: day, time: time, reason: reason, scope: context.scope, actor: context.actor)
            return Redirect.to("/meetings/\(meeting.id)", notice: .created)
        }
    }

    @Sendable func postReviewEnd(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.dependencies.useCases.reviews.series(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.runReviews)
        return try await submitForm(request, context: context, render: { try await self.show(context, state: $0, notice: nil) }) { _ in
            _ = try await self.dependencies.useCases.endReviewSeries(id: try context.id(), scope: context.scope, actor: context.actor)
            return Redirect.to("/reviews/\(try context.id())", notice: .statusChanged)
        }
    }

    /// A vendor's users do not see the master SLA a multi-vendor review covers.
    static func line(_ series: ReviewSeries, viewerVendorID: Int64? = nil) -> SeriesLine {
        SeriesLine(
            id: series.id, title: series.title, tier: series.tier.label,
            scope: viewerVendorID != nil && series.scope.kind == "master" ? "Multi-vendor review" : series.scopeLabel,
            rule: "\(series.recurrence.description.prefix(1).uppercased())\(series.recurrence.description.dropFirst()) at \(series.startTime) (\(series.timeZone))",
            active: series.active)
    }

    func meetingLines(_ meetings: [(ReviewMeeting, ReviewSeries)], scope: AccessScope) async throws -> [MeetingLine] {
        let packed = try await self.dependencies.useCases.packs.packed(meetingIDs: meetings.map(\.0.id), scope: scope)
        let now = self.dependencies.clock()
        return meetings.map { meeting, series in
            let zone = TimeZone(identifier: series.timeZone) ?? .gmt
            return MeetingLine(
                id: meeting.id, series: series.title, tier: series.tier.label,
                when: ReviewText.meetingTime(start: meeting.startsAt, end: meeting.endsAt, zone: zone), status: meeting.status.rawValue,
                state: meeting.stateLabel(now: now), adHoc: meeting.adHoc, cancelled: meeting.status == .cancelled, packDue: Stamp.format(meeting.packDueAt, zone),
                hasPack: packed.contains(meeting.id), minutesLocked: meeting.minutes.locked)
        }
    }

    private func newForm(_ context: AccordRequestContext, state: FormState) async throws -> Response {
        let agreements = try await self.dependencies.useCases.agreements.list(.init(status: .active), page: PageRequest(number: 1, size: 200), scope: .organisation)
        let vendors = try await self.dependencies.useCases.vendors.all(scope: .organisation)
        let calendars = try await self.dependencies.useCases.calendars.all()
        let chosen = state.values["scope"] ?? ""
        var scopes = agreements.items.map { agreement in
            Option(value: "agreement:\(agreement.id)", label: "Agreement: \(agreement.title)", selected: chosen == "agreement:\(agreement.id)")
        }
        scopes += agreements.items.filter { $0.kind == .master }.map { master in
            Option(value: "master:\(master.id)", label: "Multi-vendor: \(master.title) with its vendor SLAs", selected: chosen == "master:\(master.id)")
        }
        scopes += vendors.map { Option(value: "vendor:\($0.id)", label: "Vendor: \($0.name) (all agreements)", selected: chosen == "vendor:\($0.id)") }
        func options(_ pairs: [(String, String)], _ key: String) -> [Option] {
            pairs.map { Option(value: $0.0, label: $0.1, selected: state.values[key] == $0.0) }
        }
        let view = NewView(
            chrome: Chrome(title: "New review series", context: context), form: state,
            tiers: options(ReviewTier.allCases.map { ($0.rawValue, "\($0.label) (pack \($0.defaultPreReadDays) business day\($0.defaultPreReadDays == 1 ? "" : "s") ahead)") }, "tier"),
            scopes: scopes,
            frequencies: options([("usual", "The tier's usual rhythm (a strategic review monthly, not quarterly, while a vendor is on probation)"), ("weekly", "Every week"), ("fortnightly", "Every other week"), ("monthly", "Monthly"), ("quarterly", "Quarterly (first month of each quarter)"), ("yearly", "Yearly")], "frequency"),
            ordinals: options([("1", "first"), ("2", "second"), ("3", "third"), ("4", "fourth"), ("-1", "last")], "ordinal"),
            weekdays: options(Array(zip((1...7).map(String.init), ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])), "weekday"),
            months: options(Array(zip((1...12).map(String.init), ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"])), "month"),
            calendars: [Option(value: "", label: "Weekdays (no holidays)", selected: (state.values["calendar_id"] ?? "").isEmpty)]
                + calendars.map { Option(value: "\($0.id)", label: $0.name, selected: state.values["calendar_id"] == "\($0.id)") },
            timeZones: TimeZoneDatabase.names)
        return self.dependencies.renderer.response(
            view, template: "reviews/new", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }

    private func show(_ context: AccordRequestContext, state: FormState, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let scope = try context.scope
        let series = try await self.dependencies.useCases.reviews.series(id: try context.id(), scope: scope)
        let attendees = try await self.dependencies.useCases.reviews.attendees(seriesID: series.id)
        let meetings = try await self.dependencies.useCases.reviews.meetings(seriesID: series.id, scope: scope)
        let now = self.dependencies.clock()
        let lines = try await self.meetingLines(meetings.map { ($0, series) }, scope: scope)
        let upcoming = zip(meetings, lines).filter { $0.0.endsAt >= now }.map(\.1)
        let past = zip(meetings, lines).filter { $0.0.endsAt < now }.map(\.1).reversed()
        let canManage = user.role.may(.runReviews) && scope == .organisation
        var candidates: [CandidateLine] = []
        if canManage {
            // a refused change shows the boxes as they were ticked
            let submitted = state.values["attendees"].map { Set($0.split(separator: ",").map(String.init)) }
            let chosen = submitted ?? Set(attendees.map { $0.userID.map { "user:\($0)" } ?? "contact:\($0.contactID ?? 0)" })
            candidates = try await self.dependencies.useCases.reviews.candidates(for: series.scope).map { candidate in
                let value = candidate.userID.map { "user:\($0)" } ?? "contact:\(candidate.contactID ?? 0)"
                return CandidateLine(
                    value: value, name: candidate.name, party: candidate.party, checked: chosen.contains(value) || (attendees.isEmpty && candidate.proposed),
                    proposed: candidate.proposed)
            }
        }
        let view = ShowView(
            chrome: Chrome(title: series.title, context: context, notice: notice), series: Self.line(series, viewerVendorID: scope.vendorID),
            when: "\(series.recurrence.description), \(series.startTime)", duration: series.durationMinutes, preRead: series.preReadDays,
            location: series.location.nonEmpty, zone: series.timeZone, attendees: AttendeeOut.list(attendees, viewerVendorID: scope.vendorID),
            candidates: candidates, upcoming: upcoming, past: Array(past), canManage: canManage && series.active, form: state)
        return self.dependencies.renderer.response(
            view, template: "reviews/show", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

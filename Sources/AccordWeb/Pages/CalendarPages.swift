import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Business calendars: weekly hours in a time zone, plus holidays.
struct CalendarPages {
    let dependencies: AppDependencies
    var calendars: CalendarQueries { self.dependencies.useCases.calendars }
    var useCases: UseCases { self.dependencies.useCases }
    var renderer: PageRenderer { self.dependencies.renderer }

    struct ListView {
        var chrome: Chrome
        var calendars: [Row]
        var search: String
        var pager: Pager
        var canManage: Bool
        var isEmpty: Bool

        struct Row {
            var id: Int64
            var name: String
            var timeZone: String
            var summary: String
        }
    }

    struct ShowView {
        var chrome: Chrome
        var calendar: BusinessCalendar
        var days: [Day]
        var holidays: [HolidayLine]
        var canManage: Bool

        struct Day {
            var name: String
            var hours: String
        }

        struct HolidayLine {
            var date: String
            var name: String
            var closed: String
        }
    }

    struct FormView {
        var chrome: Chrome
        var heading: String
        var action: String
        var cancelURL: String
        var form: FormState
        var days: [DayRow]
        var timeZones: [String]
        var zoneHint = "opening hours are in it"

        struct DayRow {
            var weekday: Int
            var name: String
            var spans: [Span]
            var error: String?
        }

        /// One opening span's fields: `weekly_hours.{index}` with index = weekday − 1 + 7 × the span's number.
        struct Span {
            var index: Int
            var weekday: Int
            var first: Bool
            var opens: String
            var closes: String
        }
    }

    static func hoursSummary(_ calendar: BusinessCalendar) -> String {
        (1...7).compactMap { weekday in
            let spans = calendar.openings(on: weekday)
            guard !spans.isEmpty else { return nil }
            return "\(WeeklyHours.weekdayNames[weekday - 1].prefix(3)) " + Self.spansText(spans)
        }.joined(separator: ", ")
    }

    static func spansText(_ spans: [WeeklyHours]) -> String {
        spans.map { "\($0.opens)–\($0.closes)" }.joined(separator: " and ")
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("calendars", use: self.getCalendars)
        router.get("calendars/new", use: self.getCalendarsNew)
        router.post("calendars", use: self.postCalendars)
        router.get("calendars/:id", use: self.getCalendar)
        router.get("calendars/:id/edit", use: self.getCalendarEdit)
        router.post("calendars/:id/edit", use: self.postCalendarEdit)
    }

    @Sendable func getCalendars(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let search = request.query("q")
        let page = try await self.calendars.list(search: search, page: request.page(), scope: context.scope)
        let rows = page.items.map { ListView.Row(id: $0.id, name: $0.name, timeZone: $0.timeZone, summary: Self.hoursSummary($0)) }
        let view = ListView(
            chrome: Chrome(title: "Calendars", context: context, notice: request.notice), calendars: rows, search: search.orEmpty,
            pager: Pager(page, path: "/calendars", query: [("q", search)]), canManage: user.role.may(.manageContracts), isEmpty: rows.isEmpty)
        return self.renderer.response(view, template: "calendars/list")
    }

    @Sendable func getCalendarsNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        var values = ["time_zone": "UTC"]
        for index in 0..<5 {
            values["weekly_hours.\(index).opens"] = "09:00"
            values["weekly_hours.\(index).closes"] = "17:00"
        }
        return self.form(context, calendar: nil, state: FormState(values: values))
    }

    @Sendable func postCalendars(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        return try await submitForm(request, context: context, render: { self.form(context, calendar: nil, state: $0) }) { input in
            let calendar = try await self.useCases.createCalendar(try DraftParsing.calendar(input), scope: context.scope, actor: context.actor)
            return Redirect.to("/calendars/\(calendar.id)", notice: .created)
        }
    }

    @Sendable func getCalendar(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let calendar = try await self.calendars.find(id: try context.id(), scope: context.scope)
        let days = (1...7).map { weekday in
            ShowView.Day(
                name: WeeklyHours.weekdayNames[weekday - 1],
                hours: calendar.openings(on: weekday).isEmpty ? "Closed" : Self.spansText(calendar.openings(on: weekday)))
        }
        let view = ShowView(
            chrome: Chrome(title: calendar.name, context: context, notice: request.notice), calendar: calendar, days: days,
            holidays: calendar.holidays.map { ShowView.HolidayLine(date: Figures.date($0.date), name: $0.name, closed: $0.closedText) },
            canManage: user.role.may(.manageContracts))
        return self.renderer.response(view, template: "calendars/show")
    }

    @Sendable func getCalendarEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let calendar = try await self.calendars.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return self.form(context, calendar: calendar, state: FormState(values: calendar.formValues, rowVersion: calendar.rowVersion))
    }

    @Sendable func postCalendarEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let calendar = try await self.calendars.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return try await submitForm(request, context: context, render: { self.form(context, calendar: calendar, state: $0) }) { input in
            _ = try await self.useCases.editCalendar(
                id: calendar.id, try DraftParsing.calendar(input), expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope,
                actor: context.actor)
            return Redirect.to("/calendars/\(calendar.id)", notice: .updated)
        }
    }

    private func form(_ context: AccordRequestContext, calendar: BusinessCalendar?, state: FormState) -> Response {
        let days = (1...7).map { weekday in
            // two span rows per day, or one more than the spans given
            let given = (0..<BusinessCalendarDraft.maximumSpansPerDay).filter { number in
                let index = weekday - 1 + 7 * number
                return !(state.values["weekly_hours.\(index).opens"] ?? "").isEmpty || !(state.values["weekly_hours.\(index).closes"] ?? "").isEmpty
            }
            let rows = min(BusinessCalendarDraft.maximumSpansPerDay, max(2, (given.last ?? 0) + 2))
            return FormView.DayRow(
                weekday: weekday, name: WeeklyHours.weekdayNames[weekday - 1],
                spans: (0..<rows).map { number in
                    let index = weekday - 1 + 7 * number
                    return FormView.Span(
                        index: index, weekday: weekday, first: number == 0, opens: state.values["weekly_hours.\(index).opens"] ?? "",
                        closes: state.values["weekly_hours.\(index).closes"] ?? "")
                }, error: state.errors["hours_\(weekday)"])
        }
        let view = FormView(
            chrome: Chrome(title: calendar.map { "Edit \($0.name)" } ?? "New calendar", context: context),
            heading: calendar.map { "Edit \($0.name)" } ?? "New calendar", action: calendar.map { "/calendars/\($0.id)/edit" } ?? "/calendars",
            cancelURL: calendar.map { "/calendars/\($0.id)" } ?? "/calendars", form: state, days: days,
            timeZones: TimeZoneDatabase.names)
        return self.renderer.response(
            view, template: "calendars/form", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

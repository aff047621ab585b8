import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Data sources (admins): the Prometheus servers Accord pulls ratio objectives' buckets from, with how each is doing.
struct DataSourcePages {
    let dependencies: AppDependencies
    var useCases: UseCases { self.dependencies.useCases }
    var sources: DataSourceQueries { self.dependencies.useCases.dataSources }
    var renderer: PageRenderer { self.dependencies.renderer }

    struct ListView {
        var chrome: Chrome
        var sources: [Row]
        var isEmpty: Bool

        struct Row {
            var id: Int64
            var name: String
            var baseURL: String
            var pulls: Int
            var lastSuccess: String
            var lastError: String?
        }
    }

    struct ShowView {
        var chrome: Chrome
        var source: DataSource
        var lastSuccess: String
        var pulls: [PullLine]
        var hasPulls: Bool
        var form: FormState
        var auths: [Choice]
        var verifyChoices: [Choice]

        struct PullLine {
            var objectiveID: Int64
            var objectiveName: String
            var goodQuery: String
            var validQuery: String
            var step: String
            var behind: String
            var lastSuccess: String
            var lastError: String?
        }
    }

    struct FormView {
        var chrome: Chrome
        var form: FormState
        var auths: [Choice]
        var verifyChoices: [Choice]
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("data-sources", use: self.getDataSources)
        router.get("data-sources/new", use: self.getNewDataSource)
        router.post("data-sources", use: self.postDataSources)
        router.get("data-sources/:id", use: self.getDataSource)
        router.post("data-sources/:id", use: self.postDataSource)
    }

    @Sendable func getDataSources(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let zone = TimeZone.gmt
        let rows = try await self.sources.list().map { source in
            ListView.Row(
                id: source.id, name: source.name, baseURL: source.baseURL, pulls: source.pullCount,
                lastSuccess: source.lastSuccessAt.map { Stamp.format($0, zone) } ?? "never", lastError: source.lastError)
        }
        let view = ListView(chrome: Chrome(title: "Data sources", context: context, notice: request.notice), sources: rows, isEmpty: rows.isEmpty)
        return self.renderer.response(view, template: "data-sources/list")
    }

    @Sendable func getNewDataSource(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        return self.form(context, state: FormState(values: ["auth": "none", "verify_tls": "true", "timeout_seconds": "10", "stale_minutes": "60"]))
    }

    @Sendable func postDataSources(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        return try await submitForm(request, context: context, render: { self.form(context, state: Self.withoutSecrets($0)) }) { input in
            let source = try await self.useCases.createDataSource(try DraftParsing.dataSource(input), actor: context.actor)
            return Redirect.to("/data-sources/\(source.id)", notice: .created)
        }
    }

    @Sendable func getDataSource(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let source = try await self.sources.find(id: try context.id())
        return try await self.show(request, context, source: source, state: FormState(values: source.formValues, rowVersion: source.rowVersion))
    }

    @Sendable func postDataSource(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let source = try await self.sources.find(id: try context.id())
        return try await submitForm(
            request, context: context, render: { try await self.show(request, context, source: source, state: Self.withoutSecrets($0)) }
        ) { input in
            _ = try await self.useCases.editDataSource(
                id: source.id, try DraftParsing.dataSource(input), expectedRowVersion: try DraftParsing.rowVersion(input), actor: context.actor)
            return Redirect.to("/data-sources/\(source.id)", notice: .updated)
        }
    }

    /// A form shown again never carries a token or password back into the page.
    static func withoutSecrets(_ state: FormState) -> FormState {
        var state = state
        state.values["bearer_token"] = nil
        state.values["basic_password"] = nil
        return state
    }

    func show(_ request: Request, _ context: AccordRequestContext, source: DataSource, state: FormState) async throws -> Response {
        let now = self.dependencies.clock()
        let pulls = try await self.sources.pulls(sourceID: source.id).map { pull in
            ShowView.PullLine(
                objectiveID: pull.objectiveID, objectiveName: pull.objectiveName, goodQuery: pull.goodQuery, validQuery: pull.validQuery, step: "\(pull.stepSeconds / 60) min",
                behind: Self.behind(pull, now: now), lastSuccess: pull.lastSuccessAt.map { Stamp.format($0, .gmt) } ?? "never",
                lastError: pull.lastError.isEmpty ? nil : pull.lastError)
        }
        let view = ShowView(
            chrome: Chrome(title: source.name, context: context, notice: request.notice), source: source,
            lastSuccess: source.lastSuccessAt.map { Stamp.format($0, .gmt) } ?? "never", pulls: pulls, hasPulls: !pulls.isEmpty,
            form: state, auths: Self.auths(state), verifyChoices: Self.verifyChoices(state))
        return self.renderer.response(view, template: "data-sources/show", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }

    func form(_ context: AccordRequestContext, state: FormState) -> Response {
        let view = FormView(
            chrome: Chrome(title: "New data source", context: context), form: state, auths: Self.auths(state), verifyChoices: Self.verifyChoices(state))
        return self.renderer.response(view, template: "data-sources/form", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }

    static func auths(_ state: FormState) -> [Choice] {
        DataSourceAuth.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: state.values["auth"] == $0.rawValue) }
    }

    static func verifyChoices(_ state: FormState) -> [Choice] {
        let verify = state.values["verify_tls"].map(Input.isYes) ?? true
        return [
            Choice(value: "true", label: "Check the server's certificate", selected: verify),
            Choice(value: "false", label: "Do not check it (a test server's own certificate)", selected: !verify),
        ]
    }

    /// "up to date", "14 minutes behind".
    static func behind(_ pull: SeriesPull, now: Date) -> String {
        let minutes = pull.minutesBehind(now: now)
        if minutes < 2 * max(1, pull.stepSeconds / 60) { return "up to date" }
        if minutes < 120 { return "\(minutes) minutes behind" }
        if minutes < 2 * 1440 { return "\(minutes / 60) hours behind" }
        return "\(minutes / 1440) days behind"
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird
import Synchronization

/// What keeps a public trust page cheap to serve: each page built at most once a minute per process, and each address
/// held to `limit` requests a minute (the rest get 429 with `Retry-After`). Per process, like `PortfolioCache`: a page
/// states the minute it was built, and a publish, move or withdrawal on this process clears it at once (another
/// replica's copy lapses within the minute).
public final class TrustPageGate: Sendable {
    static let lifetime: TimeInterval = 60
    static let capacity = 256
    /// Addresses told apart per minute.
    static let addresses = 100_000
    /// Requests per address per minute.
    let limit: Int

    /// Published pages only: an address nobody publishes is looked up each time (one indexed read, and rate-limited),
    /// so made-up addresses cannot push the real pages out.
    private let pages = Mutex<[String: (page: TrustPage, at: Date)]>([:])
    private let counts = Mutex<(window: Int64, requests: [String: Int])>((0, [:]))

    public init(limit: Int = 60) {
        self.limit = limit
    }

    func page(slug: String, now: Date, build: () async throws -> TrustPage?) async throws -> TrustPage? {
        if let cached = self.pages.withLock({ $0[slug] }), cached.at <= now, now.timeIntervalSince(cached.at) < Self.lifetime {
            return cached.page
        }
        guard let page = try await build() else { return nil }
        self.pages.withLock { pages in
            if pages.count >= Self.capacity, let oldest = pages.min(by: { $0.value.at < $1.value.at })?.key { pages[oldest] = nil }
            pages[slug] = (page, now)
        }
        return page
    }

    func forget() {
        self.pages.withLock { $0.removeAll() }
    }

    /// Counts a request from `address`; the seconds to wait when it is over the limit, nil when it may go on.
    func admit(_ address: String, now: Date) -> Int? {
        let minute = Int64(now.timeIntervalSince1970 / 60)
        return self.counts.withLock { state in
            if state.window != minute { state = (minute, [:]) }
            // at most `addresses` are told apart in a minute; past them, the newcomers share one allowance (a flood of
            // made-up addresses is held to it, rather than let through)
            let key = state.requests[address] != nil || state.requests.count < Self.addresses ? address : ""
            let count = (state.requests[key] ?? 0) + 1
            // an address past its limit is not counted further: the map grows by addresses, not by requests
            if count > self.limit { return max(1, Int((Double(minute + 1) * 60 - now.timeIntervalSince1970).rounded(.up))) }
            state.requests[key] = count
            return nil
        }
    }
}

/// A service's public trust page, without sign-in (`/trust/<slug>`, `.json`, `.atom`), and its settings for contract
/// managers on the service's page and in the API.
struct TrustPagePages {
    let dependencies: AppDependencies
    var trust: TrustPages { self.dependencies.useCases.trustPages }
    var gate: TrustPageGate { self.dependencies.trustGate }

    struct PublicView {
        var service: String
        var slug: String
        var generated: String
        var lines: [Line]
        var isEmpty: Bool

        struct Line {
            var provider: String
            var objective: String
            var breaches: String
            var periods: [Period]
        }

        struct Period {
            var label: String
            var attainment: String
            var target: String
            var status: String
            var statusText: String
            var credit: String
        }
    }

    struct SettingsView {
        var chrome: Chrome
        var service: Service
        var form: FormState
        var published: Bool
        var namesVendors: Bool
        var isPublished: Bool
        var address: String
        /// Each objective as the page (with the saved settings) names it, for the manager to check before publishing.
        var shown: [String]
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("trust/:slug", use: self.getPublic)
        router.get("services/:id/trust", use: self.getSettings)
        router.post("services/:id/trust", use: self.postSettings)
    }

    func addAPIRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("services/:id/trust", use: self.getAPISettings)
        group.put("services/:id/trust", use: self.putAPISettings)
    }

    // MARK: - The public page

    @Sendable func getPublic(_ request: Request, _ context: AccordRequestContext) async throws -> Response {
        let now = self.dependencies.clock()
        if let wait = self.gate.admit(context.remoteAddress, now: now) {
            var headers = HTTPFields()
            headers[.retryAfter] = "\(wait)"
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(
                status: .tooManyRequests, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: "Too many requests for trust pages from your address: try again in \(wait) seconds.\n")))
        }
        let name = context.parameters.get("slug") ?? ""
        let (slug, format) =
            if name.hasSuffix(".json") { (String(name.dropLast(5)), "json") } else if name.hasSuffix(".atom") { (String(name.dropLast(5)), "atom") } else {
                (name, "html")
            }
        guard let page = try await self.gate.page(slug: slug, now: now, build: { try await self.trust.page(slug: slug) }) else {
            throw NotFound("trust page")
        }
        var headers = HTTPFields()
        headers[.cacheControl] = "public, max-age=60"
        switch format {
        case "json":
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.json.text)))
        case "atom":
            headers[.contentType] = "application/atom+xml; charset=utf-8"
            let base = self.dependencies.useCases.mailOptions.publicURL
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page.atom(baseURL: base))))
        default:
            var response = self.dependencies.renderer.response(Self.view(page), template: "trust/show")
            response.headers[.cacheControl] = "public, max-age=60"
            return response
        }
    }

    static func view(_ page: TrustPage) -> PublicView {
        PublicView(
            service: page.service, slug: page.slug, generated: Stamp.format(page.generatedAt, .gmt),
            lines: page.lines.map { line in
                PublicView.Line(
                    provider: line.provider, objective: line.objective,
                    breaches: line.breaches == 0 ? "no breach" : line.breaches == 1 ? "1 breach" : "\(line.breaches) breaches",
                    periods: line.periods.map { period in
                        PublicView.Period(
                            label: period.label, attainment: Figures.attainment(period.attainment, targets: [period.slaTarget]),
                            target: Figures.target(period.slaTarget), status: period.status.rawValue,
                            statusText: period.status.rawValue.replacingOccurrences(of: "_", with: " "),
                            credit: Self.credit(period.credit))
                    })
            }, isEmpty: page.lines.isEmpty)
    }

    static func credit(_ state: TrustPage.CreditState) -> String {
        switch state {
        case .none: "—"
        case .pending: "pending"
        case .issued: "issued"
        case .waived: "waived"
        }
    }

    // MARK: - Settings, for contract managers

    @Sendable func getSettings(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        // found first, so another vendor's service is not found before it is forbidden
        let service = try await self.dependencies.useCases.services.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        let settings = try await self.trust.settings(serviceID: service.id, scope: context.scope)
        return try await self.form(
            request, context, service: service, settings: settings, state: FormState(values: settings.formValues, rowVersion: settings.rowVersion))
    }

    @Sendable func postSettings(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        // found first, so another vendor's service is not found before it is forbidden
        let service = try await self.dependencies.useCases.services.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        let settings = try await self.trust.settings(serviceID: service.id, scope: context.scope)
        return try await submitForm(request, context: context, render: { try await self.form(request, context, service: service, settings: settings, state: $0) }) { input in
            _ = try await self.trust.save(
                serviceID: service.id, try Self.draft(input), expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope, actor: context.actor)
            self.gate.forget()
            return Redirect.to("/services/\(service.id)/trust", notice: .updated)
        }
    }

    func form(_ request: Request, _ context: AccordRequestContext, service: Service, settings: TrustSettings, state: FormState) async throws -> Response {
        let preview = try await self.trust.preview(serviceID: service.id, scope: context.scope)
        let view = SettingsView(
            chrome: Chrome(title: "\(service.name): public trust page", context: context, notice: request.notice), service: service, form: state,
            published: state.values["published"].map(Input.isYes) ?? false, namesVendors: state.values["names_vendors"].map(Input.isYes) ?? false,
            isPublished: settings.published, address: "\(self.dependencies.useCases.mailOptions.publicURL)/trust/\(settings.slug)",
            shown: preview.lines.map { "\($0.provider): \($0.objective)" })
        return self.dependencies.renderer.response(view, template: "services/trust", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }

    static func draft(_ input: Input) throws(ValidationErrors) -> TrustSettingsDraft {
        let draft = TrustSettingsDraft(
            slug: (input.text("slug") ?? "").trimmingCharacters(in: .whitespaces), published: input.text("published").map(Input.isYes) ?? false,
            namesVendors: input.text("names_vendors").map(Input.isYes) ?? false)
        try draft.validate().throwIfAny()
        return draft
    }

    // MARK: - API

    @Sendable func getAPISettings(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let service = try await self.dependencies.useCases.services.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return JSON.response(try await self.trust.settings(serviceID: service.id, scope: context.scope))
    }

    @Sendable func putAPISettings(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.dependencies.useCases.services.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        let expected: Int? = input.text("row_version").map { Int($0) ?? -1 }
        let saved = try await self.trust.save(
            serviceID: try context.id(), try Self.draft(input), expectedRowVersion: expected, scope: context.scope, actor: context.actor)
        self.gate.forget()
        return JSON.response(saved)
    }
}

extension TrustSettings {
    var formValues: [String: String] {
        ["slug": self.slug, "published": self.published ? "true" : "false", "names_vendors": self.namesVendors ? "true" : "false"]
    }
}

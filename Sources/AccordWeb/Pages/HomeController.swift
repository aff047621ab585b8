import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// The start page: for the customer's people, what waits on them (filtered by kind, or to what the RACI gives them),
/// then what they can reach, with counts; a vendor's users land on their portal.
struct HomeController {
    let dependencies: AppDependencies

    struct HomeView {
        var chrome: Chrome
        var name: String
        var vendorCount: Int
        var agreementCount: Int
        var activeCount: Int
        var draftCount: Int
        var isInternal: Bool
        var queue: [QueueLine]
        var queueTotal: Int
        var filters: [QueueFilter]
        var mineOnly: Bool
        var mineCount: Int
        var kindQuery: String
        var filtered: Bool
    }

    struct QueueLine {
        var kind: String
        var text: String
        var link: String
        var when: String
        var overdue: Bool
        var mine: Bool
    }

    struct QueueFilter {
        var label: String
        var link: String
        var count: Int
        var current: Bool
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("/", use: self.get)
    }

    func addAPIRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("me/queue", use: self.getAPIQueue)
    }

    /// The queue as the API gives it: `kind` and `mine=true` filter it.
    @Sendable func getAPIQueue(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        guard user.role != .vendor else { throw AccessDenied() }
        let (items, _) = try await self.queue(request, context, user: user)
        return JSON.response(QueueOut(items: items, total: items.count))
    }

    struct QueueOut: Encodable {
        var items: [WorkItem]
        var total: Int
    }

    /// The person's queue, filtered as asked (`kind`, `mine`), and the whole before filtering.
    func queue(_ request: Request, _ context: AccordRequestContext, user: User) async throws -> (shown: [WorkItem], all: [WorkItem]) {
        let all = try await self.dependencies.useCases.workQueue.staff(user: user, scope: context.scope)
        var kind: WorkItem.Kind?
        if let text = request.query("kind"), !text.isEmpty {
            guard let chosen = WorkItem.Kind(rawValue: text) else {
                throw ValidationErrors([FieldError("kind", "One of \(WorkItem.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")])
            }
            kind = chosen
        }
        let mine = request.query("mine").map(Input.isYes) ?? false
        return (all.filter { (kind == nil || $0.kind == kind) && (!mine || $0.mine) }, all)
    }

    /// "waiting 3 days", "due 12 Dec 2026", "overdue since 2 Dec 2026".
    static func when(_ item: WorkItem, now: Date) -> String {
        if let due = item.due { return item.overdue && item.kind == .action ? "overdue since \(Figures.date(due))" : "due \(Figures.date(due))" }
        guard let since = item.since else { return "" }
        let days = max(0, Int(now.timeIntervalSince(since) / 86_400))
        return days == 0 ? "waiting since today" : days == 1 ? "waiting 1 day" : "waiting \(days) days"
    }

    @Sendable func get(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        if user.role == .vendor { return try await VendorPortal(dependencies: self.dependencies).render(request, context, user: user) }
        let one = PageRequest(number: 1, size: 1)
        let vendors = try await self.dependencies.useCases.vendors.list(search: nil, page: one, scope: context.scope).total
        let all = try await self.dependencies.useCases.agreements.list(.init(), page: one, scope: context.scope).total
        let active = try await self.dependencies.useCases.agreements.list(.init(status: .active), page: one, scope: context.scope).total
        let drafts = try await self.dependencies.useCases.agreements.list(.init(status: .draft), page: one, scope: context.scope).total
        let (shown, waiting) = try await self.queue(request, context, user: user)
        let now = self.dependencies.clock()
        let kind = request.query("kind") ?? ""
        let mineOnly = request.query("mine").map(Input.isYes) ?? false
        let mineQuery = mineOnly ? "&mine=true" : ""
        var filters = [QueueFilter(label: "All", link: "/?kind=\(mineQuery)", count: waiting.count, current: kind.isEmpty)]
        for candidate in WorkItem.Kind.allCases {
            let count = waiting.filter { $0.kind == candidate }.count
            if count > 0 || kind == candidate.rawValue {
                filters.append(QueueFilter(label: candidate.label, link: "/?kind=\(candidate.rawValue)\(mineQuery)", count: count, current: kind == candidate.rawValue))
            }
        }
        let view = HomeView(
            chrome: Chrome(title: "Overview", context: context, notice: request.notice), name: user.name, vendorCount: vendors,
            agreementCount: all, activeCount: active, draftCount: drafts, isInternal: user.role != .vendor,
            queue: shown.prefix(100).map {
                QueueLine(kind: $0.kind.label, text: $0.text, link: $0.link, when: Self.when($0, now: now), overdue: $0.overdue, mine: $0.mine)
            }, queueTotal: shown.count, filters: filters, mineOnly: mineOnly, mineCount: waiting.filter(\.mine).count, kindQuery: kind,
            filtered: !kind.isEmpty || mineOnly)
        return self.dependencies.renderer.response(view, template: "home")
    }
}

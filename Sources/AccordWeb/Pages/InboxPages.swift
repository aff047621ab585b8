import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Each user's inbox: what happened to claims, disputes, root-cause analyses, actions, breaches and credits they are
/// named on (by the RACI, or as the agreement's contract managers or the vendor's users), newest first.
struct InboxPages {
    let dependencies: AppDependencies

    struct Line {
        var id: Int64
        var title: String
        var link: String
        var event: String
        var toAct: Bool
        var unread: Bool
        var at: String
    }

    struct ListView {
        var chrome: Chrome
        var items: [Line]
        var isEmpty: Bool
        var unreadOnly: Bool
        var filtered: Bool
        var kinds: [Choice]
        var vendors: [Choice]
        var hasVendors: Bool
        /// The page's own address with its filters, to come back to after marking read.
        var back: String
        var pager: Pager
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("inbox", use: self.getInbox)
        router.post("inbox/read", use: self.postInboxReadSelected)
        router.post("inbox/:id/read", use: self.postInboxRead)
        router.post("inbox/read-all", use: self.postInboxReadAll)
    }

    /// `kind`, `vendor_id` and `unread=true` from the query; a wrong one is named.
    static func filter(_ request: Request) throws -> InboxFilter {
        var errors = ValidationErrors()
        var filter = InboxFilter(unreadOnly: request.query("unread").map(Input.isYes) ?? false)
        if let text = request.query("kind"), !text.isEmpty {
            if let kind = InboxKind(rawValue: text) { filter.kind = kind } else {
                errors.add("kind", "One of \(InboxKind.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
        }
        if let text = request.query("vendor_id"), !text.isEmpty {
            if let id = Int64(text), id > 0 { filter.vendorID = id } else { errors.add("vendor_id", "A vendor's number.") }
        }
        try errors.throwIfAny()
        return filter
    }

    @Sendable func getInbox(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let filter = try Self.filter(request)
        let page = try await self.dependencies.useCases.inbox.list(userID: user.id, filter: filter, page: try request.page())
        // a vendor's users read their own vendor's items only: no vendor to choose
        let vendors =
            user.role == .vendor
            ? [] : try await self.dependencies.useCases.vendors.list(search: nil, page: PageRequest(number: 1, size: 200), scope: context.scope).items
        let query: [(String, String?)] = [
            ("kind", filter.kind?.rawValue), ("vendor_id", filter.vendorID.map { "\($0)" }), ("unread", filter.unreadOnly ? "true" : nil),
        ]
        let given = query.compactMap { key, value in value.map { "\(key)=\(URLText.encode($0))" } }
        let back = "/inbox" + (given.isEmpty ? "" : "?" + given.joined(separator: "&"))
        let view = ListView(
            chrome: Chrome(title: "Inbox", context: context, notice: request.notice),
            items: page.items.map {
                Line(
                    id: $0.id, title: $0.title, link: $0.link, event: Self.label($0.event), toAct: $0.toAct, unread: $0.readAt == nil,
                    at: Stamp.format($0.createdAt, .gmt))
            }, isEmpty: page.items.isEmpty, unreadOnly: filter.unreadOnly, filtered: filter != InboxFilter(),
            kinds: InboxKind.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == filter.kind) },
            vendors: vendors.map { Choice(value: "\($0.id)", label: $0.name, selected: $0.id == filter.vendorID) }, hasVendors: !vendors.isEmpty,
            back: back, pager: Pager(page, path: "/inbox", query: query))
        return self.dependencies.renderer.response(view, template: "inbox/list")
    }

    /// Marks the ticked items read, or the one whose button was pressed (`only`); back to the same filters.
    @Sendable func postInboxReadSelected(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        var request = request
        let input = try await request.form(context: context)
        let texts = input.text("only").map { [$0] } ?? input.texts("ids")
        let ids = texts.compactMap { Int64($0) }
        guard !ids.isEmpty, ids.count == texts.count else {
            throw ValidationErrors([FieldError("ids", "Tick the items to mark read.")])
        }
        try await self.dependencies.useCases.markRead(userID: user.id, ids: ids)
        let back = input.text("back").flatMap { $0.hasPrefix("/inbox") && !$0.hasPrefix("//") ? $0 : nil } ?? "/inbox"
        return Redirect.to(back, notice: .updated)
    }

    @Sendable func postInboxRead(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        try await self.dependencies.useCases.markRead(userID: user.id, id: try context.id())
        return Redirect.to("/inbox")
    }

    @Sendable func postInboxReadAll(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        try await self.dependencies.useCases.markRead(userID: user.id, id: nil)
        return Redirect.to("/inbox", notice: .updated)
    }

    static func label(_ event: InboxEvent) -> String {
        switch event {
        case .claimFiled: "Claim filed"
        case .claimDecided: "Claim decided"
        case .disputeFiled: "Dispute filed"
        case .disputeDecided: "Dispute decided"
        case .rcaRequested: "RCA requested"
        case .rcaDueSoon: "RCA due tomorrow"
        case .rcaOverdue: "RCA overdue"
        case .rcaSubmitted: "RCA submitted"
        case .rcaReturned: "RCA returned"
        case .rcaAccepted: "RCA accepted"
        case .actionDue: "Action due"
        case .actionOverdue: "Action overdue"
        case .breachRecorded: "Breach recorded"
        case .creditComputed: "Credit computed"
        case .packFrozen: "Meeting pack ready"
        case .meetingChanged: "Meeting changed"
        case .proposalMade: "Terms proposed"
        case .proposalDecided: "Proposal decided"
        case .renewalNoticeDue: "Notice deadline near"
        case .dataStale: "Data behind"
        }
    }
}

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
        var pager: Pager
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("inbox", use: self.getInbox)
        router.post("inbox/:id/read", use: self.postInboxRead)
        router.post("inbox/read-all", use: self.postInboxReadAll)
    }

    @Sendable func getInbox(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let unreadOnly = request.uri.queryParameters.get("unread") == "true"
        let page = try await self.dependencies.useCases.inbox.list(userID: user.id, unreadOnly: unreadOnly, page: try request.page())
        let view = ListView(
            chrome: Chrome(title: "Inbox", context: context, notice: request.notice),
            items: page.items.map {
                Line(
                    id: $0.id, title: $0.title, link: $0.link, event: Self.label($0.event), toAct: $0.toAct, unread: $0.readAt == nil,
                    at: Stamp.format($0.createdAt, .gmt))
            }, isEmpty: page.items.isEmpty, unreadOnly: unreadOnly,
            pager: Pager(page, path: "/inbox", query: [("unread", unreadOnly ? "true" : nil)]))
        return self.dependencies.renderer.response(view, template: "inbox/list")
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

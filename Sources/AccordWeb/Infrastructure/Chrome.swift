import AccordApplication
import AccordDomain
import Foundation
import Mustache

/// What the layout shows around every page: title, signed-in user, navigation and the CSRF token for its forms.
struct Chrome {
    struct SignedIn {
        var name: String
        var roleLabel: String
        var canManage: Bool
        var isAdmin: Bool
        var isVendor: Bool
        var isInternal: Bool
        /// "3", or "99+" past what is counted.
        var unread: String
        var hasUnread: Bool
        /// What the person may do (`{{#chrome.user.may.fileClaims}}`): a page shows a link or a button only to a person
        /// who may follow it.
        var may: Capabilities
    }

    /// A role's capabilities as templates read them, by the capability's name.
    struct Capabilities: MustacheParent {
        let role: Role

        func child(named name: String) -> Any? { Capability(rawValue: name).map(self.role.may) }
    }

    var title: String
    var user: SignedIn?
    var csrf: String?
    var notice: String?

    init(title: String, context: AccordRequestContext, notice: String? = nil) {
        self.title = title
        self.csrf = context.identity?.csrfToken
        self.notice = notice
        if let user = context.identity?.user {
            self.user = SignedIn(
                name: user.name, roleLabel: user.role.label, canManage: user.role.may(.manageContracts), isAdmin: user.role.may(.administer),
                isVendor: user.role == .vendor, isInternal: user.role != .vendor,
                unread: (context.identity?.unread ?? 0) >= Authentication.unreadShown ? "\(Authentication.unreadShown - 1)+" : "\(context.identity?.unread ?? 0)",
                hasUnread: (context.identity?.unread ?? 0) > 0, may: Capabilities(role: user.role))
        }
    }
}

/// Fixed confirmation messages picked by a `notice` query key, so no text from the URL is echoed into a page.
enum Notice: String {
    case created, updated, deleted, activated, amended, statusChanged = "status", jobRan = "ran", approved
    case mailTested = "mail-tested", mailRetried = "mail-retried"

    static func message(_ key: String?) -> String? {
        switch key.flatMap(Notice.init(rawValue:)) {
        case .created: "Created."
        case .updated: "Saved."
        case .deleted: "Deleted."
        case .activated: "Activated."
        case .amended: "New version created as a draft: adjust its objectives, then activate it."
        case .statusChanged: "Status changed."
        case .jobRan: "The job ran: its outcome is in the table."
        case .approved: "Approved: the credits ticked are now awaiting issue."
        case .mailTested: "A test message was sent to you: its outcome is the first line of the outbox."
        case .mailRetried: "The message is queued again and goes with the next run."
        case nil: nil
        }
    }
}

/// Previous and next links for a paged list, keeping the list's filters.
struct Pager {
    var page: Int
    var pageCount: Int
    var total: Int
    var previousURL: String?
    var nextURL: String?

    init<Item>(_ list: PageOf<Item>, path: String, query: [(String, String?)]) {
        self.page = list.request.number
        self.pageCount = list.pageCount
        self.total = list.total
        func url(_ page: Int) -> String {
            let items = query.compactMap { key, value in value.map { "\(key)=\(URLText.encode($0))" } } + ["page=\(page)"]
            return "\(path)?\(items.joined(separator: "&"))"
        }
        self.previousURL = list.hasPrevious ? url(self.page - 1) : nil
        self.nextURL = list.hasNext ? url(self.page + 1) : nil
    }
}

enum URLText {
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        allowed.remove("+")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

// Every page renders the layout: its values answer the template by name rather than through `Mirror`, which costs a
// walk of the type's fields for every lookup.
extension Chrome: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": self.title
        case "user": self.user
        case "csrf": self.csrf
        case "notice": self.notice
        default: nil
        }
    }
}

extension Chrome.SignedIn: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "roleLabel": self.roleLabel
        case "canManage": self.canManage
        case "isAdmin": self.isAdmin
        case "isVendor": self.isVendor
        case "isInternal": self.isInternal
        case "unread": self.unread
        case "hasUnread": self.hasUnread
        case "may": self.may
        default: nil
        }
    }
}

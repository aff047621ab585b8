import AccordDomain
import Hummingbird
import NIOCore
import Synchronization

/// How the caller proved who they are.
public enum Credential: Sendable, Equatable {
    /// A browser session: state-changing requests must carry its CSRF token.
    case session(id: String, csrfToken: String)
    /// An API token in `Authorization: Bearer`: not sent automatically by browsers, so no CSRF token is needed.
    case apiToken
}

public struct Identity: Sendable {
    public var user: User
    public var credential: Credential
    /// Unread inbox items, for the header of pages (read for browser GETs only).
    public var unread: Int = 0

    public var csrfToken: String? {
        if case .session(_, let token) = self.credential { return token }
        return nil
    }
}

/// Who the request turned out to be, shared by every layer of one request: middleware outside authentication (the
/// error pages) sees the identity established inside it, so a signed-in person's 403 or 404 keeps their navigation.
public final class IdentityBox: Sendable {
    private let value = Mutex<Identity?>(nil)

    public init() {}

    public var identity: Identity? {
        get { self.value.withLock { $0 } }
        set { self.value.withLock { $0 = newValue } }
    }
}

/// The per-request state: who is asking and from where.
public struct AccordRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity? {
        didSet { self.established.identity = self.identity }
    }
    /// The identity as authentication established it, for the layers outside it.
    public let established = IdentityBox()
    /// The client's address: the peer, or behind a trusted proxy the address it forwarded.
    public var remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// Large enough for a form or a JSON document; measurement uploads raise it per route later.
    public var maxUploadSize: Int { 1 << 20 }

    /// The signed-in user, or an error that becomes a sign-in redirect (pages) or 401 (API).
    public func requireUser() throws -> User {
        guard let user = self.identity?.user else { throw Unauthenticated() }
        return user
    }

    /// The signed-in user if their role holds `capability`, or 403.
    public func requireUser(_ capability: Capability) throws -> User {
        let user = try self.requireUser()
        guard user.role.may(capability) else { throw AccessDenied() }
        return user
    }

    /// What the caller may see. An anonymous request has no scope at all: asking for one is refused as unauthenticated,
    /// so no lookup can run on its behalf.
    public var scope: AccessScope {
        get throws {
            guard let user = self.identity?.user else { throw Unauthenticated() }
            return user.scope
        }
    }

    /// `value` as this caller may see it: the vendor-facing shape for a vendor's user, as stored for everyone else.
    public func facing<Value: VendorFacing>(_ value: Value) -> Value {
        self.identity?.user.role == .vendor ? value.vendorFacing : value
    }

    public var actor: AuditActor {
        guard let user = self.identity?.user else { return AuditActor(userID: nil, label: "anonymous", address: self.remoteAddress) }
        return AuditActor(userID: user.id, label: "\(user.name) <\(user.email)>", address: self.remoteAddress)
    }
}

/// No valid session or token came with the request.
public struct Unauthenticated: Error {}

/// The caller is signed in but their role may not do this.
public struct AccessDenied: Error {}

import AccordDomain
import AccordStorage
import Foundation

/// A person signs in with their email and password: refused while the throttle holds the account and address,
/// refused (and counted) for a wrong password or a disabled account, else given a new session in place of the one the
/// browser held. Every attempt is audited.
public struct SignIn: Sendable {
    public enum Outcome: Sendable {
        case signedIn(User, sessionID: String)
        /// Too many recent failures: try again at `until`.
        case throttled(until: Date)
        case refused
    }

    let repositories: Repositories
    let clock: @Sendable () -> Date
    let hasher: PasswordHasher
    let throttle: LoginThrottle

    public func callAsFunction(email: String, password: String, address: String, replacing oldSession: String?) async throws -> Outcome {
        let now = self.clock()
        let failures = try await self.repositories.loginAttempts.recentFailures(
            email: email, address: address, since: now.addingTimeInterval(-self.throttle.window))
        if case .blocked(let until) = self.throttle.decide(pairFailures: failures.pair, addressFailures: failures.address, now: now) {
            return .throttled(until: until)
        }
        let credentials = try await self.repositories.users.credentials(email: email)
        // the decoy keeps the answer's timing the same whether the account exists or not
        let matches = try await self.hasher.verify(password, hash: credentials?.1 ?? PasswordHasher.decoy)
        let change = Change(repositories: self.repositories, clock: { now })
        guard let (user, _) = credentials, matches, !user.disabled else {
            let actor = AuditActor(userID: credentials?.0.id, label: email.isEmpty ? "(no email)" : email, address: address)
            try await change.run(actor: actor) { repositories, _ in
                try await repositories.loginAttempts.record(email: email, address: address, succeeded: false, at: now)
                return ((), [.audit(AuditRecord(action: "login_failed", entity: "session", entityID: nil))])
            }
            return .refused
        }
        let actor = AuditActor(userID: user.id, label: "\(user.name) <\(user.email)>", address: address)
        let session = try await change.run(actor: actor) { repositories, _ in
            try await repositories.loginAttempts.record(email: email, address: address, succeeded: true, at: now)
            if let oldSession { try await repositories.sessions.delete(id: oldSession) }
            let session = try await repositories.sessions.create(userID: user.id, now: now)
            return (session, [.audit(AuditRecord(action: "login", entity: "session", entityID: user.id))])
        }
        return .signedIn(user, sessionID: session.id)
    }
}

/// A person signs out: the session ends and the trail says so.
public struct SignOut: Sendable {
    let change: Change

    public func callAsFunction(sessionID: String, userID: Int64?, actor: AuditActor) async throws {
        try await self.change.run(actor: actor) { repositories, _ in
            try await repositories.sessions.delete(id: sessionID)
            return ((), [.audit(AuditRecord(action: "logout", entity: "session", entityID: userID))])
        }
    }
}

/// Who is calling: the account behind an API token or a session cookie, and the refusals worth recording as security
/// events.
public struct Authentication: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    /// How many unread inbox items the header counts before it writes "99+".
    public static let unreadShown = UserRepository.unreadShown

    /// The account an API token belongs to; a token that matches none (a guess or a forgery) is recorded.
    public func user(forToken token: String, address: String, path: String) async throws -> User? {
        if let user = try await self.repositories.tokens.user(forToken: token) { return user }
        await self.record(.invalidToken, userID: nil, vendorID: nil, address: address, path: path)
        return nil
    }

    /// The session's account, still enabled, with its unread count; the session's idle timeout starts again.
    public func session(_ id: String) async throws -> (session: StoredSession, user: User, unread: Int)? {
        guard let session = try await self.repositories.sessions.touch(id: id, now: self.clock()),
            let (user, unread) = try await self.repositories.users.findWithUnread(id: session.userID), !user.disabled
        else { return nil }
        return (session, user, unread)
    }

    /// Records a refusal; recording never changes the answer, so a failure to record is not the caller's.
    public func record(_ kind: SecurityEvent.Kind, userID: Int64?, vendorID: Int64?, address: String, path: String) async {
        try? await self.repositories.securityEvents.record(kind: kind, userID: userID, vendorID: vendorID, address: address, path: path, at: self.clock())
    }
}

/// An admin adds an account: checked, its password hashed, audited without it.
public struct CreateUser: Sendable {
    let change: Change
    let hasher: PasswordHasher

    public func callAsFunction(_ draft: UserDraft, actor: AuditActor) async throws -> User {
        try draft.validate().throwIfAny()
        let hash = try await self.hasher.hash(draft.password)
        return try await self.change.run(actor: actor) { repositories, _ in
            let user = try await repositories.users.insert(draft, passwordHash: hash, actor: actor)
            return (user, [.audit(AuditRecord(action: "create", entity: "user", entityID: user.id, after: user))])
        }
    }
}

/// An admin disables an account (its sessions end) or enables it again.
public struct SetUserDisabled: Sendable {
    let change: Change

    public func callAsFunction(id: Int64, disabled: Bool, actor: AuditActor) async throws -> User {
        try await self.change.run(actor: actor) { repositories, _ in
            let before = try await repositories.users.lock(id: id)
            try await repositories.users.writeDisabled(id: id, disabled, actor: actor)
            var after = before
            after.disabled = disabled
            return (after, [.audit(AuditRecord(action: disabled ? "disable" : "enable", entity: "user", entityID: id, before: before, after: after))])
        }
    }
}

/// What admins read: accounts, the audit trail, security events and throttled sign-ins.
/// An admin issues an API token for a user (a monitoring tool acts as that user): shown once, stored as its hash.
public struct IssueAPIToken: Sendable {
    let change: Change

    /// The token in full, for the caller to print once; `email` names the user it acts as.
    public func callAsFunction(email: String, name: String, actor: AuditActor) async throws -> String {
        try await self.change.run(actor: actor) { repositories, _ in
            guard let (user, _) = try await repositories.users.credentials(email: email) else { throw NotFound("user") }
            let issued = try await repositories.tokens.insert(userID: user.id, name: name)
            let audit = AuditRecord(
                action: "create", entity: "api_token", entityID: issued.id, after: ["user_id": "\(user.id)", "name": name, "prefix": issued.prefix])
            return (issued.token, [.audit(audit)])
        }
    }
}

public struct AccountQueries: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public func users(search: String?, page: PageRequest) async throws -> PageOf<User> {
        try await self.repositories.users.list(search: search, page: page)
    }

    public func audit(_ filter: AuditFilter, page: PageRequest) async throws -> PageOf<AuditEntry> {
        try await self.repositories.audit.list(filter: filter, page: page)
    }

    /// The entities the audit trail names, for its filter.
    public func auditedEntities() async throws -> [String] {
        try await self.repositories.audit.entities()
    }

    public func securityEvents(vendorID: Int64?, page: PageRequest) async throws -> PageOf<SecurityEvent> {
        try await self.repositories.securityEvents.list(vendorID: vendorID, page: page)
    }

    /// Accounts and addresses with recent failed sign-ins, and until when each is slowed down.
    public func throttled(_ throttle: LoginThrottle) async throws -> [ThrottledSignIn] {
        try await self.repositories.loginAttempts.throttled(throttle: throttle, now: self.clock())
    }
}

extension UseCases {
    public func signIn(hasher: PasswordHasher, throttle: LoginThrottle) -> SignIn {
        SignIn(repositories: self.repositories, clock: self.clock, hasher: hasher, throttle: throttle)
    }
    public var signOut: SignOut { SignOut(change: self.change) }
    public var authentication: Authentication { Authentication(repositories: self.repositories, clock: self.clock) }
    public func createUser(hasher: PasswordHasher) -> CreateUser { CreateUser(change: self.change, hasher: hasher) }
    public var setUserDisabled: SetUserDisabled { SetUserDisabled(change: self.change) }
    public var issueAPIToken: IssueAPIToken { IssueAPIToken(change: self.change) }
    public var accounts: AccountQueries { AccountQueries(repositories: self.repositories, clock: self.clock) }
}

import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run on the thread pool so hashing never blocks an event loop.
public struct PasswordHasher: Sendable {
    public var cost: UInt8

    public init(cost: UInt8 = 12) {
        self.cost = cost
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of a random password, checked against when the account does not exist so that timing does not tell.
    public static let decoy = Bcrypt.hash("decoy-password-never-valid", cost: 12)
}

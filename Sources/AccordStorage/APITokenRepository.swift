import AccordDomain
import Crypto
import Foundation
import Logging
import PostgresNIO

/// API tokens for monitoring tools and scripts: `acc_<prefix>_<secret>`, shown once, stored as a SHA-256 hash.
public struct APITokenRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Stores a new token for `userID` (in the caller's transaction) and returns it in full with its id and prefix; it
    /// cannot be read back later.
    public func insert(userID: Int64, name: String) async throws -> (id: Int64, token: String, prefix: String) {
        let prefix = (0..<4).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
        let token = "acc_\(prefix)_\(SecureToken.make())"
        guard
            let id = try await self.database.query(
                "INSERT INTO api_tokens (user_id, name, prefix, token_hash) VALUES (\(userID), \(name), \(prefix), \(SessionStore.hash(token))) RETURNING id"
            ).first?.decode(Int64.self)
        else { throw NotFound("api token") }
        return (id, token, prefix)
    }

    /// The user a presented token belongs to, if it is valid and not revoked.
    public func user(forToken token: String) async throws -> User? {
        // acc_<8 hex>_<secret>; the secret itself may contain "_".
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "acc", parts[1].count == 8, !parts[2].isEmpty else { return nil }
        let presented = Array(SessionStore.hash(token).utf8)
        let rows = try await self.database.query(
            """
            SELECT t.id AS token_id, t.token_hash, t.last_used_at, \(unescaped: UserRepository.columns) FROM api_tokens t JOIN users u ON u.id = t.user_id
            WHERE t.prefix = \(String(parts[1])) AND t.revoked_at IS NULL AND NOT u.disabled
            """)
        for row in rows {
            let cells = row.makeRandomAccess()
            if SecureToken.constantTimeEquals(Array((try cells.value("token_hash", as: String.self)).utf8), presented) {
                let id: Int64 = try cells.value("token_id")
                let lastUsed: Date? = try cells.value("last_used_at")
                // written at most once a minute: a busy feed reads its token, it does not rewrite it on every batch
                if lastUsed.map({ Date().timeIntervalSince($0) >= SessionStore.useRecordInterval }) ?? true {
                    try await self.database.query(
                        "UPDATE api_tokens SET last_used_at = now() WHERE id = \(id) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')")
                }
                return try UserRepository.user(row)
            }
        }
        return nil
    }
}

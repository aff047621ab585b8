import AccordDomain
import AccordStorage
import Foundation
import HTTPTypes
import Hummingbird

/// Runs an API write under an `Idempotency-Key` (see `IdempotencyStore` for the rules).
///
/// Only successful responses are kept for replay. A refused request changed nothing, so it releases its key and a
/// retry is judged afresh (and refused again for the same body).
struct Idempotency {
    let store: IdempotencyStore
    let clock: @Sendable () -> Date

    func run(userID: Int64, key: String, requestHash: String, _ body: () async throws -> (HTTPResponse.Status, String)) async throws -> Response {
        guard !key.isEmpty, key.count <= 255 else {
            throw ValidationErrors([FieldError("Idempotency-Key", "The Idempotency-Key header must be 1 to 255 characters.")])
        }
        switch try await self.store.claim(userID: userID, key: key, requestHash: requestHash, now: self.clock()) {
        case .replay(let status, let text):
            var response = JSON.raw(text, status: HTTPResponse.Status(code: status))
            response.headers[.idempotentReplayed] = "true"
            return response
        case .inProgress:
            throw RuleViolation("A request with this Idempotency-Key is still being processed; retry shortly.")
        case .mismatch:
            throw ValidationErrors([FieldError("Idempotency-Key", "This Idempotency-Key was already used with a different request body.")])
        case .claimed:
            do {
                let (status, text) = try await body()
                try await self.store.finish(userID: userID, key: key, status: Int(status.code), body: text)
                return JSON.raw(text, status: status)
            } catch {
                try? await self.store.release(userID: userID, key: key)
                throw error
            }
        }
    }
}

extension HTTPField.Name {
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}

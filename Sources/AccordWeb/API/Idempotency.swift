import AccordDomain
import AccordStorage
import Foundation
import HTTPTypes
import Hummingbird

/// Runs an API write under an `Idempotency-Key` (see `IdempotencyStore` for the rules): the work runs in one
/// transaction with the key's claim, on the database it is given.
struct Idempotency {
    let store: IdempotencyStore
    let clock: @Sendable () -> Date

    func run(
        userID: Int64, key: String, requestHash: String, _ work: (Database) async throws -> (HTTPResponse.Status, String)
    ) async throws -> Response {
        guard !key.isEmpty, key.count <= 255, key.firstControlCharacter == nil else {
            throw ValidationErrors([FieldError("Idempotency-Key", "The Idempotency-Key header must be 1 to 255 characters.")])
        }
        let outcome = try await self.store.run(userID: userID, key: key, requestHash: requestHash, now: self.clock()) { database in
            let (status, text) = try await work(database)
            return (Int(status.code), text)
        }
        switch outcome {
        case .ran(let status, let text):
            return JSON.raw(text, status: HTTPResponse.Status(code: status))
        case .replay(let status, let text):
            var response = JSON.raw(text, status: HTTPResponse.Status(code: status))
            response.headers[.idempotentReplayed] = "true"
            return response
        case .mismatch:
            throw ValidationErrors([FieldError("Idempotency-Key", "This Idempotency-Key was already used with a different request body.")])
        }
    }
}

extension HTTPField.Name {
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}

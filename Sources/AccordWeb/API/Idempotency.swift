import AccordApplication
import AccordDomain
import Foundation
import HTTPTypes
import Hummingbird

/// Runs an API write under an `Idempotency-Key` (`UseCases.idempotently`): the work runs in one transaction with the
/// key's claim, on the use cases bound to it.
struct Idempotency {
    let useCases: UseCases

    func run(
        userID: Int64, key: String, requestHash: String, _ work: (UseCases) async throws -> (HTTPResponse.Status, String)
    ) async throws -> Response {
        guard !key.isEmpty, key.count <= 255, key.firstControlCharacter == nil else {
            throw ValidationErrors([FieldError("Idempotency-Key", "The Idempotency-Key header must be 1 to 255 characters.")])
        }
        let outcome = try await self.useCases.idempotently(userID: userID, key: key, requestHash: requestHash) { useCases in
            let (status, text) = try await work(useCases)
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

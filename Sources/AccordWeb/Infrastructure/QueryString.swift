import AccordDomain
import Foundation
import Hummingbird

/// Query strings as HTML forms write them: `+` is a space, `%XX` is a byte; the first value of a name wins.
enum QueryString {
    static func parse(_ query: String?) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// One name or value: `+` becomes a space before percent-decoding (so `%2B` stays a plus); malformed escapes are
    /// kept as written.
    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension Request {
    /// The first value of a query parameter, decoded; nil when absent or empty.
    func query(_ name: String) -> String? {
        QueryString.parse(self.uri.query).first { $0.name == name }.flatMap { $0.value.isEmpty ? nil : $0.value }
    }
}

/// Refuses a request whose query string holds a control character (NUL and the like) in a name or value, with 422
/// naming the parameter, before any handler reads it.
struct QueryGuardMiddleware: RouterMiddleware {
    typealias Context = AccordRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        for (name, value) in QueryString.parse(request.uri.query) where name.firstControlCharacter != nil || value.firstControlCharacter != nil {
            let shown = name.firstControlCharacter == nil ? name : "query"
            throw ValidationErrors([FieldError(shown, "\(shown) must not contain control characters.")])
        }
        return try await next(request, context)
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// The header's search: vendors, agreements, objectives, RCAs, review series, meetings and proposals by name or number,
/// only what the person may read.
public struct Search: Sendable {
    let repositories: Repositories

    public static let longest = 100
    public static let limit = 60

    /// Nothing for fewer than two characters (unless a number); a text over 100 characters is refused.
    public func find(_ text: String, scope: AccessScope) async throws -> [SearchHit] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= Self.longest else {
            throw ValidationErrors([FieldError("q", "At most \(Self.longest) characters.")])
        }
        guard trimmed.count >= 2 || trimmed.first?.isNumber == true, trimmed.firstControlCharacter == nil else { return [] }
        return try await self.repositories.search.find(trimmed, scope: scope, limit: Self.limit)
    }
}

extension UseCases {
    public var search: Search { Search(repositories: self.repositories) }
}

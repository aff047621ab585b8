import AccordDomain
import AccordStorage
import Foundation

/// Which agreements share the customer's internal figures (SLO, error budget, burn-rate alerts) with their vendor:
/// what every vendor-facing page and answer is cut by.
public struct SharingQueries: Sendable {
    let repositories: Repositories

    /// Of these agreements, those whose governance terms share internal figures with the vendor.
    public func internalFigures(_ agreementIDs: [Int64]) async throws -> Set<Int64> {
        try await self.repositories.governanceTerms.sharingInternalFigures(agreementIDs)
    }

    /// Of the agreements among the scope's dashboard rows, those that share internal figures.
    public func dashboardAgreements(scope: AccessScope) async throws -> Set<Int64> {
        try await self.internalFigures(try await self.repositories.dashboardRows.agreementIDs(scope: scope))
    }
}

extension UseCases {
    public var sharing: SharingQueries { SharingQueries(repositories: self.repositories) }
}

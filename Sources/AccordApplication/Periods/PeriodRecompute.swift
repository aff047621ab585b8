import AccordDomain
import AccordStorage
import Foundation

/// Carries out pending recompute requests (late data, exclusions): every closed period whose figures changed gets a
/// new revision. Changing use cases call it before they answer, so a closed period's figure is current when the 2xx
/// arrives; the `recompute` job picks up whatever is left.
public struct PeriodRecompute: Sendable {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// Takes requests until none is left (others' claims are skipped) and returns the revisions made.
    @discardableResult
    public func run(now: Date) async throws -> [PeriodRevision] {
        var revised: [PeriodRevision] = []
        while true {
            // the judge reads on the claiming transaction's connection: no second connection is leased while it holds one
            let (claimed, revisions) = try await self.repositories.periodRecords.recomputeRequested(
                limit: 100,
                judge: { bound, series, spans in try await PeriodJudge(repositories: bound).judge(seriesID: series, spans: spans, now: now) },
                recorded: { bound, figures, revision in
                    try await PeriodFollowUp.follow(figures, record: revision.after, revising: revision.before, on: bound)
                })
            revised += revisions
            if claimed == 0 { break }
        }
        return revised
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// Files a governance record (a claim, a dispute) and attaches its evidence in one transaction: a refused file leaves
/// no record behind.
struct FiledWithEvidence: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    func callAsFunction<Record: Sendable>(
        _ subject: GovernanceSubject, files: [EvidenceUpload], scope: AccessScope, actor: AuditActor, id: @Sendable (Record) -> Int64,
        file: (_ repositories: Repositories, _ now: Date) async throws -> (Record, [Effect])
    ) async throws -> Record {
        try await Change(repositories: self.repositories, clock: self.clock).run(actor: actor) { repositories, now in
            var (record, effects) = try await file(repositories, now)
            for upload in files {
                let attached = try await repositories.evidence.attach(subject, id: id(record), upload, scope: scope, actor: actor, now: now)
                effects += attached.effects(subject: subject, id: id(record))
            }
            return (record, effects)
        }
    }
}

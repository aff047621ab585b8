import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// The evidence routes of one kind of governance record (claims, disputes, RCAs): attach files through the record's
/// page or the API (all or none), and download one. The record is looked up through the caller's scope first.
struct EvidenceRoutes: Sendable {
    let dependencies: AppDependencies
    let subject: GovernanceSubject
    /// The records' path: `claims`, `disputes`, `rcas`.
    let path: String
    let mayAttach: Capability
    /// Finds the record through the caller's scope (throws `NotFound` otherwise).
    let find: @Sendable (_ id: Int64, _ context: AccordRequestContext) async throws -> Void


    func attach(_ files: [EvidenceUpload], id: Int64, context: AccordRequestContext) async throws -> [EvidenceFile] {
        try await self.dependencies.useCases.attachEvidence(self.subject, id: id, files, scope: context.scope, actor: context.actor)
    }

    func download(_ context: AccordRequestContext) async throws -> Response {
        _ = try context.requireUser()
        let (file, bytes) = try await self.dependencies.useCases.evidence.content(self.subject, id: try context.id(), fileID: try context.id("file"), scope: context.scope)
        return evidenceDownload(file, bytes: bytes)
    }

    /// The page routes; a refused file shows the record's page again with the reason.
    func addPageRoutes(
        to router: Router<AccordRequestContext>, render: @escaping @Sendable (Request, AccordRequestContext, Int64, FormState) async throws -> Response
    ) {
        router.post("\(self.path)/:id/evidence") { request, context in
            let id = try context.id()
            try await self.find(id, context)
            _ = try context.requireUser(self.mayAttach)
            return try await submitEvidenceForm(request, context: context, render: { try await render(request, context, id, $0) }) { _, files in
                _ = try await self.attach(files, id: id, context: context)
                return Redirect.to("/\(self.path)/\(id)", notice: .updated)
            }
        }
        router.get("\(self.path)/:id/evidence/:file") { _, context in try await self.download(context) }
    }

    /// The API routes: a multipart body with one `file` part per file.
    func addAPIRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.post("\(self.path)/:id/evidence") { request, context in
            let id = try context.id()
            try await self.find(id, context)
            _ = try context.requireUser(self.mayAttach)
            let files = try await GovernanceAPI.files(request, context: context)
            return JSON.response(ItemsEnvelope(items: try await self.attach(files, id: id, context: context)), status: .created)
        }
        group.get("\(self.path)/:id/evidence/:file") { _, context in try await self.download(context) }
    }
}

extension EvidenceRoutes {
    static func claims(_ dependencies: AppDependencies) -> EvidenceRoutes {
        EvidenceRoutes(dependencies: dependencies, subject: .claim, path: "claims", mayAttach: .fileClaims) { id, context in
            _ = try await dependencies.useCases.claims.find(id: id, scope: context.scope)
        }
    }

    static func disputes(_ dependencies: AppDependencies) -> EvidenceRoutes {
        EvidenceRoutes(dependencies: dependencies, subject: .dispute, path: "disputes", mayAttach: .fileClaims) { id, context in
            _ = try await dependencies.useCases.disputes.find(id: id, scope: context.scope)
        }
    }

    static func rcas(_ dependencies: AppDependencies) -> EvidenceRoutes {
        EvidenceRoutes(dependencies: dependencies, subject: .rca, path: "rcas", mayAttach: .writeRCAs) { id, context in
            _ = try await dependencies.useCases.rcas.find(id: id, scope: context.scope)
        }
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// A claim or a dispute as the API gives it: the record, its evidence files and its history.
struct GovernanceRecord<Record: Encodable & Sendable>: Encodable, Sendable {
    var record: Record
    var files: [EvidenceFile]
    var history: [HistoryEntry]

    func encode(to encoder: any Encoder) throws {
        try self.record.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(self.files, forKey: .files)
        try container.encode(self.history, forKey: .history)
    }

    enum Keys: String, CodingKey { case files, history }
}

/// `/api/v1/claims`, `/api/v1/disputes`, `/api/v1/agreements/{id}/governance` and `/api/v1/inbox`.
struct GovernanceAPI {
    let dependencies: AppDependencies

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        self.addClaimRoutes(to: group)
        self.addDisputeRoutes(to: group)
        self.addTermsAndInboxRoutes(to: group)
    }

    /// The body of a decision (approve, reject, uphold, withdraw): its reason, and the row version read, if sent.
    static func decision(_ request: Request, context: AccordRequestContext) async throws -> (reason: String, rowVersion: Int?) {
        var request = request
        let input = try await request.json(context: context)
        var reader = InputReader(input)
        let rowVersion = reader.integer("row_version", label: "row_version")
        try reader.errors.throwIfAny()
        return (input.text("reason") ?? "", rowVersion)
    }

    /// Files of a multipart body sent to an evidence route; at least one.
    static func files(_ request: Request, context: AccordRequestContext) async throws -> [EvidenceUpload] {
        var request = request
        guard MultipartForm.boundary(of: request.headers[.contentType]) != nil else {
            throw HTTPError(.unsupportedMediaType, message: "Send files as multipart/form-data, one part named \"file\" per file.")
        }
        let form = try await EvidenceForm.read(&request, context: context)
        guard !form.files.isEmpty else { throw ValidationErrors([FieldError("file", "Send at least one file part.")]) }
        return form.files
    }

    func claimRecord(_ id: Int64, context: AccordRequestContext) async throws -> GovernanceRecord<ExclusionClaim> {
        let scope = try context.scope
        return GovernanceRecord(
            record: context.facing(try await self.dependencies.useCases.claims.find(id: id, scope: scope)),
            files: try await self.dependencies.useCases.claims.evidence(id: id, scope: scope),
            history: try await self.dependencies.useCases.claims.history(id: id, scope: scope).map(context.facing))
    }

    func disputeRecord(_ id: Int64, context: AccordRequestContext) async throws -> GovernanceRecord<Dispute> {
        let scope = try context.scope
        return GovernanceRecord(
            record: context.facing(try await self.dependencies.useCases.disputes.find(id: id, scope: scope)),
            files: try await self.dependencies.useCases.disputes.evidence(id: id, scope: scope),
            history: try await self.dependencies.useCases.disputes.history(id: id, scope: scope).map(context.facing))
    }

    func addClaimRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("claims", use: self.getClaims)
        group.post("claims", use: self.postClaims)
        group.get("claims/:id", use: self.getClaim)
        for (action, status) in [("approve", ClaimStatus.approved), ("reject", .rejected), ("withdraw", .withdrawn)] {
            group.post("claims/:id/\(action)") { request, context in
                _ = try await self.dependencies.useCases.claims.find(id: try context.id(), scope: context.scope)
                let user = try context.requireUser()
                guard status == .withdrawn ? user.role.may(.fileClaims) : user.role.may(.manageContracts) else { throw AccessDenied() }
                let (reason, rowVersion) = try await Self.decision(request, context: context)
                _ = try await self.dependencies.useCases.decideClaim(
                    id: try context.id(), to: status, reason: reason, expectedRowVersion: rowVersion, scope: context.scope, actor: context.actor)
                return JSON.response(try await self.claimRecord(try context.id(), context: context))
            }
        }
        EvidenceRoutes.claims(self.dependencies).addAPIRoutes(to: group)
    }

    @Sendable func getClaims(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let status = try request.queryChoice("status", as: ClaimStatus.self)
        let page = try await self.dependencies.useCases.claims.list(.init(status: status), page: request.apiPage(), scope: context.scope)
        return JSON.response(ListEnvelope(page) { context.facing($0) })
    }

    @Sendable func postClaims(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.fileClaims)
        var request = request
        let input = try await request.json(context: context)
        var reader = InputReader(input)
        let agreementID = reader.id("agreement_id", label: "Agreement")
        try reader.errors.throwIfAny()
        guard let agreementID else { throw ValidationErrors([FieldError("agreement_id", "agreement_id is required.")]) }
        let agreement = try await self.dependencies.useCases.agreements.find(id: agreementID, scope: context.scope)
        let draft = try DraftParsing.claim(input, zone: Stamp.zone(agreement.timeZone))
        let claim = try await self.dependencies.useCases.fileClaim(
            agreementID: agreement.id, draft, evidence: [], scope: context.scope, actor: context.actor)
        return JSON.response(try await self.claimRecord(claim.id, context: context), status: .created)
    }

    @Sendable func getClaim(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await self.claimRecord(try context.id(), context: context))
    }

    func addDisputeRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("disputes", use: self.getDisputes)
        group.post("disputes", use: self.postDisputes)
        group.get("disputes/:id", use: self.getDispute)
        for (action, status) in [("uphold", DisputeStatus.upheld), ("reject", .rejected), ("withdraw", .withdrawn)] {
            group.post("disputes/:id/\(action)") { request, context in
                _ = try await self.dependencies.useCases.disputes.find(id: try context.id(), scope: context.scope)
                let user = try context.requireUser()
                guard status == .withdrawn ? user.role.may(.fileClaims) : user.role.may(.manageContracts) else { throw AccessDenied() }
                let (reason, rowVersion) = try await Self.decision(request, context: context)
                _ = try await self.dependencies.useCases.decideDispute(
                    id: try context.id(), to: status, reason: reason, expectedRowVersion: rowVersion, scope: context.scope, actor: context.actor)
                return JSON.response(try await self.disputeRecord(try context.id(), context: context))
            }
        }
        group.post("disputes/:id/remedies/:kind", use: self.postDisputeRemedy)
        EvidenceRoutes.disputes(self.dependencies).addAPIRoutes(to: group)
    }

    @Sendable func getDisputes(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let status = try request.queryChoice("status", as: DisputeStatus.self)
        let page = try await self.dependencies.useCases.disputes.list(.init(status: status), page: request.apiPage(), scope: context.scope)
        return JSON.response(ListEnvelope(page) { context.facing($0) })
    }

    @Sendable func postDisputes(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.fileClaims)
        var request = request
        let draft = try DraftParsing.dispute(try await request.json(context: context))
        let dispute = try await self.dependencies.useCases.fileDispute(draft, evidence: [], scope: context.scope, actor: context.actor)
        return JSON.response(try await self.disputeRecord(dispute.id, context: context), status: .created)
    }

    @Sendable func getDispute(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await self.disputeRecord(try context.id(), context: context))
    }

    @Sendable func postDisputeRemedy(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let dispute = try await self.dependencies.useCases.disputes.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        guard let kind = RemedyKind(rawValue: context.parameters.get("kind") ?? "") else { throw NotFound("remedy") }
        var request = request
        let input = try await request.json(context: context)
        try await DisputePages(dependencies: self.dependencies).remedy(kind, dispute: dispute, input: input, context: context)
        return JSON.response(try await self.disputeRecord(dispute.id, context: context))
    }

    func addTermsAndInboxRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("agreements/:id/governance", use: self.getAgreementGovernance)
        group.put("agreements/:id/governance", use: self.putAgreementGovernance)
        group.get("inbox", use: self.getInbox)
        group.post("inbox/read", use: self.postInboxReadMany)
        group.post("inbox/:id/read", use: self.postInboxRead)
        group.post("inbox/read-all", use: self.postInboxReadAll)
    }

    @Sendable func getAgreementGovernance(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await self.dependencies.useCases.governanceTerms.find(agreementID: try context.id(), scope: context.scope))
    }

    @Sendable func putAgreementGovernance(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let current = try await self.dependencies.useCases.governanceTerms.find(agreementID: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        let terms = try DraftParsing.governanceTerms(input, rowVersion: current.rowVersion)
        let expected = try DraftParsing.rowVersion(input)
        return JSON.response(
            try await self.dependencies.useCases.saveGovernanceTerms(
                agreementID: try context.id(), terms, expectedRowVersion: expected, scope: context.scope, actor: context.actor))
    }

    @Sendable func getInbox(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let page = try await self.dependencies.useCases.inbox.list(userID: user.id, filter: try InboxPages.filter(request), page: request.apiPage())
        return JSON.response(ListEnvelope(page) { $0 })
    }

    struct Marked: Encodable {
        var marked: Int
    }

    /// `{"ids": [1, 2]}`: the caller's items among them read.
    @Sendable func postInboxReadMany(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        var request = request
        let input = try await request.json(context: context)
        let texts = input.texts("ids")
        let ids = texts.compactMap { Int64($0) }
        guard !ids.isEmpty, ids.count == texts.count else { throw ValidationErrors([FieldError("ids", "A list of inbox item numbers.")]) }
        return JSON.response(Marked(marked: try await self.dependencies.useCases.markRead(userID: user.id, ids: ids)))
    }

    @Sendable func postInboxRead(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        try await self.dependencies.useCases.markRead(userID: user.id, id: try context.id())
        return Response.noContent
    }

    @Sendable func postInboxReadAll(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        try await self.dependencies.useCases.markRead(userID: user.id, id: nil)
        return Response.noContent
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// OpenSLO v1 YAML of an agreement's objectives: `GET /api/v1/agreements/{id}/openslo` (and the same for a signed-in
/// person at `/agreements/{id}/openslo.yaml`), and `POST /api/v1/agreements/{id}/openslo` to add the documents'
/// objectives to the agreement's draft version (`source_id`: the data source their Prometheus queries read). The
/// customer's staff only: the document's target is the internal SLO.
struct OpenSLOAPI {
    let dependencies: AppDependencies
    var exchange: OpenSLOExchange { self.dependencies.useCases.openSLO }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("agreements/:id/openslo", use: self.getOpenSLO)
        group.post("agreements/:id/openslo", use: self.postOpenSLO)
    }

    func addPageRoutes(to router: Router<AccordRequestContext>) {
        router.get("agreements/:id/openslo.yaml", use: self.getOpenSLO)
    }

    @Sendable func getOpenSLO(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let yaml = try await self.exchange.export(agreementID: try context.id(), scope: context.scope)
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"agreement-\(try context.id())-openslo.yaml\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: yaml)))
    }

    @Sendable func postOpenSLO(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/yaml") || type.hasPrefix("application/x-yaml") || type.hasPrefix("text/yaml") else {
            throw HTTPError(.unsupportedMediaType, message: "Send the OpenSLO documents as application/yaml.")
        }
        var errors = ValidationErrors()
        let source = request.query("source_id")
        if let source, Int64(source) == nil { errors.add("source_id", "source_id must be a data source's id.") }
        try errors.throwIfAny()
        var request = request
        let body = try await request.collectBody(upTo: OpenSLOExchange.maximumDocument)
        guard let yaml = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw ValidationErrors([FieldError("documents", "The YAML must be UTF-8.")])
        }
        let notRead = try self.exchange.preview(yaml).notRead
        let objectives = try await self.exchange.importDocuments(
            yaml, agreementID: try context.id(), sourceID: source.flatMap { Int64($0) }, scope: context.scope, actor: context.actor)
        return JSON.response(Imported(items: objectives, notRead: notRead), status: .created)
    }
}

/// An import's answer: the objectives added, and the documents passed over ("AlertPolicy cpu-alert").
struct Imported: Encodable {
    var items: [Objective]
    var notRead: [String]

    enum CodingKeys: String, CodingKey {
        case items
        case notRead = "not_read"
    }
}

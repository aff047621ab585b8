import AccordApplication
import AccordDomain
import AccordStorage
import Foundation
import Hummingbird

/// A CSV upload page per objective. Without JavaScript the file is posted whole as one all-or-nothing batch and the
/// page answers with a summary; with `upload.js` a large file is sent to the API in batches of rows with a progress
/// bar, ending with the same summary (rows accepted; rejected rows with their reasons).
struct UploadPages {
    let dependencies: AppDependencies
    var repositories: Repositories { self.dependencies.repositories }

    struct Problem {
        var row: String
        var field: String
        var message: String
    }

    struct UploadView {
        var chrome: Chrome
        var objectiveID: Int64
        var objectiveName: String
        var header: String
        var apiPath: String
        var source: String
        var isTicketBased: Bool
        var accepted: String?
        var problems: [Problem]
        var hasProblems: Bool
        var error: String?
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("objectives/:id/upload") { _, context in
            let (objective, _) = try await self.repositories.objectives.find(id: try context.id(), scope: context.scope)
            _ = try context.requireUser(\.canIngest)
            return self.page(context, objective: objective, source: "csv upload", accepted: nil, errors: nil, error: nil)
        }
        router.post("objectives/:id/upload") { request, context in
            let (objective, _) = try await self.repositories.objectives.find(id: try context.id(), scope: context.scope)
            let user = try context.requireUser(\.canIngest)
            var request = request
            let body = try await request.collectBody(upTo: MeasurementAPI.maximumBody)
            guard let boundary = MultipartForm.boundary(of: request.headers[.contentType]) else {
                return self.page(
                    context, objective: objective, source: "csv upload", accepted: nil, errors: nil, error: "Choose a CSV file to upload.")
            }
            let form: MultipartForm
            do {
                form = try MultipartForm(body: Array(body.readableBytesView), boundary: boundary)
            } catch let error as MultipartForm.Malformed {
                return self.page(
                    context, objective: objective, source: "csv upload", accepted: nil, errors: nil,
                    error: "The upload did not arrive whole: \(error.reason) Nothing was stored; try again.")
            }
            let typed = form.value("source")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let source = typed.isEmpty ? "csv upload" : typed
            guard let file = form.parts.first(where: { $0.name == "file" }), !file.content.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            else {
                return self.page(context, objective: objective, source: source, accepted: nil, errors: nil, error: "Choose a CSV file to upload.")
            }
            let sender = BatchSender(userID: user.id, credential: "session")
            do {
                let rows: IngestRows =
                    objective.sliKind.isTicketBased
                    ? .ticketEvents(try MeasurementAPI.ticketCSVRows(file.content)) : .buckets(try MeasurementAPI.csvRows(file.content))
                let accepted =
                    switch try await self.dependencies.useCases.ingest.ingest(
                        rows, objective: objective, source: source, scope: context.scope, sender: sender)
                    {
                    case .ticketEvents(let batch): "\(batch.accepted) events accepted as batch \(batch.batchID) (\(batch.duplicates) already stored)."
                    case .buckets(let batch):
                        "\(batch.accepted) buckets accepted as batch \(batch.batchID) (content hash \(batch.contentHash.prefix(16))…)."
                    }
                return self.page(context, objective: objective, source: source, accepted: accepted, errors: nil, error: nil)
            } catch let errors as ValidationErrors {
                return self.page(context, objective: objective, source: source, accepted: nil, errors: errors, error: nil)
            } catch let rule as RuleViolation {
                return self.page(context, objective: objective, source: source, accepted: nil, errors: nil, error: rule.message)
            }
        }
    }

    private func page(
        _ context: AccordRequestContext, objective: Objective, source: String, accepted: String?, errors: ValidationErrors?, error: String?
    ) -> Response {
        let problems = (errors?.errors ?? []).map { Problem(row: $0.row.map(String.init) ?? "—", field: $0.field, message: $0.message) }
        let ticket = objective.sliKind.isTicketBased
        let view = UploadView(
            chrome: Chrome(title: "Upload CSV: \(objective.name)", context: context), objectiveID: objective.id, objectiveName: objective.name,
            header: ticket ? "ticket,priority,type,at" : "start,end,good,valid",
            apiPath: "/api/v1/objectives/\(objective.id)/\(ticket ? "ticket-events" : "measurements")", source: source, isTicketBased: ticket,
            accepted: accepted, problems: problems, hasProblems: !problems.isEmpty, error: error)
        let failed = !problems.isEmpty || error != nil
        return self.dependencies.renderer.response(view, template: "objectives/upload", status: failed ? .unprocessableContent : .ok)
    }
}

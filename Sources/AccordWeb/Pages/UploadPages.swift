import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// A CSV upload page per objective. Without JavaScript the file is posted whole as one all-or-nothing batch and the
/// page answers with a summary; with `upload.js` a large file is sent to the API in batches of rows with a progress
/// bar, ending with the same summary (rows accepted; rejected rows with their reasons).
struct UploadPages {
    let dependencies: AppDependencies

    struct Problem {
        var row: String
        var field: String
        var message: String
    }

    /// A period the upload touched, as it now stands.
    struct ImpactLine {
        var label: String
        var link: String
        var attainment: String
        var status: String
        var statusText: String
        var record: String
        var creditLink: String?
        var credit: String
        var breached: Bool
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
        var impact: [ImpactLine] = []
        var impactSummary: String? = nil
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("objectives/:id/upload", use: self.getObjectiveUpload)
        router.post("objectives/:id/upload", use: self.postObjectiveUpload)
    }

    @Sendable func getObjectiveUpload(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, _) = try await self.dependencies.useCases.objectives.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.ingest)
        return self.page(context, objective: objective, source: "csv upload", accepted: nil, errors: nil, error: nil)
    }

    @Sendable func postObjectiveUpload(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let (objective, placement) = try await self.dependencies.useCases.objectives.find(id: try context.id(), scope: context.scope)
        let user = try context.requireUser(.ingest)
        var request = request
        let body = try await request.collectBody(upTo: MeasurementAPI.maximumBody)
        guard let boundary = MultipartForm.boundary(of: request.headers[.contentType]) else {
            return self.page(
                context, objective: objective, source: "csv upload", accepted: nil, errors: nil, error: "Choose a CSV file to upload.")
        }
        let form: MultipartForm
        switch Result(catching: { () throws(MultipartForm.Malformed) in try MultipartForm(body: Array(body.readableBytesView), boundary: boundary) }) {
        case .success(let parsed): form = parsed
        case .failure(let malformed):
            return self.page(
                context, objective: objective, source: "csv upload", accepted: nil, errors: nil,
                error: "The upload did not arrive whole: \(malformed.reason) Nothing was stored; try again.")
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
            let accepted: String
            let periods: [PeriodImpact]
            switch try await self.dependencies.useCases.ingest.ingest(rows, objective: objective, source: source, scope: context.scope, sender: sender) {
            case .ticketEvents(let batch):
                accepted = "\(batch.accepted) events accepted as batch \(batch.batchID) (\(batch.duplicates) already stored)."
                periods = batch.periods
            case .buckets(let batch):
                accepted = "\(batch.accepted) buckets accepted as batch \(batch.batchID) (content hash \(batch.contentHash.prefix(16))…)."
                periods = batch.periods
            }
            let agreement = try await self.dependencies.useCases.agreements.find(id: placement.agreementID, scope: context.scope)
            return self.page(
                context, objective: objective, source: source, accepted: accepted, errors: nil, error: nil,
                impact: Self.impact(periods, objective: objective, zone: TimeZone(identifier: agreement.timeZone) ?? .gmt))
        } catch let errors as ValidationErrors {
            return self.page(context, objective: objective, source: source, accepted: nil, errors: errors, error: nil)
        } catch let rule as RuleViolation {
            return self.page(context, objective: objective, source: source, accepted: nil, errors: nil, error: rule.message)
        }
    }

    /// The periods an upload touched, newest first, each linked to its lineage and its credit.
    static func impact(_ periods: [PeriodImpact], objective: Objective, zone: TimeZone) -> [ImpactLine] {
        periods.reversed().map { period in
            let status = period.closed ? TargetStatus(rawValue: period.status)?.label : PeriodOutlook.Status(rawValue: period.status)?.label
            let amount = Decimal(string: period.creditAmount) ?? 0
            return ImpactLine(
                label: ObjectivePages.label(period.start, zone: zone, window: objective.window) + (period.closed ? "" : " (so far)"),
                link: "/objectives/\(objective.id)/periods/\(RFC3339.format(period.start))",
                attainment: Figures.attainment(period.attainment, targets: [objective.slaTarget]), status: period.status,
                statusText: status ?? period.status.replacingOccurrences(of: "_", with: " "),
                record: period.revision.map { $0 > 1 ? "revision \($0): the figure changed" : "recorded" } ?? "open",
                creditLink: period.creditId.map { "/credits/\($0)" },
                credit: amount > 0 ? Money.format(amount, period.currency) + (period.closed ? "" : " if it ended now") : "none",
                breached: period.breached)
        }
    }

    private func page(
        _ context: AccordRequestContext, objective: Objective, source: String, accepted: String?, errors: ValidationErrors?, error: String?,
        impact: [ImpactLine] = []
    ) -> Response {
        let problems = (errors?.errors ?? []).map { Problem(row: $0.row.map(String.init) ?? "—", field: $0.field, message: $0.message) }
        let ticket = objective.sliKind.isTicketBased
        let view = UploadView(
            chrome: Chrome(title: "Upload CSV: \(objective.name)", context: context), objectiveID: objective.id, objectiveName: objective.name,
            header: ticket ? "ticket,priority,type,at" : "start,end,good,valid",
            apiPath: "/api/v1/objectives/\(objective.id)/\(ticket ? "ticket-events" : "measurements")", source: source, isTicketBased: ticket,
            accepted: accepted, problems: problems, hasProblems: !problems.isEmpty, error: error, impact: impact,
            impactSummary: impact.isEmpty
                ? nil
                : "It touched \(impact.count) period\(impact.count == 1 ? "" : "s"): \(impact.filter(\.breached).count) breached, \(impact.filter { $0.creditLink != nil }.count) with a credit recorded.")
        let failed = !problems.isEmpty || error != nil
        return self.dependencies.renderer.response(view, template: "objectives/upload", status: failed ? .unprocessableContent : .ok)
    }
}

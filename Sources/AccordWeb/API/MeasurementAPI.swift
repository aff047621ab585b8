import AccordDomain
import AccordStorage
import Foundation
import Hummingbird
import SwiftCSV

/// `POST /api/v1/objectives/{id}/measurements`: ratio buckets as JSON or CSV, all-or-nothing.
struct MeasurementAPI {
    let dependencies: AppDependencies
    /// Larger bodies are refused with 413 before any parsing.
    static let maximumBody = 32 << 20
    static let csvHeader = ["start", "end", "good", "valid"]

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        self.addReadRoutes(to: group)
        group.post("objectives/{id}/measurements") { request, context in
            let (objective, _) = try await self.dependencies.repositories.objectives.find(id: try context.id(), scope: context.scope)
            let user = try context.requireUser(\.canIngest)
            var request = request
            let body = try await request.collectBody(upTo: Self.maximumBody)
            let ingest = {
                let (source, rows) = try Self.rows(body: body, contentType: request.headers[.contentType], query: request.query("source"))
                let buckets = try BucketBatchParser.parse(rows)
                let sender = BatchSender(userID: user.id, credential: context.identity?.credential == .apiToken ? "api_token" : "session")
                let batch = try await self.dependencies.repositories.measurements.ingest(
                    objectiveID: objective.id, source: source, buckets: buckets, scope: context.scope, sender: sender)
                return (HTTPResponse.Status.created, String(decoding: try JSON.encoder.encode(batch), as: UTF8.self))
            }
            guard let key = request.headers[.idempotencyKey] else {
                let (status, text) = try await ingest()
                return JSON.raw(text, status: status)
            }
            let hash = SessionStore.hash(
                "\(objective.id)|\(request.headers[.contentType] ?? "")|\(request.query("source") ?? "")|\(String(buffer: body))")
            return try await Idempotency(store: self.dependencies.repositories.idempotency, clock: self.dependencies.clock)
                .run(userID: user.id, key: key, requestHash: hash, ingest)
        }
    }

    /// `GET /api/v1/objectives/{id}/periods?from=…&to=…`: the calendar periods between two RFC 3339 instants
    /// (default: the last twelve months up to now).
    func addReadRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("objectives/{id}/periods") { request, context in
            _ = try context.requireUser()
            let now = self.dependencies.clock()
            var errors = ValidationErrors()
            let from = Self.instant(request.query("from"), field: "from", into: &errors) ?? now.addingTimeInterval(-365 * 86_400)
            let to = Self.instant(request.query("to"), field: "to", into: &errors) ?? now
            if to <= from { errors.add("to", "to must be after from.") }
            try errors.throwIfAny()
            let rows = try await PeriodReport(repositories: self.dependencies.repositories).periods(
                objectiveID: try context.id(), scope: context.scope, from: from, to: to, now: now)
            return JSON.response(ItemsEnvelope(items: rows))
        }
        group.get("objectives/{id}/status") { _, context in
            _ = try context.requireUser()
            return JSON.response(
                try await ObjectiveStatusReport(repositories: self.dependencies.repositories).status(
                    objectiveID: try context.id(), scope: context.scope, now: self.dependencies.clock()))
        }
        group.get("objectives/{id}/periods/{start}/lineage") { _, context in
            _ = try context.requireUser()
            let (objective, _) = try await self.dependencies.repositories.objectives.find(id: try context.id(), scope: context.scope)
            guard let text = context.parameters.get("start"), let start = RFC3339.parse(text) else {
                throw ValidationErrors([FieldError("start", "start must be the RFC 3339 start of a period, as the periods list gives it.")])
            }
            let now = self.dependencies.clock()
            let periods = try await PeriodReport(repositories: self.dependencies.repositories).periods(
                objectiveID: objective.id, scope: context.scope, from: start, to: start.addingTimeInterval(1), now: now)
            guard let period = periods.first, period.start == start else { throw NotFound("period") }
            let batches = try await self.dependencies.repositories.measurements.lineage(
                seriesID: objective.seriesID, span: DateInterval(start: period.start, end: period.end))
            return JSON.response(Lineage(period: period, batches: batches))
        }
    }

    /// A period's figure with the batches behind it.
    struct Lineage: Encodable {
        var period: PeriodRow
        var batches: [MeasurementRepository.LineageEntry]
    }

    static func instant(_ text: String?, field: String, into errors: inout ValidationErrors) -> Date? {
        guard let text else { return nil }
        guard let date = RFC3339.parse(text) else {
            errors.add(field, "\(field) must be an RFC 3339 timestamp with an offset.")
            return nil
        }
        return date
    }

    /// The source and raw rows of a JSON or CSV body; malformed documents are refused with a reason.
    static func rows(body: ByteBuffer, contentType: String?, query source: String?) throws -> (String, [RawBucketRow]) {
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("text/csv") {
            return (source ?? "csv", try Self.csvRows(String(buffer: body)))
        }
        guard type.hasPrefix("application/json") else {
            throw HTTPError(.unsupportedMediaType, message: "Send application/json or text/csv.")
        }
        let input = try Input.json(Data(buffer: body))
        guard case .list(let items)? = input.fields["buckets"] else {
            throw ValidationErrors([FieldError("buckets", "buckets must be a list of {start, end, good, valid}.")])
        }
        let rows = items.enumerated().map { index, item in
            let fields: Input = if case .object(let fields) = item { Input(fields) } else { Input() }
            return RawBucketRow(
                row: index + 1, start: fields.text("start"), end: fields.text("end"), good: fields.text("good"), valid: fields.text("valid"))
        }
        return (input.text("source") ?? source ?? "", rows)
    }

    static func csvRows(_ text: String) throws -> [RawBucketRow] {
        let csv: CSV<Enumerated>
        do {
            csv = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            throw ValidationErrors([FieldError("body", "The CSV could not be read: check quoting.")])
        }
        guard csv.header.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) == Self.csvHeader else {
            throw ValidationErrors([FieldError("header", "The first line must be the header start,end,good,valid.")])
        }
        return csv.rows.enumerated().map { index, cells in
            RawBucketRow(
                row: index + 1, start: cells.count > 0 ? cells[0] : nil, end: cells.count > 1 ? cells[1] : nil,
                good: cells.count > 2 ? cells[2] : nil,
                valid: cells.count > 3 ? cells[3] : nil)
        }
    }
}

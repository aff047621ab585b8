import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `POST /api/v1/objectives/{id}/measurements`: ratio buckets as JSON or CSV, all-or-nothing.
struct MeasurementAPI {
    let dependencies: AppDependencies
    /// Larger bodies are refused with 413 before any parsing.
    static let maximumBody = 32 << 20
    static let csvHeader = ["start", "end", "good", "valid"]

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        self.addReadRoutes(to: group)
        group.post("objectives/{id}/measurements", use: self.postObjectiveMeasurements)
        group.post("objectives/{id}/ticket-events", use: self.postObjectiveTicketEvents)
    }

    @Sendable func postObjectiveMeasurements(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.receive(request, context: context) { objective, body, contentType in
            // a plain CSV (the common case of a monitoring tool's batch) is read straight into values; anything else
            // the general way, which names every problem
            if (contentType ?? "").lowercased().hasPrefix("text/csv"),
                let cells = body.withUnsafeReadableBytes({ Self.plainBucketCells($0) })
            {
                return (request.query("source") ?? "csv", .bucketCells(cells))
            }
            let (source, rows) = try Self.rows(body: body, contentType: contentType, query: request.query("source"))
            return (source, .buckets(rows))
        }
    }

    @Sendable func postObjectiveTicketEvents(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.receive(request, context: context) { objective, body, contentType in
            let (source, rows) = try Self.ticketRows(body: body, contentType: contentType, query: request.query("source"))
            return (source, .ticketEvents(rows))
        }
    }

    /// The shared frame of both ingest routes: scope, role, body limit, `Idempotency-Key`, and the recompute of closed
    /// periods the batch touched before the 2xx is sent.
    func receive(
        _ request: Request, context: AccordRequestContext,
        rows: @escaping @Sendable (Objective, ByteBuffer, String?) throws -> (source: String, rows: IngestRows)
    ) async throws -> Response {
        let (objective, _) = try await self.dependencies.useCases.objectives.find(id: try context.id(), scope: context.scope)
        let user = try context.requireUser(.ingest)
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumBody)
        let contentType = request.headers[.contentType]
        let sender = BatchSender(userID: user.id, credential: context.identity?.credential == .apiToken ? "api_token" : "session")
        let useCases = self.dependencies.useCases
        let scope = try context.scope
        let run = { @Sendable (useCases: UseCases) async throws -> (HTTPResponse.Status, String) in
            let (source, rows) = try rows(objective, body, contentType)
            let batch = try await useCases.ingest.ingest(rows, objective: objective, source: source, scope: scope, sender: sender)
            return (HTTPResponse.Status.created, String(decoding: try JSON.encoder.encode(batch), as: UTF8.self))
        }
        guard let key = request.headers[.idempotencyKey] else {
            let (status, text) = try await run(useCases)
            return JSON.raw(text, status: status)
        }
        let hash = UseCases.requestHash(
            "\(request.uri.path)|\(objective.id)|\(contentType ?? "")|\(request.uri.query ?? "")|\(String(buffer: body))")
        return try await Idempotency(useCases: useCases).run(userID: user.id, key: key, requestHash: hash) { bound in try await run(bound) }
    }

    /// `GET /api/v1/objectives/{id}/periods?from=…&to=…`: the calendar periods between two RFC 3339 instants
    /// (default: the twelve months up to `to`, and `to` now). A rolling window gives its N days up to `to` (or now).
    func addReadRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("objectives/{id}/periods", use: self.getObjectivePeriods)
        group.get("objectives/{id}/status", use: self.getObjectiveStatus)
        group.get("objectives/{id}/periods/{start}/lineage", use: self.getPeriodLineage)
        group.get("objectives/{id}/periods/{start}/tickets", use: self.getPeriodTickets)
        group.get("objectives/{id}/tickets/{ticket}", use: self.getObjectiveTicket)
    }

    @Sendable func getObjectivePeriods(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let now = self.dependencies.clock()
        var errors = ValidationErrors()
        let asked = Self.instant(request.query("from"), field: "from", into: &errors)
        let to = Self.instant(request.query("to"), field: "to", into: &errors) ?? now
        let from = asked ?? to.addingTimeInterval(-365 * 86_400)
        if to <= from { errors.add("to", "to must be after from.") }
        try errors.throwIfAny()
        let objective = try await self.dependencies.useCases.objective(try context.id(), scope: context.scope)
        let rows = try await self.dependencies.useCases.periods.periods(objective, from: from, to: to, now: now)
        let shows = try await self.dependencies.seesInternalFigures(context, agreementID: objective.agreement.id)
        return JSON.response(ItemsEnvelope(items: shows ? rows : rows.map(\.withholdingInternalFigures)))
    }

    @Sendable func getObjectiveStatus(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let objective = try await self.dependencies.useCases.objective(try context.id(), scope: context.scope)
        let status = try await self.dependencies.useCases.status.status(objective, now: self.dependencies.clock())
        let shows = try await self.dependencies.seesInternalFigures(context, agreementID: objective.agreement.id)
        return JSON.response(shows ? status : status.withholdingInternalFigures)
    }

    @Sendable func getPeriodLineage(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let objective = try await self.dependencies.useCases.objective(try context.id(), scope: context.scope)
        guard let text = context.parameters.get("start")?.removingPercentEncoding, let start = RFC3339.parse(text) else {
            throw ValidationErrors([FieldError("start", "start must be the RFC 3339 start of a period, as the periods list gives it.")])
        }
        let explanation = context.facing(
            try await self.dependencies.useCases.explanation.explain(objective, start: start, scope: context.scope, now: self.dependencies.clock()))
        let shows = try await self.dependencies.seesInternalFigures(context, agreementID: objective.agreement.id)
        return JSON.response(shows ? explanation : explanation.withholdingInternalFigures)
    }

    @Sendable func getPeriodTickets(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let objective = try await self.dependencies.useCases.objective(try context.id(), scope: context.scope)
        guard let text = context.parameters.get("start")?.removingPercentEncoding, let start = RFC3339.parse(text) else {
            throw ValidationErrors([FieldError("start", "start must be the RFC 3339 start of a period, as the periods list gives it.")])
        }
        let page = try await self.dependencies.useCases.explanation.tickets(
            objective, start: start, page: try request.apiPage(), now: self.dependencies.clock())
        return JSON.response(ListEnvelope(page) { $0 })
    }

    @Sendable func getObjectiveTicket(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let objective = try await self.dependencies.useCases.objective(try context.id(), scope: context.scope)
        guard objective.objective.sliKind.isTicketBased, let ticket = context.parameters.get("ticket"), !ticket.isEmpty, ticket.count <= 200 else {
            throw NotFound("ticket")
        }
        return JSON.response(try await self.dependencies.useCases.objectives.ticketHistory(seriesID: objective.objective.seriesID, ticket: ticket))
    }

    static func instant(_ text: String?, field: String, into errors: inout ValidationErrors) -> Date? {
        guard let text else { return nil }
        guard let date = RFC3339.parse(text) else {
            errors.add(field, "\(field) must be an RFC 3339 timestamp with an offset \(Bounds.yearsText).")
            return nil
        }
        return date
    }

    /// The source and raw rows of a JSON or CSV body; malformed documents are refused with a reason.
    static func rows(body: ByteBuffer, contentType: String?, query source: String?) throws -> (String, [RawBucketRow]) {
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("text/csv") {
            return (source ?? "csv", try Self.csvRows(body))
        }
        guard type.hasPrefix("application/json") else {
            throw HTTPError(.unsupportedMediaType, message: "Send application/json or text/csv.")
        }
        let input = try Input.json(Data(body.readableBytesView))
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

    static let ticketHeader = ["ticket", "priority", "type", "at"]

    /// The source and raw rows of a ticket-event batch, JSON `{"events":[…]}` or CSV `ticket,priority,type,at`.
    static func ticketRows(body: ByteBuffer, contentType: String?, query source: String?) throws -> (String, [RawTicketEventRow]) {
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("text/csv") {
            return (source ?? "csv", try Self.ticketCSVRows(String(buffer: body)))
        }
        guard type.hasPrefix("application/json") else {
            throw HTTPError(.unsupportedMediaType, message: "Send application/json or text/csv.")
        }
        let input = try Input.json(Data(body.readableBytesView))
        guard case .list(let items)? = input.fields["events"] else {
            throw ValidationErrors([FieldError("events", "events must be a list of {ticket, priority, type, at}.")])
        }
        let rows = items.enumerated().map { index, item in
            let fields: Input = if case .object(let fields) = item { Input(fields) } else { Input() }
            return RawTicketEventRow(
                row: index + 1, ticket: fields.text("ticket"), priority: fields.text("priority"), type: fields.text("type"), at: fields.text("at"))
        }
        return (input.text("source") ?? source ?? "ticket-events", rows)
    }

    static func ticketCSVRows(_ text: String) throws -> [RawTicketEventRow] {
        try Self.csvCells(text, header: Self.ticketHeader).enumerated().map { index, cells in
            RawTicketEventRow(row: index + 1, ticket: cells[safe: 0], priority: cells[safe: 1], type: cells[safe: 2], at: cells[safe: 3])
        }
    }

    /// The rows of a CSV after its header, which must be `header` (case and spaces aside).
    static func csvCells(_ bytes: UnsafeRawBufferPointer, header: [String]) throws -> [[String]] {
        var rows: [[String]]
        do {
            rows = try CSVBytes.rows(bytes)
        } catch .quoting {
            throw ValidationErrors([FieldError("body", "The CSV could not be read: check quoting.")])
        } catch .tooManyRows {
            throw ValidationErrors([FieldError("body", "A CSV batch holds at most 1,000,000 rows: send it in parts.")])
        } catch .tooManyFields {
            throw ValidationErrors([FieldError("body", "A CSV row holds at most \(CSVBytes.maximumFields) fields.")])
        }
        guard let first = rows.first, first.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) == header else {
            throw ValidationErrors([FieldError("header", "The first line must be the header \(header.joined(separator: ",")).")])
        }
        rows.removeFirst()
        return rows
    }

    static func csvCells(_ text: String, header: [String]) throws -> [[String]] {
        var text = text
        return try text.withUTF8 { try Self.csvCells(UnsafeRawBufferPointer($0), header: header) }
    }

    static func csvRows(_ text: String) throws -> [RawBucketRow] {
        Self.bucketRows(try Self.csvCells(text, header: Self.csvHeader))
    }

    /// A CSV body's bucket rows, read from its bytes (no intermediate `String` of the whole body).
    static func csvRows(_ body: ByteBuffer) throws -> [RawBucketRow] {
        Self.bucketRows(try body.withUnsafeReadableBytes { try Self.csvCells($0, header: Self.csvHeader) })
    }

    /// The rows of a bucket CSV when every one is plain: the header `start,end,good,valid`, then rows of four cells
    /// without quotes or spaces, two RFC 3339 timestamps and two counts of at most 18 digits, each line ending in LF or
    /// CRLF. Nil as soon as anything else appears (the general reading then names the problem), and for more rows than
    /// a CSV batch may hold. Each cell is read from the bytes once, with no `String` made.
    static func plainBucketCells(_ bytes: UnsafeRawBufferPointer) -> [BucketCells]? {
        let header: [UInt8] = Array("start,end,good,valid".utf8)
        let count = bytes.count
        var position = 0
        // the line from `position` to its LF (or the end), without a CR before it
        func line() -> Range<Int>? {
            guard position < count else { return nil }
            var end = position
            while end < count, bytes[end] != 0x0A { end += 1 }
            let range = position..<((end > position && bytes[end - 1] == 0x0D) ? end - 1 : end)
            position = end + 1
            return range
        }
        guard let first = line(), first.count == header.count, zip(first, header).allSatisfy({ bytes[$0] == $1 }) else { return nil }
        var cells: [BucketCells] = []
        cells.reserveCapacity(count / 64)
        while let range = line() {
            if range.isEmpty {
                // only the last line may be empty (the body's final newline)
                guard position >= count else { return nil }
                break
            }
            var commas = (0, 0, 0)
            var found = 0
            for index in range {
                let byte = bytes[index]
                if byte == 0x2C {
                    switch found {
                    case 0: commas.0 = index
                    case 1: commas.1 = index
                    case 2: commas.2 = index
                    default: return nil
                    }
                    found += 1
                } else if byte == 0x22 || byte == 0x20 || byte == 0x09 || byte == 0x0D {
                    return nil
                }
            }
            guard found == 3 else { return nil }
            func instant(_ from: Int, _ to: Int) -> Date? {
                guard to > from, let base = bytes.baseAddress else { return nil }
                return RFC3339.parse(bytes: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self) + from, count: to - from))
            }
            func number(_ from: Int, _ to: Int) -> Int64? {
                guard to > from, to - from <= 18 else { return nil }
                var value: Int64 = 0
                for index in from..<to {
                    let byte = bytes[index]
                    guard byte >= 0x30, byte <= 0x39 else { return nil }
                    value = value * 10 + Int64(byte - 0x30)
                }
                return value
            }
            guard let start = instant(range.lowerBound, commas.0), let end = instant(commas.0 + 1, commas.1),
                let good = number(commas.1 + 1, commas.2), let valid = number(commas.2 + 1, range.upperBound)
            else { return nil }
            cells.append(BucketCells(start: start, end: end, good: good, valid: valid))
            if cells.count > CSVBytes.maximumRows { return nil }
        }
        return cells
    }

    static func bucketRows(_ cells: [[String]]) -> [RawBucketRow] {
        cells.enumerated().map { index, cells in
            RawBucketRow(row: index + 1, start: cells[safe: 0], end: cells[safe: 1], good: cells[safe: 2], valid: cells[safe: 3])
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { self.indices.contains(index) ? self[index] : nil }
}

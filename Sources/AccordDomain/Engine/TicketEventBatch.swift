import Foundation

/// One row of a ticket-event batch as it arrived (JSON values or CSV cells as text).
public struct RawTicketEventRow: Sendable, Equatable {
    public var row: Int
    public var ticket: String?
    public var priority: String?
    public var type: String?
    public var at: String?

    public init(row: Int, ticket: String?, priority: String?, type: String?, at: String?) {
        self.row = row
        self.ticket = ticket
        self.priority = priority
        self.type = type
        self.at = at
    }
}

/// Checks a batch of ticket events row by row; all-or-nothing like bucket batches.
/// Events may come in any order: timers are computed from each ticket's whole stored history.
public enum TicketEventBatchParser {
    /// Checks each row; `priorities` are the priorities the objective has goals for (case-insensitive).
    /// `window` is the span an event may fall in, as for buckets (`IngestWindow`).
    public static func parse(
        _ rows: [RawTicketEventRow], priorities: [String], window: IngestWindow = .unbounded
    ) throws(ValidationErrors) -> [TicketEvent] {
        var errors = ValidationErrors()
        var events: [TicketEvent] = []
        let known = Set(priorities.map { $0.lowercased() })
        if rows.isEmpty { errors.add("events", "The batch holds no events.") }
        for raw in rows {
            let ticket = raw.ticket?.trimmedSpaces ?? ""
            if ticket.isEmpty {
                errors.add(FieldError("ticket", "ticket is required.", row: raw.row))
            } else if ticket.count > 200 {
                errors.add(FieldError("ticket", "ticket may be at most 200 characters.", row: raw.row))
            } else if ticket.firstControlCharacter != nil {
                errors.add(FieldError("ticket", "ticket must not contain control characters.", row: raw.row))
            }
            let priority = raw.priority?.trimmedSpaces ?? ""
            if priority.isEmpty {
                errors.add(FieldError("priority", "priority is required.", row: raw.row))
            } else if !known.contains(priority.lowercased()) {
                errors.add(
                    FieldError(
                        "priority",
                        "This objective has no goal for priority \(priority.prefix(40)); its priorities are \(priorities.joined(separator: ", ")).",
                        row: raw.row))
            }
            let typeText = raw.type?.trimmedSpaces.lowercased() ?? ""
            let kind = TicketEvent.Kind(rawValue: typeText)
            if typeText.isEmpty {
                errors.add(FieldError("type", "type is required.", row: raw.row))
            } else if kind == nil {
                errors.add(
                    FieldError(
                        "type",
                        "Unknown event type \(typeText.prefix(40)): use one of \(TicketEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")).",
                        row: raw.row))
            }
            let at = BucketBatchParser.instant(raw.at, field: "at", row: raw.row, into: &errors).flatMap {
                window.check($0, field: "at", row: raw.row, into: &errors)
            }
            if let kind, let at, !ticket.isEmpty, !priority.isEmpty {
                events.append(TicketEvent(ticket: ticket, priority: priority, kind: kind, at: at))
            }
        }
        try errors.capped(at: BucketBatchParser.reportedProblems).throwIfAny()
        return events
    }
}

import Foundation

/// What each change to a review series, a meeting, its minutes or an item leaves beyond its rows: the audit line, the
/// line in the meeting's (or item's) history its parties read, and the announcements to the customer and each vendor
/// of the review. The meeting's history names an item by number, not by its text: in a review of several vendors each
/// reads only its own items.
public enum ReviewEffects {
    public static func seriesCreated(_ series: ReviewSeries) -> [Effect] {
        [.audit(AuditRecord(action: "create", entity: "review_series", entityID: series.id, after: series))]
    }

    /// An ended series cancels its planned meetings: the customer and each vendor hear of it.
    public static func seriesEnded(before: ReviewSeries, after: ReviewSeries, vendorIDs: [Int64]) -> [Effect] {
        let agreementID = after.scope.kind == "agreement" ? after.scope.agreementID : nil
        let announcements: [Effect] = ([nil] + vendorIDs.map(Optional.some)).map { vendor in
            .announce(
                Announcement(
                    event: .meetingChanged, subjectKind: "review_series", subjectID: after.id,
                    title: "\(after.title) has ended: its planned meetings are cancelled", link: "/reviews/\(after.id)", agreementID: agreementID,
                    vendorID: vendor, dedupeKey: "series-ended-\(after.id)"))
        }
        return announcements + [.audit(AuditRecord(action: "end", entity: "review_series", entityID: after.id, before: before, after: after))]
    }

    public static func attendeesSet(seriesID: Int64, before: [ReviewAttendee], after: [ReviewAttendee]) -> [Effect] {
        [
            .audit(
                AuditRecord(action: "attendees", entity: "review_series", entityID: seriesID, before: before.map(\.name), after: after.map(\.name)))
        ]
    }

    public static func meetingMoved(before: ReviewMeeting, after: ReviewMeeting, series: ReviewSeries, vendorIDs: [Int64], reason: String) -> [Effect] {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        return Self.announceChange(after, series: series, title: "\(series.title): moved from \(before.day) to \(after.day)", vendorIDs: vendorIDs) + [
            .history(.meeting, id: after.id, action: "moved", note: "from \(before.day) to \(after.day)\(reason.isEmpty ? "" : ": \(reason)")"),
            .audit(AuditRecord(action: "move", entity: "review_meeting", entityID: after.id, before: before, after: after)),
        ]
    }

    public static func meetingCancelled(
        before: ReviewMeeting, after: ReviewMeeting, series: ReviewSeries, vendorIDs: [Int64], reason: String
    ) -> [Effect] {
        Self.announceChange(after, series: series, title: "\(series.title) on \(before.day) is cancelled", vendorIDs: vendorIDs) + [
            .history(.meeting, id: after.id, action: "cancelled", note: reason.trimmingCharacters(in: .whitespacesAndNewlines)),
            .audit(AuditRecord(action: "cancel", entity: "review_meeting", entityID: after.id, before: before, after: after)),
        ]
    }

    public static func meetingAdded(_ meeting: ReviewMeeting, reason: String) -> [Effect] {
        [
            .history(.meeting, id: meeting.id, action: "added", note: reason.trimmingCharacters(in: .whitespacesAndNewlines)),
            .audit(AuditRecord(action: "create", entity: "review_meeting", entityID: meeting.id, after: meeting)),
        ]
    }

    public static func minutesSaved(before: ReviewMeeting, after: ReviewMeeting) -> [Effect] {
        [
            .history(.meeting, id: after.id, action: "minutes saved", note: ""),
            .audit(AuditRecord(action: "minutes", entity: "review_meeting", entityID: after.id, before: before, after: after)),
        ]
    }

    /// Minutes locked at the end of their comment period, with the hash of their content.
    public static func minutesLocked(meetingID: Int64, sha256: String) -> [Effect] {
        [.history(.meeting, id: meetingID, action: "minutes locked", note: "SHA-256 \(sha256)")]
    }

    public static func itemRecorded(_ item: ReviewItem) -> [Effect] {
        [
            .history(.meeting, id: item.meetingID, action: "\(item.kind.rawValue) recorded", note: "item #\(item.id)"),
            .audit(AuditRecord(action: "create", entity: "review_item", entityID: item.id, after: item)),
        ]
    }

    public static func itemClosed(before: ReviewItem, after: ReviewItem) -> [Effect] {
        [
            .history(.reviewItem, id: after.id, action: after.status.rawValue, note: after.outcome),
            .audit(AuditRecord(action: after.status.rawValue, entity: "review_item", entityID: after.id, before: before, after: after)),
        ]
    }

    /// Tells the series' parties of a moved or cancelled meeting: the customer and each vendor of the review.
    static func announceChange(_ meeting: ReviewMeeting, series: ReviewSeries, title: String, vendorIDs: [Int64]) -> [Effect] {
        let agreementID = series.scope.kind == "agreement" ? series.scope.agreementID : nil
        return ([nil] + vendorIDs.map(Optional.some)).map { vendor in
            .announce(
                Announcement(
                    event: .meetingChanged, subjectKind: "meeting", subjectID: meeting.id, title: title, link: "/meetings/\(meeting.id)",
                    agreementID: agreementID, vendorID: vendor, dedupeKey: "meeting-\(meeting.id)-\(meeting.sequence)"))
        }
    }
}

extension ReviewItemStep {
    /// What closing `item` writes: its status, the outcome (the reason or the decision) and who decided. A vendor
    /// (`vendorID`) marks done only the action items its party owns; the customer closes the rest.
    public func decide(on item: ReviewItem, vendorID: Int64?, actorLabel: String) throws -> (status: ReviewItem.Status, outcome: String, decidedBy: String) {
        guard item.status == .open else { throw RuleViolation("This item is \(item.status.rawValue): nothing left to do.") }
        if let vendorID, item.ownerVendorID != vendorID || self != .done {
            throw RuleViolation("A vendor marks done the action items its party owns; the customer closes the rest.")
        }
        let result: (status: ReviewItem.Status, outcome: String, decidedBy: String)
        switch self {
        case .done:
            guard item.kind == .action else { throw RuleViolation("Only an action item is done; decide or drop a question.") }
            result = (.done, "", item.decidedBy)
        case .cancel(let reason):
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { throw ValidationErrors([FieldError("reason", "Say why the item is dropped.")]) }
            result = (.cancelled, reason, item.decidedBy)
        case .decide(let decision):
            guard item.kind == .question else { throw RuleViolation("Only an open question is decided.") }
            let decision = decision.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !decision.isEmpty else { throw ValidationErrors([FieldError("decision", "Say what was decided.")]) }
            result = (.decided, decision, actorLabel.isEmpty ? "The customer" : String(actorLabel.prefix(200)))
        }
        guard result.outcome.count <= 4000 else { throw ValidationErrors([FieldError("reason", "At most 4,000 characters.")]) }
        return result
    }
}

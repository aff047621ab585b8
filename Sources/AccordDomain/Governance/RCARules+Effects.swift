import Foundation

extension RCAState {
    /// The parties write, and sign, an RCA only while it is in their hands.
    public var isEditable: Bool { self == .requested || self == .inProgress || self == .returned }
}

extension RCARules {
    /// What opening an RCA leaves: the "requested" line in its history (naming the trigger rule of one opened by
    /// itself), the audit record, and the request to each vendor party through the agreement it reads it under.
    public static func opened(_ rca: RootCauseAnalysis, automaticRule: String?, agreements: [Int64: Int64]) -> [Effect] {
        var effects: [Effect] = [
            .history(.rca, id: rca.id, action: "requested", note: automaticRule.map { "Opened automatically: \($0)" } ?? ""),
            .audit(AuditRecord(action: "open", entity: "rca", entityID: rca.id, after: rca)),
        ]
        for vendor in rca.parties.compactMap(\.vendorID) {
            effects.append(
                .announce(
                    Announcement(
                        event: .rcaRequested, subjectKind: "rca", subjectID: rca.id, title: "Joint RCA requested: \(rca.title), due \(rca.dueOn)",
                        link: "/rcas/\(rca.id)", agreementID: agreements[vendor] ?? rca.masterID, vendorID: vendor, dedupeKey: "rca-\(rca.id)-requested")))
        }
        return effects
    }

    /// What a change of the content leaves (`action`: "timeline entry", "analysis edited" …): the history line, which
    /// says when the change voided signatures given before, and the audit record.
    public static func contentChanged(action: String, note: String, before: RootCauseAnalysis, after: RootCauseAnalysis) -> [Effect] {
        let voided = before.parties.contains(where: \.signed) && after.contentHash != before.contentHash
        return [
            .history(.rca, id: after.id, action: action, note: note + (voided ? " (signatures voided)" : "")),
            .audit(AuditRecord(action: action, entity: "rca", entityID: after.id, before: before, after: after)),
        ]
    }

    /// A reminder of an RCA falling due or overdue: the announcements, keyed so each is sent once, and the history line.
    public static func reminded(_ event: InboxEvent, rca: RootCauseAnalysis, agreements: [Int64: Int64], now: Date, key: String) -> [Effect] {
        Self.announcements(event, rca: rca, agreements: agreements, now: now, dedupe: key) + [
            .history(.rca, id: rca.id, action: event == .rcaOverdue ? "overdue" : "due tomorrow", note: "")
        ]
    }

    /// A party signs the current content: only while the RCA is editable.
    public static func checkSign(_ rca: RootCauseAnalysis) throws {
        guard rca.status.isEditable else { throw RuleViolation("An RCA that is \(rca.status.label) is not signed.") }
    }

    /// What a signature leaves: the history line naming the signed version and the audit record.
    public static func signed(_ after: RootCauseAnalysis) -> [Effect] {
        [
            .history(.rca, id: after.id, action: "signed", note: "version \(after.contentHash.prefix(12))"),
            .audit(AuditRecord(action: "sign", entity: "rca", entityID: after.id, after: after)),
        ]
    }

    /// The state after `step` on `rca` as it stands (its signatures on its current content), or why it cannot be taken.
    public static func apply(_ step: RCAStep, to rca: RootCauseAnalysis, byCustomer: Bool) throws -> RCAState {
        let parties = rca.parties.map { RACIParty(kind: .vendorUser, id: $0.vendorID ?? 0, name: $0.name) }
        var signed: [RACIParty: String] = [:]
        for (party, state) in zip(parties, rca.parties) where state.signed { signed[party] = rca.contentHash }
        if step == .submit { try Self.checkComplete(rca).throwIfAny() }
        return try Self.apply(step, to: rca.status, byCustomer: byCustomer, signatures: RCASignatures(parties: parties, contentHash: rca.contentHash, signed: signed))
    }

    /// What a step leaves: the history line, the audit record, and the announcement of a submission, a return or an
    /// acceptance to each vendor party (through the agreement each reads it under: `agreements` by vendor) and, once,
    /// to the customer.
    public static func moved(_ step: RCAStep, before: RootCauseAnalysis, after: RootCauseAnalysis, agreements: [Int64: Int64], now: Date) -> [Effect] {
        let note = if case .giveBack(let text) = step { text.trimmingCharacters(in: .whitespacesAndNewlines) } else { "" }
        var effects: [Effect] = [
            .history(.rca, id: after.id, action: Self.pastTense(step), note: note),
            .audit(AuditRecord(action: step.name, entity: "rca", entityID: after.id, before: before, after: after)),
        ]
        let event: InboxEvent? =
            switch after.status {
            case .submitted: .rcaSubmitted
            case .returned: .rcaReturned
            case .accepted: .rcaAccepted
            default: nil
            }
        if let event { effects += Self.announcements(event, rca: after, agreements: agreements, now: now) }
        return effects
    }

    /// One announcement per vendor party; the customer's people hear of it once (every party's carries the same key).
    public static func announcements(_ event: InboxEvent, rca: RootCauseAnalysis, agreements: [Int64: Int64], now: Date, dedupe: String? = nil)
        -> [Effect]
    {
        let title: String =
            switch event {
            case .rcaSubmitted: "RCA submitted: \(rca.title)"
            case .rcaReturned: "RCA returned: \(rca.title)"
            case .rcaAccepted: "RCA accepted: \(rca.title)"
            case .rcaDueSoon: "RCA due tomorrow (\(rca.dueOn)): \(rca.title)"
            case .rcaOverdue: "RCA overdue since \(rca.dueOn): \(rca.title)"
            default: rca.title
            }
        let key = dedupe ?? "rca-\(rca.id)-\(event.rawValue)-\(Int64(now.timeIntervalSince1970 * 1000))"
        return rca.parties.compactMap(\.vendorID).map { vendor in
            .announce(
                Announcement(
                    event: event, subjectKind: "rca", subjectID: rca.id, title: title, link: "/rcas/\(rca.id)",
                    agreementID: agreements[vendor] ?? rca.masterID, vendorID: vendor, dedupeKey: key))
        }
    }
}

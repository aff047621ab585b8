import Foundation

extension RCAState {
    /// The parties write, and sign, an RCA only while it is in their hands.
    public var isEditable: Bool { self == .requested || self == .inProgress || self == .returned }
}

extension RCARules {
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

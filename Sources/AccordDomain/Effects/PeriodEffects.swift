import Foundation

/// Which target a recorded period breached: the contractual SLA, or else the customer's internal SLO.
public enum BreachSeverity: String, Sendable {
    case sla, slo

    /// The breach a record carries, if any: the SLA's before the SLO's.
    public static func of(_ record: PeriodRecord) -> BreachSeverity? {
        record.slaStatus == .breached ? .sla : record.sloStatus == .breached ? .slo : nil
    }
}

/// What recording a period revision leaves beyond its rows: the announcement of a breach and of a computed credit, a
/// line in an ad-hoc meeting's history, and for a revision of a closed period the audit line saying what changed.
public enum PeriodEffects {
    /// A breach announced to the agreement's people: an SLO breach is the customer's internal matter, so the vendor
    /// hears of SLA breaches only.
    public static func breachRecorded(
        _ breachID: Int64, severity: BreachSeverity, record: PeriodRecord, vendorID: Int64?, agreementID: Int64, agreementTitle: String,
        objective: String, month: String
    ) -> Effect {
        .announce(
            Announcement(
                event: .breachRecorded, subjectKind: "breach", subjectID: breachID,
                title: "\(severity.rawValue.uppercased()) breach: \(objective) (\(agreementTitle)), \(month)", link: "/objectives/\(record.objectiveID)",
                agreementID: agreementID, vendorID: severity == .sla ? vendorID : nil))
    }

    public static func creditComputed(_ creditID: Int64, credit: CreditFigures, vendorID: Int64?) -> Effect {
        .announce(
            Announcement(
                event: .creditComputed, subjectKind: "credit", subjectID: creditID,
                title: "Credit of \(Money.format(credit.amount, credit.currency)) computed for a breached period", link: "/credits/\(creditID)",
                agreementID: credit.agreementID, vendorID: vendorID))
    }

    /// An ad-hoc review meeting added after a breach.
    public static func reviewAdded(meetingID: Int64, reason: String) -> Effect {
        .history(.meeting, id: meetingID, action: "added", note: "after a breach: \(reason)")
    }

    /// A closed period's figures changed: the audit line keeps both revisions.
    public static func revised(_ revision: PeriodRevision) -> Effect {
        .audit(AuditRecord(action: "recompute", entity: "period", entityID: revision.after.seriesID, before: revision.before, after: revision.after))
    }

    /// "March 2026": the month a breach's period starts, in the agreement's zone.
    public static func month(_ start: Date, _ zone: TimeZone) -> String {
        Stamp.month(start, zone)
    }
}

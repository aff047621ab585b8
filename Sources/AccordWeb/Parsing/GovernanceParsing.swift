import AccordDomain
import Foundation

extension DraftParsing {
    /// The ids of a multi-valued field (checkboxes, or a JSON array of numbers or strings); ids that are not positive
    /// whole numbers are reported under `field`.
    static func ids(_ input: Input, _ field: String, into errors: inout ValidationErrors) -> [Int64] {
        let texts = input.texts(field)
        var ids: [Int64] = []
        for text in texts {
            guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id > 0 else {
                errors.add(field, "\(field) holds \"\(text.prefix(40))\", which is not an id.")
                continue
            }
            ids.append(id)
        }
        return ids
    }

    /// A claim from the API (RFC 3339 instants) or the form (`datetime-local`, read in the agreement's zone).
    static func claim(_ input: Input, zone: TimeZone) throws -> ExclusionClaimDraft {
        var errors = ValidationErrors()
        let ids = Self.ids(input, "objective_ids", into: &errors)
        try errors.throwIfAny()
        return ExclusionClaimDraft(
            objectiveIDs: ids, kind: input.text("kind").flatMap(ExclusionKind.init(rawValue:)),
            startsAt: Self.instant(input.text("starts_at"), zone: zone), endsAt: Self.instant(input.text("ends_at"), zone: zone),
            announcedAt: Self.instant(input.text("announced_at"), zone: zone), statement: input.text("statement") ?? "",
            evidence: input.text("evidence") ?? "")
    }

    /// A dispute; `period_start` is the RFC 3339 start of a recorded period.
    static func dispute(_ input: Input) throws -> DisputeDraft {
        var reader = InputReader(input)
        let objectiveID = reader.id("objective_id", label: "Objective")
        let subject = reader.choice("subject", label: "Subject", as: DisputeSubject.self)
        var periodStart: Date?
        if let text = input.text("period_start") {
            periodStart = RFC3339.parse(text)
            if periodStart == nil { reader.errors.add("period_start", "period_start must be the RFC 3339 start of a closed period.") }
        }
        try reader.errors.throwIfAny()
        return DisputeDraft(
            objectiveID: objectiveID, periodStart: periodStart, subject: subject, statement: input.text("statement") ?? "",
            evidence: input.text("evidence") ?? "")
    }

    /// Governance terms; deny periods arrive as `deny_periods.N.{from,to,label}` form rows or a JSON list.
    static func governanceTerms(_ input: Input, rowVersion: Int) throws -> GovernanceTerms {
        var reader = InputReader(input)
        let notice = reader.integer("notice_hours", label: "Notice")
        let window = reader.integer("dispute_window_days", label: "Dispute window")
        let due = reader.integer("rca_due_business_days", label: "RCA due")
        let floor = reader.decimal("rca_attainment_floor", label: "Attainment floor")
        let repeatWithin = reader.integer("rca_repeat_within", label: "Repeat window")
        let onBreach = input.flag("rca_on_sla_breach") ?? false
        let noticePeriod = reader.integer("notice_period_days", label: "Notice period")
        let autoRenews = input.flag("auto_renews") ?? false
        let adhoc = input.flag("adhoc_review_on_trigger") ?? false
        let share = input.flag("share_internal_figures") ?? false
        var deny: [DenyPeriod] = []
        for (index, row) in input.objects("deny_periods").enumerated() {
            guard let from = row.text("from").flatMap(LocalDate.init), let to = row.text("to").flatMap(LocalDate.init) else {
                reader.errors.add("deny_periods", "Deny period \(index + 1) needs dates written YYYY-MM-DD.")
                continue
            }
            deny.append(DenyPeriod(from: from, to: to, label: row.text("label") ?? ""))
        }
        let terms = GovernanceTerms(
            noticeHours: notice ?? -1, disputeWindowDays: window ?? 0, rcaDueBusinessDays: due ?? 0, rcaOnSLABreach: onBreach,
            rcaAttainmentFloor: floor, rcaRepeatWithin: repeatWithin, denyPeriods: deny, noticePeriodDays: noticePeriod, autoRenews: autoRenews, adhocReviewOnTrigger: adhoc,
            shareInternalFigures: share, rowVersion: rowVersion)
        try reader.combined(with: terms.validate()).throwIfAny()
        return terms
    }
}

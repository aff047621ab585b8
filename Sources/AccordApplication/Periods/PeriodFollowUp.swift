import AccordDomain
import AccordStorage
import Foundation

/// What follows a recorded period revision, in the transaction that records it: its breach and credit rows, the
/// announcements, an ad-hoc review and a joint RCA when the agreement's triggers say so (each in a savepoint: one that
/// cannot be made is logged, and the period is still recorded), and for a revision of a closed period the audit line.
/// The effects are applied as they arise, in the order the trail has always kept.
enum PeriodFollowUp {
    static func follow(
        _ figures: PeriodFigures, record: PeriodRecord, revising before: PeriodRecord? = nil, actor: AuditActor = .system,
        on repositories: Repositories
    ) async throws {
        func apply(_ effects: [Effect]) async throws {
            try await Change.apply(effects, actor: actor, at: record.computedAt, to: repositories)
        }
        var breach: (id: Int64, severity: BreachSeverity)?
        if let severity = BreachSeverity.of(record), let attainment = record.attainment,
            let id = try await repositories.periodRecords.insertBreach(severity, of: record, attainment: attainment, vendorID: figures.vendorID)
        {
            breach = (id, severity)
        }
        let credit = try await repositories.credits.apply(figures.credit, for: record)
        try await apply(credit.effects(figures: figures.credit, revision: record.revision))
        if let breach {
            try await Self.breachRecorded(breach.id, severity: breach.severity, record: record, vendorID: figures.vendorID, actor: actor, on: repositories)
        }
        if let id = credit.createdID, let computed = figures.credit {
            try await apply([PeriodEffects.creditComputed(id, credit: computed, vendorID: figures.vendorID)])
        }
        if let before { try await apply([PeriodEffects.revised(PeriodRevision(before: before, after: record))]) }
        // the month's statement is issued (or revised) once the agreement's periods of the month are in
        try await repositories.statements.markDue(objectiveID: record.objectiveID, periodEnd: record.periodEnd, at: record.computedAt)
    }

    /// A recorded breach is announced; a vendor SLA's breach that meets the terms' triggers adds an ad-hoc review and
    /// opens a joint RCA unless one covers that period of the objective already.
    static func breachRecorded(
        _ breachID: Int64, severity: BreachSeverity, record: PeriodRecord, vendorID: Int64?, actor: AuditActor, on repositories: Repositories
    ) async throws {
        guard let context = try await repositories.periodRecords.breachContext(objectiveID: record.objectiveID) else { return }
        let month = PeriodEffects.month(record.periodStart, TimeZone(identifier: context.timeZone) ?? .gmt)
        try await Change.apply(
            [
                PeriodEffects.breachRecorded(
                    breachID, severity: severity, record: record, vendorID: vendorID, agreementID: context.agreementID, agreementTitle: context.title,
                    objective: context.objective, month: month)
            ], actor: actor, at: record.computedAt, to: repositories)
        // the customer's internal SLO is no business of an automatic joint RCA; master SLAs have no vendor to invite
        guard context.kind == "vendor", vendorID != nil, let attainment = record.attainment else { return }
        let terms = try await repositories.governanceTerms.find(agreementID: context.agreementID, scope: .organisation)
        let isRepeat = try await repositories.periodRecords.isRepeatBreach(
            seriesID: record.seriesID, breachID: breachID, periodStart: record.periodStart, within: terms.rcaRepeatWithin ?? 1)
        guard let rule = RCATriggers.rule(severity: severity.rawValue, attainment: attainment, isRepeat: isRepeat, terms: terms) else { return }
        let logger = repositories.database.logger
        // a review meeting is the vendor's too: a breach of the internal SLO alone adds one only where the terms share it
        if terms.adhocReviewOnTrigger, severity == .sla || terms.shareInternalFigures {
            let reason = "\(rule): \(context.objective), \(month)"
            let added = try await repositories.database.savepoint("adhoc_review") {
                guard
                    let meetingID = try await repositories.reviews.addAfterBreach(
                        agreementID: context.agreementID, vendorID: vendorID, reason: reason,
                        key: "adhoc-review-\(record.seriesID)-\(RFC3339.format(record.periodStart))", now: record.computedAt)
                else { return }
                try await Change.apply([PeriodEffects.reviewAdded(meetingID: meetingID, reason: reason)], actor: .system, at: record.computedAt, to: repositories)
            }
            if case .failure(let error) = added { logger.error("ad-hoc review after a breach not added: \(error)") }
        }
        guard try await !repositories.rcas.coversPeriod(seriesID: record.seriesID, periodStart: record.periodStart) else { return }
        // one of a breach of the internal SLO alone stays the customer's unless the terms share the internal figures
        // (`open` decides)
        let opened = try await repositories.database.savepoint("automatic_rca") {
            let (_, effects) = try await OpenRCA.open(
                breachIDs: [breachID], title: "", scope: .organisation, actor: actor, now: record.computedAt, automaticRule: rule, on: repositories)
            try await Change.apply(effects, actor: actor, at: record.computedAt, to: repositories)
        }
        if case .failure(let error) = opened { logger.error("automatic RCA of breach \(breachID) not opened: \(error)") }
    }
}

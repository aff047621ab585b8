import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// What follows a recorded breach, in the transaction that records it: the announcement, and a joint RCA when the
/// agreement's triggers say so and no RCA covers that period of the objective yet.
enum BreachConsequences {
    static func breachRecorded(
        _ breachID: Int64, severity: String, record: PeriodRecord, vendorID: Int64?, actor: AuditActor, on database: Database
    ) async throws {
        guard
            let row = try await database.query(
                """
                SELECT a.id, a.kind, a.title, a.time_zone, o.name FROM objectives o JOIN agreement_versions av ON av.id = o.version_id
                JOIN agreements a ON a.id = av.agreement_id WHERE o.id = \(record.objectiveID)
                """
            ).first
        else { return }
        let (agreementID, kind, title, zoneName, objective) = try row.decode((Int64, String, String, String, String).self)
        let zone = TimeZone(identifier: zoneName) ?? .gmt
        let month = RCARepository.month(record.periodStart, zone)
        try await database.transaction { connection in
            try await InboxRepository.announce(
                Announcement(
                    event: .breachRecorded, subjectKind: "breach", subjectID: breachID,
                    title: "\(severity.uppercased()) breach: \(objective) (\(title)), \(month)", link: "/objectives/\(record.objectiveID)",
                    // an SLO breach is the customer's internal matter: the vendor hears of SLA breaches only
                    agreementID: agreementID, vendorID: severity == "sla" ? vendorID : nil),
                actor: actor, at: record.computedAt, on: connection, logger: database.logger)
        }
        // the customer's internal SLO is no business of an automatic joint RCA; master SLAs have no vendor to invite
        guard kind == "vendor", vendorID != nil, let attainment = record.attainment else { return }
        let terms = try await GovernanceTermsRepository.find(agreementID: agreementID, on: database)
        let within = terms.rcaRepeatWithin ?? 1
        let isRepeat = try await !database.query(
            """
            SELECT 1 FROM breaches b WHERE b.series_id = \(record.seriesID) AND b.current AND b.id <> \(breachID)
              AND b.period_start IN (SELECT DISTINCT period_start FROM period_results WHERE series_id = \(record.seriesID)
                                     AND period_start < \(record.periodStart) ORDER BY period_start DESC LIMIT \(max(0, within - 1)))
            """
        ).isEmpty
        guard let rule = RCATriggers.rule(severity: severity, attainment: attainment, isRepeat: isRepeat, terms: terms) else { return }
        // a review meeting is the vendor's too: a breach of the internal SLO alone adds one only where the terms share it
        if terms.adhocReviewOnTrigger, severity == "sla" || terms.shareInternalFigures {
            try await Self.addReview(
                agreementID: agreementID, vendorID: vendorID, reason: "\(rule): \(objective), \(month)",
                key: "adhoc-review-\(record.seriesID)-\(RFC3339.format(record.periodStart))", now: record.computedAt, on: database)
        }
        let covered = try await !database.query(
            """
            SELECT 1 FROM rca_breaches rb JOIN breaches b ON b.id = rb.breach_id
            WHERE b.series_id = \(record.seriesID) AND b.period_start = \(record.periodStart)
            """
        ).isEmpty
        guard !covered else { return }
        // in a savepoint: an RCA that cannot be opened is logged, and the period is still recorded; one of a breach of the
        // internal SLO alone stays the customer's unless the terms share the internal figures (`open` decides)
        try await database.query("SAVEPOINT automatic_rca")
        do {
            _ = try await RCARepository(database: database).open(
                breachIDs: [breachID], title: "", scope: .organisation, actor: actor, now: record.computedAt, automaticRule: rule)
            try await database.query("RELEASE SAVEPOINT automatic_rca")
        } catch {
            try await database.query("ROLLBACK TO SAVEPOINT automatic_rca")
            database.logger.error("automatic RCA of breach \(breachID) not opened: \(error)")
        }
    }

    /// An ad-hoc meeting of the agreement's (or its vendor's) most frequent active review series, two business days
    /// after the breach is recorded, unless the series meets within five days anyway; once per breached period.
    static func addReview(agreementID: Int64, vendorID: Int64?, reason: String, key: String, now: Date, on database: Database) async throws {
        guard let connection = database.connection,
            let seriesID = try await database.query(
                """
                SELECT id FROM review_series WHERE active AND (agreement_id = \(agreementID) OR vendor_id = \(vendorID))
                ORDER BY array_position(ARRAY['operational', 'tactical', 'strategic', 'annual'], tier), id LIMIT 1
                """
            ).first?.decode(Int64.self),
            try await database.query(
                """
                SELECT 1 FROM review_meetings WHERE series_id = \(seriesID) AND status = 'planned'
                  AND starts_at >= \(now) AND starts_at < \(now.addingTimeInterval(5 * 86_400))
                """
            ).isEmpty
        else { return }
        try await database.query("SAVEPOINT adhoc_review")
        do {
            guard try await ReminderRepository.claim(key, on: database) else {
                try await database.query("RELEASE SAVEPOINT adhoc_review")
                return
            }
            let series = try await ReviewRepository.loadSeries(seriesID, on: database)
            let zone = TimeZone(identifier: series.timeZone) ?? .gmt
            let calendar = try await series.calendarID.asyncFlatMap { try await CalendarRepository.load($0, on: database) }
            if let day = BusinessDays.adding(2, after: LocalDate.of(now, in: zone), calendar: calendar) {
                let id = try await ReviewRepository.insertAdHoc(series, day: day, time: nil, reason: "Ad-hoc review after a breach (\(reason))", now: now, on: database)
                try await GovernanceHistoryRepository.record(
                    .meeting, id: id, action: "added", note: "after a breach: \(reason)", actor: .system, on: connection, logger: database.logger)
            }
            try await database.query("RELEASE SAVEPOINT adhoc_review")
        } catch {
            try await database.query("ROLLBACK TO SAVEPOINT adhoc_review")
            database.logger.error("ad-hoc review after a breach not added: \(error)")
        }
    }
}

import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// Master and vendor SLAs. A vendor user's scope sees only its own vendor's agreements.
public struct AgreementRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let select = """
        SELECT a.id, a.kind, a.title, a.service_id, s.name AS service_name, a.vendor_id, v.name AS vendor_name, a.master_id,
               m.title AS master_title, a.dependency_kind, a.parallel_group, a.fee::text AS fee, a.currency, a.fee_period, a.time_zone,
               to_char(a.start_date, 'YYYY-MM-DD') AS start_date, to_char(a.end_date, 'YYYY-MM-DD') AS end_date,
               to_char(a.renewal_date, 'YYYY-MM-DD') AS renewal_date, to_char(a.notice_date, 'YYYY-MM-DD') AS notice_date,
               a.status, a.row_version, a.updated_at
        FROM agreements a JOIN services s ON s.id = a.service_id
        LEFT JOIN vendors v ON v.id = a.vendor_id LEFT JOIN agreements m ON m.id = a.master_id
        """

    static func agreement(_ row: PostgresRow) throws -> Agreement {
        let cells = row.makeRandomAccess()
        return Agreement(
            id: try cells.value("id"), kind: AgreementKind(rawValue: try cells.value("kind")) ?? .master, title: try cells.value("title"),
            serviceID: try cells.value("service_id"), serviceName: try cells.value("service_name"), vendorID: try cells.value("vendor_id"),
            vendorName: try cells.value("vendor_name"), masterID: try cells.value("master_id"), masterTitle: try cells.value("master_title"),
            dependencyKind: (try cells.value("dependency_kind", as: String?.self)).flatMap(DependencyKind.init(rawValue:)),
            parallelGroup: try cells.value("parallel_group"), fee: try cells.decimal("fee"), currency: try cells.value("currency"),
            feePeriod: FeePeriod(rawValue: try cells.value("fee_period")) ?? .month, timeZone: try cells.value("time_zone"),
            startDate: try cells.date("start_date")!, endDate: try cells.date("end_date"), renewalDate: try cells.date("renewal_date"),
            noticeDate: try cells.date("notice_date"), status: AgreementStatus(rawValue: try cells.value("status")) ?? .draft,
            rowVersion: try cells.value("row_version"), updatedAt: try cells.value("updated_at"))
    }


    public func list(_ filter: AgreementFilter, page: PageRequest, scope: AccessScope) async throws -> PageOf<Agreement> {
        let pattern = filter.search?.nilIfEmpty.map { "%\($0)%" }
        let rows = try await self.database.query(
            """
            \(unescaped: Self.select.replacingOccurrences(of: "a.updated_at\n", with: "a.updated_at, count(*) OVER () AS total\n"))
            WHERE \(visibleTo: scope, vendor: "a.vendor_id")
              AND (\(pattern)::text IS NULL OR a.title ILIKE \(pattern) OR s.name ILIKE \(pattern) OR v.name ILIKE \(pattern))
              AND (\(filter.kind?.rawValue)::text IS NULL OR a.kind = \(filter.kind?.rawValue))
              AND (\(filter.status?.rawValue)::text IS NULL OR a.status = \(filter.status?.rawValue))
              AND (\(filter.vendorID)::int8 IS NULL OR a.vendor_id = \(filter.vendorID))
              AND (\(filter.masterID)::int8 IS NULL OR a.master_id = \(filter.masterID))
              AND (\(filter.serviceID)::int8 IS NULL OR a.service_id = \(filter.serviceID))
            ORDER BY a.kind, lower(a.title), a.id LIMIT \(page.size) OFFSET \(page.offset)
            """)
        let total = try rows.first?.makeRandomAccess().value("total", as: Int.self) ?? 0
        return PageOf(items: try rows.map(Self.agreement), total: total, request: page)
    }

    /// Master SLAs, for choosing the one a vendor SLA supports.
    public func masters() async throws -> [Agreement] {
        try await self.database.query("\(unescaped: Self.select) WHERE a.kind = 'master' ORDER BY lower(a.title)").map(Self.agreement)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Agreement {
        let rows = try await self.database.query(
            "\(unescaped: Self.select) WHERE a.id = \(id) AND \(visibleTo: scope, vendor: "a.vendor_id")")
        guard let row = rows.first else { throw NotFound("agreement") }
        return try Self.agreement(row)
    }

    static func lock(id: Int64, scope: AccessScope, on connection: PostgresConnection, logger: Logger) async throws -> Agreement {
        let rows = try await connection.rows(
            """
            \(unescaped: Self.select) WHERE a.id = \(id) AND \(visibleTo: scope, vendor: "a.vendor_id")
            FOR UPDATE OF a
            """, logger: logger)
        guard let row = rows.first else { throw NotFound("agreement") }
        return try Self.agreement(row)
    }

    /// Creates the agreement and its first, draft version, effective from the start date.
    public func create(_ draft: AgreementDraft, scope: AccessScope, actor: AuditActor) async throws -> Agreement {
        var errors = draft.validate()
        guard scope == .organisation else { throw NotFound("agreement") }
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            var serviceID = draft.serviceID
            if draft.kind == .vendor, let masterID = draft.masterID {
                let master = try await connection.rows(
                    "SELECT service_id FROM agreements WHERE id = \(masterID) AND kind = 'master'", logger: logger)
                if let row = master.first {
                    serviceID = try row.decode(Int64.self)
                } else {
                    errors.add("master_id", "Choose an existing master SLA.")
                }
            }
            if draft.kind == .vendor, let vendorID = draft.vendorID,
                try await connection.rows("SELECT 1 FROM vendors WHERE id = \(vendorID)", logger: logger).isEmpty
            {
                errors.add("vendor_id", "Choose an existing vendor.")
            }
            if draft.kind == .master, let id = serviceID, try await connection.rows("SELECT 1 FROM services WHERE id = \(id)", logger: logger).isEmpty
            {
                errors.add("service_id", "Choose an existing service.")
            }
            try errors.throwIfAny()
            let isVendor = draft.kind == .vendor
            let id = try await connection.rows(
                """
                INSERT INTO agreements (kind, title, service_id, vendor_id, master_id, dependency_kind, parallel_group, fee, currency,
                    fee_period, time_zone, start_date, end_date, renewal_date, notice_date, updated_by)
                VALUES (\(draft.kind.rawValue), \(draft.title.trimmed), \(serviceID), \(isVendor ? draft.vendorID : nil),
                    \(isVendor ? draft.masterID : nil), \(isVendor ? draft.dependencyKind?.rawValue : nil),
                    \(isVendor && draft.dependencyKind == .parallel ? draft.parallelGroup?.trimmed : nil), \(draft.fee.sqlText)::numeric,
                    \(draft.currency), \(draft.feePeriod.rawValue), \(draft.timeZone), \(draft.startDate!.description)::date,
                    \(draft.endDate?.description)::date, \(draft.renewalDate?.description)::date, \(draft.noticeDate?.description)::date,
                    \(actor.userID))
                RETURNING id
                """, logger: logger
            ).first!.decode(Int64.self)
            try await connection.rows(
                """
                INSERT INTO agreement_versions (agreement_id, number, effective_from, note, updated_by)
                VALUES (\(id), 1, \(draft.startDate!.description)::date, 'Initial terms', \(actor.userID))
                """, logger: logger)
            return try await Self.lock(id: id, scope: scope, on: connection, logger: logger)
        }
    }

    /// Changes the frame of an agreement. Kind, service, vendor and master never change; the fee only while a draft.
    public func update(id: Int64, _ draft: AgreementDraft, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws
        -> (before: Agreement, after: Agreement)
    {
        guard scope == .organisation else { throw NotFound("agreement") }
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let before = try await Self.lock(id: id, scope: scope, on: connection, logger: logger)
            guard before.rowVersion == expectedRowVersion else {
                throw try await editConflict(entity: "agreement", table: "agreements", id: id, on: connection, logger: logger)
            }
            guard before.status == .draft || before.status == .active else {
                throw RuleViolation("A \(before.status.rawValue) agreement can no longer be changed.")
            }
            var effective = draft
            effective.kind = before.kind
            effective.serviceID = before.serviceID
            effective.vendorID = before.vendorID
            effective.masterID = before.masterID
            if before.kind == .master { effective.dependencyKind = nil }
            var errors = effective.validate()
            if before.status != .draft, draft.fee != before.fee || draft.currency != before.currency {
                errors.add("fee", "The fee of an active agreement is part of its terms and cannot be changed in place.")
            }
            try errors.throwIfAny()
            let isParallel = before.kind == .vendor && effective.dependencyKind == .parallel
            try await connection.rows(
                """
                UPDATE agreements SET title = \(effective.title.trimmed),
                    dependency_kind = \(before.kind == .vendor ? effective.dependencyKind?.rawValue : nil),
                    parallel_group = \(isParallel ? effective.parallelGroup?.trimmed : nil), fee = \(effective.fee.sqlText)::numeric,
                    currency = \(effective.currency), fee_period = \(effective.feePeriod.rawValue), time_zone = \(effective.timeZone),
                    start_date = \(effective.startDate!.description)::date, end_date = \(effective.endDate?.description)::date,
                    renewal_date = \(effective.renewalDate?.description)::date, notice_date = \(effective.noticeDate?.description)::date,
                    row_version = row_version + 1, updated_at = now(), updated_by = \(actor.userID)
                WHERE id = \(id)
                """, logger: logger)
            if before.status == .draft {
                try await connection.rows(
                    "UPDATE agreement_versions SET effective_from = \(effective.startDate!.description)::date WHERE agreement_id = \(id) AND number = 1",
                    logger: logger)
            }
            return (before, try await Self.lock(id: id, scope: scope, on: connection, logger: logger))
        }
    }

    /// Moves an agreement along draft → active → expired | terminated. Activating also activates version 1.
    public func changeStatus(
        id: Int64, to status: AgreementStatus, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor
    ) async throws -> (before: Agreement, after: Agreement, activation: VersionActivation?) {
        guard scope == .organisation else { throw NotFound("agreement") }
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let before = try await Self.lock(id: id, scope: scope, on: connection, logger: logger)
            guard before.rowVersion == expectedRowVersion else {
                throw try await editConflict(entity: "agreement", table: "agreements", id: id, on: connection, logger: logger)
            }
            guard before.status.allowedTransitions.contains(status) else {
                throw RuleViolation("A \(before.status.rawValue) agreement cannot become \(status.rawValue).")
            }
            var activation: VersionActivation?
            if status == .active {
                let first = try await VersionRepository.lock(agreementID: id, number: 1, on: connection, logger: logger)
                try VersionRules.validateActivation(of: first).throwIfAny()
                activation = try await VersionRepository.markActive(first, on: connection, logger: logger, actor: actor)
            }
            try await connection.rows(
                """
                UPDATE agreements SET status = \(status.rawValue), row_version = row_version + 1, updated_at = now(), updated_by = \(actor.userID)
                WHERE id = \(id)
                """, logger: logger)
            return (before, try await Self.lock(id: id, scope: scope, on: connection, logger: logger), activation)
        }
    }
}

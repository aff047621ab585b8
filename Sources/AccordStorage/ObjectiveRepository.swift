import AccordDomain
import Foundation
import Logging
import PostgresNIO


/// Objectives inside versions. Reached only through an agreement in the caller's scope; changed only while
/// their version is a draft.
public struct ObjectiveRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = """
        SELECT o.id, o.version_id, o.series_id, o.name, o.sli_kind, o.sla_target::text AS sla_target, o.slo_target::text AS slo_target, o.window_kind,
               o.window_days, o.calendar_id, k.name AS calendar_name, o.priority_goals::text AS priority_goals,
               array_to_string(o.exclusion_kinds, ',') AS exclusion_kinds, o.credit_tiers::text AS credit_tiers,
               o.credit_cap_percent::text AS credit_cap_percent, o.probation_factor::text AS probation_factor,
               o.moving_terms::text AS moving_terms, o.row_version, o.updated_at,
               av.agreement_id, av.number AS version_number, av.state AS version_state,
               to_char(av.effective_from, 'YYYY-MM-DD') AS effective_from
        """

    static let tables = """
        FROM objectives o JOIN agreement_versions av ON av.id = o.version_id JOIN agreements a ON a.id = av.agreement_id
        LEFT JOIN calendars k ON k.id = o.calendar_id
        """

    static let select = Self.columns + "\n" + Self.tables

    static func objective(_ row: PostgresRow) throws -> (Objective, ObjectivePlacement) {
        let cells = row.makeRandomAccess()
        let decoder = JSONDecoder()
        let window: ObjectiveWindow =
            switch WindowKind(rawValue: try cells.value("window_kind")) ?? .calendarMonth {
            case .calendarMonth: .calendarMonth
            case .calendarQuarter: .calendarQuarter
            case .rollingDays: .rollingDays(try cells.value("window_days", as: Int?.self) ?? 30)
            }
        let goals = try decoder.decode([PriorityGoal].self, from: Data((try cells.value("priority_goals", as: String.self)).utf8))
        let tiers = try decoder.decode([CreditTier].self, from: Data((try cells.value("credit_tiers", as: String.self)).utf8))
        let kinds = (try cells.value("exclusion_kinds", as: String.self)).split(separator: ",").compactMap { ExclusionKind(rawValue: String($0)) }
        let objective = Objective(
            id: try cells.value("id"), versionID: try cells.value("version_id"), seriesID: try cells.value("series_id"),
            name: try cells.value("name"),
            sliKind: SLIKind(rawValue: try cells.value("sli_kind")) ?? .ratio, slaTarget: try cells.decimal("sla_target"),
            sloTarget: try cells.decimal("slo_target"), window: window, calendarID: try cells.value("calendar_id"),
            calendarName: try cells.value("calendar_name"), priorityGoals: goals, exclusionKinds: kinds,
            credits: CreditSchedule(
                tiers: tiers, capPercent: try cells.decimal("credit_cap_percent"), probationFactor: try cells.decimal("probation_factor")),
            movingTerms: try decoder.decode(MovingTerms.self, from: Data((try cells.value("moving_terms", as: String.self)).utf8)),
            rowVersion: try cells.value("row_version"), updatedAt: try cells.value("updated_at"))
        let placement = ObjectivePlacement(
            agreementID: try cells.value("agreement_id"), versionNumber: try cells.value("version_number"),
            versionState: VersionState(rawValue: try cells.value("version_state")) ?? .draft)
        return (objective, placement)
    }

    public func list(versionID: Int64, scope: AccessScope) async throws -> [Objective] {
        try await self.database.query(
            """
            \(unescaped: Self.select)
            WHERE o.version_id = \(versionID) AND \(visibleTo: scope, vendor: "a.vendor_id") ORDER BY o.id
            """
        ).map { try Self.objective($0).0 }
    }

    /// The objective of a series in every active version of its agreement, with each version's effective date.
    public func activeTerms(seriesID: Int64, scope: AccessScope) async throws -> [SeriesTerms] {
        let rows = try await self.database.query(
            """
            \(unescaped: Self.select)
            WHERE o.series_id = \(seriesID) AND av.state = 'active' AND \(visibleTo: scope, vendor: "a.vendor_id")
            ORDER BY av.effective_from
            """)
        return try rows.map { row in
            let (objective, placement) = try Self.objective(row)
            return SeriesTerms(
                versionNumber: placement.versionNumber, effectiveFrom: try row.makeRandomAccess().date("effective_from")!, objective: objective)
        }
    }


    /// Every objective of the version in force today of every active agreement the scope sees, in one query:
    /// masters first, then by agreement title.
    /// `seriesIDs`: only these series (the dashboard refreshes the rows whose data changed).
    public func portfolio(scope: AccessScope, today: LocalDate, seriesIDs: [Int64]? = nil) async throws -> [PortfolioEntry] {
        let rows = try await self.database.query(
            """
            WITH in_force AS (
                SELECT DISTINCT ON (av.agreement_id) av.id FROM agreement_versions av JOIN agreements a ON a.id = av.agreement_id
                WHERE av.state = 'active' AND a.status = 'active' AND \(visibleTo: scope, vendor: "a.vendor_id")
                ORDER BY av.agreement_id, (av.effective_from <= \(today.description)::date) DESC, av.effective_from DESC
            )
            \(unescaped: Self.columns), a.title AS agreement_title, a.kind AS agreement_kind, v.name AS vendor_name, a.time_zone AS agreement_zone,
                   a.vendor_id AS agreement_vendor, a.master_id AS agreement_master, a.dependency_kind AS agreement_dependency,
                   a.parallel_group AS agreement_group, a.service_id AS agreement_service
            \(unescaped: Self.tables)
            JOIN in_force f ON f.id = av.id
            LEFT JOIN vendors v ON v.id = a.vendor_id
            WHERE \(seriesIDs)::int8[] IS NULL OR o.series_id = ANY(\(seriesIDs)::int8[])
            ORDER BY a.kind = 'vendor', lower(a.title), a.id, o.id
            """)
        return try rows.map { row in
            let (objective, placement) = try Self.objective(row)
            let cells = row.makeRandomAccess()
            return PortfolioEntry(
                objective: objective, placement: placement, agreementTitle: try cells.value("agreement_title"),
                agreementKind: AgreementKind(rawValue: try cells.value("agreement_kind")) ?? .vendor, vendorID: try cells.value("agreement_vendor"),
                vendorName: try cells.value("vendor_name"), masterID: try cells.value("agreement_master"),
                dependencyKind: (try cells.value("agreement_dependency", as: String?.self)).flatMap(DependencyKind.init(rawValue:)),
                parallelGroup: try cells.value("agreement_group"), timeZone: try cells.value("agreement_zone"),
                serviceID: try cells.value("agreement_service"))
        }
    }

    public func find(id: Int64, scope: AccessScope) async throws -> (Objective, ObjectivePlacement) {
        let rows = try await self.database.query(
            "\(unescaped: Self.select) WHERE o.id = \(id) AND \(visibleTo: scope, vendor: "a.vendor_id")")
        guard let row = rows.first else { throw NotFound("objective") }
        return try Self.objective(row)
    }

    /// Reads the objective and holds it for the transaction with `FOR SHARE`: it cannot be edited or removed while
    /// data attaches to it, yet rows that only reference it (recorded periods, credits) can still be inserted.
    ///
    /// `forChange` takes the row lock an edit or removal needs (`FOR UPDATE`) at once: two edits that both took a share
    /// lock first would each wait for the other to let go before writing, and PostgreSQL would end one as a deadlock.
    /// Taken at once, the second edit waits, then finds the row version moved and gets a 409.
    static func lock(
        id: Int64, scope: AccessScope, forChange: Bool = false, on connection: PostgresConnection, logger: Logger
    ) async throws -> (Objective, ObjectivePlacement) {
        let rows = try await connection.rows(
            """
            \(unescaped: Self.select) WHERE o.id = \(id) AND \(visibleTo: scope, vendor: "a.vendor_id")
            \(unescaped: forChange ? "FOR UPDATE OF o" : "FOR SHARE OF o")
            """,
            logger: logger)
        guard let row = rows.first else { throw NotFound("objective") }
        return try Self.objective(row)
    }

    private static func checkCalendar(_ draft: ObjectiveDraft, on connection: PostgresConnection, logger: Logger) async throws {
        var errors = draft.validate()
        if let id = draft.calendarID, try await connection.rows("SELECT 1 FROM calendars WHERE id = \(id)", logger: logger).isEmpty {
            errors.add("calendar_id", "Choose an existing calendar, or none for 24x7.")
        }
        try errors.throwIfAny()
    }

    static func requireDraft(_ version: AgreementVersion) throws {
        guard version.state == .draft else {
            throw RuleViolation("Version \(version.number) is active and never edited in place: amend the agreement to make a new version.")
        }
    }

    public func create(
        agreementID: Int64, versionNumber: Int, _ draft: ObjectiveDraft, scope: AccessScope, actor: AuditActor
    ) async throws -> Objective {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            // The parent agreement is looked up through the caller's scope: a forged agreement id is not found.
            _ = try await AgreementRepository.lock(id: agreementID, scope: scope, on: connection, logger: logger)
            guard scope == .organisation else { throw Forbidden() }
            let version = try await VersionRepository.lock(agreementID: agreementID, number: versionNumber, on: connection, logger: logger)
            try Self.requireDraft(version)
            try await Self.checkCalendar(draft, on: connection, logger: logger)
            let values = try Self.Values(draft)
            let id = try await connection.rows(
                """
                INSERT INTO objectives (version_id, name, sli_kind, sla_target, slo_target, window_kind, window_days, calendar_id,
                    priority_goals, exclusion_kinds, credit_tiers, credit_cap_percent, probation_factor, moving_terms, updated_by)
                VALUES (\(version.id), \(draft.name.trimmed), \(draft.sliKind.rawValue), \(values.sla)::numeric, \(values.slo)::numeric,
                    \(draft.window!.kind.rawValue), \(draft.window!.days), \(draft.calendarID), \(values.goals)::jsonb,
                    string_to_array(\(values.kinds), ',')::text[], \(values.tiers)::jsonb, \(values.cap)::numeric, \(values.factor)::numeric,
                    \(values.moving)::jsonb, \(actor.userID))
                RETURNING id
                """, logger: logger
            ).first!.decode(Int64.self)
            return try await Self.lock(id: id, scope: scope, on: connection, logger: logger).0
        }
    }

    public func update(id: Int64, _ draft: ObjectiveDraft, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws
        -> (before: Objective, after: Objective)
    {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let (before, placement) = try await Self.lock(id: id, scope: scope, forChange: true, on: connection, logger: logger)
            guard scope == .organisation else { throw Forbidden() }
            guard before.rowVersion == expectedRowVersion else {
                throw try await editConflict(entity: "objective", table: "objectives", id: id, on: connection, logger: logger)
            }
            let version = try await VersionRepository.lock(
                agreementID: placement.agreementID, number: placement.versionNumber, on: connection, logger: logger)
            try Self.requireDraft(version)
            try await Self.checkCalendar(draft, on: connection, logger: logger)
            let values = try Self.Values(draft)
            try await connection.rows(
                """
                UPDATE objectives SET name = \(draft.name.trimmed), sli_kind = \(draft.sliKind.rawValue), sla_target = \(values.sla)::numeric,
                    slo_target = \(values.slo)::numeric, window_kind = \(draft.window!.kind.rawValue), window_days = \(draft.window!.days),
                    calendar_id = \(draft.calendarID), priority_goals = \(values.goals)::jsonb,
                    exclusion_kinds = string_to_array(\(values.kinds), ',')::text[], credit_tiers = \(values.tiers)::jsonb,
                    credit_cap_percent = \(values.cap)::numeric, probation_factor = \(values.factor)::numeric,
                    moving_terms = \(values.moving)::jsonb, row_version = row_version + 1, updated_at = now(), updated_by = \(actor.userID)
                WHERE id = \(id)
                """, logger: logger)
            return (before, try await Self.lock(id: id, scope: scope, on: connection, logger: logger).0)
        }
    }

    /// Removes an objective of a draft version; returns it as it was.
    @discardableResult
    public func delete(id: Int64, scope: AccessScope) async throws -> Objective {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let (before, placement) = try await Self.lock(id: id, scope: scope, forChange: true, on: connection, logger: logger)
            guard scope == .organisation else { throw Forbidden() }
            let version = try await VersionRepository.lock(
                agreementID: placement.agreementID, number: placement.versionNumber, on: connection, logger: logger)
            try Self.requireDraft(version)
            try await connection.rows("DELETE FROM objectives WHERE id = \(id)", logger: logger)
            return before
        }
    }

    /// The column values of a draft, in the text forms the SQL casts.
    struct Values {
        var sla: String
        var slo: String
        var goals: String
        var kinds: String
        var tiers: String
        var cap: String
        var factor: String
        var moving: String

        init(_ draft: ObjectiveDraft) throws {
            self.sla = draft.slaTarget!.sqlText
            self.slo = draft.sloTarget!.sqlText
            self.goals = try AuditRepository.json(draft.sliKind.isTicketBased ? draft.priorityGoals : [])!
            self.kinds = draft.exclusionKinds.map(\.rawValue).joined(separator: ",")
            self.tiers = try AuditRepository.json(draft.credits.tiers.sorted { $0.threshold > $1.threshold })!
            self.cap = draft.credits.capPercent.sqlText
            self.factor = draft.credits.probationFactor.sqlText
            self.moving = try AuditRepository.json(draft.movingTerms)!
        }
    }
}

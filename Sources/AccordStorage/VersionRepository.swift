import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// The versions of an agreement's terms. Reached only through an agreement in the caller's scope.
public struct VersionRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let select = """
        SELECT av.id, av.agreement_id, av.number, to_char(av.effective_from, 'YYYY-MM-DD') AS effective_from, av.state, av.note,
               av.activated_at, av.row_version, (SELECT count(*) FROM objectives o WHERE o.version_id = av.id) AS objective_count
        FROM agreement_versions av JOIN agreements a ON a.id = av.agreement_id
        """

    static func version(_ row: PostgresRow) throws -> AgreementVersion {
        let cells = row.makeRandomAccess()
        return AgreementVersion(
            id: try cells.value("id"), agreementID: try cells.value("agreement_id"), number: try cells.value("number"),
            effectiveFrom: try cells.date("effective_from")!, state: VersionState(rawValue: try cells.value("state")) ?? .draft,
            note: try cells.value("note"), activatedAt: try cells.value("activated_at"), objectiveCount: try cells.value("objective_count"),
            rowVersion: try cells.value("row_version"))
    }

    public func list(agreementID: Int64, scope: AccessScope) async throws -> [AgreementVersion] {
        try await self.database.query(
            """
            \(unescaped: Self.select)
            WHERE av.agreement_id = \(agreementID) AND \(visibleTo: scope, vendor: "a.vendor_id")
            ORDER BY av.number
            """
        ).map(Self.version)
    }

    public func find(agreementID: Int64, number: Int, scope: AccessScope) async throws -> AgreementVersion {
        let rows = try await self.database.query(
            """
            \(unescaped: Self.select)
            WHERE av.agreement_id = \(agreementID) AND av.number = \(number) AND \(visibleTo: scope, vendor: "a.vendor_id")
            """)
        guard let row = rows.first else { throw NotFound("version") }
        return try Self.version(row)
    }

    static func lock(agreementID: Int64, number: Int, on connection: PostgresConnection, logger: Logger) async throws -> AgreementVersion {
        let rows = try await connection.rows(
            "\(unescaped: Self.select) WHERE av.agreement_id = \(agreementID) AND av.number = \(number) FOR UPDATE OF av", logger: logger)
        guard let row = rows.first else { throw NotFound("version") }
        return try Self.version(row)
    }

    static func markActive(_ version: AgreementVersion, on connection: PostgresConnection, logger: Logger, actor: AuditActor) async throws
        -> VersionActivation
    {
        try await connection.rows(
            """
            UPDATE agreement_versions SET state = 'active', activated_at = now(), row_version = row_version + 1, updated_at = now(),
                updated_by = \(actor.userID)
            WHERE id = \(version.id)
            """, logger: logger)
        let after = try await Self.lock(agreementID: version.agreementID, number: version.number, on: connection, logger: logger)
        return VersionActivation(before: version, after: after)
    }

    /// Makes a new draft version effective from `effectiveFrom`, starting from a copy of the latest version's objectives.
    public func amend(
        agreementID: Int64, effectiveFrom: LocalDate?, note: String, scope: AccessScope, actor: AuditActor
    ) async throws -> AgreementVersion {
        guard scope == .organisation else { throw NotFound("agreement") }
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            try await Self.amend(agreementID: agreementID, effectiveFrom: effectiveFrom, note: note, actor: actor, on: connection, logger: logger)
        }
    }

    /// The amendment inside the caller's transaction (an agreed renegotiation applies through it).
    static func amend(
        agreementID: Int64, effectiveFrom: LocalDate?, note: String, actor: AuditActor, on connection: PostgresConnection, logger: Logger
    ) async throws -> AgreementVersion {
        let agreement = try await AgreementRepository.lock(id: agreementID, scope: .organisation, on: connection, logger: logger)
        let versions = try await connection.rows(
            "\(unescaped: Self.select) WHERE av.agreement_id = \(agreementID) ORDER BY av.number", logger: logger
        ).map(Self.version)
        try VersionRules.validateAmendment(effectiveFrom: effectiveFrom, agreement: agreement, existing: versions).throwIfAny()
        guard let latest = versions.last, let effectiveFrom else { throw NotFound("version") }
        let number = latest.number + 1
        guard
            let id = try await connection.rows(
                """
                INSERT INTO agreement_versions (agreement_id, number, effective_from, note, updated_by)
                VALUES (\(agreementID), \(number), \(effectiveFrom.description)::date, \(note.trimmed), \(actor.userID)) RETURNING id
                """, logger: logger
            ).first?.decode(Int64.self)
        else { throw NotFound("version") }
        try await connection.rows(
            """
            INSERT INTO objectives (version_id, series_id, name, sli_kind, sla_target, slo_target, window_kind, window_days, calendar_id,
                priority_goals, exclusion_kinds, credit_tiers, credit_cap_percent, probation_factor, moving_terms, updated_by)
            SELECT \(id), series_id, name, sli_kind, sla_target, slo_target, window_kind, window_days, calendar_id, priority_goals,
                exclusion_kinds, credit_tiers, credit_cap_percent, probation_factor, moving_terms, \(actor.userID)
            FROM objectives WHERE version_id = \(latest.id) ORDER BY id
            """, logger: logger)
        return try await Self.lock(agreementID: agreementID, number: number, on: connection, logger: logger)
    }

    /// Puts a draft amendment in force inside the caller's transaction, after the same checks as `activate`.
    static func activate(_ version: AgreementVersion, actor: AuditActor, on connection: PostgresConnection, logger: Logger) async throws
        -> VersionActivation
    {
        let locked = try await Self.lock(agreementID: version.agreementID, number: version.number, on: connection, logger: logger)
        try VersionRules.validateActivation(of: locked).throwIfAny()
        return try await Self.markActive(locked, on: connection, logger: logger, actor: actor)
    }

    /// Puts a draft amendment in force. Version 1 is activated with its agreement instead.
    public func activate(
        agreementID: Int64, number: Int, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor
    ) async throws -> VersionActivation {
        guard scope == .organisation else { throw NotFound("version") }
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            let agreement = try await AgreementRepository.lock(id: agreementID, scope: scope, on: connection, logger: logger)
            let version = try await Self.lock(agreementID: agreementID, number: number, on: connection, logger: logger)
            guard version.rowVersion == expectedRowVersion else {
                throw try await editConflict(entity: "version", table: "agreement_versions", id: version.id, on: connection, logger: logger)
            }
            guard agreement.status == .active else {
                throw RuleViolation("Activate the agreement itself first; its version 1 becomes active with it.")
            }
            try VersionRules.validateActivation(of: version).throwIfAny()
            return try await Self.markActive(version, on: connection, logger: logger, actor: actor)
        }
    }
}

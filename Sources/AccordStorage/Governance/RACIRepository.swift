import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// The RACI matrix of each agreement: who is responsible, accountable, consulted and informed for each governance
/// activity. Parties are the customer's people (users), the vendor's contacts and the vendor's users.
public struct RACIRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static func query(agreementID: Int64) -> PostgresQuery {
        """
        SELECT r.activity, r.party_kind, r.party_id, r.letter,
               coalesce(CASE r.party_kind WHEN 'vendor_contact' THEN c.name ELSE u.name END, 'removed party') AS name
        FROM raci_assignments r
        LEFT JOIN users u ON r.party_kind <> 'vendor_contact' AND u.id = r.party_id
        LEFT JOIN vendor_contacts c ON r.party_kind = 'vendor_contact' AND c.id = r.party_id
        WHERE r.agreement_id = \(agreementID)
        ORDER BY r.activity, r.letter, name
        """
    }

    static func matrix(_ rows: [PostgresRow]) throws -> RACIMatrix {
        RACIMatrix(
            try rows.compactMap { row in
                let (activity, kind, id, letter, name) = try row.decode((String, String, Int64, String, String).self)
                guard let activity = GovernanceActivity(rawValue: activity), let kind = RACIParty.Kind(rawValue: kind),
                    let letter = RACILetter(rawValue: letter)
                else { return nil }
                return RACIAssignment(activity: activity, party: RACIParty(kind: kind, id: id, name: name), letter: letter)
            })
    }

    static func matrix(agreementID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> RACIMatrix {
        try Self.matrix(try await connection.rows(Self.query(agreementID: agreementID), logger: logger))
    }

    /// The matrix of an agreement the caller sees.
    public func matrix(agreementID: Int64, scope: AccessScope) async throws -> RACIMatrix {
        _ = try await AgreementRepository(database: self.database).find(id: agreementID, scope: scope)
        return try Self.matrix(try await self.database.query(Self.query(agreementID: agreementID)))
    }

    /// Who may hold a letter on an agreement: the customer's people (every internal user), and the agreement's vendor's
    /// contacts and users.
    /// Of the people a matrix names, those who may manage contracts (admins and contract managers not disabled).
    public func mayDecide(_ matrix: RACIMatrix) async throws -> Set<Int64> {
        let people = Array(Set(matrix.assignments.filter { $0.party.kind == .person }.map(\.party.id)))
        guard !people.isEmpty else { return [] }
        return Set(
            try await self.database.query(
                "SELECT id FROM users WHERE id = ANY(\(people)) AND role IN ('admin', 'contract_manager') AND NOT disabled"
            ).map { try $0.decode(Int64.self) })
    }

    public func candidates(agreementID: Int64, scope: AccessScope) async throws -> [RACIParty] {
        let agreement = try await AgreementRepository(database: self.database).find(id: agreementID, scope: scope)
        var parties = try await self.database.query(
            "SELECT id, name FROM users WHERE role <> 'vendor' AND NOT disabled ORDER BY lower(name), id"
        ).map { row in
            let (id, name) = try row.decode((Int64, String).self)
            return RACIParty(kind: .person, id: id, name: name)
        }
        if let vendorID = agreement.vendorID {
            parties += try await self.database.query("SELECT id, name FROM vendor_contacts WHERE vendor_id = \(vendorID) ORDER BY lower(name), id").map { row in
                let (id, name) = try row.decode((Int64, String).self)
                return RACIParty(kind: .vendorContact, id: id, name: name)
            }
            parties += try await self.database.query(
                "SELECT id, name FROM users WHERE vendor_id = \(vendorID) AND NOT disabled ORDER BY lower(name), id"
            ).map { row in
                let (id, name) = try row.decode((Int64, String).self)
                return RACIParty(kind: .vendorUser, id: id, name: name)
            }
        }
        return parties
    }

    /// Replaces the matrix of an agreement. Every party must be one of its candidates; the rules' findings are not
    /// refused here (an incomplete matrix can be saved and is listed on the health page until it is put right).
    /// The agreement's matrix, the agreement locked for a change in the caller's transaction.
    public func lock(agreementID: Int64, scope: AccessScope) async throws -> RACIMatrix {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            _ = try await AgreementRepository.lock(id: agreementID, scope: scope, on: connection, logger: logger)
            return try await Self.matrix(agreementID: agreementID, on: connection, logger: logger)
        }
    }

    /// Replaces the matrix of an agreement locked in the caller's transaction and reads it back.
    public func write(agreementID: Int64, _ matrix: RACIMatrix) async throws -> RACIMatrix {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            try await connection.rows("DELETE FROM raci_assignments WHERE agreement_id = \(agreementID)", logger: logger)
            for assignment in matrix.assignments {
                try await connection.rows(
                    """
                    INSERT INTO raci_assignments (agreement_id, activity, party_kind, party_id, letter)
                    VALUES (\(agreementID), \(assignment.activity.rawValue), \(assignment.party.kind.rawValue), \(assignment.party.id),
                            \(assignment.letter.rawValue))
                    """, logger: logger)
            }
            return try await Self.matrix(agreementID: agreementID, on: connection, logger: logger)
        }
    }

    /// Every active agreement the scope sees with its matrix's findings, those breaking a rule first (conflicts,
    /// then matrices not set, then warnings only), in three queries.
    public func health(scope: AccessScope) async throws -> [RACIHealth] {
        let agreements = try await self.database.query(
            """
            SELECT a.id, a.title, a.kind, v.id, v.name FROM agreements a LEFT JOIN vendors v ON v.id = a.vendor_id
            WHERE a.status = 'active' AND \(visibleTo: scope, vendor: "a.vendor_id")
            ORDER BY a.kind, lower(a.title), a.id
            """
        ).map { try $0.decode((Int64, String, String, Int64?, String?).self) }
        let ids = agreements.map(\.0)
        let rows = ids.isEmpty ? [] : try await self.database.query(
            """
            SELECT r.agreement_id, r.activity, r.party_kind, r.party_id, r.letter,
                   coalesce(CASE r.party_kind WHEN 'vendor_contact' THEN c.name ELSE u.name END, 'removed party') AS name
            FROM raci_assignments r
            LEFT JOIN users u ON r.party_kind <> 'vendor_contact' AND u.id = r.party_id
            LEFT JOIN vendor_contacts c ON r.party_kind = 'vendor_contact' AND c.id = r.party_id
            WHERE r.agreement_id = ANY(\(ids))
            """)
        let deciders = ids.isEmpty ? [] : Set(
            try await self.database.query("SELECT id FROM users WHERE role IN ('admin', 'contract_manager') AND NOT disabled").map { try $0.decode(Int64.self) })
        var byAgreement: [Int64: [RACIAssignment]] = [:]
        for row in rows {
            let (agreement, activity, kind, id, letter, name) = try row.decode((Int64, String, String, Int64, String, String).self)
            guard let activity = GovernanceActivity(rawValue: activity), let kind = RACIParty.Kind(rawValue: kind), let letter = RACILetter(rawValue: letter)
            else { continue }
            byAgreement[agreement, default: []].append(RACIAssignment(activity: activity, party: RACIParty(kind: kind, id: id, name: name), letter: letter))
        }
        // problems first: conflicts, then matrices not set, then warnings; clean matrices last
        return agreements.map { agreement in
            RACIHealth(
                agreementID: agreement.0, title: agreement.1, kind: AgreementKind(rawValue: agreement.2) ?? .vendor, vendorID: agreement.3,
                vendorName: agreement.4, findings: RACIMatrix(byAgreement[agreement.0] ?? []).findings(mayDecide: deciders),
                assigned: byAgreement[agreement.0]?.count ?? 0)
        }.enumerated().sorted { left, right in
            left.element.rank != right.element.rank ? left.element.rank < right.element.rank : left.offset < right.offset
        }.map(\.element)
    }
}

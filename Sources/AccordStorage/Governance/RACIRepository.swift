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
}

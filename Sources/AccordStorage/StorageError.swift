import AccordDomain
import Foundation
import Logging
import PostgresNIO

/// The row does not exist, or is outside the caller's scope: callers cannot tell which, by design.
public struct NotFound: Error, Sendable, Equatable {
    public var entity: String
    public init(_ entity: String) { self.entity = entity }
}

extension Error {
    /// The SQLSTATE of a PostgreSQL error, if this is one.
    var sqlState: String? {
        (self as? PSQLError)?.serverInfo?[.sqlState]
    }

    var constraintName: String? {
        (self as? PSQLError)?.serverInfo?[.constraintName]
    }
}

/// Maps a unique-index violation to a field error a person can act on.
func mapUniqueViolation(_ error: any Error, constraint: String, field: String, message: String) -> any Error {
    if error.sqlState == "23505", error.constraintName == constraint {
        return ValidationErrors([FieldError(field, message)])
    }
    return error
}

/// Reads who last changed a row, to name them in an edit conflict.
func editConflict(
    entity: String, table: String, id: Int64, on connection: PostgresConnection, logger: Logger
) async throws -> EditConflict {
    let rows = try await connection.rows(
        """
        SELECT coalesce(u.name, 'system'), t.updated_at, t.row_version
        FROM \(unescaped: table) t LEFT JOIN users u ON u.id = t.updated_by WHERE t.id = \(id)
        """, logger: logger)
    let (name, at, version) = try rows.first!.decode((String, Date, Int).self)
    return EditConflict(entity: entity, changedBy: name, changedAt: at, currentRowVersion: version)
}

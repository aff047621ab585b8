import AccordDomain
import Foundation
import Logging
import PostgresNIO

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

/// What a database error means for the request that met it, for errors no repository turned into a domain error.
public enum DatabaseFailure: Sendable, Equatable {
    /// The input could not be stored as given (too long, out of range, a character PostgreSQL refuses): 422.
    case invalidValue(String)
    /// Another change got there first (unique key, deadlock, serialization): 409, retry.
    case conflict(String)
    /// The database is unreachable, shutting down or out of connections, before anything was done: 503, retry later.
    case unavailable
    /// The connection died while the request was using it (a statement or COMMIT under way): 503, retry later; whether
    /// a change was stored is not known, so the answer says a retry with the same idempotency key is safe.
    case connectionLost
    /// Anything else: a 500, logged with its details.
    case unexpected

    /// Classifies `error` if it came from PostgreSQL or its connection pool; nil otherwise.
    public static func classify(_ error: any Error) -> DatabaseFailure? {
        if error is DatabaseBusy { return .unavailable }
        if error is ConnectionLost { return .connectionLost }
        if let transaction = error as? PostgresTransactionError {
            // the connection died inside a transaction: at BEGIN nothing was done; in the body, at COMMIT or at ROLLBACK
            // the outcome is the server's to tell, and it is gone
            if let begin = transaction.beginError { return Self.classify(begin) }
            let failures = [transaction.commitError, transaction.closureError, transaction.rollbackError].compactMap { $0 }
            let kinds = failures.map(Self.classify)
            if kinds.contains(where: { $0 == .unavailable || $0 == .connectionLost }) { return .connectionLost }
            return kinds.compactMap { $0 }.first ?? .unexpected
        }
        // the pool gave up creating connections (its module is internal to PostgresNIO, so it is known by name)
        if String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError") { return .unavailable }
        guard let psql = error as? PSQLError else { return nil }
        guard let state = psql.serverInfo?[.sqlState] else {
            switch psql.code {
            case .server: return .unexpected
            case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .connectionError: return .connectionLost
            default: return .unavailable  // pool shut down, timeouts, refused connections
            }
        }
        switch state {
        case "22001": return .invalidValue("A value is longer than the field allows.")
        case "22003": return .invalidValue("A number is out of the range the field allows.")
        case "22021", "22P05": return .invalidValue("A text holds a character that cannot be stored (such as NUL).")
        case "22007", "22008": return .invalidValue("A date or time is out of range.")
        case "22P02": return .invalidValue("A value has the wrong form for its field.")
        case "23514": return .invalidValue("A value breaks a rule of its field.")
        case "23505": return .conflict("This already exists: another change recorded it first.")
        case "23503": return .conflict("Something this refers to was changed or removed at the same time; reload and try again.")
        case "40001", "40P01": return .conflict("Someone changed this at the same time; reload and try again.")
        case "55P03": return .conflict("This is being changed by another request; try again shortly.")
        case "57P01", "57P02", "57P03", "53300", "53400", "08000", "08003", "08006": return .unavailable
        default: return .unexpected
        }
    }
}

import Foundation

/// Where the PostgreSQL server is and how to sign in to it.
public struct DatabaseSettings: Sendable, Equatable {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case socket(path: String)
    }

    public var endpoint: Endpoint
    public var username: String
    public var password: String?
    public var database: String
    public var maximumConnections: Int
    /// How long an operation may wait for a free connection before it is refused (503) (`ACCORD_DB_WAIT_SECONDS`).
    public var connectionWait: Duration = .seconds(5)

    public init(endpoint: Endpoint, username: String, password: String?, database: String, maximumConnections: Int = 20) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
        self.maximumConnections = maximumConnections
    }

    /// Reads `postgres://user:password@host:port/database`; `?host=/dir&port=N` selects a Unix socket directory, as libpq does.
    public init?(url text: String, maximumConnections: Int = 20) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            return nil
        }
        let database = String(components.path.drop { $0 == "/" })
        let port = components.port ?? components.queryItems?.first { $0.name == "port" }?.value.flatMap(Int.init) ?? 5432
        let socketDirectory = components.queryItems?.first { $0.name == "host" }?.value
        if let socketDirectory, socketDirectory.hasPrefix("/") {
            self.endpoint = .socket(path: "\(socketDirectory)/.s.PGSQL.\(port)")
        } else {
            self.endpoint = .tcp(host: components.host ?? "127.0.0.1", port: port)
        }
        self.username = components.user?.removingPercentEncoding ?? "postgres"
        self.password = components.password?.removingPercentEncoding
        self.database = database.isEmpty ? self.username : database
        self.maximumConnections = maximumConnections
    }

    /// The same server, another database (tests give each case its own).
    public func with(database: String) -> DatabaseSettings {
        var copy = self
        copy.database = database
        return copy
    }

    /// The same database, signed in as another role.
    public func with(username: String, password: String? = nil) -> DatabaseSettings {
        var copy = self
        copy.username = username
        copy.password = password
        return copy
    }
}

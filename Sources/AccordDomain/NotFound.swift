import Foundation

/// The row does not exist, or is outside the caller's scope: callers cannot tell which, by design.
public struct NotFound: Error, Sendable, Equatable {
    public var entity: String
    public init(_ entity: String) { self.entity = entity }
}

/// The caller may see the row but its role may not change it.
public struct Forbidden: Error, Sendable, Equatable {
    public init() {}
}

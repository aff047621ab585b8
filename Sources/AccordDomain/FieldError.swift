/// One problem with one field of an input, phrased for the person who typed it.
public struct FieldError: Error, Sendable, Equatable, Codable {
    public var field: String
    public var message: String
    /// The row of a batch the problem is in (1 is the first data row), when the input is a batch.
    public var row: Int?

    public init(_ field: String, _ message: String, row: Int? = nil) {
        self.field = field
        self.message = message
        self.row = row
    }
}

/// The problems found in one input; empty when the input is acceptable.
public struct ValidationErrors: Error, Sendable, Equatable {
    public private(set) var errors: [FieldError] = []

    public init(_ errors: [FieldError] = []) {
        self.errors = errors
    }

    public var isEmpty: Bool { self.errors.isEmpty }

    public mutating func add(_ field: String, _ message: String) {
        self.errors.append(FieldError(field, message))
    }

    public mutating func add(_ error: FieldError) {
        self.errors.append(error)
    }

    /// The first `limit` problems, and a last line saying how many more there were.
    public func capped(at limit: Int) -> ValidationErrors {
        guard self.errors.count > limit else { return self }
        let more = self.errors.count - limit
        return ValidationErrors(
            Array(self.errors.prefix(limit)) + [
                FieldError("batch", "\(more) more problem\(more == 1 ? "" : "s") not listed: fix the ones above and send the batch again.")
            ])
    }

    public mutating func merge(_ other: ValidationErrors) {
        self.errors.append(contentsOf: other.errors)
    }

    public func message(for field: String) -> String? {
        self.errors.first { $0.field == field }?.message
    }

    /// Throws `self` when any problem was recorded.
    public func throwIfAny() throws(ValidationErrors) {
        if !self.errors.isEmpty { throw self }
    }
}

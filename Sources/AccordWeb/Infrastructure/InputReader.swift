import AccordDomain
import Foundation

/// Reads typed values out of an `Input`, collecting a clear error per field instead of stopping at the first.
struct InputReader {
    let input: Input
    var errors = ValidationErrors()
    /// On a partial update (PATCH), absent fields keep the stored value instead of being required.
    let fallback: [String: String]

    init(_ input: Input, fallback: [String: String] = [:]) {
        self.input = input
        self.fallback = fallback
    }

    func text(_ key: String) -> String? {
        if self.input.has(key) { return self.input.text(key) }
        return self.fallback[key].flatMap { $0.isEmpty ? nil : $0 }
    }

    func string(_ key: String) -> String { self.text(key) ?? "" }

    mutating func date(_ key: String, label: String) -> LocalDate? {
        guard let text = self.text(key) else { return nil }
        guard let date = LocalDate(text) else {
            self.errors.add(key, "\(label) must be a date written YYYY-MM-DD, \(Bounds.yearsText).")
            return nil
        }
        return date
    }

    mutating func decimal(_ key: String, label: String) -> Decimal? {
        guard let text = self.text(key) else { return nil }
        guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), text.allSatisfy({ "0123456789.-+eE".contains($0) }) else {
            self.errors.add(key, "\(label) must be a number such as 99.9.")
            return nil
        }
        return value
    }

    mutating func integer(_ key: String, label: String) -> Int? {
        guard let text = self.text(key) else { return nil }
        guard let value = Int(text) else {
            self.errors.add(key, "\(label) must be a whole number.")
            return nil
        }
        return value
    }

    mutating func id(_ key: String, label: String) -> Int64? {
        guard let text = self.text(key) else { return nil }
        guard let value = Int64(text), value > 0 else {
            self.errors.add(key, "\(label) is not a valid choice.")
            return nil
        }
        return value
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, label: String, as type: T.Type) -> T? where T.RawValue == String {
        guard let text = self.text(key) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            self.errors.add(key, "\(label) must be one of: \(allowed).")
            return nil
        }
        return value
    }

    mutating func require<T>(_ value: T?, _ key: String, _ message: String) -> T? {
        if value == nil, self.errors.message(for: key) == nil { self.errors.add(key, message) }
        return value
    }

    /// Merges parse errors with the domain's validation, parse errors first, one message per field.
    func combined(with validation: ValidationErrors) -> ValidationErrors {
        var all = self.errors
        for error in validation.errors where all.message(for: error.field) == nil {
            all.add(error.field, error.message)
        }
        return all
    }
}

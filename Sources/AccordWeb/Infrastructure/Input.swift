import AccordDomain
import Foundation

/// A submitted document, from an HTML form or a JSON body, in one shape so that each entity has one parser.
///
/// Form fields named `tiers.0.threshold` become a list of objects; repeated names (checkboxes) become a list of texts.
public indirect enum InputValue: Sendable, Equatable {
    case text(String)
    case list([InputValue])
    case object([String: InputValue])
    case null
}

public struct Input: Sendable, Equatable {
    public var fields: [String: InputValue]

    public init(_ fields: [String: InputValue] = [:]) {
        self.fields = fields
    }

    /// The text of a scalar field, trimmed; nil when absent, null or empty.
    public func text(_ key: String) -> String? {
        guard case .text(let value) = self.fields[key] else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The raw text of a field, untrimmed (passwords); "" when absent.
    public func raw(_ key: String) -> String {
        if case .text(let value) = self.fields[key] { return value }
        return ""
    }

    public func has(_ key: String) -> Bool { self.fields[key] != nil }

    /// A yes/no field: a ticked checkbox ("on") or true, 1, yes; nil when absent.
    public func flag(_ key: String) -> Bool? {
        self.text(key).map(Self.isYes)
    }

    static func isYes(_ text: String) -> Bool { ["true", "on", "1", "yes"].contains(text.lowercased()) }

    /// The texts of a multi-valued field: checkboxes, or a JSON array of strings.
    public func texts(_ key: String) -> [String] {
        switch self.fields[key] {
        case .text(let value)?: [value]
        case .list(let values)?: values.compactMap { if case .text(let text) = $0 { text } else { nil } }
        default: []
        }
    }

    /// The objects of a list field; rows whose every value is empty are dropped (blank form rows).
    public func objects(_ key: String) -> [Input] {
        guard case .list(let values)? = self.fields[key] else { return [] }
        return values.compactMap { value in
            guard case .object(var fields) = value else { return nil }
            fields[Self.rowNumberKey] = nil
            let input = Input(fields)
            return fields.keys.contains { input.text($0) != nil } ? input : nil
        }
    }

    /// The number a form row had in its field names (`weekly_hours.7.opens` is row 7), kept beside the row's values.
    static let rowNumberKey = "#row"

    // MARK: - Sources

    /// Parses `application/x-www-form-urlencoded`; a control character in any name or value is refused naming the field.
    public static func form(_ body: String) throws -> Input {
        let input = Self.unchecked(form: body)
        try input.checkTexts()
        return input
    }

    /// The form's fields without the control-character check: for reading one field (the CSRF token) before the
    /// handler refuses the form with its reason.
    static func unchecked(form body: String) -> Input {
        var scalars: [String: [String]] = [:]
        var order: [String] = []
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decodeComponent(parts[0])
            let value = parts.count > 1 ? Self.decodeComponent(parts[1]) : ""
            if scalars[name] == nil { order.append(name) }
            scalars[name, default: []].append(value)
        }
        var fields: [String: InputValue] = [:]
        var rows: [String: [Int: [String: InputValue]]] = [:]
        // rows within rows: `seasons.0.credit_tiers.1.threshold`
        var inner: [String: [Int: [String: [Int: [String: InputValue]]]]] = [:]
        for name in order {
            guard let values = scalars[name], let last = values.last else { continue }
            let path = name.split(separator: ".")
            if path.count == 3, let index = Int(path[1]) {
                rows[String(path[0]), default: [:]][index, default: [:]][String(path[2])] = .text(last)
            } else if path.count == 5, let index = Int(path[1]), let number = Int(path[3]) {
                inner[String(path[0]), default: [:]][index, default: [:]][String(path[2]), default: [:]][number, default: [:]][String(path[4])] =
                    .text(last)
            } else {
                fields[name] = values.count == 1 ? .text(values[0]) : .list(values.map(InputValue.text))
            }
        }
        // each row remembers the number it had in the form, so a form shown again puts values back where they were
        func numbered(_ indexed: [Int: [String: InputValue]]) -> InputValue {
            .list(indexed.keys.sorted().map { number in .object((indexed[number] ?? [:]).merging([Self.rowNumberKey: .text(String(number))]) { $1 }) })
        }
        for name in Set(rows.keys).union(inner.keys) {
            var indexed = rows[name] ?? [:]
            for (index, lists) in inner[name] ?? [:] {
                for (list, items) in lists { indexed[index, default: [:]][list] = numbered(items) }
            }
            fields[name] = numbered(indexed)
        }
        return Input(fields)
    }

    private static func decodeComponent(_ text: Substring) -> String {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
    }

    /// Parses a JSON object; numbers and booleans become their text, so one parser serves both sources.
    public static func json(_ data: Data) throws -> Input {
        guard Self.nesting(of: data) <= Self.maximumNesting else {
            throw ValidationErrors([FieldError("body", "The JSON body nests deeper than \(Self.maximumNesting) levels.")])
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw ValidationErrors([FieldError("body", "The body is not valid JSON.")])
        }
        guard case .object(let fields) = Self.value(object) else {
            throw ValidationErrors([FieldError("body", "The body must be a JSON object.")])
        }
        let input = Input(fields)
        try input.checkTexts()
        return input
    }

    /// No document Accord reads nests deeper than this; deeper ones are refused before parsing, so no parser recurses
    /// without bound.
    static let maximumNesting = 32

    /// The deepest nesting of arrays and objects in a JSON text, counted outside strings.
    static func nesting(of data: Data) -> Int {
        var depth = 0
        var deepest = 0
        var inString = false
        var escaped = false
        for byte in data {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                deepest = max(deepest, depth)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    /// Refuses NUL and other control characters (tab, line feed and carriage return excepted) in every name and text,
    /// and texts longer than `Bounds.textLength`, naming the first field at fault: PostgreSQL cannot store NUL, and no
    /// field means them.
    func checkTexts() throws {
        func check(_ value: InputValue, field: String) throws {
            switch value {
            case .text(let text) where text.firstControlCharacter != nil:
                throw ValidationErrors([FieldError(field, "\(field) must not contain control characters.")])
            case .text(let text) where text.utf8.count > Bounds.textLength && text.count > Bounds.textLength:
                throw ValidationErrors([FieldError(field, "\(field) may be at most \(Bounds.textLength) characters.")])
            case .list(let items):
                for item in items { try check(item, field: field) }
            case .object(let members):
                for (name, member) in members {
                    if name.firstControlCharacter != nil { throw ValidationErrors([FieldError(field, "Field names must not contain control characters.")]) }
                    try check(member, field: "\(field).\(name)")
                }
            default:
                break
            }
        }
        for (name, value) in self.fields {
            if name.firstControlCharacter != nil { throw ValidationErrors([FieldError("body", "Field names must not contain control characters.")]) }
            try check(value, field: name)
        }
    }

    private static func value(_ any: Any) -> InputValue {
        switch any {
        case let text as String: return .text(text)
        case let number as NSNumber:
            if String(describing: type(of: number)).contains("Boolean") { return .text(number.boolValue ? "true" : "false") }
            return .text(number.stringValue)
        case let array as [Any]: return .list(array.map(Self.value))
        case let dictionary as [String: Any]: return .object(dictionary.mapValues(Self.value))
        default: return .null
        }
    }

    /// Flat text values for refilling a form after an error.
    public var formValues: [String: String] {
        var values: [String: String] = [:]
        for (key, value) in self.fields {
            switch value {
            case .text(let text): values[key] = text
            case .list(let items):
                // checkboxes keep their chosen values, comma-separated
                let texts = items.compactMap { if case .text(let text) = $0 { text } else { nil } }
                if !texts.isEmpty { values[key] = texts.joined(separator: ",") }
                for (index, item) in items.enumerated() {
                    if case .object(let row) = item {
                        let number = if case .text(let text)? = row[Self.rowNumberKey], let number = Int(text) { number } else { index }
                        for (sub, subValue) in row where sub != Self.rowNumberKey {
                            switch subValue {
                            case .text(let text): values["\(key).\(number).\(sub)"] = text
                            case .list(let inner):
                                // rows within rows: `seasons.0.credit_tiers.1.threshold`
                                for (position, entry) in inner.enumerated() {
                                    guard case .object(let innerRow) = entry else { continue }
                                    let innerNumber = if case .text(let text)? = innerRow[Self.rowNumberKey], let n = Int(text) { n } else { position }
                                    for (field, value) in innerRow where field != Self.rowNumberKey {
                                        if case .text(let text) = value { values["\(key).\(number).\(sub).\(innerNumber).\(field)"] = text }
                                    }
                                }
                            default: break
                            }
                        }
                    }
                }
            default: break
            }
        }
        return values
    }
}

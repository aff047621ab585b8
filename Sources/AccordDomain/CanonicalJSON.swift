import Foundation

/// JSON written one way only, so that two parties who hold the same content compute the same bytes and hash: object
/// keys sorted by their UTF-16 code units, no insignificant whitespace, strings escaped as RFC 8785 (JCS) says (`"`
/// and `\` escaped, `\b \f \n \r \t` in their short forms, other control characters as `\u00xx`, everything else as
/// UTF-8), and numbers written as exact decimal strings, so no number's notation is in doubt.
public indirect enum CanonicalJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case string(String)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])
    /// Text already in canonical form, written as it is (a stored statement inside the file that carries it).
    case raw(String)

    /// A string, or null when absent.
    public static func optional(_ text: String?) -> CanonicalJSON { text.map(CanonicalJSON.string) ?? .null }

    /// The canonical text.
    public var text: String {
        var output = ""
        self.write(into: &output)
        return output
    }

    func write(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .string(let value): Self.quote(value, into: &output)
        case .raw(let text): output += text
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.write(into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let keys = members.keys.sorted { Array($0.utf16).lexicographicallyPrecedes(Array($1.utf16)) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output += "," }
                Self.quote(key, into: &output)
                output += ":"
                members[key]?.write(into: &output)
            }
            output += "}"
        }
    }

    static func quote(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

extension CanonicalJSON: Decodable {
    /// Reads JSON whose values are text, booleans, null, arrays and objects; a number is refused (in canonical
    /// content every number is written as a string, so its notation is never in doubt).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let items = try? container.decode([CanonicalJSON].self) {
            self = .array(items)
        } else if let members = try? container.decode([String: CanonicalJSON].self) {
            self = .object(members)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "a number where canonical content writes numbers as strings")
        }
    }

    /// The member `key` of an object.
    public subscript(key: String) -> CanonicalJSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The text of a string value.
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}

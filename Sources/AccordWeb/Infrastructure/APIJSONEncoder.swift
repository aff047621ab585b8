import AccordDomain
import Foundation

/// Encodes API responses: keys in snake_case and sorted, instants in RFC 3339, decimals as written, and an absent
/// optional as `null`. A field the OpenAPI file documents is never left out of a response because it has no value
/// (Foundation's encoder drops nil optionals; this one writes them).
struct APIJSONEncoder {
    func encode(_ value: some Encodable) throws -> Data {
        let root = Slot()
        try TreeEncoder.box(value, into: root, path: [])
        var text = ""
        Self.write(root.node, into: &text)
        return Data(text.utf8)
    }

    static func write(_ node: Node, into text: inout String) {
        switch node {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .number(let digits): text += digits
        case .string(let value): Self.quote(value, into: &text)
        case .array(let box):
            text += "["
            for (index, slot) in box.items.enumerated() {
                if index > 0 { text += "," }
                Self.write(slot.node, into: &text)
            }
            text += "]"
        case .object(let box):
            text += "{"
            for (index, key) in box.fields.keys.sorted().enumerated() {
                if index > 0 { text += "," }
                Self.quote(key, into: &text)
                text += ":"
                Self.write(box.fields[key]?.node ?? .null, into: &text)
            }
            text += "}"
        }
    }

    static func quote(_ value: String, into text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    /// `budgetRemaining` → `budget_remaining`, `seriesID` → `series_id`: the words of a Swift name, lowercased and
    /// joined by underscores (a run of capitals is one word; its last capital starts the next word when a lowercase
    /// letter follows).
    static func snakeCase(_ key: String) -> String {
        let characters = Array(key)
        var words: [String] = []
        var word = ""
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            let previous = index > 0 ? characters[index - 1] : nil
            if character.isUppercase, !word.isEmpty,
                previous.map({ !$0.isUppercase }) ?? false || (next.map(\.isLowercase) ?? false)
            {
                words.append(word)
                word = ""
            }
            word.append(character)
        }
        if !word.isEmpty { words.append(word) }
        return words.map { $0.lowercased() }.joined(separator: "_")
    }
}

/// A value of the tree being built.
indirect enum Node {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array(ArrayBox)
    case object(ObjectBox)
}

/// A place in the tree that one value is written to.
final class Slot {
    var node: Node = .null
}

final class ArrayBox {
    var items: [Slot] = []
}

final class ObjectBox {
    var fields: [String: Slot] = [:]
}

/// Dictionaries with string keys: their keys are data, written as they are.
protocol StringKeyedEncodable {
    func encodeEntries(into box: ObjectBox, path: [any CodingKey]) throws
}

extension Dictionary: StringKeyedEncodable where Key == String, Value: Encodable {
    func encodeEntries(into box: ObjectBox, path: [any CodingKey]) throws {
        for (key, value) in self {
            let slot = Slot()
            try TreeEncoder.box(value, into: slot, path: path)
            box.fields[key] = slot
        }
    }
}

struct TreeEncoder: Encoder {
    let slot: Slot
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Writes `value` into `slot`: the types JSON has a form for directly, or whatever the value encodes itself as.
    static func box<T: Encodable>(_ value: T, into slot: Slot, path: [any CodingKey]) throws {
        switch value {
        case let date as Date: slot.node = .string(RFC3339.format(date))
        case let decimal as Decimal: slot.node = .number(decimal.plain)
        case let url as URL: slot.node = .string(url.absoluteString)
        case let dictionary as any StringKeyedEncodable:
            let box = ObjectBox()
            try dictionary.encodeEntries(into: box, path: path)
            slot.node = .object(box)
        default:
            try value.encode(to: TreeEncoder(slot: slot, codingPath: path))
        }
    }

    static func number(_ value: Double, path: [any CodingKey]) throws -> Node {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "\(value) has no JSON form"))
        }
        return .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: ObjectBox
        if case .object(let existing) = self.slot.node {
            box = existing
        } else {
            box = ObjectBox()
            self.slot.node = .object(box)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(box: box, codingPath: self.codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: ArrayBox
        if case .array(let existing) = self.slot.node {
            box = existing
        } else {
            box = ArrayBox()
            self.slot.node = .array(box)
        }
        return UnkeyedContainer(box: box, codingPath: self.codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(slot: self.slot, codingPath: self.codingPath)
    }
}

struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: ObjectBox
    var codingPath: [any CodingKey]

    func slot(for key: Key) -> Slot {
        let slot = Slot()
        self.box.fields[APIJSONEncoder.snakeCase(key.stringValue)] = slot
        return slot
    }

    mutating func encodeNil(forKey key: Key) throws { self.slot(for: key).node = .null }
    mutating func encode(_ value: Bool, forKey key: Key) throws { self.slot(for: key).node = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { self.slot(for: key).node = .string(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        self.slot(for: key).node = try TreeEncoder.number(value, path: self.codingPath + [key])
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        self.slot(for: key).node = try TreeEncoder.number(Double(value), path: self.codingPath + [key])
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { self.slot(for: key).node = .number(String(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { self.slot(for: key).node = .number(String(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { self.slot(for: key).node = .number(String(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { self.slot(for: key).node = .number(String(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { self.slot(for: key).node = .number(String(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { self.slot(for: key).node = .number(String(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { self.slot(for: key).node = .number(String(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { self.slot(for: key).node = .number(String(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { self.slot(for: key).node = .number(String(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { self.slot(for: key).node = .number(String(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try TreeEncoder.box(value, into: self.slot(for: key), path: self.codingPath + [key])
    }

    // an absent optional is written as null, never left out
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try self.present(value, key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try self.present(value, key) }

    private mutating func present<T: Encodable>(_ value: T?, _ key: Key) throws {
        guard let value else { return try self.encodeNil(forKey: key) }
        try self.encode(value, forKey: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(slot: self.slot(for: key), codingPath: self.codingPath + [key]).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        TreeEncoder(slot: self.slot(for: key), codingPath: self.codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let slot = Slot()
        self.box.fields["super"] = slot
        return TreeEncoder(slot: slot, codingPath: self.codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(slot: self.slot(for: key), codingPath: self.codingPath + [key])
    }
}

struct UnkeyedContainer: UnkeyedEncodingContainer {
    let box: ArrayBox
    var codingPath: [any CodingKey]
    var count: Int { self.box.items.count }

    func next() -> Slot {
        let slot = Slot()
        self.box.items.append(slot)
        return slot
    }

    mutating func encodeNil() throws { self.next().node = .null }
    mutating func encode(_ value: Bool) throws { self.next().node = .bool(value) }
    mutating func encode(_ value: String) throws { self.next().node = .string(value) }
    mutating func encode(_ value: Double) throws { self.next().node = try TreeEncoder.number(value, path: self.codingPath) }
    mutating func encode(_ value: Float) throws { self.next().node = try TreeEncoder.number(Double(value), path: self.codingPath) }
    mutating func encode(_ value: Int) throws { self.next().node = .number(String(value)) }
    mutating func encode(_ value: Int8) throws { self.next().node = .number(String(value)) }
    mutating func encode(_ value: Int16) throws { self.next().node = .number(String(value)) }
    mutating func encode(_ value: Int32) throws { self.next().node = .number(String(value)) }
    mutating func encode(_ value: Int64) throws { self.next().node = .number(String(value)) }
    mutating func encode(_ value: UInt) throws { self.next().node = .number(String(value)) }
    mutating func encode(_ value: UInt8) throws { self.next().node = .number(String(value)) }
    mutating func encode(_ value: UInt16) throws { self.next().node = .number(String(value)) }
    mutating func encode(_ value: UInt32) throws { self.next().node = .number(String(value)) }
    mutating func encode(_ value: UInt64) throws { self.next().node = .number(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try TreeEncoder.box(value, into: self.next(), path: self.codingPath) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(slot: self.next(), codingPath: self.codingPath).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        TreeEncoder(slot: self.next(), codingPath: self.codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(slot: self.next(), codingPath: self.codingPath) }
}

struct SingleContainer: SingleValueEncodingContainer {
    let slot: Slot
    var codingPath: [any CodingKey]

    mutating func encodeNil() throws { self.slot.node = .null }
    mutating func encode(_ value: Bool) throws { self.slot.node = .bool(value) }
    mutating func encode(_ value: String) throws { self.slot.node = .string(value) }
    mutating func encode(_ value: Double) throws { self.slot.node = try TreeEncoder.number(value, path: self.codingPath) }
    mutating func encode(_ value: Float) throws { self.slot.node = try TreeEncoder.number(Double(value), path: self.codingPath) }
    mutating func encode(_ value: Int) throws { self.slot.node = .number(String(value)) }
    mutating func encode(_ value: Int8) throws { self.slot.node = .number(String(value)) }
    mutating func encode(_ value: Int16) throws { self.slot.node = .number(String(value)) }
    mutating func encode(_ value: Int32) throws { self.slot.node = .number(String(value)) }
    mutating func encode(_ value: Int64) throws { self.slot.node = .number(String(value)) }
    mutating func encode(_ value: UInt) throws { self.slot.node = .number(String(value)) }
    mutating func encode(_ value: UInt8) throws { self.slot.node = .number(String(value)) }
    mutating func encode(_ value: UInt16) throws { self.slot.node = .number(String(value)) }
    mutating func encode(_ value: UInt32) throws { self.slot.node = .number(String(value)) }
    mutating func encode(_ value: UInt64) throws { self.slot.node = .number(String(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { try TreeEncoder.box(value, into: self.slot, path: self.codingPath) }
}

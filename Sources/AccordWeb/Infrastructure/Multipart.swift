import AccordDomain
import Foundation

/// The text fields and files of a `multipart/form-data` body (RFC 7578), read as UTF-8 text: enough for CSV uploads.
///
/// Read in one forward pass over the bytes, with a bounded number of parts and of header bytes per part, so a body of
/// a million one-character delimiters costs one scan and is refused; a body without its closing delimiter is refused
/// too, since it was cut short and its last part is not whole.
struct MultipartForm: Sendable {
    struct Part: Sendable {
        var name: String
        var filename: String?
        var contentType: String?
        var bytes: [UInt8]
        var content: String { String(decoding: self.bytes, as: UTF8.self) }
    }

    var parts: [Part]

    /// The documented limits (README, "Bounds"): at most 64 parts (a claim form carries a field per objective ticked),
    /// of which at most 16 are files.
    static let maximumParts = 64
    static let maximumFiles = 16
    static let maximumHeaderBytes = 8192

    func value(_ name: String) -> String? { self.parts.first { $0.name == name }?.content }

    /// The boundary of a `multipart/form-data` content type (1 to 70 characters, RFC 2046), or nil.
    static func boundary(of contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let boundary = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(boundary.utf8.count) ? boundary : nil
            }
        }
        return nil
    }

    /// Why a body is not a whole form.
    struct Malformed: Error, Equatable {
        var reason: String
    }

    init(body: [UInt8], boundary: String) throws(Malformed) {
        // every delimiter after the first is preceded by CRLF; the first may open the body
        let delimiter = Array("\r\n--\(boundary)".utf8)
        var parts: [Part] = []
        var cursor: Int
        if body.starts(with: delimiter.dropFirst(2)) {
            cursor = delimiter.count - 2
        } else if let first = Self.find(delimiter, in: body, from: 0) {
            cursor = first + delimiter.count
        } else {
            throw Malformed(reason: "The form has no parts.")
        }
        while true {
            // after a delimiter: "--" closes the form, CRLF opens a part
            if body.count >= cursor + 2, body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") {
                self.parts = parts
                return
            }
            guard body.count >= cursor + 2, body[cursor] == 13, body[cursor + 1] == 10 else {
                throw Malformed(reason: "The form was cut short: its closing delimiter is missing.")
            }
            cursor += 2
            guard let next = Self.find(delimiter, in: body, from: cursor) else {
                throw Malformed(reason: "The form was cut short: its closing delimiter is missing.")
            }
            guard parts.count < Self.maximumParts else { throw Malformed(reason: "The form has more than \(Self.maximumParts) parts.") }
            let section = body[cursor..<next]
            guard let split = Self.find([13, 10, 13, 10], in: body, from: cursor, before: next), split - cursor <= Self.maximumHeaderBytes else {
                throw Malformed(reason: "A part of the form has no headers, or headers longer than \(Self.maximumHeaderBytes) bytes.")
            }
            let headers = String(decoding: body[cursor..<split], as: UTF8.self)
            if let part = Self.part(headers: headers, bytes: Array(body[(split + 4)..<section.endIndex])) {
                if part.filename != nil, parts.count(where: { $0.filename != nil }) >= Self.maximumFiles {
                    throw Malformed(reason: "The form has more than \(Self.maximumFiles) files.")
                }
                parts.append(part)
            }
            cursor = next + delimiter.count
        }
    }

    private static func part(headers: String, bytes: [UInt8]) -> Part? {
        let lines = headers.components(separatedBy: "\r\n")
        guard let disposition = lines.first(where: { $0.lowercased().hasPrefix("content-disposition:") }) else { return nil }
        let contentType = lines.first(where: { $0.lowercased().hasPrefix("content-type:") })
            .map { $0.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces) }
        func parameter(_ key: String) -> String? {
            for piece in disposition.split(separator: ";").dropFirst() {
                let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0].lowercased() == key { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
            return nil
        }
        guard let name = parameter("name") else { return nil }
        return Part(name: name, filename: parameter("filename"), contentType: contentType, bytes: bytes)
    }

    /// The first index at or after `start` (and below `end`) where `needle` begins, scanning forward once.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, before end: Int? = nil) -> Int? {
        let limit = (end ?? haystack.count) - needle.count
        guard let head = needle.first, start <= limit else { return nil }
        var index = start
        while index <= limit {
            if haystack[index] == head {
                var matched = 1
                while matched < needle.count, haystack[index + matched] == needle[matched] { matched += 1 }
                if matched == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}

import Foundation

/// The text fields and files of a `multipart/form-data` body (RFC 7578), read as UTF-8 text: enough for CSV uploads.
struct MultipartForm: Sendable {
    struct Part: Sendable {
        var name: String
        var filename: String?
        var content: String
    }

    var parts: [Part]

    func value(_ name: String) -> String? { self.parts.first { $0.name == name }?.content }

    /// The boundary of a `multipart/form-data` content type, or nil for any other type.
    static func boundary(of contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    init?(body: String, boundary: String) {
        let delimiter = "--" + boundary
        var parts: [Part] = []
        let sections = body.components(separatedBy: delimiter)
        guard sections.count >= 2 else { return nil }
        for section in sections.dropFirst() {
            if section.hasPrefix("--") { break }  // the closing delimiter
            guard let split = section.range(of: "\r\n\r\n") else { continue }
            let headers = section[section.startIndex..<split.lowerBound]
            var content = String(section[split.upperBound...])
            if content.hasSuffix("\r\n") { content.removeLast(1) }  // "\r\n" is one Character in Swift
            guard let disposition = headers.components(separatedBy: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") })
            else { continue }
            func parameter(_ key: String) -> String? {
                for piece in disposition.split(separator: ";").dropFirst() {
                    let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    if pair.count == 2, pair[0].lowercased() == key { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                }
                return nil
            }
            guard let name = parameter("name") else { continue }
            parts.append(Part(name: name, filename: parameter("filename"), content: content))
        }
        self.parts = parts
    }
}

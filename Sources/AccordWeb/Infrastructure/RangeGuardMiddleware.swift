import Foundation
import HTTPTypes
import Hummingbird

/// Stands in front of the framework's file middleware for `Range` requests on static files. That middleware answers a
/// range starting past the end of the file (`bytes=999999-`) with 206 and a negative `Content-Length`, and the
/// connection then stalls (README, "Known upstream issues"). Here an unsatisfiable range is answered 416 with
/// `Content-Range: bytes */<size>` (RFC 9110 §15.5.17); a satisfiable single range goes on clamped to the file; a
/// range header this server does not serve in parts (several ranges, another unit, nonsense) is dropped, so the whole
/// file is sent, as RFC 9110 allows.
struct RangeGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let directory: URL
    let urlBasePath: String

    init(directory: URL, urlBasePath: String) {
        self.directory = directory.standardizedFileURL
        self.urlBasePath = urlBasePath.hasSuffix("/") ? urlBasePath : urlBasePath + "/"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.range], request.uri.path.hasPrefix(self.urlBasePath) else { return try await next(request, context) }
        guard let size = self.size(of: String(request.uri.path.dropFirst(self.urlBasePath.count))) else { return try await next(request, context) }
        var head = request.head
        switch ByteRange.parse(header, size: size) {
        case .satisfiable(let first, let last):
            head.headerFields[.range] = "bytes=\(first)-\(last)"
        case .unsatisfiable:
            var response = Response(status: .rangeNotSatisfiable)
            response.headers[.contentRange] = "bytes */\(size)"
            response.headers[.contentLength] = "0"
            return response
        case .ignored:
            head.headerFields[.range] = nil
        }
        return try await next(Request(head: head, body: request.body), context)
    }

    /// The size of a regular file under the static folder, or nil (the file middleware then answers as it does).
    func size(of relative: String) -> Int? {
        guard let decoded = relative.removingPercentEncoding, !decoded.split(separator: "/").contains("..") else { return nil }
        let file = self.directory.appendingPathComponent(decoded).standardizedFileURL
        guard file.path.hasPrefix(self.directory.path + "/"),
            let attributes = try? FileManager.default.attributesOfItem(atPath: file.path),
            attributes[.type] as? FileAttributeType == .typeRegular
        else { return nil }
        return (attributes[.size] as? NSNumber)?.intValue
    }
}

/// One `Range: bytes=…` header judged against a representation of `size` bytes.
enum ByteRange: Equatable {
    case satisfiable(first: Int, last: Int)
    case unsatisfiable
    case ignored

    static func parse(_ header: String, size: Int) -> ByteRange {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes="), size >= 0 else { return .ignored }
        let spec = text.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .ignored }
        let start = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let end = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        let digits = { (part: String) in !part.isEmpty && part.count <= 18 && part.allSatisfy { $0.isASCII && $0.isNumber } }
        if start.isEmpty {
            // a suffix: the last N bytes
            guard digits(end), let length = Int(end) else { return .ignored }
            guard length > 0, size > 0 else { return .unsatisfiable }
            return .satisfiable(first: max(0, size - length), last: size - 1)
        }
        guard digits(start), let first = Int(start) else { return .ignored }
        var last = size - 1
        if !end.isEmpty {
            guard digits(end), let given = Int(end) else { return .ignored }
            guard given >= first else { return .ignored }
            last = min(given, size - 1)
        }
        return first < size ? .satisfiable(first: first, last: last) : .unsatisfiable
    }
}

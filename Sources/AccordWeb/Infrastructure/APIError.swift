import AccordDomain
import Foundation
import Hummingbird

/// The one error shape of the JSON API: `{"error":{"code":…,"message":…,"details":[{"field" or "row":…,"message":…}]}}`.
struct APIErrorBody: Encodable {
    struct Detail: Encodable {
        var field: String?
        var row: Int?
        var message: String
    }

    struct Content: Encodable {
        var code: String
        var message: String
        var details: [Detail]
    }

    var error: Content

    init(code: String, message: String, details: [Detail] = []) {
        self.error = Content(code: code, message: message, details: details)
    }

    func response(status: HTTPResponse.Status) -> Response {
        JSON.response(self, status: status)
    }
}

enum JSON {
    static let encoder = APIJSONEncoder()

    static func raw(_ text: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? Self.encoder.encode(value)) ?? Data("{}".utf8)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

import Foundation
import HTTPTypes
import Hummingbird

/// A CSV document sent as a download.
enum CSVDownload {
    static func response(_ csv: String, filename: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv)))
    }
}

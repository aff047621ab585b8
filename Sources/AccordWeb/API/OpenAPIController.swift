import Foundation
import Hummingbird

/// Serves the OpenAPI description kept in the repository at `/api/openapi.yaml`.
struct OpenAPIController {
    let document: String

    init(file: URL) throws {
        self.document = try String(contentsOf: file, encoding: .utf8)
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("api/openapi.yaml", use: self.getAPIOpenAPIYaml)
    }

    @Sendable func getAPIOpenAPIYaml(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: self.document)))
    }
}

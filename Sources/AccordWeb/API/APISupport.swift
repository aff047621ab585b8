import AccordDomain
import AccordStorage
import Foundation
import Hummingbird

/// A page of a list in the API.
struct ListEnvelope<Item: Encodable>: Encodable {
    var items: [Item]
    var total: Int
    var page: Int
    var perPage: Int

    init<Source>(_ page: PageOf<Source>, map: (Source) -> Item) {
        self.items = page.items.map(map)
        self.total = page.total
        self.page = page.request.number
        self.perPage = page.request.size
    }
}

struct ItemsEnvelope<Item: Encodable>: Encodable {
    var items: [Item]
}

extension Request {
    /// The JSON object of an API request body.
    mutating func json(context: AccordRequestContext) async throws -> Input {
        guard self.headers[.contentType]?.hasPrefix("application/json") == true else {
            throw HTTPError(.unsupportedMediaType, message: "Send the body as application/json.")
        }
        return try Input.json(Data(buffer: try await self.collectBody(upTo: context.maxUploadSize)))
    }

    func apiPage() -> PageRequest {
        PageRequest(
            number: self.uri.queryParameters["page"].flatMap { Int(String($0)) } ?? 1,
            size: self.uri.queryParameters["per_page"].flatMap { Int(String($0)) } ?? 50)
    }
}

extension Response {
    static var noContent: Response { Response(status: .noContent) }
}

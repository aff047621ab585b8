import AccordDomain
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
        return try Input.json(Data(try await self.collectBody(upTo: context.maxUploadSize).readableBytesView))
    }

    /// `page` (1 to 100,000) and `per_page` (1 to 200, default 50); anything else is refused naming the parameter.
    func apiPage() throws -> PageRequest {
        var errors = ValidationErrors()
        let number = Self.bounded(self.query("page"), field: "page", range: Bounds.pages, into: &errors) ?? 1
        let size = Self.bounded(self.query("per_page"), field: "per_page", range: 1...200, into: &errors) ?? 50
        try errors.throwIfAny()
        return PageRequest(number: number, size: size)
    }

    /// A query parameter naming one of an enumeration's values; absent is nil, anything else is refused naming it.
    func queryChoice<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = self.query(name) else { return nil }
        guard let value = T(rawValue: text) else {
            throw ValidationErrors([FieldError(name, "\(name) must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", ")).")])
        }
        return value
    }

    static func bounded(_ text: String?, field: String, range: ClosedRange<Int>, into errors: inout ValidationErrors) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = Int(text), range.contains(value) else {
            errors.add(field, "\(field) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
            return nil
        }
        return value
    }
}

extension Response {
    static var noContent: Response { Response(status: .noContent) }
}

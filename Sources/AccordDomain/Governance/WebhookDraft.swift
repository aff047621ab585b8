import Foundation

/// What a contract manager enters to add an endpoint.
public struct WebhookDraft: Sendable, Equatable {
    public var vendorID: Int64?
    public var url: String
    public var description: String

    public init(vendorID: Int64?, url: String, description: String) {
        self.vendorID = vendorID
        self.url = url
        self.description = description
    }

    /// Names that mean this machine or a local network whatever they resolve to: refused before any resolution.
    public static func namesLocalHost(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".local") || host.hasSuffix(".internal")
            || host == "localhost.localdomain" || host.hasPrefix("ip6-")
    }

    public static let maximumPerVendor = 10

    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        let url = self.url.trimmingCharacters(in: .whitespacesAndNewlines)
        if let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil,
            url.count <= 2000
        {
        } else {
            errors.add("url", "Give the endpoint as an http:// or https:// address of at most 2000 characters.")
        }
        if self.description.count > 200 { errors.add("description", "The description may be at most 200 characters.") }
        return errors
    }
}

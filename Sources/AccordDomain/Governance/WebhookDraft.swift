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

    /// Hosts a vendor's endpoint may not name: this machine and private, link-local and unspecified addresses, so a
    /// vendor cannot make the server probe the customer's own network.
    public static func isInternal(host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
        if host == "localhost" || host.hasSuffix(".localhost") || host.hasSuffix(".local") || host.hasSuffix(".internal") || !host.contains(".") && !host.contains(":") {
            return true
        }
        let octets = host.split(separator: ".").compactMap { UInt8($0) }
        if octets.count == 4 {
            switch (octets[0], octets[1]) {
            case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
            case (172, 16...31), (100, 64...127): return true
            default: return false
            }
        }
        if host.contains(":") {
            return host == "::1" || host == "::" || host.hasPrefix("fc") || host.hasPrefix("fd") || host.hasPrefix("fe8") || host.hasPrefix("fe9")
                || host.hasPrefix("fea") || host.hasPrefix("feb") || host.hasPrefix("::ffff:")
        }
        return false
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

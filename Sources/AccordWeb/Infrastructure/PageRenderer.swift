import Foundation
import Hummingbird
import Mustache

/// Renders Mustache templates from `web/templates`, all loaded and checked at start-up.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary

    /// Every template a handler renders. Start-up fails when one is missing.
    static let requiredTemplates = [
        "layout", "error", "login", "home", "confirm",
        "vendors/list", "vendors/show", "vendors/form", "contacts/form",
        "services/list", "services/show", "services/form",
        "calendars/list", "calendars/show", "calendars/form",
        "agreements/list", "agreements/show", "agreements/form", "agreements/amend", "agreements/status",
        "objectives/form", "objectives/show", "objectives/period", "objectives/upload", "exclusions/form", "exclusions/revoke", "credits/list",
        "credits/show",
        "dashboard", "dashboard-row", "diagnostics/baseline", "vendors/scorecard", "agreements/composition",
        "users/list", "users/form", "audit/list",
    ]

    public init(directory: URL) async throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StartupError("Template folder \(directory.path) does not exist.")
        }
        self.library = try await MustacheLibrary(directory: directory.path)
        let missing = Self.requiredTemplates.filter { self.library.getTemplate(named: $0) == nil }
        guard missing.isEmpty else { throw StartupError("Missing templates in \(directory.path): \(missing.joined(separator: ", "))") }
    }

    public func render(_ view: Any, template: String) -> String {
        guard let html = self.library.render(view, withTemplate: template) else {
            preconditionFailure("template \(template) was checked at start-up")
        }
        return html
    }

    public func response(_ view: Any, template: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: self.render(view, template: template))))
    }
}

public struct StartupError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

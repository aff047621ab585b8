import AccordDomain
import Foundation
import Hummingbird

/// A create or edit form: what was typed, what is wrong with it, and where it goes.
struct FormState {
    var values: [String: String]
    var errors: [String: String]
    var conflict: String?
    var rowVersion: Int?
    /// A one-line summary above the form, for people who do not see the messages beside the fields first.
    /// Stored, not computed: templates read stored properties only.
    let summary: String?
    /// A refused form that carried files: browsers never refill a file input, so the page names the files to choose again.
    var reattach: String?

    init(values: [String: String] = [:], errors: ValidationErrors = ValidationErrors(), conflict: String? = nil, rowVersion: Int? = nil) {
        self.values = values
        self.errors = Dictionary(errors.errors.map { ($0.field, $0.message) }, uniquingKeysWith: { first, _ in first })
        self.conflict = conflict
        self.rowVersion = rowVersion
        self.summary = conflict ?? (self.errors.isEmpty ? nil : "Please correct the \(self.errors.count == 1 ? "field" : "fields") marked below.")
    }
}

/// An option of a `<select>` or a checkbox, with its chosen state.
struct Choice {
    var value: String
    var label: String
    var selected: Bool
}

extension Request {
    /// The submitted form of a page POST.
    mutating func form(context: AccordRequestContext) async throws -> Input {
        try Input.form(String(buffer: try await self.collectBody(upTo: context.maxUploadSize)))
    }

    /// The page of a list page (25 rows); a page number outside 1…100,000 is refused naming `page`.
    func page() throws -> PageRequest {
        var errors = ValidationErrors()
        let number = Self.bounded(self.query("page"), field: "page", range: Bounds.pages, into: &errors) ?? 1
        try errors.throwIfAny()
        return PageRequest(number: number, size: 25)
    }

    var notice: String? { Notice.message(self.query("notice")) }
}

extension AccordRequestContext {
    /// An id path parameter; a malformed one is simply not found.
    func id(_ name: String = "id") throws -> Int64 {
        guard let text = self.parameters.get(name), let id = Int64(text), id > 0 else { throw NotFound(name) }
        return id
    }

    func number(_ name: String) throws -> Int {
        guard let text = self.parameters.get(name), let number = Int(text), number > 0 else { throw NotFound(name) }
        return number
    }
}

enum Redirect {
    static func to(_ path: String, notice: Notice? = nil) -> Response {
        guard let notice else { return Response.redirect(to: path, type: .normal) }
        return Response.redirect(to: "\(path)\(path.contains("?") ? "&" : "?")notice=\(notice.rawValue)", type: .normal)
    }
}

/// Runs a save and turns its validation or conflict errors into a re-rendered form that keeps what was typed.
func saveOrRedisplay(
    input: Input, render: (FormState) async throws -> Response, save: () async throws -> Response
) async throws -> Response {
    do {
        return try await save()
    } catch let errors as ValidationErrors {
        return try await render(FormState(values: input.formValues, errors: errors))
    } catch let conflict as EditConflict {
        return try await render(FormState(values: input.formValues, conflict: conflict.message, rowVersion: conflict.currentRowVersion))
    } catch let rule as RuleViolation {
        return try await render(FormState(values: input.formValues, conflict: rule.message))
    }
}

/// Reads a submitted form and saves it. A failed save shows the form again with what was typed and, for edits,
/// the row version the person was editing (or the current one after a conflict).
func submitForm(
    _ request: Request, context: AccordRequestContext, render: (FormState) async throws -> Response, save: (Input) async throws -> Response
) async throws -> Response {
    var request = request
    let input = try await request.form(context: context)
    return try await saveOrRedisplay(
        input: input,
        render: { state in
            var state = state
            state.rowVersion = state.rowVersion ?? input.text("row_version").flatMap { Int($0) }
            return try await render(state)
        },
        save: { try await save(input) })
}

/// The view of a plain create or edit form.
struct EntityFormView {
    var chrome: Chrome
    var heading: String
    var action: String
    var cancelURL: String
    var form: FormState

    /// `New <noun>` at `collection`, or `Edit <name>` of the item at `itemURL`.
    init(context: AccordRequestContext, noun: String, editing name: String?, collection: String, itemURL: String?, form: FormState) {
        let heading = name.map { "Edit \($0)" } ?? "New \(noun)"
        self.chrome = Chrome(title: heading, context: context)
        self.heading = heading
        self.action = itemURL.map { "\($0)/edit" } ?? collection
        self.cancelURL = itemURL ?? collection
        self.form = form
    }

    var status: HTTPResponse.Status { self.form.errors.isEmpty && self.form.conflict == nil ? .ok : .unprocessableContent }
}

/// A page asking to confirm a destructive action before it is POSTed.
struct ConfirmView {
    var chrome: Chrome
    var question: String
    var detail: String
    var action: String
    var cancelURL: String
    var button: String
}

extension Optional where Wrapped == String {
    var orEmpty: String { self ?? "" }
}

import AccordDomain
import Foundation
import Hummingbird

/// A submitted form that may carry evidence files: URL-encoded, or `multipart/form-data` with file parts.
struct EvidenceForm {
    var input: Input
    var files: [EvidenceUpload]

    /// Five files of the largest size and the form around them.
    static let maximumBody = 6 * EvidenceRules.maximumBytes

    static func parse(_ bytes: [UInt8], boundary: String) throws -> MultipartForm {
        do {
            return try MultipartForm(body: bytes, boundary: boundary)
        } catch {
            throw ValidationErrors([FieldError("file", error.reason)])
        }
    }

    /// Reads the body; a multipart form's text parts become fields (repeated names a list), its non-empty file parts
    /// uploads. Text fields are checked for control characters as any form's are.
    static func read(_ request: inout Request, context: AccordRequestContext) async throws -> EvidenceForm {
        let body = try await request.collectBody(upTo: Self.maximumBody)
        guard let boundary = MultipartForm.boundary(of: request.headers[.contentType]) else {
            return EvidenceForm(input: try Input.form(String(buffer: body)), files: [])
        }
        let form = try Self.parse(Array(body.readableBytesView), boundary: boundary)
        var texts: [String: [String]] = [:]
        var order: [String] = []
        var files: [EvidenceUpload] = []
        for part in form.parts {
            if let filename = part.filename {
                if !filename.isEmpty || !part.bytes.isEmpty {
                    files.append(EvidenceUpload(fileName: filename, declaredType: part.contentType, bytes: part.bytes))
                }
            } else {
                if texts[part.name] == nil { order.append(part.name) }
                texts[part.name, default: []].append(part.content)
            }
        }
        var fields: [String: InputValue] = [:]
        for name in order {
            let values = texts[name] ?? []
            fields[name] = values.count == 1 ? .text(values[0]) : .list(values.map(InputValue.text))
        }
        let input = Input(fields)
        try input.checkTexts()
        return EvidenceForm(input: input, files: files)
    }
}

/// Reads a form that may carry files and saves it; a refused save shows the form again with what was typed (files
/// must be chosen again: browsers never refill a file input).
func submitEvidenceForm(
    _ request: Request, context: AccordRequestContext, render: (FormState) async throws -> Response,
    save: (Input, [EvidenceUpload]) async throws -> Response
) async throws -> Response {
    var request = request
    let form = try await EvidenceForm.read(&request, context: context)
    let names = form.files.map(\.fileName).filter { !$0.isEmpty }
    return try await saveOrRedisplay(
        input: form.input,
        render: { state in
            var state = state
            if !form.files.isEmpty {
                // nothing of a refused form is kept: the files chosen must be attached again
                let listed = names.isEmpty ? "" : ": " + names.prefix(5).map { String($0.prefix(80)) }.joined(separator: ", ")
                state.reattach = "Nothing was saved, so the \(form.files.count == 1 ? "file" : "\(form.files.count) files") you chose \(form.files.count == 1 ? "was" : "were") not kept. Attach \(form.files.count == 1 ? "it" : "them") again\(listed)."
            }
            return try await render(state)
        }, save: { try await save(form.input, form.files) })
}

/// A stored evidence file as a download: always an attachment, never rendered by the browser.
func evidenceDownload(_ file: EvidenceFile, bytes: [UInt8]) -> Response {
    // the plain `filename` keeps letters, digits and a few safe marks; `filename*` carries the name as typed
    let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: " .-_()"))
    let ascii = String(file.fileName.unicodeScalars.map { $0.isASCII && safe.contains($0) ? Character($0) : "_" })
    var headers = HTTPFields()
    headers[.contentType] = file.contentType
    headers[.contentDisposition] = "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(URLText.encode(file.fileName))"
    headers[.cacheControl] = "private, no-store"
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}

import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import AccordWeb

/// The CSV upload page: a whole file as one batch without JavaScript, a summary either way.
@Suite("CSV upload page")
struct UploadPageTests {
    static func multipart(_ fields: [(String, String, String?)], boundary: String = "XyZ123") -> String {
        var body = ""
        for (name, value, filename) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(filename.map { "; filename=\"\($0)\"" } ?? "")\r\n"
            if filename != nil { body += "Content-Type: text/csv\r\n" }
            body += "\r\n\(value)\r\n"
        }
        return body + "--\(boundary)--\r\n"
    }

    static func upload(_ harness: Harness, objective: Int64, session: BrowserSession, csrf: String? = nil, file: String) async throws -> TestResponse
    {
        var headers = HTTPFields()
        headers[.cookie] = session.cookie
        headers[.contentType] = "multipart/form-data; boundary=XyZ123"
        let body = Self.multipart([("_csrf", csrf ?? session.csrf, nil), ("source", "nightly export", nil), ("file", file, "buckets.csv")])
        return try await harness.client.execute(
            uri: "/objectives/\(objective)/upload", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func aFileIsStoredWholeOrRefusedWithEveryRowsReason() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let session = try await harness.session(for: world.analyst)
            let page = try await harness.get("/objectives/\(world.objectiveA.id)/upload", as: session)
            #expect(page.status == .ok)
            #expect(page.text.contains("<script src=\"/static/upload.js\" defer></script>"))
            #expect(page.text.contains("data-api=\"/api/v1/objectives/\(world.objectiveA.id)/measurements\""))
            // a bad file: nothing stored, each problem with its row
            let before = try await DatabaseSnapshot.take(harness.database)
            let bad = try await Self.upload(
                harness, objective: world.objectiveA.id, session: session,
                file: "start,end,good,valid\n2026-11-03T10:00:00Z,2026-11-03T10:01:00Z,5,4\n2026-11-03T10:01:00,2026-11-03T10:02:00Z,1,1\n")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("Nothing was stored"))
            #expect(bad.text.contains("<td>1</td><td>good</td>"))
            #expect(bad.text.contains("<td>2</td><td>start</td>"))
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
            // a good file: stored as one batch from the named source
            let good = try await Self.upload(
                harness, objective: world.objectiveA.id, session: session,
                file: "start,end,good,valid\r\n2026-11-03T10:00:00Z,2026-11-03T10:01:00Z,4,5\r\n2026-11-03T10:01:00Z,2026-11-03T10:02:00Z,5,5\r\n")
            #expect(good.status == .ok)
            #expect(good.text.contains("2 buckets accepted as batch"))
            let source = try await harness.database.query("SELECT source FROM measurement_batches").first!.decode(String.self)
            #expect(source == "nightly export")
            // a forged token changes nothing; a viewer may not upload; the script is served
            let forged = try await Self.upload(harness, objective: world.objectiveA.id, session: session, csrf: "forged", file: "x")
            #expect(forged.status == .forbidden)
            let viewer = try await harness.session(for: world.viewer)
            #expect(try await harness.get("/objectives/\(world.objectiveA.id)/upload", as: viewer).status == .forbidden)
            let script = try await harness.get("/static/upload.js", as: nil)
            #expect(script.status == .ok)
            #expect(script.text.contains("X-CSRF-Token"))
        }
    }

    @Test func aFormCutShortIsRefusedAndStoresNothing() async throws {
        try await Harness.run { harness in
            // setup
            let world = harness.world
            let session = try await harness.session(for: world.analyst)
            let before = try await DatabaseSnapshot.take(harness.database)
            let whole = Self.multipart([
                ("_csrf", session.csrf, nil), ("source", "nightly export", nil),
                ("file", "start,end,good,valid\n2026-11-02T10:00:00Z,2026-11-02T10:01:00Z,9,10\n", "buckets.csv"),
            ])
            // MUT: the same upload without its closing delimiter
            let cut = String(whole.dropLast("--XyZ123--\r\n".count))
            var headers = HTTPFields()
            headers[.cookie] = session.cookie
            headers[.contentType] = "multipart/form-data; boundary=XyZ123"
            let response = try await harness.client.execute(
                uri: "/objectives/\(world.objectiveA.id)/upload", method: .post, headers: headers, body: ByteBuffer(string: cut))
            // validation
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("closing delimiter"))
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
        }
    }

    @Test func manyTinyDelimitersAreReadInOnePassAndRefused() throws {
        // a body of one-character delimiters: one scan, then refused for its parts, not parsed for seconds
        let body = Array(String(repeating: "--a\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\r\n", count: 200_000).utf8) + Array("--a--".utf8)
        #expect(throws: MultipartForm.Malformed.self) { try MultipartForm(body: body, boundary: "a") }
        // and a whole form of a few parts reads back its fields
        let form = try MultipartForm(body: Array(Self.multipart([("a", "1", nil), ("file", "x,y\r\n1,2", "f.csv")]).utf8), boundary: "XyZ123")
        #expect(form.value("a") == "1")
        #expect(form.value("file") == "x,y\r\n1,2")
        #expect(form.parts.last?.filename == "f.csv")
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=\(String(repeating: "b", count: 71))") == nil)
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Monthly statements: an agreement's list, one statement as a page (printable) and as JSON (the signed file),
/// Markdown and CSV, for the customer's people and the agreement's vendor; and the public keys, without sign-in.
struct StatementPages {
    let dependencies: AppDependencies
    var statements: StatementQueries { self.dependencies.useCases.statements }
    var renderer: PageRenderer { self.dependencies.renderer }

    struct ListView {
        var chrome: Chrome
        var agreementID: Int64
        var agreementTitle: String
        var rows: [Row]
        var isEmpty: Bool
        var pager: Pager

        struct Row {
            var id: Int64
            var month: String
            var revision: Int
            var superseded: Bool
            var issued: String
            var sha: String
        }
    }

    struct ShowView {
        var chrome: Chrome
        var statement: StatementReading
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("agreements/:id/statements", use: self.getList)
        router.get("statements/keys.json", use: self.getKeys)
        router.get("statements/:id", use: self.getStatement)
        router.get("statements/:id/statement.json", use: self.getFile)
        router.get("statements/:id/statement.md", use: self.getMarkdown)
        router.get("statements/:id/statement.csv", use: self.getCSV)
    }

    func addAPIRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("agreements/:id/statements", use: self.getAPIList)
        group.get("statements/:id", use: self.getFile)
    }

    @Sendable func getList(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        let list = try await self.statements.list(agreementID: agreement.id, scope: context.scope, page: try request.page())
        let latest = Dictionary(list.items.map { ($0.month, $0.revision) }, uniquingKeysWith: max)
        let rows = list.items.map { item in
            ListView.Row(
                id: item.id, month: StatementReading.monthName(item.month), revision: item.revision, superseded: (latest[item.month] ?? 0) > item.revision,
                issued: Stamp.format(item.issuedAt, Stamp.zone(agreement.timeZone)), sha: String(item.sha256.prefix(16)))
        }
        let view = ListView(
            chrome: Chrome(title: "Statements of \(agreement.title)", context: context), agreementID: agreement.id, agreementTitle: agreement.title,
            rows: rows, isEmpty: rows.isEmpty, pager: Pager(list, path: "/agreements/\(agreement.id)/statements", query: []))
        return self.renderer.response(view, template: "statements/list")
    }

    @Sendable func getAPIList(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let list = try await self.statements.list(agreementID: try context.id(), scope: context.scope, page: try request.apiPage())
        return JSON.response(ListEnvelope(list) { StatementOut($0) })
    }

    /// A statement in a list: where it is, what it is, and its digest.
    struct StatementOut: Encodable {
        var id: Int64
        var agreementID: Int64
        var month: String
        var revision: Int
        var sha256: String
        var previousSHA256: String?
        var supersedesID: Int64?
        var issuedAt: Date

        init(_ statement: IssuedStatement) {
            self.id = statement.id
            self.agreementID = statement.agreementID
            self.month = String(statement.month.description.prefix(7))
            self.revision = statement.revision
            self.sha256 = statement.sha256
            self.previousSHA256 = statement.previousSHA256
            self.supersedesID = statement.supersedesID
            self.issuedAt = statement.issuedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, month, revision, sha256
            case agreementID = "agreement_id"
            case previousSHA256 = "previous_sha256"
            case supersedesID = "supersedes_id"
            case issuedAt = "issued_at"
        }
    }

    @Sendable func getKeys(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let keys = try await self.statements.publicKeys().map { key in
            CanonicalJSON.object([
                "id": .string("\(key.id)"), "algorithm": .string("Ed25519"), "public_key": .string(key.publicKey),
                "created_at": .string(RFC3339.format(key.createdAt)),
            ])
        }
        return Self.download(CanonicalJSON.object(["keys": .array(keys)]).text, type: "application/json", name: nil)
    }

    @Sendable func getFile(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let statement = try await self.statements.find(id: try context.id(), scope: context.scope)
        return Self.download(statement.file, type: "application/json", name: statement.fileName(ext: "json"))
    }

    @Sendable func getStatement(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let statement = try await self.statements.find(id: try context.id(), scope: context.scope)
        return self.renderer.response(try Self.view(statement, chrome: Chrome(title: "Statement", context: context)), template: "statements/show")
    }

    @Sendable func getMarkdown(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let statement = try await self.statements.find(id: try context.id(), scope: context.scope)
        return Self.download(try StatementReading(statement).markdown, type: "text/markdown; charset=utf-8", name: statement.fileName(ext: "md"))
    }

    @Sendable func getCSV(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let statement = try await self.statements.find(id: try context.id(), scope: context.scope)
        return Self.download(try StatementReading(statement).csv, type: "text/csv; charset=utf-8", name: statement.fileName(ext: "csv"))
    }

    static func view(_ statement: IssuedStatement, chrome: Chrome) throws -> ShowView {
        ShowView(chrome: chrome, statement: try StatementReading(statement))
    }

    static func download(_ text: String, type: String, name: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        if let name { headers[.contentDisposition] = "attachment; filename=\"\(name)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

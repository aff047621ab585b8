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
        var id: Int64
        var agreementID: Int64
        var title: String
        var vendor: String?
        var month: String
        var revision: String
        var issued: String
        var sha256: String
        var previous: String?
        var supersedes: String?
        var keyID: Int
        var publicKey: String
        var signature: String
        var objectives: [Line]
        var credits: [String]
        var hasCredits: Bool
        var breaches: String
        var decisions: [Decision]
        var hasDecisions: Bool

        struct Line {
            var name: String
            var period: String
            var target: String
            var attainment: String
            var status: String
            var isBreach: Bool
            var counts: String
            var credit: String
            var exclusions: String
            var lineage: String
        }

        struct Decision {
            var kind: String
            var id: String
            var status: String
            var decided: String
            var summary: String
        }
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
                id: item.id, month: Self.month(item.month), revision: item.revision, superseded: (latest[item.month] ?? 0) > item.revision,
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
        return Self.download(statement.file, type: "application/json", name: Self.fileName(statement, ext: "json"))
    }

    @Sendable func getStatement(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let statement = try await self.statements.find(id: try context.id(), scope: context.scope)
        return self.renderer.response(try Self.view(statement, chrome: Chrome(title: "Statement", context: context)), template: "statements/show")
    }

    @Sendable func getMarkdown(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let statement = try await self.statements.find(id: try context.id(), scope: context.scope)
        let view = try Self.view(statement, chrome: Chrome(title: "Statement", context: context))
        let text = MarkdownText.inline
        var lines = [
            "# Statement: \(text(view.title)), \(view.month)", "", "- Revision \(view.revision), issued \(view.issued)",
            "- SHA-256 `\(view.sha256)`", "- Previous statement `\(view.previous ?? "none")`", "- Signed with Ed25519 key \(view.keyID) (`\(view.publicKey)`)",
            "", "| Objective | Period | SLA | Attainment | Status | Credit | Exclusions | Lineage SHA-256 |", "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        lines += view.objectives.map { line in
            "| " + [line.name, line.period, line.target, line.attainment, line.status, line.credit, line.exclusions, line.lineage].map(text).joined(separator: " | ") + " |"
        }
        lines += ["", "Credits owed: \(view.credits.isEmpty ? "none" : view.credits.joined(separator: ", ")). Breaches: \(view.breaches).", ""]
        if view.hasDecisions {
            lines += ["## Claims and disputes decided", ""] + view.decisions.map { "- \(text($0.kind)) #\($0.id): \(text($0.status)), \($0.decided) — \(text($0.summary))" } + [""]
        }
        return Self.download(lines.joined(separator: "\n"), type: "text/markdown; charset=utf-8", name: Self.fileName(statement, ext: "md"))
    }

    @Sendable func getCSV(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let statement = try await self.statements.find(id: try context.id(), scope: context.scope)
        let view = try Self.view(statement, chrome: Chrome(title: "Statement", context: context))
        let header = ["Objective", "Period", "SLA %", "Attainment %", "Status", "Credit", "Exclusions", "Lineage SHA-256"]
        let rows = view.objectives.map { [$0.name, $0.period, $0.target, $0.attainment, $0.status, $0.credit, $0.exclusions, $0.lineage] }
        let csv = ([header] + rows).map { row in row.map { CreditExport.cell(.text($0)) }.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        return Self.download(csv, type: "text/csv; charset=utf-8", name: Self.fileName(statement, ext: "csv"))
    }

    static func fileName(_ statement: IssuedStatement, ext: String) -> String {
        "statement-\(statement.agreementID)-\(statement.month.description.prefix(7))-r\(statement.revision).\(ext)"
    }

    static func month(_ day: LocalDate) -> String {
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(names[max(0, min(11, day.month - 1))]) \(day.year)"
    }

    /// The page's view of the signed text: read back from the canonical JSON, so the page shows exactly what was signed.
    static func view(_ statement: IssuedStatement, chrome: Chrome) throws -> ShowView {
        let content = try JSONDecoder().decode(CanonicalJSON.self, from: Data(statement.canonical.utf8))
        let zone = Stamp.zone(content["agreement"]?["time_zone"]?.string ?? "UTC")
        func stamp(_ text: String?) -> String { text.flatMap(RFC3339.parse).map { Stamp.format($0, zone) } ?? "" }
        var lines: [ShowView.Line] = []
        if case .array(let objectives)? = content["objectives"] {
            for objective in objectives {
                let credit = objective["credit"].flatMap { credit -> String? in
                    guard let amount = credit["amount"]?.string, let currency = credit["currency"]?.string else { return nil }
                    return "\(currency) \(amount) (\(credit["computation"]?.string ?? ""); \(credit["status"]?.string ?? ""))"
                }
                var exclusions: [String] = []
                if case .array(let items)? = objective["exclusions"] { exclusions = items.compactMap(\.string) }
                let status = objective["status"]?.string ?? ""
                lines.append(
                    ShowView.Line(
                        name: objective["name"]?.string ?? "", period: "\(stamp(objective["period"]?["from"]?.string)) – \(stamp(objective["period"]?["to"]?.string))",
                        target: "\(objective["sla_target_percent"]?.string ?? "") %",
                        // three places (more where a figure below the SLA would read as reaching it); the signed file keeps every digit
                        attainment: Figures.attainment(
                            objective["attainment_percent"]?.string.flatMap { Decimal(string: $0) },
                            targets: [objective["sla_target_percent"]?.string.flatMap { Decimal(string: $0) }].compactMap { $0 }), status: status.replacingOccurrences(of: "_", with: " "),
                        isBreach: status == "breached", counts: "\(objective["good"]?.string ?? "") of \(objective["valid"]?.string ?? "")",
                        credit: credit ?? "none", exclusions: exclusions.isEmpty ? "none" : exclusions.joined(separator: "; "),
                        lineage: objective["lineage_sha256"]?.string ?? ""))
            }
        }
        var credits: [String] = []
        if case .array(let totals)? = content["credits_owed"] {
            credits = totals.compactMap { total in total["amount"]?.string.map { "\(total["currency"]?.string ?? "") \($0)" } }
        }
        var decisions: [ShowView.Decision] = []
        if case .array(let items)? = content["decisions"] {
            decisions = items.map {
                ShowView.Decision(
                    kind: $0["kind"]?.string ?? "", id: $0["id"]?.string ?? "", status: $0["status"]?.string ?? "", decided: stamp($0["decided_at"]?.string),
                    summary: $0["summary"]?.string ?? "")
            }
        }
        return ShowView(
            chrome: chrome, id: statement.id, agreementID: statement.agreementID, title: content["agreement"]?["title"]?.string ?? "",
            vendor: content["agreement"]?["vendor"]?.string, month: Self.month(statement.month), revision: "\(statement.revision)",
            issued: Stamp.format(statement.issuedAt, zone), sha256: statement.sha256, previous: statement.previousSHA256,
            supersedes: content["supersedes_sha256"]?.string, keyID: statement.keyID, publicKey: statement.publicKey, signature: statement.signature,
            objectives: lines, credits: credits, hasCredits: !credits.isEmpty, breaches: content["breaches"]?.string ?? "0", decisions: decisions,
            hasDecisions: !decisions.isEmpty)
    }

    static func download(_ text: String, type: String, name: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        if let name { headers[.contentDisposition] = "attachment; filename=\"\(name)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

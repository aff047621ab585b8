import AccordDomain
import Foundation

extension IssuedStatement {
    /// `statement-12-2026-11-r1.json`.
    public func fileName(ext: String) -> String {
        "statement-\(self.agreementID)-\(self.month.description.prefix(7))-r\(self.revision).\(ext)"
    }
}

/// A statement as people read it, read back from its signed canonical JSON (so every page, mail and download shows
/// exactly what was signed): the page's figures, and the Markdown and CSV downloads.
public struct StatementReading: Sendable {
    public struct Line: Sendable {
        public var name: String
        public var period: String
        public var target: String
        public var attainment: String
        public var status: String
        public var isBreach: Bool
        public var counts: String
        public var credit: String
        public var exclusions: String
        public var lineage: String
    }

    public struct Decision: Sendable {
        public var kind: String
        public var id: String
        public var status: String
        public var decided: String
        public var summary: String
    }

    public var id: Int64
    public var agreementID: Int64
    public var title: String
    public var vendor: String?
    public var month: String
    public var revision: String
    public var issued: String
    public var sha256: String
    public var previous: String?
    public var supersedes: String?
    public var keyID: Int
    public var publicKey: String
    public var signature: String
    public var objectives: [Line]
    public var credits: [String]
    public var hasCredits: Bool
    public var breaches: String
    public var decisions: [Decision]
    public var hasDecisions: Bool

    /// An amount as the signed file states it (`4200`), written as money is everywhere (`EUR 4,200.00`).
    static func money(_ amount: String, _ currency: String) -> String {
        Decimal(string: amount).map { Money.format($0, currency) } ?? "\(currency) \(amount)"
    }

    /// `November 2026`.
    public static func monthName(_ day: LocalDate) -> String {
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(names[max(0, min(11, day.month - 1))]) \(day.year)"
    }

    public init(_ statement: IssuedStatement) throws {
        let content = try JSONDecoder().decode(CanonicalJSON.self, from: Data(statement.canonical.utf8))
        let zone = Stamp.zone(content["agreement"]?["time_zone"]?.string ?? "UTC")
        func stamp(_ text: String?) -> String { text.flatMap(RFC3339.parse).map { Stamp.format($0, zone) } ?? "" }
        var lines: [Line] = []
        if case .array(let objectives)? = content["objectives"] {
            for objective in objectives {
                let credit = objective["credit"].flatMap { credit -> String? in
                    guard let amount = credit["amount"]?.string, let currency = credit["currency"]?.string else { return nil }
                    return "\(Self.money(amount, currency)) (\(credit["computation"]?.string ?? ""); \(credit["status"]?.string ?? ""))"
                }
                var exclusions: [String] = []
                if case .array(let items)? = objective["exclusions"] { exclusions = items.compactMap(\.string) }
                let status = objective["status"]?.string ?? ""
                let target = objective["sla_target_percent"]?.string.flatMap { Decimal(string: $0) }
                lines.append(
                    Line(
                        name: objective["name"]?.string ?? "", period: "\(stamp(objective["period"]?["from"]?.string)) – \(stamp(objective["period"]?["to"]?.string))",
                        target: "\(objective["sla_target_percent"]?.string ?? "") %",
                        // three places (more where a figure below the SLA would read as reaching it); the signed file keeps every digit
                        attainment: Figures.attainment(objective["attainment_percent"]?.string.flatMap { Decimal(string: $0) }, targets: [target].compactMap { $0 }),
                        status: status.replacingOccurrences(of: "_", with: " "), isBreach: status == "breached",
                        counts: "\(objective["good"]?.string ?? "") of \(objective["valid"]?.string ?? "")", credit: credit ?? "none",
                        exclusions: exclusions.isEmpty ? "none" : exclusions.joined(separator: "; "), lineage: objective["lineage_sha256"]?.string ?? ""))
            }
        }
        var credits: [String] = []
        if case .array(let totals)? = content["credits_owed"] {
            credits = totals.compactMap { total in total["amount"]?.string.map { Self.money($0, total["currency"]?.string ?? "") } }
        }
        var decisions: [Decision] = []
        if case .array(let items)? = content["decisions"] {
            decisions = items.map {
                Decision(
                    kind: $0["kind"]?.string ?? "", id: $0["id"]?.string ?? "", status: $0["status"]?.string ?? "", decided: stamp($0["decided_at"]?.string),
                    summary: $0["summary"]?.string ?? "")
            }
        }
        self.id = statement.id
        self.agreementID = statement.agreementID
        self.title = content["agreement"]?["title"]?.string ?? ""
        self.vendor = content["agreement"]?["vendor"]?.string
        self.month = Self.monthName(statement.month)
        self.revision = "\(statement.revision)"
        self.issued = Stamp.format(statement.issuedAt, zone)
        self.sha256 = statement.sha256
        self.previous = statement.previousSHA256
        self.supersedes = content["supersedes_sha256"]?.string
        self.keyID = statement.keyID
        self.publicKey = statement.publicKey
        self.signature = statement.signature
        self.objectives = lines
        self.credits = credits
        self.hasCredits = !credits.isEmpty
        self.breaches = content["breaches"]?.string ?? "0"
        self.decisions = decisions
        self.hasDecisions = !decisions.isEmpty
    }

    /// The statement as Markdown; every field goes through `MarkdownText`.
    public var markdown: String {
        let text = MarkdownText.inline
        var lines = [
            "# Statement: \(text(self.title)), \(self.month)", "", "- Revision \(self.revision), issued \(self.issued)",
            "- SHA-256 `\(self.sha256)`", "- Previous statement `\(self.previous ?? "none")`", "- Signed with Ed25519 key \(self.keyID) (`\(self.publicKey)`)",
            "", "| Objective | Period | SLA | Attainment | Status | Credit | Exclusions | Lineage SHA-256 |", "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        lines += self.objectives.map { line in
            "| " + [line.name, line.period, line.target, line.attainment, line.status, line.credit, line.exclusions, line.lineage].map(text).joined(separator: " | ") + " |"
        }
        lines += ["", "Credits owed: \(self.credits.isEmpty ? "none" : self.credits.joined(separator: ", ")). Breaches: \(self.breaches).", ""]
        if self.hasDecisions {
            lines += ["## Claims and disputes decided", ""] + self.decisions.map { "- \(text($0.kind)) #\($0.id): \(text($0.status)), \($0.decided) — \(text($0.summary))" } + [""]
        }
        return lines.joined(separator: "\n")
    }

    /// A row per objective; every cell as text, defused for spreadsheets.
    public var csv: String {
        let header = ["Objective", "Period", "SLA %", "Attainment %", "Status", "Credit", "Exclusions", "Lineage SHA-256"]
        let rows = self.objectives.map { [$0.name, $0.period, $0.target, $0.attainment, $0.status, $0.credit, $0.exclusions, $0.lineage] }
        return ([header] + rows).map { row in row.map { CreditExport.cell(.text($0)) }.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }
}

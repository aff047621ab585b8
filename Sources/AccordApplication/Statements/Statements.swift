import AccordDomain
import AccordStorage
import Crypto
import Foundation

/// Issues monthly statements: when an agreement's periods of a month have closed (or one of them was revised by late
/// data or an exclusion), the month's figures are gathered, and if they differ from the month's last statement (or
/// there is none) a new revision is signed with Ed25519 over its canonical JSON, chained to the agreement's previous
/// statement by its SHA-256, and stored, never to change.
public struct StatementIssuer: Sendable {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// The facts of the agreement's month as both parties may read them.
    func facts(agreementID: Int64, month: LocalDate) async throws -> StatementFacts? {
        let agreement = try await self.repositories.agreements.find(id: agreementID, scope: .organisation)
        let zone = TimeZone(identifier: agreement.timeZone) ?? .gmt
        let next = month.month == 12 ? LocalDate(year: month.year + 1, month: 1, day: 1) : LocalDate(year: month.year, month: month.month + 1, day: 1)
        guard let start = PeriodPlanner.startInstant(month, in: zone), let next, let end = PeriodPlanner.startInstant(next, in: zone)
        else { return nil }
        var objectives: [StatementFacts.Objective] = []
        for line in try await self.repositories.statements.periodLines(agreementID: agreementID, endingAfter: start, through: end) {
            let record = line.record
            let span = DateInterval(start: record.periodStart, end: record.periodEnd)
            objectives.append(
                StatementFacts.Objective(
                    objectiveID: record.objectiveID, name: line.name, sliKind: line.sliKind, periodStart: record.periodStart, periodEnd: record.periodEnd,
                    revision: record.revision, slaTarget: record.slaTarget, good: record.good.description, valid: record.valid.description,
                    attainment: record.attainment, status: record.slaStatus, credit: line.credit,
                    exclusions: try await self.repositories.statements.exclusions(objectiveID: record.objectiveID, span: span),
                    lineageDigest: try await self.lineageDigest(record, sliKind: line.sliKind, span: span)))
        }
        guard !objectives.isEmpty else { return nil }
        var vendorName: String?
        if let vendorID = agreement.vendorID { vendorName = try await self.repositories.vendors.find(id: vendorID, scope: .organisation).name }
        return StatementFacts(
            agreement: .init(id: agreement.id, title: agreement.title, vendorID: agreement.vendorID, vendorName: vendorName, timeZone: agreement.timeZone),
            month: month, objectives: objectives,
            decisions: try await self.repositories.statements.decisions(agreementID: agreementID, from: start, to: end))
    }

    /// The SHA-256 of the period's lineage in canonical JSON: for buckets, each batch counted (id, content hash, the
    /// exact good and valid it gave the period); for tickets, the period's counts and revision.
    func lineageDigest(_ record: PeriodRecord, sliKind: String, span: DateInterval) async throws -> String {
        let lines: [CanonicalJSON]
        if SLIKind(rawValue: sliKind)?.isTicketBased == true {
            lines = [.object(["good": .string(record.good.description), "valid": .string(record.valid.description), "revision": .string("\(record.revision)")])]
        } else {
            lines = try await self.repositories.measurements.lineage(seriesID: record.seriesID, span: span).map { entry in
                .object([
                    "batch": .string("\(entry.batchId)"), "content_sha256": .string(entry.contentHash), "good": .string(entry.countedGoodExact),
                    "valid": .string(entry.countedValidExact),
                ])
            }
        }
        return Self.sha256(CanonicalJSON.array(lines).text)
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Issues the month's statement, or its next revision when its figures changed; nil when there is nothing to state
    /// or nothing changed.
    @discardableResult
    public func issue(agreementID: Int64, month: LocalDate, now: Date) async throws -> IssuedStatement? {
        guard let facts = try await self.facts(agreementID: agreementID, month: month) else { return nil }
        let content = facts.content
        let contentSHA = Self.sha256(content.text)
        let heads = try await self.repositories.statements.heads(agreementID: agreementID, month: month)
        if let current = heads.month, current.contentSHA256 == contentSHA { return nil }
        let key = try await self.repositories.statements.signingKey(makeWith: StatementSigning.newKey, at: now)
        let document = StatementDocument(
            content: content, revision: (heads.month?.0.revision ?? 0) + 1, previousSHA256: heads.chain?.sha256, supersedesSHA256: heads.month?.0.sha256,
            issuedAt: now, keyID: key.id)
        let canonical = document.signed.text
        return try await self.repositories.statements.insert(
            .init(
                agreementID: agreementID, vendorID: facts.agreement.vendorID, month: month, revision: document.revision, canonical: canonical,
                sha256: Self.sha256(canonical), signature: try StatementSigning.sign(canonical, seed: key.privateKey), keyID: key.id,
                previousSHA256: document.previousSHA256, supersedesID: heads.month?.0.id, contentSHA256: contentSHA, issuedAt: now))
    }
}

/// Ed25519 over the canonical text, keys and signatures in base64.
public enum StatementSigning {
    static func newKey() -> (publicKey: String, privateKey: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (key.publicKey.rawRepresentation.base64EncodedString(), key.rawRepresentation.base64EncodedString())
    }

    static func sign(_ text: String, seed: String) throws -> String {
        guard let raw = Data(base64Encoded: seed) else { throw RuleViolation("The signing key is not readable.") }
        return try Curve25519.Signing.PrivateKey(rawRepresentation: raw).signature(for: Data(text.utf8)).base64EncodedString()
    }

    /// What checking a statement file found.
    public struct Verdict: Sendable, Equatable {
        public var valid: Bool
        public var problems: [String]
        public var sha256: String?
        public var previousSHA256: String?
        public var agreement: String?
        public var month: String?
        public var revision: String?
    }

    /// Checks a statement file (`IssuedStatement.file`): its SHA-256, and its signature against `publicKey` (base64)
    /// or, without one, against the key the file names; with `previous` (the file of the statement before it), that
    /// the chain links them.
    public static func verify(_ file: Data, publicKey given: String? = nil, previous: Data? = nil) -> Verdict {
        var verdict = Verdict(valid: false, problems: [])
        guard let document = try? JSONDecoder().decode(CanonicalJSON.self, from: file), let statement = document["statement"],
            let signature = document["signature"]?["value"]?.string.flatMap({ Data(base64Encoded: $0) })
        else {
            verdict.problems.append("This is not a statement file: it needs statement, sha256 and signature.")
            return verdict
        }
        let canonical = statement.text
        let sha = StatementIssuer.sha256(canonical)
        verdict.sha256 = sha
        verdict.previousSHA256 = statement["previous_sha256"]?.string
        verdict.agreement = statement["agreement"]?["title"]?.string
        verdict.month = statement["month"]?.string
        verdict.revision = statement["revision"]?.string
        if statement["format"]?.string != StatementDocument.format { verdict.problems.append("The format is not \(StatementDocument.format).") }
        if document["sha256"]?.string != sha { verdict.problems.append("The SHA-256 given is not the statement's (\(sha)).") }
        let keyText = given ?? document["signature"]?["public_key"]?.string
        if let keyText, let raw = Data(base64Encoded: keyText), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) {
            if !key.isValidSignature(signature, for: Data(canonical.utf8)) {
                verdict.problems.append("The signature does not match: the statement was changed after it was signed, or another key signed it.")
            }
        } else {
            verdict.problems.append("No readable Ed25519 public key to check against.")
        }
        if let previous {
            let before = verify(previous, publicKey: given)
            if !before.valid { verdict.problems.append("The previous statement does not verify: \(before.problems.joined(separator: " "))") }
            if before.sha256 != verdict.previousSHA256 {
                verdict.problems.append("The chain is broken: this statement names \(verdict.previousSHA256 ?? "no previous statement"), the previous one is \(before.sha256 ?? "unreadable").")
            }
        }
        verdict.valid = verdict.problems.isEmpty
        return verdict
    }
}

/// Issues the statements of the months due (`statements_due`, filled as periods are recorded), oldest month first,
/// each in its own transaction, once across replicas.
public struct StatementJob: Job {
    let repositories: Repositories
    /// Whether a month waits its ten minutes for the agreement's other periods (the demo, which records them all at
    /// once, does not).
    let waiting: Bool

    public init(repositories: Repositories, waiting: Bool = true) {
        self.repositories = repositories
        self.waiting = waiting
    }

    public var name: String { "statement-issue" }
    public var purpose: String { "Issues each agreement's signed monthly statement when its periods close (and mails it to the agreement's recipients), and a new revision when late data changes them." }
    public var interval: Duration { .seconds(300) }

    public func run(now: Date) async throws -> JobReport {
        var issued = 0
        var considered = 0
        let mailing = try await self.repositories.mail.settings().mode != .off
        while considered < 500 {
            let batch = try await Change(repositories: self.repositories, clock: { now }).run(actor: AuditActor(userID: nil, label: "statement-issue job")) {
                repositories, now in
                let due = try await repositories.statements.takeDue(now: now, limit: 20, waiting: self.waiting)
                var effects: [Effect] = []
                var made = 0
                for (agreementID, month) in due {
                    if let statement = try await StatementIssuer(repositories: repositories).issue(agreementID: agreementID, month: month, now: now) {
                        made += 1
                        effects.append(
                            .audit(
                                AuditRecord(
                                    action: "issue", entity: "statement", entityID: statement.id,
                                    after: ["agreement": "\(agreementID)", "month": month.description, "revision": "\(statement.revision)", "sha256": statement.sha256])))
                        if mailing {
                            let recipients = try await repositories.statements.recipients(agreementID: agreementID, vendorID: statement.vendorID)
                            effects += try StatementMail.mails(statement, recipients: recipients).map(Effect.mail)
                        }
                    }
                    try await repositories.statements.clearDue(agreementID: agreementID, month: month)
                }
                return ((due.count, made), effects)
            }
            considered += batch.0
            issued += batch.1
            if batch.0 < 20 { break }
        }
        return issued == 0 && considered == 0
            ? .idle : JobReport(items: issued, summary: issued == 1 ? "1 statement issued" : "\(issued) statements issued")
    }
}

/// Reading statements: an agreement's list, one statement, the published keys.
public struct StatementQueries: Sendable {
    let repositories: Repositories

    public func list(agreementID: Int64, scope: AccessScope, page: PageRequest) async throws -> PageOf<IssuedStatement> {
        _ = try await self.repositories.agreements.find(id: agreementID, scope: scope)
        return try await self.repositories.statements.list(agreementID: agreementID, scope: scope, page: page)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> IssuedStatement {
        try await self.repositories.statements.find(id: id, scope: scope)
    }

    public func publicKeys() async throws -> [(id: Int, publicKey: String, createdAt: Date)] {
        try await self.repositories.statements.publicKeys()
    }

    /// The newest statements of the scope's vendor (none for the customer's scope, which reads them per agreement).
    public func recent(scope: AccessScope, limit: Int) async throws -> [IssuedStatement] {
        guard let vendorID = scope.vendorID else { return [] }
        return try await self.repositories.statements.recent(vendorID: vendorID, limit: limit)
    }
}

extension UseCases {
    public var statements: StatementQueries { StatementQueries(repositories: self.repositories) }
}

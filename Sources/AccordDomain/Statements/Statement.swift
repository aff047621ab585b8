import Foundation

/// What a monthly statement states: for one agreement and one month (in its zone), each objective's closed period
/// against the SLA, its breach and the credit owed with its computation, the exclusions applied, the claims and
/// disputes decided in the month, and a digest of each period's lineage. Only what both parties may read: no internal
/// SLO, no error budget, no staff names.
public struct StatementFacts: Sendable, Equatable {
    public struct Agreement: Sendable, Equatable {
        public var id: Int64
        public var title: String
        public var vendorID: Int64?
        public var vendorName: String?
        public var timeZone: String

        public init(id: Int64, title: String, vendorID: Int64?, vendorName: String?, timeZone: String) {
            self.id = id
            self.title = title
            self.vendorID = vendorID
            self.vendorName = vendorName
            self.timeZone = timeZone
        }
    }

    public struct Credit: Sendable, Equatable {
        public var tierPercent: Decimal
        public var percent: Decimal
        public var onProbation: Bool
        public var periodFee: Decimal
        public var currency: String
        public var amount: Decimal
        public var status: String

        public init(tierPercent: Decimal, percent: Decimal, onProbation: Bool, periodFee: Decimal, currency: String, amount: Decimal, status: String) {
            self.tierPercent = tierPercent
            self.percent = percent
            self.onProbation = onProbation
            self.periodFee = periodFee
            self.currency = currency
            self.amount = amount
            self.status = status
        }
    }

    public struct Objective: Sendable, Equatable {
        public var objectiveID: Int64
        public var name: String
        public var sliKind: String
        public var periodStart: Date
        public var periodEnd: Date
        public var revision: Int
        public var slaTarget: Decimal
        /// Exact counts (fractions where an exclusion took part of a bucket).
        public var good: String
        public var valid: String
        public var attainment: Decimal?
        public var status: TargetStatus
        public var credit: Credit?
        /// Approved exclusions overlapping the period.
        public var exclusions: [String]
        public var lineageDigest: String

        public init(
            objectiveID: Int64, name: String, sliKind: String, periodStart: Date, periodEnd: Date, revision: Int, slaTarget: Decimal, good: String,
            valid: String, attainment: Decimal?, status: TargetStatus, credit: Credit?, exclusions: [String], lineageDigest: String
        ) {
            self.objectiveID = objectiveID
            self.name = name
            self.sliKind = sliKind
            self.periodStart = periodStart
            self.periodEnd = periodEnd
            self.revision = revision
            self.slaTarget = slaTarget
            self.good = good
            self.valid = valid
            self.attainment = attainment
            self.status = status
            self.credit = credit
            self.exclusions = exclusions
            self.lineageDigest = lineageDigest
        }
    }

    /// A claim or dispute decided in the month.
    public struct Decision: Sendable, Equatable {
        public var kind: String
        public var id: Int64
        public var status: String
        public var decidedAt: Date
        public var summary: String

        public init(kind: String, id: Int64, status: String, decidedAt: Date, summary: String) {
            self.kind = kind
            self.id = id
            self.status = status
            self.decidedAt = decidedAt
            self.summary = summary
        }
    }

    public var agreement: Agreement
    /// The first day of the month.
    public var month: LocalDate
    public var objectives: [Objective]
    public var decisions: [Decision]

    public init(agreement: Agreement, month: LocalDate, objectives: [Objective], decisions: [Decision]) {
        self.agreement = agreement
        self.month = month
        self.objectives = objectives
        self.decisions = decisions
    }

    /// The figures as canonical JSON: what a new revision is compared on.
    public var content: CanonicalJSON {
        let objectives = self.objectives.sorted { ($0.name, $0.objectiveID) < ($1.name, $1.objectiveID) }.map { line -> CanonicalJSON in
            var fields: [String: CanonicalJSON] = [
                "objective_id": .string("\(line.objectiveID)"), "name": .string(line.name), "sli": .string(line.sliKind),
                "period": .object(["from": .string(RFC3339.format(line.periodStart)), "to": .string(RFC3339.format(line.periodEnd))]),
                "period_revision": .string("\(line.revision)"), "sla_target_percent": .string(line.slaTarget.plain),
                "good": .string(line.good), "valid": .string(line.valid), "attainment_percent": .optional(line.attainment?.plain),
                "status": .string(line.status.rawValue), "breach": .bool(line.status == .breached),
                "exclusions": .array(line.exclusions.map(CanonicalJSON.string)), "lineage_sha256": .string(line.lineageDigest),
            ]
            fields["credit"] = line.credit.map { credit in
                .object([
                    "tier_percent": .string(credit.tierPercent.plain), "percent": .string(credit.percent.plain), "on_probation": .bool(credit.onProbation),
                    "period_fee": .string(credit.periodFee.plain), "currency": .string(credit.currency), "amount": .string(credit.amount.plain),
                    "status": .string(credit.status), "computation": .string(Self.computation(credit)),
                ])
            } ?? .null
            return .object(fields)
        }
        let totals = Dictionary(grouping: self.objectives.compactMap(\.credit), by: \.currency).sorted { $0.key < $1.key }.map { currency, credits in
            CanonicalJSON.object(["currency": .string(currency), "amount": .string(credits.reduce(Decimal(0)) { $0 + $1.amount }.plain)])
        }
        return .object([
            "agreement": .object([
                "id": .string("\(self.agreement.id)"), "title": .string(self.agreement.title), "vendor": .optional(self.agreement.vendorName),
                "time_zone": .string(self.agreement.timeZone),
            ]),
            "month": .string(String(self.month.description.prefix(7))),
            "objectives": .array(objectives),
            "credits_owed": .array(totals),
            "breaches": .string("\(self.objectives.filter { $0.status == .breached }.count)"),
            "decisions": .array(
                self.decisions.sorted { ($0.decidedAt, $0.kind, $0.id) < ($1.decidedAt, $1.kind, $1.id) }.map { decision in
                    .object([
                        "kind": .string(decision.kind), "id": .string("\(decision.id)"), "status": .string(decision.status),
                        "decided_at": .string(RFC3339.format(decision.decidedAt)), "summary": .string(decision.summary),
                    ])
                }),
        ])
    }

    /// "99.5 % not reached: tier 10 % of the period fee 1000 EUR = 100 EUR", with the probation factor where it applied.
    public static func computation(_ credit: Credit) -> String {
        let probation = credit.onProbation && credit.percent != credit.tierPercent ? " (on probation: \(credit.percent.plain) %)" : ""
        return "\(credit.tierPercent.plain) % of the period fee \(Money.format(credit.periodFee, credit.currency))\(probation) = \(Money.format(credit.amount, credit.currency))"
    }
}

/// An issued statement: the content with its place in the agreement's chain, as signed.
public struct StatementDocument: Sendable, Equatable {
    public static let format = "accord-statement/1"

    public var content: CanonicalJSON
    public var revision: Int
    /// The SHA-256 of the agreement's previous statement, nil for its first.
    public var previousSHA256: String?
    /// The SHA-256 of the revision this one replaces.
    public var supersedesSHA256: String?
    public var issuedAt: Date
    public var keyID: Int

    public init(content: CanonicalJSON, revision: Int, previousSHA256: String?, supersedesSHA256: String?, issuedAt: Date, keyID: Int) {
        self.content = content
        self.revision = revision
        self.previousSHA256 = previousSHA256
        self.supersedesSHA256 = supersedesSHA256
        self.issuedAt = issuedAt
        self.keyID = keyID
    }

    /// The object signed: the content and the chain, in canonical JSON.
    public var signed: CanonicalJSON {
        guard case .object(var members) = self.content else { return self.content }
        members["format"] = .string(Self.format)
        members["revision"] = .string("\(self.revision)")
        members["previous_sha256"] = .optional(self.previousSHA256)
        members["supersedes_sha256"] = .optional(self.supersedesSHA256)
        members["issued_at"] = .string(RFC3339.format(self.issuedAt))
        members["key_id"] = .string("\(self.keyID)")
        return .object(members)
    }
}

/// One statement as it is stored and read.
public struct IssuedStatement: Sendable, Equatable {
    public var id: Int64
    public var agreementID: Int64
    public var vendorID: Int64?
    public var month: LocalDate
    public var revision: Int
    public var canonical: String
    public var sha256: String
    public var signature: String
    public var keyID: Int
    public var publicKey: String
    public var previousSHA256: String?
    public var supersedesID: Int64?
    public var issuedAt: Date

    public init(
        id: Int64, agreementID: Int64, vendorID: Int64?, month: LocalDate, revision: Int, canonical: String, sha256: String, signature: String, keyID: Int,
        publicKey: String, previousSHA256: String?, supersedesID: Int64?, issuedAt: Date
    ) {
        self.id = id
        self.agreementID = agreementID
        self.vendorID = vendorID
        self.month = month
        self.revision = revision
        self.canonical = canonical
        self.sha256 = sha256
        self.signature = signature
        self.keyID = keyID
        self.publicKey = publicKey
        self.previousSHA256 = previousSHA256
        self.supersedesID = supersedesID
        self.issuedAt = issuedAt
    }

    /// The file anyone can check: the statement, its SHA-256 and the signature with the key that made it.
    public var file: String {
        CanonicalJSON.object([
            "statement": .raw(self.canonical),
            "sha256": .string(self.sha256),
            "signature": .object([
                "algorithm": .string("Ed25519"), "key_id": .string("\(self.keyID)"), "public_key": .string(self.publicKey), "value": .string(self.signature),
            ]),
        ]).text
    }
}

import Foundation

/// A breach not yet analysed, as the form to open an RCA lists it.
public struct UnanalysedBreach: Sendable {
    public var id: Int64
    public var label: String

    public init(id: Int64, label: String) {
        self.id = id
        self.label = label
    }
}

/// One active agreement's RACI matrix against the rules: no finding is a clean matrix.
public struct RACIHealth: Sendable {
    public var agreementID: Int64
    public var title: String
    public var kind: AgreementKind
    public var vendorID: Int64?
    public var vendorName: String?
    public var findings: [RACIFinding]
    /// How many letters the matrix holds: none is a matrix not set yet.
    public var assigned: Int

    /// Conflicts first (a matrix set that breaks a rule), then matrices not set, then warnings only, then clean.
    public var rank: Int { self.errors > 0 ? (self.assigned > 0 ? 0 : 1) : self.warnings > 0 ? 2 : 3 }

    public var errors: Int { self.findings.filter { $0.severity == .error }.count }
    public var warnings: Int { self.findings.filter { $0.severity == .warning }.count }

    public init(
        agreementID: Int64, title: String, kind: AgreementKind, vendorID: Int64? = nil, vendorName: String?, findings: [RACIFinding], assigned: Int = 0
    ) {
        self.assigned = assigned
        self.vendorID = vendorID
        self.agreementID = agreementID
        self.title = title
        self.kind = kind
        self.vendorName = vendorName
        self.findings = findings
    }
}

/// One vendor SLA's contribution to its master over `[since, now)`.
public struct PortalContribution: Sendable {
    public var agreementID: Int64
    public var agreementTitle: String
    public var serviceName: String
    public var dependency: String
    /// Closed periods in which the master breached its SLA.
    public var masterBreaches: Int
    /// Of those, the ones overlapping a period in which this vendor SLA breached its own.
    public var alsoBreached: Int
    /// This vendor's average share of responsibility in accepted joint RCAs of the master, in percent.
    public var averageShare: Decimal?

    public init(agreementID: Int64, agreementTitle: String, serviceName: String, dependency: String, masterBreaches: Int, alsoBreached: Int, averageShare: Decimal?) {
        self.agreementID = agreementID
        self.agreementTitle = agreementTitle
        self.serviceName = serviceName
        self.dependency = dependency
        self.masterBreaches = masterBreaches
        self.alsoBreached = alsoBreached
        self.averageShare = averageShare
    }
}

/// A breach of a vendor's SLA as its portal lists it (SLO breaches are the customer's internal matter).
public struct VendorBreach: Sendable {
    public var objectiveID: Int64
    public var objectiveName: String
    public var agreementTitle: String
    public var periodStart: Date
    public var periodEnd: Date
    public var timeZone: String
    public var attainment: Decimal
    public var target: Decimal

    public init(objectiveID: Int64, objectiveName: String, agreementTitle: String, periodStart: Date, periodEnd: Date, timeZone: String, attainment: Decimal, target: Decimal) {
        self.objectiveID = objectiveID
        self.objectiveName = objectiveName
        self.agreementTitle = agreementTitle
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.timeZone = timeZone
        self.attainment = attainment
        self.target = target
    }
}

/// One RCA as lists show it.
public struct RCASummary: Sendable, Codable, Equatable {
    public var id: Int64
    public var title: String
    public var status: RCAState
    public var dueOn: LocalDate
    public var openedAt: Date
    public var automatic: Bool
    public var parties: [String]
    public var breachCount: Int
    public var overdue: Bool

    public init(id: Int64, title: String, status: RCAState, dueOn: LocalDate, openedAt: Date, automatic: Bool, parties: [String], breachCount: Int, overdue: Bool) {
        self.id = id
        self.title = title
        self.status = status
        self.dueOn = dueOn
        self.openedAt = openedAt
        self.automatic = automatic
        self.parties = parties
        self.breachCount = breachCount
        self.overdue = overdue
    }
}

/// Someone who may own a corrective action: a person of one of the RCA's parties (the customer's staff, a vendor's
/// users and contacts). `key` is `user:<id>` or `contact:<id>`, as forms send it.
public struct OwnerCandidate: Sendable, Equatable {
    public var key: String
    public var name: String
    public var vendorID: Int64?
    public var party: String

    public init(key: String, name: String, vendorID: Int64?, party: String) {
        self.key = key
        self.name = name
        self.vendorID = vendorID
        self.party = party
    }
}

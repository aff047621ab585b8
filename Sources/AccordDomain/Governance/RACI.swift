import Foundation

/// The governance activities a RACI matrix assigns.
public enum GovernanceActivity: String, Sendable, Codable, CaseIterable {
    case dataFeed = "data_feed"
    case exclusionApproval = "exclusion_approval"
    case disputeDecision = "dispute_decision"
    case rcaFacilitation = "rca_facilitation"
    case rcaSubmission = "rca_submission"
    case capaVerification = "capa_verification"
    case creditApproval = "credit_approval"
    case reviewChairing = "review_chairing"
    case packPreparation = "pack_preparation"
    case renegotiation
    case renewalDecision = "renewal_decision"

    public var label: String {
        switch self {
        case .dataFeed: "Data feed"
        case .exclusionApproval: "Exclusion approval"
        case .disputeDecision: "Dispute decision"
        case .rcaFacilitation: "RCA facilitation"
        case .rcaSubmission: "RCA submission"
        case .capaVerification: "CAPA verification"
        case .creditApproval: "Credit approval"
        case .reviewChairing: "Review chairing"
        case .packPreparation: "Pack preparation"
        case .renegotiation: "Renegotiation"
        case .renewalDecision: "Renewal decision"
        }
    }
}

/// Responsible, Accountable, Consulted, Informed.
public enum RACILetter: String, Sendable, Codable, CaseIterable {
    case responsible = "R"
    case accountable = "A"
    case consulted = "C"
    case informed = "I"
}

/// Who holds a letter: a person of the customer, or a vendor's contact or user.
public struct RACIParty: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        case person, vendorContact = "vendor_contact", vendorUser = "vendor_user"
    }

    public var kind: Kind
    public var id: Int64
    /// How the party is named in messages.
    public var name: String

    public init(kind: Kind, id: Int64, name: String) {
        self.kind = kind
        self.id = id
        self.name = name
    }

    public static func == (lhs: RACIParty, rhs: RACIParty) -> Bool { lhs.kind == rhs.kind && lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.kind)
        hasher.combine(self.id)
    }
}

public struct RACIAssignment: Sendable, Equatable, Codable {
    public var activity: GovernanceActivity
    public var party: RACIParty
    public var letter: RACILetter

    public init(activity: GovernanceActivity, party: RACIParty, letter: RACILetter) {
        self.activity = activity
        self.party = party
        self.letter = letter
    }
}

/// One rule a RACI matrix breaks: an error (it must be fixed) or a warning (it works, but someone should look).
public struct RACIFinding: Sendable, Equatable {
    public enum Severity: String, Sendable { case error, warning }

    public var activity: GovernanceActivity
    public var severity: Severity
    public var message: String
}

/// A RACI matrix of one agreement (or master SLA): exactly one A per activity (error otherwise), at least one R
/// (warning: an A without R does the work), one letter per party per activity (error).
public struct RACIMatrix: Sendable, Equatable {
    public var assignments: [RACIAssignment]

    /// The same row given twice counts once.
    public init(_ assignments: [RACIAssignment]) {
        var unique: [RACIAssignment] = []
        for assignment in assignments where !unique.contains(assignment) { unique.append(assignment) }
        self.assignments = unique
    }

    /// Who decides renegotiations for the customer: the people responsible who may manage contracts (`mayDecide`),
    /// else the accountable one if they may; empty when neither, and then any contract manager decides.
    public func renegotiationDeciders(mayDecide: Set<Int64>) -> [RACIParty] {
        for letter in [RACILetter.responsible, .accountable] {
            var seen = Set<RACIParty>()
            let people = self.assignments.filter {
                $0.activity == .renegotiation && $0.letter == letter && $0.party.kind == .person && mayDecide.contains($0.party.id)
            }.map(\.party).filter { seen.insert($0).inserted }
            if !people.isEmpty { return people }
        }
        return []
    }

    /// `mayDecide`: the customer's people who may manage contracts (when known). A renegotiation whose R and A people
    /// include none of them is decided by any contract manager: a warning, since the matrix does not say who decides.
    public func findings(mayDecide: Set<Int64>? = nil) -> [RACIFinding] {
        var findings: [RACIFinding] = []
        if let mayDecide, self.renegotiationDeciders(mayDecide: mayDecide).isEmpty {
            let named = self.assignments.filter {
                $0.activity == .renegotiation && [.responsible, .accountable].contains($0.letter) && $0.party.kind == .person
            }
            if !named.isEmpty {
                let names = Set(named.map(\.party.name)).sorted().joined(separator: ", ")
                findings.append(
                    .init(
                        activity: .renegotiation, severity: .warning,
                        message: "\(GovernanceActivity.renegotiation.label): \(names) may not manage contracts, so any contract manager proposes and accepts terms instead; name a contract manager R or A."))
            }
        }
        for activity in GovernanceActivity.allCases {
            let rows = self.assignments.filter { $0.activity == activity }
            let accountable = rows.filter { $0.letter == .accountable }
            if accountable.isEmpty {
                findings.append(.init(activity: activity, severity: .error, message: "\(activity.label) has no one accountable (A): give it exactly one."))
            } else if accountable.count > 1 {
                let names = accountable.map(\.party.name).joined(separator: ", ")
                findings.append(
                    .init(activity: activity, severity: .error, message: "\(activity.label) has \(accountable.count) accountable (A): \(names); keep exactly one."))
            }
            for (party, letters) in Dictionary(grouping: rows, by: \.party).sorted(by: { $0.key.name < $1.key.name }) where letters.count > 1 {
                let list = letters.map(\.letter.rawValue).joined(separator: " and ")
                findings.append(
                    .init(activity: activity, severity: .error, message: "\(party.name) holds \(list) on \(activity.label): one letter per party."))
            }
            if !accountable.isEmpty, !rows.contains(where: { $0.letter == .responsible }) {
                findings.append(
                    .init(
                        activity: activity, severity: .warning,
                        message: "\(activity.label) has no one responsible (R): \(accountable[0].party.name), accountable, does the work."))
            }
        }
        return findings
    }

    public var errors: [RACIFinding] { self.findings().filter { $0.severity == .error } }

    /// Who acts on an activity: those responsible, or the accountable party when no one is.
    public func actors(for activity: GovernanceActivity) -> [RACIParty] {
        var seen = Set<RACIParty>()
        let responsible = self.assignments.filter { $0.activity == activity && $0.letter == .responsible }.map(\.party)
        let actors = responsible.isEmpty ? self.assignments.filter { $0.activity == activity && $0.letter == .accountable }.map(\.party) : responsible
        return actors.filter { seen.insert($0).inserted }
    }

    /// Who hears of an activity's events: everyone with a letter on it.
    public func recipients(for activity: GovernanceActivity) -> [RACIParty] {
        var seen = Set<RACIParty>()
        return self.assignments.filter { $0.activity == activity }.map(\.party).filter { seen.insert($0).inserted }
    }
}

extension RACIMatrix {
    /// What a replacement matrix must be: at most 50 assignments per letter and activity, each naming a party of the
    /// agreement (`candidates`), the first row that does not named.
    public static func check(_ assignments: [RACIAssignment], candidates: [RACIParty]) -> ValidationErrors {
        if assignments.count > GovernanceActivity.allCases.count * 4 * 50 { return ValidationErrors([FieldError("assignments", "Too many assignments.")]) }
        for (index, assignment) in assignments.enumerated() where !candidates.contains(assignment.party) {
            return ValidationErrors([
                FieldError("assignments", "Row \(index + 1): \(assignment.party.kind.rawValue) \(assignment.party.id) is not a party of this agreement.")
            ])
        }
        return ValidationErrors()
    }
}

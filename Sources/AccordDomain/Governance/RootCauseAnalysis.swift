import Foundation

/// Where a joint root-cause analysis stands: `requested → in_progress → submitted → accepted → closed`, or
/// `submitted → returned` (with a comment) `→ in_progress` again.
public enum RCAState: String, Sendable, Codable, CaseIterable {
    case requested
    case inProgress = "in_progress"
    case submitted
    case returned
    case accepted
    case closed

    public var label: String {
        switch self {
        case .inProgress: "in progress"
        default: self.rawValue
        }
    }
}

/// A step someone takes on an RCA.
public enum RCAStep: Sendable, Equatable {
    case start
    case submit
    case accept
    case giveBack(comment: String)
    case close

    public var name: String {
        switch self {
        case .start: "start"
        case .submit: "submit"
        case .accept: "accept"
        case .giveBack: "return"
        case .close: "close"
        }
    }
}

/// The root-cause categories of a finding.
public enum RootCauseCategory: String, Sendable, Codable, CaseIterable {
    case codeDefect = "code_defect"
    case infrastructureFailure = "infrastructure_failure"
    case thirdPartyDependency = "third_party_dependency"
    case deployOrChange = "deploy_or_change"
    case capacity
    case processOrHuman = "process_or_human"
    case customerCaused = "customer_caused"
    case unknown

    public var label: String { self.rawValue.replacingOccurrences(of: "_", with: " ").capitalizedFirst }
}

extension String {
    var capitalizedFirst: String { self.prefix(1).uppercased() + self.dropFirst() }
}

/// The rules of a joint RCA that need no storage: its flow, its signatures, its root-cause statement and the shares
/// of responsibility.
public enum RCARules {
    /// The state after `step`, or why it cannot be taken. `byCustomer`: the customer accepts, returns and closes; any
    /// party starts and submits. Submitting needs every party's signature on the current content.
    public static func apply(_ step: RCAStep, to state: RCAState, byCustomer: Bool, signatures: RCASignatures) throws -> RCAState {
        switch (step, state) {
        case (.start, .requested), (.start, .returned):
            return .inProgress
        case (.submit, .inProgress):
            guard signatures.isComplete else {
                let missing = signatures.missing.map(\.name).sorted().joined(separator: ", ")
                throw RuleViolation("Every party signs this version before it is submitted; still to sign: \(missing).")
            }
            return .submitted
        case (.accept, .submitted):
            guard byCustomer else { throw RuleViolation("The customer accepts an RCA.") }
            return .accepted
        case (.giveBack(let comment), .submitted):
            guard byCustomer else { throw RuleViolation("The customer returns an RCA.") }
            let comment = comment.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !comment.isEmpty, comment.count <= Bounds.textLength else {
                throw ValidationErrors([FieldError("comment", "Say what the RCA still needs (at most \(Bounds.textLength) characters).")])
            }
            return .returned
        case (.close, .accepted):
            guard byCustomer else { throw RuleViolation("The customer closes an RCA.") }
            return .closed
        default:
            throw RuleViolation("An RCA that is \(state.label) cannot be \(Self.pastTense(step)).")
        }
    }

    public static func pastTense(_ step: RCAStep) -> String {
        switch step {
        case .start: "started"
        case .submit: "submitted"
        case .accept: "accepted"
        case .giveBack: "returned"
        case .close: "closed"
        }
    }

    /// Statements that name no cause: "human error" alone is not a root cause.
    static let causeless: Set<String> = ["human error", "user error", "operator error", "human mistake", "mistake", "error", "people"]

    /// Checks a root-cause statement: required, at most `Bounds.textLength` characters, and more than "human error".
    public static func checkRootCause(_ statement: String, into errors: inout ValidationErrors) {
        let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        let bare = String(trimmed.lowercased().map { $0.isLetter ? $0 : " " }).split(separator: " ").joined(separator: " ")
        if trimmed.isEmpty {
            errors.add("root_cause", "State the root cause: what made the failure possible.")
        } else if trimmed.count > Bounds.textLength {
            errors.add("root_cause", "The root cause may be at most \(Bounds.textLength) characters.")
        } else if Self.causeless.contains(bare) {
            errors.add(
                "root_cause",
                "\"\(trimmed.prefix(40))\" alone is not a root cause: say what made the error possible (a missing check, an unclear runbook, an unsafe default).")
        }
    }

    /// Checks responsibility shares: each from 0 to 100 %, and together exactly 100 when any is given.
    public static func checkShares(_ shares: [String: Decimal], into errors: inout ValidationErrors) {
        guard !shares.isEmpty else { return }
        for (party, share) in shares.sorted(by: { $0.key < $1.key }) where !(share >= 0 && share <= 100) {
            errors.add("shares", "The share of \(party.prefix(60)) must be from 0 to 100 %.")
        }
        let total = shares.values.reduce(Decimal(0), +)
        if total != 100 { errors.add("shares", "Responsibility shares total \(total.plain) %: they must total 100 %.") }
    }
}

/// Who signed which version of an RCA. A signature holds the content hash it was given for: once the content changes,
/// earlier signatures no longer count (an edit voids them).
public struct RCASignatures: Sendable, Equatable {
    public var parties: [RACIParty]
    public var contentHash: String
    /// Party → the content hash it signed.
    public var signed: [RACIParty: String]

    public init(parties: [RACIParty], contentHash: String, signed: [RACIParty: String] = [:]) {
        self.parties = parties
        self.contentHash = contentHash
        self.signed = signed
    }

    /// The parties whose signature is on the current content.
    public var valid: Set<RACIParty> { Set(self.parties.filter { self.signed[$0] == self.contentHash }) }
    public var missing: [RACIParty] { self.parties.filter { self.signed[$0] != self.contentHash } }
    public var isComplete: Bool { !self.parties.isEmpty && self.missing.isEmpty }

    public mutating func sign(_ party: RACIParty) throws {
        guard self.parties.contains(party) else { throw RuleViolation("\(party.name) is not a party to this RCA.") }
        self.signed[party] = self.contentHash
    }

    /// The content changed: signatures on the earlier version stay recorded but count no more.
    public mutating func contentChanged(to hash: String) { self.contentHash = hash }
}

import Foundation

/// What a corrective or preventive action does.
public enum ActionType: String, Sendable, Codable, CaseIterable {
    case mitigate, repair, detect, prevent
}

/// Where a corrective action stands: open → in progress → done (with evidence) → verified, or reopened; cancelled
/// (with a reason) while it is not done.
public enum ActionState: String, Sendable, Codable, CaseIterable {
    case open
    case inProgress = "in_progress"
    case done
    case verified
    case cancelled

    public var label: String { self == .inProgress ? "in progress" : self.rawValue }
}

public enum ActionStep: Sendable, Equatable {
    case start
    case finish(evidence: String)
    case verify
    case reopen(reason: String)
    case cancel(reason: String)
}

extension ActionStep {
    /// The step as the action's history names it.
    public var pastTense: String {
        switch self {
        case .start: "started"
        case .finish: "done"
        case .verify: "verified"
        case .reopen: "reopened"
        case .cancel: "cancelled"
        }
    }

    /// What moving an action this step leaves: its history line (with the evidence or reason given) and the audit record.
    public func moved(before: CorrectiveAction, after: CorrectiveAction) -> [Effect] {
        let note: String =
            switch self {
            case .finish(let text), .reopen(let text), .cancel(let text): text.trimmingCharacters(in: .whitespacesAndNewlines)
            case .start, .verify: ""
            }
        return [
            .history(.action, id: after.id, action: self.pastTense, note: note),
            .audit(AuditRecord(action: self.pastTense, entity: "corrective_action", entityID: after.id, before: before, after: after)),
        ]
    }
}

extension CorrectiveAction {
    /// What raising an action leaves: its first history line, a line in its RCA's history, and the audit record.
    public var raised: [Effect] {
        [
            .history(.action, id: self.id, action: "raised", note: ""),
            .history(.rca, id: self.rcaID, action: "action raised", note: "\(self.type.rawValue): \(self.description.prefix(200))"),
            .audit(AuditRecord(action: "create", entity: "corrective_action", entityID: self.id, after: self)),
        ]
    }
}

public enum ActionRules {
    /// The state after `step`, or why it cannot be taken. The customer verifies and reopens.
    public static func apply(_ step: ActionStep, to state: ActionState, byCustomer: Bool) throws -> ActionState {
        func required(_ text: String, field: String, _ message: String) throws {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed.count <= Bounds.textLength else { throw ValidationErrors([FieldError(field, message)]) }
        }
        switch (step, state) {
        case (.start, .open):
            return .inProgress
        case (.finish(let evidence), .open), (.finish(let evidence), .inProgress):
            try required(evidence, field: "evidence", "Closing an action needs evidence: a link, a change id or what was done.")
            return .done
        case (.verify, .done):
            guard byCustomer else { throw RuleViolation("The customer verifies an action.") }
            return .verified
        case (.reopen(let reason), .done), (.reopen(let reason), .verified):
            guard byCustomer else { throw RuleViolation("The customer reopens an action.") }
            try required(reason, field: "reason", "Say why the action is reopened.")
            return .open
        case (.cancel(let reason), .open), (.cancel(let reason), .inProgress):
            try required(reason, field: "reason", "Say why the action is cancelled.")
            return .cancelled
        default:
            throw RuleViolation("An action that is \(state.label) cannot take that step.")
        }
    }

    /// Whether an action is overdue on `today`: due before it and not yet done, verified or cancelled.
    public static func isOverdue(state: ActionState, due: LocalDate, today: LocalDate) -> Bool {
        [.open, .inProgress].contains(state) && due < today
    }
}

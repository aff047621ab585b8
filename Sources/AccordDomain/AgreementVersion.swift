import Foundation

public enum VersionState: String, Sendable, Codable {
    /// Still being written: objectives may change.
    case draft
    /// In force from `effectiveFrom`: never edited again; an amendment makes a new version.
    case active
}

/// One set of terms of an agreement, in force from `effectiveFrom` until the next active version.
public struct AgreementVersion: Sendable, Codable, Equatable {
    public var id: Int64
    public var agreementID: Int64
    public var number: Int
    public var effectiveFrom: LocalDate
    public var state: VersionState
    public var note: String
    public var activatedAt: Date?
    public var objectiveCount: Int
    public var rowVersion: Int

    public init(
        id: Int64, agreementID: Int64, number: Int, effectiveFrom: LocalDate, state: VersionState, note: String, activatedAt: Date?,
        objectiveCount: Int, rowVersion: Int
    ) {
        self.id = id
        self.agreementID = agreementID
        self.number = number
        self.effectiveFrom = effectiveFrom
        self.state = state
        self.note = note
        self.activatedAt = activatedAt
        self.objectiveCount = objectiveCount
        self.rowVersion = rowVersion
    }
}

/// The rules for making and activating versions of an agreement's terms.
public enum VersionRules {
    /// The active version whose terms govern a period starting on `day`.
    public static func version(inForceOn day: LocalDate, among versions: [AgreementVersion]) -> AgreementVersion? {
        versions.filter { $0.state == .active && $0.effectiveFrom <= day }.max { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// The effective date an amendment form proposes: the first of the month after today, or after the latest version's
    /// start when that is later (so a second amendment's default is one the form accepts); nil when no such day falls
    /// before the agreement's end.
    public static func proposedEffectiveDate(today: LocalDate, agreement: Agreement, existing versions: [AgreementVersion]) -> LocalDate? {
        let after = max(today, versions.map(\.effectiveFrom).max() ?? today)
        let proposed = after.firstOfNextMonth
        if let end = agreement.endDate, proposed >= end { return nil }
        return proposed
    }

    /// How a version stands on `day`: "draft", "in force", "scheduled (from …)" for an active version still to come,
    /// or "superseded" for an active version a later one has replaced.
    public static func stateLabel(_ version: AgreementVersion, on day: LocalDate, among versions: [AgreementVersion]) -> String {
        guard version.state == .active else { return "draft" }
        if version.effectiveFrom > day { return "scheduled (from \(version.effectiveFrom))" }
        return Self.version(inForceOn: day, among: versions)?.id == version.id ? "in force" : "superseded"
    }

    /// Checks an amendment that would add a new draft version effective from `effectiveFrom`.
    public static func validateAmendment(
        effectiveFrom: LocalDate?, agreement: Agreement, existing versions: [AgreementVersion]
    ) -> ValidationErrors {
        var errors = ValidationErrors()
        guard agreement.status == .active else {
            errors.add("effective_from", "Only an active agreement can be amended; edit the draft version instead.")
            return errors
        }
        if versions.contains(where: { $0.state == .draft }) {
            errors.add("effective_from", "Version \(versions.first { $0.state == .draft }!.number) is still a draft: activate or change it first.")
            return errors
        }
        guard let effectiveFrom else {
            errors.add("effective_from", "Effective from is required (YYYY-MM-DD).")
            return errors
        }
        if let latest = versions.map(\.effectiveFrom).max(), effectiveFrom <= latest {
            errors.add("effective_from", "Effective from must be after \(latest), when the latest version takes effect.")
        }
        if let end = agreement.endDate, effectiveFrom >= end {
            errors.add("effective_from", "Effective from must be before the agreement ends on \(end).")
        }
        return errors
    }

    /// Checks that a draft version may be activated.
    public static func validateActivation(of version: AgreementVersion) -> ValidationErrors {
        var errors = ValidationErrors()
        if version.state != .draft { errors.add("version", "Version \(version.number) is already active.") }
        if version.objectiveCount == 0 { errors.add("version", "Add at least one objective before activating version \(version.number).") }
        return errors
    }
}

/// A version put in force, as it stood before and after.
public struct VersionActivation: Sendable {
    public var before: AgreementVersion
    public var after: AgreementVersion

    public init(before: AgreementVersion, after: AgreementVersion) {
        self.before = before
        self.after = after
    }

    /// The audit line of the activation, and the dashboard's rows matched to the objectives it puts in force.
    public var effects: [Effect] {
        [.audit(AuditRecord(action: "activate", entity: "agreement_version", entityID: self.after.id, before: self.before, after: self.after)), .matchDashboard]
    }
}

extension AgreementVersion {
    /// The audit line of a new draft version (an amendment).
    public var amended: [Effect] {
        [.audit(AuditRecord(action: "amend", entity: "agreement_version", entityID: self.id, after: self))]
    }
}

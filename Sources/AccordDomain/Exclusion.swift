import Foundation

public enum ExclusionStatus: String, Sendable, Codable {
    /// In force: removes the covered time from ratio buckets and pauses ticket timers.
    case approved
    /// Withdrawn: the covered time counts again; the row is kept as evidence.
    case revoked
}

/// An interval that does not count against an objective: covered time leaves both good and valid, and ticket timers pause.
/// It belongs to the objective's series, so it applies under whichever version is in force.
public struct Exclusion: Sendable, Equatable, Codable {
    public var id: Int64
    public var seriesID: Int64
    public var objectiveID: Int64
    public var kind: ExclusionKind
    public var reason: String
    public var startsAt: Date
    public var endsAt: Date
    public var status: ExclusionStatus
    public var createdBy: String?
    public var createdAt: Date
    public var revokedAt: Date?
    public var revokeReason: String?
    public var rowVersion: Int

    public init(
        id: Int64, seriesID: Int64, objectiveID: Int64, kind: ExclusionKind, reason: String, startsAt: Date, endsAt: Date,
        status: ExclusionStatus, createdBy: String?, createdAt: Date, revokedAt: Date?, revokeReason: String?, rowVersion: Int
    ) {
        self.id = id
        self.seriesID = seriesID
        self.objectiveID = objectiveID
        self.kind = kind
        self.reason = reason
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.status = status
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.revokeReason = revokeReason
        self.rowVersion = rowVersion
    }

    public var span: DateInterval { DateInterval(start: self.startsAt, end: self.endsAt) }
}

/// What a contract manager enters to exclude an interval.
public struct ExclusionDraft: Sendable, Equatable, Codable {
    public var kind: ExclusionKind?
    public var reason: String
    public var startsAt: Date?
    public var endsAt: Date?

    public init(kind: ExclusionKind?, reason: String, startsAt: Date?, endsAt: Date?) {
        self.kind = kind
        self.reason = reason
        self.startsAt = startsAt
        self.endsAt = endsAt
    }

    /// The longest interval one exclusion may cover: longer outages are force majeure negotiations, not exclusions.
    public static let longest: TimeInterval = 31 * 86_400

    /// Checks the draft against the kinds the objective's terms allow.
    public func validate(allowedKinds: [ExclusionKind]) -> ValidationErrors {
        var errors = ValidationErrors()
        if let kind = self.kind {
            if !allowedKinds.contains(kind) {
                let allowed = allowedKinds.map(\.label).joined(separator: ", ")
                errors.add(
                    "kind",
                    allowed.isEmpty
                        ? "This objective's terms allow no exclusions." : "This objective's terms allow only: \(allowed).")
            }
        } else {
            errors.add("kind", "Choose the kind of exclusion.")
        }
        let reason = self.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if reason.isEmpty { errors.add("reason", "Give the reason, as it will appear in reviews and to the vendor.") }
        if reason.count > 2000 { errors.add("reason", "The reason may be at most 2000 characters.") }
        if !(self.startsAt.map(Bounds.contains) ?? false) {
            errors.add("starts_at", "starts_at must be an RFC 3339 timestamp with an offset \(Bounds.yearsText).")
        }
        if !(self.endsAt.map(Bounds.contains) ?? false) {
            errors.add("ends_at", "ends_at must be an RFC 3339 timestamp with an offset \(Bounds.yearsText).")
        }
        if let start = self.startsAt, let end = self.endsAt {
            if end <= start {
                errors.add("ends_at", "The end must be after the start.")
            } else if end.timeIntervalSince(start) > Self.longest {
                errors.add("ends_at", "One exclusion may cover at most 31 days.")
            }
        }
        return errors
    }
}

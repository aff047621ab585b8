import Foundation

/// How an objective's number is measured.
public enum SLIKind: String, Sendable, Codable, CaseIterable {
    /// Good events over valid events, ingested as buckets.
    case ratio
    /// Share of tickets first responded to within their priority's goal.
    case ticketResponse = "ticket_response"
    /// Share of tickets resolved within their priority's goal.
    case ticketResolution = "ticket_resolution"

    public var isTicketBased: Bool { self != .ratio }

    public var label: String {
        switch self {
        case .ratio: "Ratio (good / valid)"
        case .ticketResponse: "Ticket response time"
        case .ticketResolution: "Ticket resolution time"
        }
    }
}

public enum WindowKind: String, Sendable, Codable, CaseIterable {
    case calendarMonth = "calendar_month"
    case calendarQuarter = "calendar_quarter"
    case rollingDays = "rolling_days"
}

/// The span over which attainment is judged.
public enum ObjectiveWindow: Sendable, Equatable {
    case calendarMonth
    case calendarQuarter
    case rollingDays(Int)

    public var kind: WindowKind {
        switch self {
        case .calendarMonth: .calendarMonth
        case .calendarQuarter: .calendarQuarter
        case .rollingDays: .rollingDays
        }
    }

    public var days: Int? {
        if case .rollingDays(let days) = self { return days }
        return nil
    }

    public var label: String {
        switch self {
        case .calendarMonth: "Calendar month"
        case .calendarQuarter: "Calendar quarter"
        case .rollingDays(let days): "Rolling \(days) days"
        }
    }
}

public enum ExclusionKind: String, Sendable, Codable, CaseIterable {
    case plannedMaintenance = "planned_maintenance"
    case forceMajeure = "force_majeure"
    case customerCaused = "customer_caused"

    public var label: String {
        switch self {
        case .plannedMaintenance: "Planned maintenance"
        case .forceMajeure: "Force majeure"
        case .customerCaused: "Customer caused"
        }
    }
}

/// The goal duration of a ticket timer for one priority.
public struct PriorityGoal: Sendable, Codable, Equatable {
    public var priority: String
    public var goalMinutes: Int

    public init(priority: String, goalMinutes: Int) {
        self.priority = priority
        self.goalMinutes = goalMinutes
    }

    enum CodingKeys: String, CodingKey {
        case priority
        case goalMinutes = "goal_minutes"
    }
}

/// One measurable promise inside a version of an agreement.
public struct Objective: Sendable, Equatable {
    public var id: Int64
    public var versionID: Int64
    /// The same promise across versions: an amendment's copy keeps it, so measurements and periods follow the series.
    public var seriesID: Int64
    public var name: String
    public var sliKind: SLIKind
    /// The contractual target, in percent.
    public var slaTarget: Decimal
    /// The stricter internal target, in percent: the buffer before the contract is at risk.
    public var sloTarget: Decimal
    public var window: ObjectiveWindow
    /// nil means the timers run around the clock (24x7).
    public var calendarID: Int64?
    public var calendarName: String?
    public var priorityGoals: [PriorityGoal]
    public var exclusionKinds: [ExclusionKind]
    public var credits: CreditSchedule
    /// Seasons and a ramp: targets that move with the calendar (see `inForce(forPeriodStarting:)`).
    public var movingTerms: MovingTerms
    public var rowVersion: Int
    public var updatedAt: Date

    public init(
        id: Int64, versionID: Int64, seriesID: Int64, name: String, sliKind: SLIKind, slaTarget: Decimal, sloTarget: Decimal, window: ObjectiveWindow,
        calendarID: Int64?, calendarName: String?, priorityGoals: [PriorityGoal], exclusionKinds: [ExclusionKind],
        credits: CreditSchedule, movingTerms: MovingTerms = .none, rowVersion: Int, updatedAt: Date
    ) {
        self.id = id
        self.versionID = versionID
        self.seriesID = seriesID
        self.name = name
        self.sliKind = sliKind
        self.slaTarget = slaTarget
        self.sloTarget = sloTarget
        self.window = window
        self.calendarID = calendarID
        self.calendarName = calendarName
        self.priorityGoals = priorityGoals
        self.exclusionKinds = exclusionKinds
        self.credits = credits
        self.movingTerms = movingTerms
        self.rowVersion = rowVersion
        self.updatedAt = updatedAt
    }

    /// The draft that recreates this objective, used when an amendment copies terms into a new version.
    public var draft: ObjectiveDraft {
        ObjectiveDraft(
            name: self.name, sliKind: self.sliKind, slaTarget: self.slaTarget, sloTarget: self.sloTarget, window: self.window,
            calendarID: self.calendarID, priorityGoals: self.priorityGoals, exclusionKinds: self.exclusionKinds, credits: self.credits,
            movingTerms: self.movingTerms
        )
    }
}

public struct ObjectiveDraft: Sendable, Equatable {
    public var name: String
    public var sliKind: SLIKind
    public var slaTarget: Decimal?
    public var sloTarget: Decimal?
    public var window: ObjectiveWindow?
    public var calendarID: Int64?
    public var priorityGoals: [PriorityGoal]
    public var exclusionKinds: [ExclusionKind]
    public var credits: CreditSchedule
    public var movingTerms: MovingTerms

    public init(
        name: String, sliKind: SLIKind, slaTarget: Decimal?, sloTarget: Decimal?, window: ObjectiveWindow?, calendarID: Int64? = nil,
        priorityGoals: [PriorityGoal] = [], exclusionKinds: [ExclusionKind] = [], credits: CreditSchedule = .none, movingTerms: MovingTerms = .none
    ) {
        self.name = name
        self.sliKind = sliKind
        self.slaTarget = slaTarget
        self.sloTarget = sloTarget
        self.window = window
        self.calendarID = calendarID
        self.priorityGoals = priorityGoals
        self.exclusionKinds = exclusionKinds
        self.credits = credits
        self.movingTerms = movingTerms
    }

    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        Text.requireName(self.name, field: "name", into: &errors)
        let sla = Self.checkPercent(self.slaTarget, field: "sla_target", label: "SLA target", into: &errors)
        let slo = Self.checkPercent(self.sloTarget, field: "slo_target", label: "SLO target", into: &errors)
        if let sla, let slo, slo <= sla {
            errors.add("slo_target", "SLO target (\(slo)) must be stricter than the SLA target (\(sla)): set it above \(sla) %.")
        }
        switch self.window {
        case nil: errors.add("window", "Choose a window.")
        case .rollingDays(let days) where !(1...366).contains(days):
            errors.add("window_days", "A rolling window must be between 1 and 366 days.")
        default: break
        }
        self.validateGoals(into: &errors)
        errors.merge(self.credits.validate())
        errors.merge(self.movingTerms.validate(window: self.window, slaTarget: self.slaTarget))
        return errors
    }

    private func validateGoals(into errors: inout ValidationErrors) {
        guard self.sliKind.isTicketBased else {
            if !self.priorityGoals.isEmpty { errors.add("priority_goals", "Only ticket objectives have goals per priority.") }
            return
        }
        if self.priorityGoals.isEmpty {
            errors.add("priority_goals", "A ticket objective needs a goal for at least one priority, e.g. P1 = 60 minutes.")
        }
        var seen = Set<String>()
        for goal in self.priorityGoals {
            if goal.priority.trimmingCharacters(in: .whitespaces).isEmpty || goal.priority.count > 50 {
                errors.add("priority_goals", "Each priority needs a name of 1 to 50 characters.")
            } else if !seen.insert(goal.priority.lowercased()).inserted {
                errors.add("priority_goals", "Priority \(goal.priority) has more than one goal.")
            }
            if !Bounds.goalMinutes.contains(goal.goalMinutes) {
                errors.add("priority_goals", "The goal for \(goal.priority) must be from 1 minute to a year (527040 minutes).")
            }
        }
    }

    private static func checkPercent(_ value: Decimal?, field: String, label: String, into errors: inout ValidationErrors) -> Decimal? {
        guard let value else {
            errors.add(field, "\(label) is required, in percent (e.g. 99.9).")
            return nil
        }
        guard value > 0, value <= 100 else {
            errors.add(field, "\(label) must be above 0 and at most 100 %.")
            return nil
        }
        guard value.rounded(places: Bounds.targetPlaces) == value else {
            errors.add(field, "\(label) may have at most \(Bounds.targetPlaces) decimal places (e.g. 99.9995).")
            return nil
        }
        return value
    }
}

extension ObjectiveWindow: Codable {
    enum CodingKeys: String, CodingKey { case kind, days }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(WindowKind.self, forKey: .kind) {
        case .calendarMonth: self = .calendarMonth
        case .calendarQuarter: self = .calendarQuarter
        case .rollingDays: self = .rollingDays(try container.decode(Int.self, forKey: .days))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.kind, forKey: .kind)
        try container.encodeIfPresent(self.days, forKey: .days)
    }
}

extension Objective: Codable {}

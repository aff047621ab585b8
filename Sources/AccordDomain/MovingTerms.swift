import Foundation

/// A day of the year that recurs every year (`11-01`), in the agreement's zone.
public struct MonthDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let month: Int
    public let day: Int

    public init?(month: Int, day: Int) {
        // 29 February is a day of the year only in leap years: a season names month ends as the last day it has
        let lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...lengths[month - 1]).contains(day) else { return nil }
        self.month = month
        self.day = day
    }

    /// `MM-DD`.
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let month = Int(parts[0]), let day = Int(parts[1]) else { return nil }
        self.init(month: month, day: day)
    }

    public var description: String { String(format: "%02d-%02d", self.month, self.day) }

    public static func < (lhs: MonthDay, rhs: MonthDay) -> Bool { (lhs.month, lhs.day) < (rhs.month, rhs.day) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = MonthDay(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not MM-DD"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }

    /// Whether this is the last day of its month (28 February counts, so a season may end with February in any year).
    var isMonthEnd: Bool {
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return self.day >= lengths[self.month - 1]
    }
}

/// An internal SLO target as terms carry it: a figure in terms in force (`Decimal`), and possibly none in a proposal
/// (`Decimal?`: the SLO is the customer's, so a vendor's proposal has none and vendors read it as nil). A missing
/// optional target is left out of the JSON, never written as null.
public protocol SLOTarget: Sendable, Equatable, Codable {
    init<Key: CodingKey>(from container: KeyedDecodingContainer<Key>, forKey key: Key) throws
    func encode<Key: CodingKey>(to container: inout KeyedEncodingContainer<Key>, forKey key: Key) throws
}

extension Decimal: SLOTarget {
    public init<Key: CodingKey>(from container: KeyedDecodingContainer<Key>, forKey key: Key) throws {
        self = try container.decode(Decimal.self, forKey: key)
    }

    public func encode<Key: CodingKey>(to container: inout KeyedEncodingContainer<Key>, forKey key: Key) throws {
        try container.encode(self, forKey: key)
    }
}

extension Optional: SLOTarget where Wrapped == Decimal {
    public init<Key: CodingKey>(from container: KeyedDecodingContainer<Key>, forKey key: Key) throws {
        self = try container.decodeIfPresent(Decimal.self, forKey: key)
    }

    public func encode<Key: CodingKey>(to container: inout KeyedEncodingContainer<Key>, forKey key: Key) throws {
        try container.encodeIfPresent(self, forKey: key)
    }
}

/// Targets in force for a part of every year (`peak`: 1 November to 31 December), with their own SLA, SLO and,
/// optionally, credit tiers. A season may run over the new year (1 December to 31 January).
public struct SeasonTerms<SLO: SLOTarget>: Sendable, Codable, Equatable {
    public var name: String
    public var from: MonthDay
    /// The last day of the season, inclusive.
    public var to: MonthDay
    public var slaTarget: Decimal
    public var sloTarget: SLO
    /// Replaces the objective's tiers during the season; nil keeps those at or below the season's SLA target.
    public var creditTiers: [CreditTier]?

    public init(name: String, from: MonthDay, to: MonthDay, slaTarget: Decimal, sloTarget: SLO, creditTiers: [CreditTier]? = nil) {
        self.name = name
        self.from = from
        self.to = to
        self.slaTarget = slaTarget
        self.sloTarget = sloTarget
        self.creditTiers = creditTiers
    }

    /// Whether `day` falls in the season (in the year it is in, or the season that started the year before).
    public func contains(_ day: LocalDate) -> Bool {
        guard let date = MonthDay(month: day.month, day: day.day) else { return false }
        return self.from <= self.to ? (self.from <= date && date <= self.to) : (date >= self.from || date <= self.to)
    }

    enum CodingKeys: String, CodingKey {
        case name, from, to
        case slaTarget = "sla_target"
        case sloTarget = "slo_target"
        case creditTiers = "credit_tiers"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name), from: try container.decode(MonthDay.self, forKey: .from),
            to: try container.decode(MonthDay.self, forKey: .to), slaTarget: try container.decode(Decimal.self, forKey: .slaTarget),
            sloTarget: try SLO(from: container, forKey: .sloTarget), creditTiers: try container.decodeIfPresent([CreditTier].self, forKey: .creditTiers))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.name, forKey: .name)
        try container.encode(self.from, forKey: .from)
        try container.encode(self.to, forKey: .to)
        try container.encode(self.slaTarget, forKey: .slaTarget)
        try self.sloTarget.encode(to: &container, forKey: .sloTarget)
        try container.encodeIfPresent(self.creditTiers, forKey: .creditTiers)
    }
}

/// A season in force.
public typealias Season = SeasonTerms<Decimal>
/// A season a proposal sets.
public typealias ProposedSeason = SeasonTerms<Decimal?>

extension SeasonTerms where SLO == Decimal? {
    /// The season in force, as a proposal would carry it on.
    public init(_ season: Season) {
        self.init(
            name: season.name, from: season.from, to: season.to, slaTarget: season.slaTarget, sloTarget: season.sloTarget, creditTiers: season.creditTiers)
    }
}

/// One step of a ramp: the targets in force from the previous step's end (or the first period) through `until`.
public struct RampStepTerms<SLO: SLOTarget>: Sendable, Codable, Equatable {
    /// The last day of the step, inclusive, in the agreement's zone.
    public var until: LocalDate
    public var slaTarget: Decimal
    public var sloTarget: SLO

    public init(until: LocalDate, slaTarget: Decimal, sloTarget: SLO) {
        self.until = until
        self.slaTarget = slaTarget
        self.sloTarget = sloTarget
    }

    enum CodingKeys: String, CodingKey {
        case until
        case slaTarget = "sla_target"
        case sloTarget = "slo_target"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            until: try container.decode(LocalDate.self, forKey: .until), slaTarget: try container.decode(Decimal.self, forKey: .slaTarget),
            sloTarget: try SLO(from: container, forKey: .sloTarget))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.until, forKey: .until)
        try container.encode(self.slaTarget, forKey: .slaTarget)
        try self.sloTarget.encode(to: &container, forKey: .sloTarget)
    }
}

/// A ramp step in force.
public typealias RampStep = RampStepTerms<Decimal>
/// A ramp step a proposal sets.
public typealias ProposedRampStep = RampStepTerms<Decimal?>

extension RampStepTerms where SLO == Decimal? {
    /// The step in force, as a proposal would carry it on.
    public init(_ step: RampStep) {
        self.init(until: step.until, slaTarget: step.slaTarget, sloTarget: step.sloTarget)
    }
}

/// Terms of an objective that move with the calendar: a ramp of dated steps while a new service proves itself, then
/// yearly seasons. Both follow the objective's window: every step and season starts and ends on a period boundary, so
/// no period is split between two sets of targets.
public struct MovingTerms: Sendable, Codable, Equatable {
    public var seasons: [Season]
    public var ramp: [RampStep]
    /// What a period whose volume passes a threshold is judged by (see `SurgeClause`).
    public var surge: SurgeClause?

    public static let none = MovingTerms(seasons: [], ramp: [])

    public init(seasons: [Season] = [], ramp: [RampStep] = [], surge: SurgeClause? = nil) {
        self.seasons = seasons
        self.ramp = ramp
        self.surge = surge
    }

    public var isEmpty: Bool { self.seasons.isEmpty && self.ramp.isEmpty && self.surge == nil }

    /// The season containing `day`, whatever a ramp says (a surge forecast may name a season).
    public func season(forPeriodStarting day: LocalDate) -> String? {
        self.seasons.first { $0.contains(day) }?.name
    }

    public static let maximumSeasons = 12
    public static let maximumSteps = 24

    /// What decides the targets of a period starting on `day`: a ramp step, a season, or the objective's own terms.
    public enum Source: Sendable, Equatable {
        case base
        case season(String)
        /// The step's position (1 is the first) and its last day.
        case ramp(step: Int, until: LocalDate)

        public var label: String {
            switch self {
            case .base: "standard terms"
            case .season(let name): "season \(name)"
            case .ramp(let step, let until): "ramp step \(step) (to \(until))"
            }
        }
    }

    /// The rule: a period is judged against the terms in force on its first day. While a ramp step covers that day,
    /// the step's targets apply (the ramp leads up to the standard terms, so seasons wait until it ends); otherwise the
    /// first season, in the order given, that contains the day; otherwise the objective's own targets and tiers.
    public func source(forPeriodStarting day: LocalDate) -> Source {
        if let index = self.ramp.firstIndex(where: { day <= $0.until }) {
            return .ramp(step: index + 1, until: self.ramp[index].until)
        }
        if let season = self.seasons.first(where: { $0.contains(day) }) { return .season(season.name) }
        return .base
    }

    /// Checks the terms against the objective's window and standard SLA; every problem names `moving_terms` and the
    /// season, step or clause.
    public func validate(window: ObjectiveWindow?, slaTarget: Decimal? = nil) -> ValidationErrors {
        var errors = ValidationErrors()
        guard !self.isEmpty else { return errors }
        let field = "moving_terms"
        guard let window, window.days == nil else {
            errors.add(field, "Seasons, ramps and surge clauses follow calendar periods: a rolling window cannot have them.")
            return errors
        }
        self.surge?.validate(seasons: self.seasons, slaTarget: slaTarget, into: &errors)
        let months = window == .calendarQuarter ? 3 : 1
        let periodWord = months == 3 ? "calendar quarter" : "calendar month"
        if self.seasons.count > Self.maximumSeasons { errors.add(field, "At most \(Self.maximumSeasons) seasons.") }
        if self.ramp.count > Self.maximumSteps { errors.add(field, "At most \(Self.maximumSteps) ramp steps.") }
        func targets(_ sla: Decimal, _ slo: Decimal, _ what: String) {
            for (value, label) in [(sla, "SLA target"), (slo, "SLO target")]
            where !(value > 0 && value <= 100 && value.rounded(places: Bounds.targetPlaces) == value) {
                errors.add(field, "\(what): the \(label) must be above 0 and at most 100 %, with at most \(Bounds.targetPlaces) decimals.")
            }
            if slo <= sla { errors.add(field, "\(what): the SLO target (\(slo.plain)) must be stricter than the SLA target (\(sla.plain)).") }
        }
        var names = Set<String>()
        for (index, season) in self.seasons.enumerated() {
            let name = season.name.trimmingCharacters(in: .whitespacesAndNewlines)
            let what = "Season \(index + 1)\(name.isEmpty ? "" : " (\(name))")"
            if name.isEmpty || name.count > 100 { errors.add(field, "\(what) needs a name of at most 100 characters.") }
            if !names.insert(name.lowercased()).inserted { errors.add(field, "\(what): another season has the same name.") }
            // a season starts on the first day of a period and ends on the last day of one, so no period is split
            if season.from.day != 1 || (season.from.month - 1) % months != 0 {
                errors.add(
                    field,
                    "\(what) starts on \(season.from), inside a \(periodWord): a season must start on the first day of a \(periodWord) (e.g. \(months == 3 ? "10-01" : "11-01")), so no period is judged against two targets."
                )
            }
            if !season.to.isMonthEnd || season.to.month % months != 0 {
                errors.add(
                    field,
                    "\(what) ends on \(season.to), inside a \(periodWord): a season must end on the last day of a \(periodWord) (e.g. \(months == 3 ? "12-31" : "12-31")), so no period is judged against two targets."
                )
            }
            targets(season.slaTarget, season.sloTarget, what)
            if let tiers = season.creditTiers {
                for problem in CreditSchedule(tiers: tiers, capPercent: 100, probationFactor: 1).validate().errors {
                    errors.add(field, "\(what): \(problem.message)")
                }
            }
        }
        // seasons may not overlap: each month of the year belongs to at most one
        var owner: [Int: String] = [:]
        for season in self.seasons {
            var month = season.from.month
            for _ in 0..<12 {
                if let other = owner[month], other != season.name {
                    errors.add(field, "Seasons \(other) and \(season.name) overlap in month \(month).")
                    break
                }
                owner[month] = season.name
                if month == season.to.month { break }
                month = month % 12 + 1
            }
        }
        for (index, step) in self.ramp.enumerated() {
            let what = "Ramp step \(index + 1) (to \(step.until))"
            if !Bounds.years.contains(step.until.year) { errors.add(field, "\(what) must end \(Bounds.yearsText).") }
            if index > 0, step.until <= self.ramp[index - 1].until {
                errors.add(field, "\(what) must end after step \(index) (\(self.ramp[index - 1].until)): steps run in date order.")
            }
            let next = step.until.adding(days: 1)
            if next.map({ $0.day != 1 || ($0.month - 1) % months != 0 }) ?? true {
                errors.add(
                    field,
                    "\(what) ends inside a \(periodWord): a step must end on the last day of a \(periodWord), so no period is judged against two targets."
                )
            }
            targets(step.slaTarget, step.sloTarget, what)
        }
        return errors
    }

    enum CodingKeys: String, CodingKey {
        case seasons, ramp, surge
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.seasons = try container.decodeIfPresent([Season].self, forKey: .seasons) ?? []
        self.ramp = try container.decodeIfPresent([RampStep].self, forKey: .ramp) ?? []
        self.surge = try container.decodeIfPresent(SurgeClause.self, forKey: .surge)
    }
}

extension Objective {
    /// The objective as it judges a period starting on `day`: the targets (and a season's tiers) of the ramp step or
    /// season in force then, everything else unchanged. Every judgement — periods, credits, breaches, alerts, the
    /// dashboard, packs and what-ifs — asks this, so they all follow one rule.
    public func inForce(forPeriodStarting day: LocalDate) -> Objective {
        var copy = self
        switch self.movingTerms.source(forPeriodStarting: day) {
        case .base:
            break
        case .season(let name):
            guard let season = self.movingTerms.seasons.first(where: { $0.name == name }) else { break }
            copy.slaTarget = season.slaTarget
            copy.sloTarget = season.sloTarget
            copy.credits.tiers = season.creditTiers ?? Self.tiers(self.credits.tiers, atOrBelow: season.slaTarget)
        case .ramp(let step, _):
            let ramp = self.movingTerms.ramp[step - 1]
            copy.slaTarget = ramp.slaTarget
            copy.sloTarget = ramp.sloTarget
            copy.credits.tiers = Self.tiers(self.credits.tiers, atOrBelow: ramp.slaTarget)
        }
        return copy
    }

    /// The objective's tiers that a relaxed season or step keeps: those at or below its SLA target, so a period that
    /// meets the targets in force never owes a credit.
    static func tiers(_ tiers: [CreditTier], atOrBelow target: Decimal) -> [CreditTier] {
        tiers.filter { $0.threshold <= target }
    }
}

extension SeriesTerms {
    /// These terms as they judge a period starting on `day` (see `Objective.inForce(forPeriodStarting:)`).
    public func inForce(forPeriodStarting day: LocalDate) -> SeriesTerms {
        SeriesTerms(versionNumber: self.versionNumber, effectiveFrom: self.effectiveFrom, objective: self.objective.inForce(forPeriodStarting: day))
    }
}

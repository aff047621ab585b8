import Foundation

/// A surge clause: when a period's valid volume exceeds a threshold (a percentage of the volume forecast for it), the
/// terms apply one of two rules. Relaxed target: the period is judged against a lower SLA and SLO. Volume cap: only
/// the volume up to the threshold counts — buckets (or ticket outcomes) in time order until it is reached, the one that
/// crosses it pro rata — and the rest is shown as beyond the surge threshold, never dropped silently.
public struct SurgeClause: Sendable, Codable, Equatable {
    public enum Rule: String, Sendable, Codable, CaseIterable {
        case relaxedTarget = "relaxed_target"
        case capVolume = "cap_volume"

        public var label: String {
            switch self {
            case .relaxedTarget: "a relaxed target for the period"
            case .capVolume: "only the volume up to the threshold counts"
            }
        }
    }

    /// Valid events forecast per period.
    public var forecast: Decimal
    /// A season's own forecast, by season name (the season must exist).
    public var seasonForecasts: [String: Decimal]
    /// The threshold in percent of the forecast: 150 means 1.5 × the forecast.
    public var thresholdPercent: Decimal
    public var rule: Rule
    /// The relaxed targets (relaxed-target rule only).
    public var relaxedSLA: Decimal?
    public var relaxedSLO: Decimal?

    public init(
        forecast: Decimal, seasonForecasts: [String: Decimal] = [:], thresholdPercent: Decimal, rule: Rule, relaxedSLA: Decimal? = nil,
        relaxedSLO: Decimal? = nil
    ) {
        self.forecast = forecast
        self.seasonForecasts = seasonForecasts
        self.thresholdPercent = thresholdPercent
        self.rule = rule
        self.relaxedSLA = relaxedSLA
        self.relaxedSLO = relaxedSLO
    }

    enum CodingKeys: String, CodingKey {
        case forecast, rule
        case seasonForecasts = "season_forecasts"
        case thresholdPercent = "threshold_percent"
        case relaxedSLA = "relaxed_sla_target"
        case relaxedSLO = "relaxed_slo_target"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.forecast = try container.decode(Decimal.self, forKey: .forecast)
        self.seasonForecasts = try container.decodeIfPresent([String: Decimal].self, forKey: .seasonForecasts) ?? [:]
        self.thresholdPercent = try container.decode(Decimal.self, forKey: .thresholdPercent)
        self.rule = try container.decode(Rule.self, forKey: .rule)
        self.relaxedSLA = try container.decodeIfPresent(Decimal.self, forKey: .relaxedSLA)
        self.relaxedSLO = try container.decodeIfPresent(Decimal.self, forKey: .relaxedSLO)
    }

    /// The most events a forecast may name: far above any period's volume, and within exact arithmetic's comfort.
    public static let maximumForecast: Decimal = 1_000_000_000_000

    /// The threshold of a period in `season` (nil: none): the season's forecast if it names one, else the standard
    /// forecast, times the percentage; exact.
    public func threshold(season: String?) -> Fraction {
        let forecast = season.flatMap { self.seasonForecasts[$0] } ?? self.forecast
        return Fraction(forecast) * Fraction(self.thresholdPercent) * Fraction(Decimal(string: "0.01")!)
    }

    /// Checks the clause against the objective's targets and seasons; problems name `moving_terms`.
    func validate(seasons: [Season], slaTarget: Decimal?, into errors: inout ValidationErrors) {
        let field = "moving_terms"
        if !(self.forecast > 0 && self.forecast <= Self.maximumForecast && self.forecast.rounded(places: 0) == self.forecast) {
            errors.add(field, "The surge forecast is a whole number of valid events per period, above 0 and at most 1,000,000,000,000.")
        }
        for (name, forecast) in self.seasonForecasts.sorted(by: { $0.key < $1.key }) {
            if !seasons.contains(where: { $0.name == name }) { errors.add(field, "The surge forecast names season \(name), which the terms do not have.") }
            if !(forecast > 0 && forecast <= Self.maximumForecast && forecast.rounded(places: 0) == forecast) {
                errors.add(field, "The surge forecast of season \(name) is a whole number of valid events above 0.")
            }
        }
        if !(self.thresholdPercent >= 100 && self.thresholdPercent <= 1000 && self.thresholdPercent.rounded(places: 2) == self.thresholdPercent) {
            errors.add(field, "The surge threshold is 100 % to 1,000 % of the forecast (e.g. 150), with at most 2 decimals.")
        }
        switch self.rule {
        case .relaxedTarget:
            guard let sla = self.relaxedSLA, let slo = self.relaxedSLO else {
                errors.add(field, "A relaxed-target surge clause needs the relaxed SLA and SLO targets.")
                return
            }
            for (value, label) in [(sla, "relaxed SLA target"), (slo, "relaxed SLO target")]
            where !(value > 0 && value <= 100 && value.rounded(places: Bounds.targetPlaces) == value) {
                errors.add(field, "The \(label) must be above 0 and at most 100 %, with at most \(Bounds.targetPlaces) decimals.")
            }
            if slo <= sla { errors.add(field, "The relaxed SLO target (\(slo.plain)) must be stricter than the relaxed SLA target (\(sla.plain)).") }
            if let standard = slaTarget, sla > standard {
                errors.add(field, "The relaxed SLA target (\(sla.plain)) may not be stricter than the standard one (\(standard.plain)).")
            }
        case .capVolume:
            if self.relaxedSLA != nil || self.relaxedSLO != nil {
                errors.add(field, "A volume-cap surge clause has no relaxed targets: leave them empty.")
            }
        }
    }
}

/// What a surge clause did to one period: whether it applied, the volume against the threshold, and for the volume cap
/// the counts that count and those beyond the threshold.
public struct SurgeOutcome: Sendable, Equatable, Codable {
    public var rule: SurgeClause.Rule
    public var applied: Bool
    /// The period's valid volume (all of it) and the threshold, exact, as text (`"1500"`, `"3001/2"`).
    public var volume: String
    public var threshold: String
    /// Counted and beyond the threshold (volume cap only; beyond is zero otherwise).
    public var countedGood: String
    public var countedValid: String
    public var beyondGood: String
    public var beyondValid: String

    /// One line for pages and the lineage.
    public var sentence: String {
        guard self.applied else { return "Surge clause: volume \(Self.shown(self.volume)) within the threshold of \(Self.shown(self.threshold)); it does not apply." }
        switch self.rule {
        case .relaxedTarget:
            return "Surge clause applied: volume \(Self.shown(self.volume)) above the threshold of \(Self.shown(self.threshold)); the period is judged against the relaxed target."
        case .capVolume:
            return "Surge clause applied: volume \(Self.shown(self.volume)) above the threshold of \(Self.shown(self.threshold)); \(Self.shown(self.countedValid)) valid events count (\(Self.shown(self.countedGood)) good), \(Self.shown(self.beyondValid)) are beyond the surge threshold (\(Self.shown(self.beyondGood)) good) and do not count."
        }
    }

    static func shown(_ exact: String) -> String {
        guard let fraction = Fraction(text: exact) else { return exact }
        return Precision.shown(fraction).plain
    }
}

extension SurgeClause {
    /// Applies the clause to a period whose counts are `total`, with `ordered` the same counts split into steps in time
    /// order (buckets by start; needed by the volume cap only: their sum is `total`). The relaxed rule changes the
    /// targets, not the counts: it returns the counts unchanged and `relaxed` true.
    public func apply(total: EventCounts, ordered: [EventCounts], season: String?) -> (counts: EventCounts, relaxed: Bool, outcome: SurgeOutcome) {
        let threshold = self.threshold(season: season)
        let applies = total.valid > threshold
        func outcome(counted: EventCounts, beyond: EventCounts) -> SurgeOutcome {
            SurgeOutcome(
                rule: self.rule, applied: applies, volume: total.valid.description, threshold: threshold.description,
                countedGood: counted.good.description, countedValid: counted.valid.description, beyondGood: beyond.good.description,
                beyondValid: beyond.valid.description)
        }
        guard applies else { return (total, false, outcome(counted: total, beyond: .zero)) }
        switch self.rule {
        case .relaxedTarget:
            return (total, true, outcome(counted: total, beyond: .zero))
        case .capVolume:
            var counted = EventCounts.zero
            for step in ordered {
                let room = threshold - counted.valid
                guard room > 0 else { break }
                if step.valid <= room {
                    counted = counted + step
                } else {
                    // the step that crosses the threshold counts pro rata: its share of valid events up to it, and the
                    // same share of its good events
                    let share = room.divided(by: step.valid) ?? 0
                    counted = counted + EventCounts(good: step.good * share, valid: room)
                    break
                }
            }
            return (counted, false, outcome(counted: counted, beyond: total - counted))
        }
    }
}

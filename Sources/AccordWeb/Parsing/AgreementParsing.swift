import AccordDomain
import Foundation

extension DraftParsing {
    static func agreement(_ input: Input) throws(ValidationErrors) -> AgreementDraft {
        var reader = InputReader(input)
        let kind = reader.require(reader.choice("kind", label: "Kind", as: AgreementKind.self), "kind", "Choose master or vendor SLA.")
        let draft = AgreementDraft(
            kind: kind ?? .master, title: reader.string("title"), serviceID: reader.id("service_id", label: "Service"),
            vendorID: reader.id("vendor_id", label: "Vendor"), masterID: reader.id("master_id", label: "Master SLA"),
            dependencyKind: reader.choice("dependency_kind", label: "Dependency", as: DependencyKind.self),
            parallelGroup: reader.text("parallel_group"),
            fee: reader.decimal("fee", label: "Fee") ?? 0, currency: (reader.text("currency") ?? "EUR").uppercased(),
            feePeriod: reader.choice("fee_period", label: "Fee period", as: FeePeriod.self) ?? .month, timeZone: reader.text("time_zone") ?? "UTC",
            startDate: reader.date("start_date", label: "Start date"), endDate: reader.date("end_date", label: "End date"),
            renewalDate: reader.date("renewal_date", label: "Renewal date"), noticeDate: reader.date("notice_date", label: "Notice date"))
        try reader.combined(with: draft.validate()).throwIfAny()
        return draft
    }

    static func objective(_ input: Input) throws(ValidationErrors) -> ObjectiveDraft {
        var reader = InputReader(input)
        let kind = reader.require(
            reader.choice("sli_kind", label: "SLI kind", as: SLIKind.self), "sli_kind", "Choose how this objective is measured.")
        let windowKind = reader.choice("window_kind", label: "Window", as: WindowKind.self)
        let days = reader.integer("window_days", label: "Rolling window days")
        let window: ObjectiveWindow? =
            switch windowKind {
            case .calendarMonth?: .calendarMonth
            case .calendarQuarter?: .calendarQuarter
            case .rollingDays?: .rollingDays(reader.require(days, "window_days", "Give the number of days of the rolling window.") ?? 0)
            case nil: nil
            }
        var goals: [PriorityGoal] = []
        for (index, row) in input.objects("priority_goals").enumerated() {
            guard let priority = row.text("priority"), let minutes = row.text("goal_minutes").flatMap(Int.init) else {
                reader.errors.add("priority_goals", "Goal row \(index + 1): give a priority and its goal in whole minutes.")
                continue
            }
            goals.append(PriorityGoal(priority: priority, goalMinutes: minutes))
        }
        var tiers: [CreditTier] = []
        for (index, row) in input.objects("credit_tiers").enumerated() {
            let locale = Locale(identifier: "en_US_POSIX")
            guard let threshold = row.text("threshold").flatMap({ Decimal(string: $0, locale: locale) }),
                let percent = row.text("percent").flatMap({ Decimal(string: $0, locale: locale) })
            else {
                reader.errors.add("credit_tiers", "Credit tier \(index + 1): give a threshold and a percent, both numbers.")
                continue
            }
            tiers.append(CreditTier(threshold: threshold, percent: percent))
        }
        var exclusions: [ExclusionKind] = []
        for text in input.texts("exclusion_kinds") {
            guard let kind = ExclusionKind(rawValue: text) else {
                reader.errors.add(
                    "exclusion_kinds", "Unknown exclusion kind \(text); use \(ExclusionKind.allCases.map(\.rawValue).joined(separator: ", ")).")
                continue
            }
            if !exclusions.contains(kind) { exclusions.append(kind) }
        }
        let credits = CreditSchedule(
            tiers: tiers, capPercent: reader.decimal("credit_cap_percent", label: "Credit cap") ?? 100,
            probationFactor: reader.decimal("probation_factor", label: "Probation factor") ?? 1)
        let moving = Self.movingTerms(input, into: &reader.errors)
        let draft = ObjectiveDraft(
            name: reader.string("name"), sliKind: kind ?? .ratio, slaTarget: reader.decimal("sla_target", label: "SLA target"),
            sloTarget: reader.decimal("slo_target", label: "SLO target"), window: window, calendarID: reader.id("calendar_id", label: "Calendar"),
            priorityGoals: kind?.isTicketBased == true ? goals : [], exclusionKinds: exclusions, credits: credits, movingTerms: moving)
        try reader.combined(with: draft.validate()).throwIfAny()
        return draft
    }

    /// `seasons` (rows of `name`, `from` and `to` as MM-DD, `sla_target`, `slo_target`, optional `credit_tiers`: a list
    /// of threshold/percent objects, or in a form "99.5:10, 99:25") and `ramp` (rows of `until` as YYYY-MM-DD,
    /// `sla_target`, `slo_target`). Each unreadable row is named under `moving_terms`.
    /// A plain decimal as moving terms and proposals write it: digits with at most one inner point, at most 40
    /// characters; nil otherwise (never a prefix of something longer read as a number).
    static func plainNumber(_ text: String?) -> Decimal? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.count <= 40,
            text.allSatisfy({ "0123456789.".contains($0) }), text.filter({ $0 == "." }).count <= 1, text.first != ".", text.last != "."
        else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// A list typed into one form field: entries separated by ";" or new lines, each split into words. `nil` when blank
    /// (keep what is there), `[]` for "none" (end it).
    static func textEntries(_ text: String, limit: Int) -> [[String]]? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        if trimmed.lowercased() == "none" { return [] }
        let entries = trimmed.split(whereSeparator: { $0 == ";" || $0 == "\n" }).map { part in
            part.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
        }.filter { !$0.isEmpty }.prefix(limit)
        // separators alone are as blank: only "none" ends a list
        return entries.isEmpty ? nil : Array(entries)
    }

    static func movingTerms(_ input: Input, into errors: inout ValidationErrors) -> MovingTerms {
        let number = Self.plainNumber
        var seasons: [Season] = []
        for (index, row) in input.objects("seasons").prefix(MovingTerms.maximumSeasons + 1).enumerated() {
            let what = "Season \(index + 1)"
            guard let from = row.text("from").flatMap(MonthDay.init), let to = row.text("to").flatMap(MonthDay.init) else {
                errors.add("moving_terms", "\(what): give its first and last day as MM-DD, e.g. 11-01 and 12-31.")
                continue
            }
            guard let sla = number(row.text("sla_target")), let slo = number(row.text("slo_target")) else {
                errors.add("moving_terms", "\(what): give its SLA and SLO targets as numbers, e.g. 99.5 and 99.8.")
                continue
            }
            var tiers: [CreditTier]?
            // rows left blank in the form are no tiers
            let tierRows = row.objects("credit_tiers").filter { ($0.text("threshold") ?? "") + ($0.text("percent") ?? "") != "" }
            if !tierRows.isEmpty {
                tiers = tierRows.compactMap { tier in
                    guard let threshold = number(tier.text("threshold")), let percent = number(tier.text("percent")) else {
                        errors.add("moving_terms", "\(what): a credit tier needs a threshold and a percent, both numbers.")
                        return nil
                    }
                    return CreditTier(threshold: threshold, percent: percent)
                }
            } else if let text = row.text("credit_tiers"), !text.trimmingCharacters(in: .whitespaces).isEmpty {
                tiers = text.split(separator: ",").prefix(50).compactMap { pair in
                    let parts = pair.split(separator: ":")
                    guard parts.count == 2, let threshold = number(String(parts[0])), let percent = number(String(parts[1])) else {
                        errors.add("moving_terms", "\(what): write credit tiers as threshold:percent pairs, e.g. 99.5:10, 99:25.")
                        return nil
                    }
                    return CreditTier(threshold: threshold, percent: percent)
                }
            }
            seasons.append(Season(name: row.text("name") ?? "", from: from, to: to, slaTarget: sla, sloTarget: slo, creditTiers: tiers))
        }
        var ramp: [RampStep] = []
        for (index, row) in input.objects("ramp").prefix(MovingTerms.maximumSteps + 1).enumerated() {
            let what = "Ramp step \(index + 1)"
            guard let until = row.text("until").flatMap(LocalDate.init) else {
                errors.add("moving_terms", "\(what): give its last day written YYYY-MM-DD.")
                continue
            }
            guard let sla = number(row.text("sla_target")), let slo = number(row.text("slo_target")) else {
                errors.add("moving_terms", "\(what): give its SLA and SLO targets as numbers, e.g. 99 and 99.5.")
                continue
            }
            ramp.append(RampStep(until: until, slaTarget: sla, sloTarget: slo))
        }
        return MovingTerms(seasons: seasons, ramp: ramp, surge: Self.surge(input, seasons: seasons, number: number, into: &errors))
    }

    /// The surge clause: a `surge` object (JSON: `forecast`, `threshold_percent`, `rule`, `relaxed_sla_target`,
    /// `relaxed_slo_target`, `season_forecasts` by season name) or, from a form, `surge_rule` (empty: no clause) with
    /// the same fields prefixed `surge_` and each season row's `surge_forecast`.
    static func surge(_ input: Input, seasons: [Season], number: (String?) -> Decimal?, into errors: inout ValidationErrors) -> SurgeClause? {
        let clause: Input
        var seasonForecasts: [String: String] = [:]
        if case .object(let fields)? = input.fields["surge"] {
            clause = Input(fields)
            if case .object(let forecasts)? = fields["season_forecasts"] {
                for (name, value) in forecasts.prefix(MovingTerms.maximumSeasons + 1) {
                    switch value {
                    case .text(let text): seasonForecasts[name] = text
                    default: errors.add("moving_terms", "The surge forecast of season \(name.prefix(100)) is a number.")
                    }
                }
            }
        } else if input.text("surge_rule") != nil {
            var fields: [String: InputValue] = [:]
            for key in ["rule", "forecast", "threshold_percent", "relaxed_sla_target", "relaxed_slo_target"] {
                if let value = input.fields["surge_" + key] { fields[key] = value }
            }
            clause = Input(fields)
            for row in input.objects("seasons") {
                if let name = row.text("name"), let forecast = row.text("surge_forecast") { seasonForecasts[name] = forecast }
            }
        } else {
            return nil
        }
        guard let ruleText = clause.text("rule") else { return nil }
        guard let rule = SurgeClause.Rule(rawValue: ruleText) else {
            errors.add("moving_terms", "The surge rule is relaxed_target or cap_volume.")
            return nil
        }
        guard let forecast = number(clause.text("forecast")), let percent = number(clause.text("threshold_percent")) else {
            errors.add("moving_terms", "A surge clause needs the forecast valid events per period and the threshold in percent of it, e.g. 150.")
            return nil
        }
        var forecasts: [String: Decimal] = [:]
        for (name, text) in seasonForecasts {
            guard let value = number(text) else {
                errors.add("moving_terms", "The surge forecast of season \(name.prefix(100)) is a whole number of valid events.")
                continue
            }
            forecasts[name] = value
        }
        let relaxedSLA = clause.text("relaxed_sla_target")
        let relaxedSLO = clause.text("relaxed_slo_target")
        if (relaxedSLA != nil && number(relaxedSLA) == nil) || (relaxedSLO != nil && number(relaxedSLO) == nil) {
            errors.add("moving_terms", "The relaxed targets are numbers, e.g. 99 and 99.3.")
        }
        _ = seasons
        return SurgeClause(
            forecast: forecast, seasonForecasts: forecasts, thresholdPercent: percent, rule: rule, relaxedSLA: number(relaxedSLA),
            relaxedSLO: number(relaxedSLO))
    }
}

extension Agreement {
    var formValues: [String: String] {
        [
            "kind": self.kind.rawValue, "title": self.title, "service_id": String(self.serviceID), "vendor_id": self.vendorID.map(String.init) ?? "",
            "master_id": self.masterID.map(String.init) ?? "", "dependency_kind": self.dependencyKind?.rawValue ?? "",
            "parallel_group": self.parallelGroup ?? "", "fee": self.fee.plain, "currency": self.currency, "fee_period": self.feePeriod.rawValue,
            "time_zone": self.timeZone, "start_date": self.startDate.description, "end_date": self.endDate?.description ?? "",
            "renewal_date": self.renewalDate?.description ?? "", "notice_date": self.noticeDate?.description ?? "",
        ]
    }

    /// The stored agreement as an input, so a PATCH can send only the fields that change.
    var asInput: Input { Input(self.formValues.mapValues(InputValue.text)) }
}

extension Objective {
    var asInput: Input {
        var fields: [String: InputValue] = [
            "name": .text(self.name), "sli_kind": .text(self.sliKind.rawValue), "sla_target": .text(self.slaTarget.plain),
            "slo_target": .text(self.sloTarget.plain), "window_kind": .text(self.window.kind.rawValue),
            "credit_cap_percent": .text(self.credits.capPercent.plain), "probation_factor": .text(self.credits.probationFactor.plain),
            "exclusion_kinds": .list(self.exclusionKinds.map { .text($0.rawValue) }),
            "priority_goals": .list(
                self.priorityGoals.map { .object(["priority": .text($0.priority), "goal_minutes": .text(String($0.goalMinutes))]) }),
            "credit_tiers": .list(self.credits.tiers.map { .object(["threshold": .text($0.threshold.plain), "percent": .text($0.percent.plain)]) }),
            "seasons": .list(
                self.movingTerms.seasons.map { season in
                    var fields: [String: InputValue] = [
                        "name": .text(season.name), "from": .text(season.from.description), "to": .text(season.to.description),
                        "sla_target": .text(season.slaTarget.plain), "slo_target": .text(season.sloTarget.plain),
                    ]
                    if let tiers = season.creditTiers {
                        fields["credit_tiers"] = .list(tiers.map { .object(["threshold": .text($0.threshold.plain), "percent": .text($0.percent.plain)]) })
                    }
                    return .object(fields)
                }),
            "ramp": .list(
                self.movingTerms.ramp.map {
                    .object(["until": .text($0.until.description), "sla_target": .text($0.slaTarget.plain), "slo_target": .text($0.sloTarget.plain)])
                }),
        ]
        if let surge = self.movingTerms.surge {
            var clause: [String: InputValue] = [
                "rule": .text(surge.rule.rawValue), "forecast": .text(surge.forecast.plain), "threshold_percent": .text(surge.thresholdPercent.plain),
                "season_forecasts": .object(surge.seasonForecasts.mapValues { .text($0.plain) }),
            ]
            if let sla = surge.relaxedSLA { clause["relaxed_sla_target"] = .text(sla.plain) }
            if let slo = surge.relaxedSLO { clause["relaxed_slo_target"] = .text(slo.plain) }
            fields["surge"] = .object(clause)
        }
        if let days = self.window.days { fields["window_days"] = .text(String(days)) }
        if let calendar = self.calendarID { fields["calendar_id"] = .text(String(calendar)) }
        return Input(fields)
    }
}

extension Input {
    /// This input laid over `base`: fields present here win.
    func over(_ base: Input) -> Input {
        Input(base.fields.merging(self.fields) { _, new in new })
    }
}

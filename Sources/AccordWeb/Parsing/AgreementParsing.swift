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
        let draft = ObjectiveDraft(
            name: reader.string("name"), sliKind: kind ?? .ratio, slaTarget: reader.decimal("sla_target", label: "SLA target"),
            sloTarget: reader.decimal("slo_target", label: "SLO target"), window: window, calendarID: reader.id("calendar_id", label: "Calendar"),
            priorityGoals: kind?.isTicketBased == true ? goals : [], exclusionKinds: exclusions, credits: credits)
        try reader.combined(with: draft.validate()).throwIfAny()
        return draft
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
        ]
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

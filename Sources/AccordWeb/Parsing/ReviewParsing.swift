import AccordDomain
import Foundation

/// Review series, meetings, minutes and proposals as forms and JSON bodies send them.
extension DraftParsing {
    static let frequencies = ["usual", "weekly", "fortnightly", "monthly", "quarterly", "yearly"]

    /// A series: `scope` as `agreement:ID`, `vendor:ID` or `master:ID` (or `scope_kind` and `scope_id`); the rule as
    /// `frequency`, `weekday` (1 Monday … 7 Sunday), `ordinal` (1…4, or -1 for the last) and `month`; attendees as
    /// `attendees` entries `user:ID` or `contact:ID`.
    static func series(_ input: Input) throws(ValidationErrors) -> ReviewSeriesDraft {
        var reader = InputReader(input)
        let tier = reader.choice("tier", label: "Tier", as: ReviewTier.self)
        var scope: ReviewScope?
        let scopeText = input.text("scope") ?? input.text("scope_kind").map { "\($0):\(input.text("scope_id") ?? "")" }
        if let scopeText, !scopeText.isEmpty {
            let parts = scopeText.split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2, let id = Int64(parts[1]), id > 0 {
                scope = ReviewScope(kind: parts[0], agreementID: parts[0] == "vendor" ? nil : id, vendorID: parts[0] == "vendor" ? id : nil)
            }
            if scope == nil { reader.errors.add("scope", "The scope is agreement:ID, vendor:ID or master:ID.") }
        }
        let weekday = reader.integer("weekday", label: "Weekday")
        let ordinal = reader.integer("ordinal", label: "Which one of the month") ?? 1
        let month = reader.integer("month", label: "Month") ?? 1
        var recurrence: Recurrence?
        if let frequency = input.text("frequency"), !frequency.isEmpty {
            if !Self.frequencies.contains(frequency) {
                reader.errors.add("recurrence", "The frequency is one of: \(Self.frequencies.joined(separator: ", ")).")
            } else if let weekday {
                recurrence =
                    switch frequency {
                    case "usual": Recurrence.usual(for: tier ?? .tactical, ordinal: ordinal, weekday: weekday, month: month, onProbation: false)
                    case "weekly": .weekly(weekday: weekday, everyWeeks: 1)
                    case "fortnightly": .weekly(weekday: weekday, everyWeeks: 2)
                    case "monthly": .monthly(ordinal: ordinal, weekday: weekday)
                    case "quarterly": .quarterly(ordinal: ordinal, weekday: weekday)
                    default: .yearly(month: month, ordinal: ordinal, weekday: weekday)
                    }
            } else {
                reader.errors.add("recurrence", "Choose the weekday the series meets on.")
            }
        }
        var startTime: ClockTime?
        if let text = input.text("start_time"), !text.isEmpty {
            startTime = ClockTime(text).flatMap { $0.minutes < 1440 ? $0 : nil }
            if startTime == nil { reader.errors.add("start_time", "The start time is HH:MM, e.g. 10:00.") }
        }
        let duration = reader.integer("duration_minutes", label: "Duration")
        let preRead = (input.text("pre_read_days")?.isEmpty ?? true) ? nil : reader.integer("pre_read_days", label: "Pre-read lead time")
        let calendar = (input.text("calendar_id")?.isEmpty ?? true) ? nil : reader.id("calendar_id", label: "Business calendar")
        var users: [Int64] = []
        var contacts: [Int64] = []
        for entry in input.texts("attendees") where !entry.isEmpty {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let id = Int64(parts[1]), id > 0, ["user", "contact"].contains(parts[0]) else {
                reader.errors.add("attendees", "An attendee is user:ID or contact:ID, not \"\(entry.prefix(40))\".")
                continue
            }
            if parts[0] == "user" { users.append(id) } else { contacts.append(id) }
        }
        let draft = ReviewSeriesDraft(
            title: reader.string("title"), tier: tier, scope: scope, recurrence: recurrence, timeZone: input.text("time_zone") ?? "UTC",
            startTime: startTime, durationMinutes: duration, preReadDays: preRead, calendarID: calendar,
            startsOn: reader.date("starts_on", label: "First day"), location: reader.string("location"), attendeeUserIDs: users,
            attendeeContactIDs: contacts)
        var usual = draft
        usual.usualCadence = input.text("frequency") == "usual"
        try reader.combined(with: usual.validate()).throwIfAny()
        return usual
    }

    /// A day and optional time for moving a meeting or adding one.
    static func meetingSlot(_ input: Input) throws(ValidationErrors) -> (LocalDate, ClockTime?, String) {
        var reader = InputReader(input)
        let day = reader.require(reader.date("day", label: "Day"), "day", "Give the day, as YYYY-MM-DD.")
        var time: ClockTime?
        if let text = input.text("start_time"), !text.isEmpty {
            time = ClockTime(text).flatMap { $0.minutes < 1440 ? $0 : nil }
            if time == nil { reader.errors.add("start_time", "The start time is HH:MM, e.g. 10:00.") }
        }
        let reason = reader.string("reason")
        if reason.count > 2000 { reader.errors.add("reason", "At most 2,000 characters.") }
        try reader.errors.throwIfAny()
        guard let day else { throw ValidationErrors([FieldError("day", "Give the day, as YYYY-MM-DD.")]) }
        return (day, time, reason)
    }

    /// Attendance (`present` attendee ids) and notes (`notes.N.item`, `notes.N.text`, or a JSON list of objects).
    static func minutes(_ input: Input) throws(ValidationErrors) -> ([Int64], [ReviewMeeting.Minutes.Note]) {
        var errors = ValidationErrors()
        let present = Self.ids(input, "present", into: &errors)
        if present.count > 200 { errors.add("present", "At most 200 attendees.") }
        let notes = input.objects("notes").map { ReviewMeeting.Minutes.Note(item: $0.raw("item"), text: $0.raw("text")) }
        try errors.throwIfAny()
        return (present, notes)
    }

    /// A decision, action item or question; the owner's party as `owner_party` (`customer` or a vendor id).
    static func reviewItem(_ input: Input) throws(ValidationErrors) -> (ReviewItemDraft, Int64?) {
        var reader = InputReader(input)
        let kind = reader.choice("kind", label: "Kind", as: ReviewItem.Kind.self)
        var owner: Int64?
        if let party = input.text("owner_party"), !party.isEmpty, party != "customer" {
            owner = Int64(party)
            if owner == nil { reader.errors.add("owner_party", "The owner's party is customer or a vendor's id.") }
        }
        var concerns: Int64?
        if let party = input.text("party"), !party.isEmpty, party != "all" {
            concerns = Int64(party)
            if concerns == nil { reader.errors.add("party", "The item concerns all parties or a vendor's id.") }
        }
        let draft = ReviewItemDraft(
            kind: kind, text: reader.string("text"), ownerName: reader.string("owner_name"), ownerVendorID: owner,
            dueOn: reader.date("due_on", label: "Due date"), decidedBy: reader.string("decided_by"))
        try reader.errors.throwIfAny()
        return (draft, concerns)
    }

    /// A proposed ramp: a JSON list of `until`/`sla_target`/`slo_target` objects (empty: end the ramp), or in a form
    /// steps separated by ";" or new lines, each "YYYY-MM-DD SLA SLO" ("none": end the ramp). Absent or blank: unchanged.
    static func proposedRamp(_ value: InputValue?, into errors: inout ValidationErrors) -> [ProposedRampStep]? {
        let number = Self.plainNumber
        var rows: [(until: String?, sla: String?, slo: String?)] = []
        switch value {
        case .list(let items)?:
            for item in items.prefix(MovingTerms.maximumSteps + 1) {
                guard case .object(let fields) = item else {
                    errors.add("ramp", "Each ramp step is an object with until, sla_target and slo_target.")
                    return nil
                }
                let step = Input(fields)
                rows.append((step.text("until"), step.text("sla_target"), step.text("slo_target")))
            }
        case .text(let text)?:
            guard let entries = Self.textEntries(text, limit: MovingTerms.maximumSteps + 1) else { return nil }
            if entries.isEmpty { return [] }
            for words in entries {
                rows.append((words.first, words.count > 1 ? words[1] : nil, words.count > 2 ? words[2] : nil))
                if words.count > 3 { errors.add("ramp", "Write each ramp step as its last day, SLA and SLO, e.g. \"2027-02-28 99 99.5\".") }
            }
        case .null?, nil:
            return nil
        case .object?:
            errors.add("ramp", "The ramp is a list of steps (until, sla_target, slo_target); an empty list ends it.")
            return nil
        }
        var steps: [ProposedRampStep] = []
        for (index, row) in rows.enumerated() {
            let what = "Ramp step \(index + 1)"
            guard let until = row.until.flatMap(LocalDate.init) else {
                errors.add("ramp", "\(what): give its last day written YYYY-MM-DD, e.g. \"2027-02-28 99 99.5\".")
                continue
            }
            guard let sla = number(row.sla) else {
                errors.add("ramp", "\(what): give its SLA target as a number, e.g. 99.")
                continue
            }
            if row.slo != nil, number(row.slo) == nil {
                errors.add("ramp", "\(what): its SLO target is a number, e.g. 99.5.")
                continue
            }
            steps.append(ProposedRampStep(until: until, slaTarget: sla, sloTarget: number(row.slo)))
        }
        return steps
    }

    /// Proposed seasons: a JSON list of `name`/`from`/`to` (MM-DD)/`sla_target`/`slo_target` objects with optional
    /// `credit_tiers` (threshold/percent objects; empty: none), an empty list ending the seasons; or in a form seasons
    /// separated by ";" or new lines, each "name MM-DD MM-DD SLA SLO" ("none": end them). Absent or blank: unchanged.
    static func proposedSeasons(_ value: InputValue?, into errors: inout ValidationErrors) -> [ProposedSeason]? {
        let number = Self.plainNumber
        var rows: [(name: String, from: String?, to: String?, sla: String?, slo: String?, tiers: [Input]?)] = []
        switch value {
        case .list(let items)?:
            for item in items.prefix(MovingTerms.maximumSeasons + 1) {
                guard case .object(let fields) = item else {
                    errors.add("seasons", "Each season is an object with name, from, to, sla_target and slo_target.")
                    return nil
                }
                let season = Input(fields)
                var tiers: [Input]?
                switch fields["credit_tiers"] {
                case nil, .null?: tiers = nil
                case .list(let items)? where items.allSatisfy({ if case .object = $0 { true } else { false } }): tiers = season.objects("credit_tiers")
                default:
                    errors.add("seasons", "A season's credit_tiers is a list of threshold/percent objects (empty: no credits in the season).")
                    return nil
                }
                rows.append((season.text("name") ?? "", season.text("from"), season.text("to"), season.text("sla_target"), season.text("slo_target"), tiers))
            }
        case .text(let text)?:
            guard let entries = Self.textEntries(text, limit: MovingTerms.maximumSeasons + 1) else { return nil }
            if entries.isEmpty { return [] }
            for words in entries {
                // the name runs up to the first MM-DD
                guard let first = words.firstIndex(where: { MonthDay($0) != nil }), first > 0 else {
                    errors.add("seasons", "Write each season as its name, first and last day (MM-DD), SLA and SLO, e.g. \"peak 11-01 12-31 99.8 99.9\".")
                    continue
                }
                let rest = Array(words[first...])
                if rest.count > 4 { errors.add("seasons", "Write each season as its name, first and last day (MM-DD), SLA and SLO, e.g. \"peak 11-01 12-31 99.8 99.9\".") }
                func word(_ index: Int) -> String? { index < rest.count ? rest[index] : nil }
                rows.append((words[..<first].joined(separator: " "), word(0), word(1), word(2), word(3), nil))
            }
        case .null?, nil:
            return nil
        case .object?:
            errors.add("seasons", "The seasons are a list (name, from, to, sla_target, slo_target); an empty list ends them.")
            return nil
        }
        var seasons: [ProposedSeason] = []
        for (index, row) in rows.enumerated() {
            let what = "Season \(index + 1)"
            guard let from = row.from.flatMap(MonthDay.init), let to = row.to.flatMap(MonthDay.init) else {
                errors.add("seasons", "\(what): give its first and last day as MM-DD, e.g. 11-01 and 12-31.")
                continue
            }
            guard let sla = number(row.sla) else {
                errors.add("seasons", "\(what): give its SLA target as a number, e.g. 99.8.")
                continue
            }
            if row.slo != nil, number(row.slo) == nil {
                errors.add("seasons", "\(what): its SLO target is a number, e.g. 99.9.")
                continue
            }
            var tiers: [CreditTier]?
            if let tierRows = row.tiers {
                tiers = []
                for tier in tierRows.prefix(51) {
                    guard let threshold = number(tier.text("threshold")), let percent = number(tier.text("percent")) else {
                        errors.add("seasons", "\(what): a credit tier needs a threshold and a percent, both numbers.")
                        continue
                    }
                    tiers?.append(CreditTier(threshold: threshold, percent: percent))
                }
            }
            seasons.append(ProposedSeason(name: row.name, from: from, to: to, slaTarget: sla, sloTarget: number(row.slo), creditTiers: tiers))
        }
        return seasons
    }

    /// A proposal: `changes` rows of `series_id` with any of `sla_target`, `slo_target`, `credit_cap_percent`,
    /// `credit_tiers` (a list of threshold/percent objects, or in a form "99.5:10, 99:25") and `ramp` (see `proposedRamp`).
    static func proposal(_ input: Input) throws(ValidationErrors) -> ProposalDraft {
        var reader = InputReader(input)
        var changes: [TermsChange] = []
        for (index, row) in input.objects("changes").enumerated() {
            var rowReader = InputReader(row)
            let field = "changes[\(index)]"
            guard let seriesText = row.text("series_id"), let series = Int64(seriesText), series > 0 else {
                reader.errors.add(field, "Each change names the objective's series_id.")
                continue
            }
            func number(_ key: String, _ label: String) -> Decimal? {
                guard let text = row.text(key), !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
                return rowReader.decimal(key, label: label)
            }
            let sla = number("sla_target", "SLA target")
            let slo = number("slo_target", "SLO target")
            let cap = number("credit_cap_percent", "Credit cap")
            var tiers: [CreditTier]?
            // rows left blank in the form are no tiers
            let tierRows = row.objects("credit_tiers").filter { ($0.text("threshold") ?? "") + ($0.text("percent") ?? "") != "" }
            if !tierRows.isEmpty {
                tiers = tierRows.compactMap { tier in
                    guard let threshold = tier.text("threshold").flatMap({ Decimal(string: $0) }), let percent = tier.text("percent").flatMap({ Decimal(string: $0) })
                    else {
                        rowReader.errors.add("credit_tiers", "A credit tier has a threshold and a percent, both numbers.")
                        return nil
                    }
                    return CreditTier(threshold: threshold, percent: percent)
                }
            } else if let text = row.text("credit_tiers"), !text.trimmingCharacters(in: .whitespaces).isEmpty {
                tiers = text.split(separator: ",").compactMap { pair in
                    let parts = pair.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                    guard parts.count == 2, let threshold = Decimal(string: parts[0]), let percent = Decimal(string: parts[1]) else {
                        rowReader.errors.add("credit_tiers", "Write credit tiers as threshold:percent pairs, e.g. 99.5:10, 99:25.")
                        return nil
                    }
                    return CreditTier(threshold: threshold, percent: percent)
                }
            }
            let ramp = Self.proposedRamp(row.fields["ramp"], into: &rowReader.errors)
            let seasons = Self.proposedSeasons(row.fields["seasons"], into: &rowReader.errors)
            for error in rowReader.errors.errors { reader.errors.add("\(field).\(error.field)", error.message) }
            changes.append(
                TermsChange(
                    seriesID: series, objectiveName: row.raw("objective_name"), slaTarget: sla, sloTarget: slo, creditTiers: tiers, creditCapPercent: cap,
                    ramp: ramp, seasons: seasons))
        }
        let periods = (input.text("replay_periods")?.isEmpty ?? true) ? nil : reader.integer("replay_periods", label: "Periods replayed")
        let meeting = (input.text("meeting_id")?.isEmpty ?? true) ? nil : reader.id("meeting_id", label: "Meeting")
        let draft = ProposalDraft(
            title: reader.string("title"), rationale: reader.string("rationale"), effectiveFrom: reader.date("effective_from", label: "Effective from"),
            changes: changes, replayPeriods: periods, meetingID: meeting)
        try reader.errors.throwIfAny()
        return draft
    }
}

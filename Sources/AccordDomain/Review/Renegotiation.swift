import Foundation

/// One objective's terms as a proposal would change them: any of the SLA and SLO targets, the credit tiers, the cap,
/// the ramp and the seasons (a new list replaces the old one whole; an empty one ends the ramp or the seasons).
public struct TermsChange: Sendable, Equatable, Codable {
    /// The objective's series: it names the objective across versions.
    public var seriesID: Int64
    public var objectiveName: String
    public var slaTarget: Decimal?
    public var sloTarget: Decimal?
    public var creditTiers: [CreditTier]?
    public var creditCapPercent: Decimal?
    /// Nil: the ramp stays as it is.
    public var ramp: [ProposedRampStep]?
    /// Nil: the seasons stay as they are.
    public var seasons: [ProposedSeason]?

    public init(
        seriesID: Int64, objectiveName: String, slaTarget: Decimal? = nil, sloTarget: Decimal? = nil, creditTiers: [CreditTier]? = nil,
        creditCapPercent: Decimal? = nil, ramp: [ProposedRampStep]? = nil, seasons: [ProposedSeason]? = nil
    ) {
        self.seriesID = seriesID
        self.objectiveName = objectiveName
        self.slaTarget = slaTarget
        self.sloTarget = sloTarget
        self.creditTiers = creditTiers
        self.creditCapPercent = creditCapPercent
        self.ramp = ramp
        self.seasons = seasons
    }

    public var isEmpty: Bool {
        self.slaTarget == nil && self.sloTarget == nil && self.creditTiers == nil && self.creditCapPercent == nil && self.ramp == nil
            && self.seasons == nil
    }

    /// The objective with this change applied: targets, credits and ramp (steps without an SLO are refused by
    /// `ProposalRules.check`; here they would keep the standard SLO).
    public func applied(to objective: Objective) -> Objective {
        var changed = objective
        changed.slaTarget = self.slaTarget ?? objective.slaTarget
        changed.sloTarget = self.sloTarget ?? objective.sloTarget
        changed.credits = CreditSchedule(
            tiers: self.creditTiers ?? objective.credits.tiers, capPercent: self.creditCapPercent ?? objective.credits.capPercent,
            probationFactor: objective.credits.probationFactor)
        if let ramp = self.ramp {
            changed.movingTerms.ramp = ramp.map { RampStep(until: $0.until, slaTarget: $0.slaTarget, sloTarget: $0.sloTarget ?? changed.sloTarget) }
        }
        if let seasons = self.seasons {
            // a season named as one in force keeps that season's own tiers unless the proposal gives tiers (a form cannot)
            let existing = Dictionary(objective.movingTerms.seasons.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            changed.movingTerms.seasons = seasons.map {
                Season(
                    name: $0.name, from: $0.from, to: $0.to, slaTarget: $0.slaTarget, sloTarget: $0.sloTarget ?? changed.sloTarget,
                    creditTiers: $0.creditTiers ?? existing[$0.name]?.creditTiers)
            }
        }
        return changed
    }

    enum CodingKeys: String, CodingKey {
        case seriesID = "series_id"
        case objectiveName = "objective_name"
        case slaTarget = "sla_target"
        case sloTarget = "slo_target"
        case creditTiers = "credit_tiers"
        case creditCapPercent = "credit_cap_percent"
        case ramp, seasons
    }
}

public enum ProposalState: String, Sendable, Codable, CaseIterable {
    case proposed
    case inNegotiation = "in_negotiation"
    case agreed
    case applied
    case rejected
    case withdrawn
    /// Answered by a counter-proposal, which carries the thread on.
    case superseded

    public var label: String {
        switch self {
        case .proposed: "Proposed"
        case .inNegotiation: "In negotiation"
        case .agreed: "Agreed"
        case .applied: "Applied"
        case .rejected: "Rejected"
        case .withdrawn: "Withdrawn"
        case .superseded: "Countered"
        }
    }

    public var isOpen: Bool { self == .proposed || self == .inNegotiation }
}

/// A proposal to change an agreement's terms, from the customer or the vendor.
public struct RenegotiationProposal: Sendable, Equatable, Codable {
    public var id: Int64
    public var agreementID: Int64
    public var agreementTitle: String
    /// The agreement's vendor: the other side of a vendor SLA.
    public var vendorID: Int64?
    public var parentID: Int64?
    public var meetingID: Int64?
    public var status: ProposalState
    public var title: String
    public var rationale: String
    public var effectiveFrom: LocalDate
    public var changes: [TermsChange]
    public var replayPeriods: Int
    /// Nil: the customer proposed it.
    public var proposedByVendorID: Int64?
    public var customerAcceptedAt: Date?
    public var vendorAcceptedAt: Date?
    public var appliedVersion: Int?
    public var reason: String
    public var createdAt: Date
    public var rowVersion: Int

    public init(
        id: Int64, agreementID: Int64, agreementTitle: String, vendorID: Int64?, parentID: Int64?, meetingID: Int64?, status: ProposalState,
        title: String, rationale: String, effectiveFrom: LocalDate, changes: [TermsChange], replayPeriods: Int, proposedByVendorID: Int64?,
        customerAcceptedAt: Date?, vendorAcceptedAt: Date?, appliedVersion: Int?, reason: String, createdAt: Date, rowVersion: Int
    ) {
        self.id = id
        self.agreementID = agreementID
        self.agreementTitle = agreementTitle
        self.vendorID = vendorID
        self.parentID = parentID
        self.meetingID = meetingID
        self.status = status
        self.title = title
        self.rationale = rationale
        self.effectiveFrom = effectiveFrom
        self.changes = changes
        self.replayPeriods = replayPeriods
        self.proposedByVendorID = proposedByVendorID
        self.customerAcceptedAt = customerAcceptedAt
        self.vendorAcceptedAt = vendorAcceptedAt
        self.appliedVersion = appliedVersion
        self.reason = reason
        self.createdAt = createdAt
        self.rowVersion = rowVersion
    }

    public var proposedByCustomer: Bool { self.proposedByVendorID == nil }

    /// As a vendor's users read it: without the customer's internal SLO.
    public var vendorFacing: RenegotiationProposal {
        var facing = self
        facing.changes = self.changes.map { change in
            var shown = change
            shown.sloTarget = nil
            shown.ramp = change.ramp?.map { ProposedRampStep(until: $0.until, slaTarget: $0.slaTarget, sloTarget: nil) }
            shown.seasons = change.seasons?.map { season in
                var facing = season
                facing.sloTarget = nil
                return facing
            }
            return shown
        }
        return facing
    }
}

/// A proposal as entered.
public struct ProposalDraft: Sendable, Equatable {
    public var title: String
    public var rationale: String
    public var effectiveFrom: LocalDate?
    public var changes: [TermsChange]
    public var replayPeriods: Int?
    public var meetingID: Int64?

    public init(
        title: String, rationale: String, effectiveFrom: LocalDate?, changes: [TermsChange], replayPeriods: Int? = nil, meetingID: Int64? = nil
    ) {
        self.title = title
        self.rationale = rationale
        self.effectiveFrom = effectiveFrom
        self.changes = changes
        self.replayPeriods = replayPeriods
        self.meetingID = meetingID
    }
}

/// What a proposal may say and how it moves.
public enum ProposalRules {
    /// What filing a proposal leaves: a line in the history of the proposal it counters (if any) and in its own, the
    /// audit line, and the announcement to the other side.
    public static func filed(_ proposal: RenegotiationProposal) -> [Effect] {
        var effects: [Effect] = []
        if let parentID = proposal.parentID { effects.append(.history(.proposal, id: parentID, action: "countered", note: "")) }
        effects += [
            .history(.proposal, id: proposal.id, action: proposal.parentID == nil ? "proposed" : "counter-proposed", note: proposal.title),
            .audit(AuditRecord(action: "create", entity: "renegotiation_proposal", entityID: proposal.id, after: proposal)),
            .announce(
                Announcement(
                    event: .proposalMade, subjectKind: "proposal", subjectID: proposal.id,
                    title: "Terms proposed on \(proposal.agreementTitle): \(proposal.title)", link: "/proposals/\(proposal.id)",
                    agreementID: proposal.agreementID, vendorID: proposal.vendorID)),
        ]
        return effects
    }

    /// `current`: the objectives of the version in force, by series, with their present terms. `byVendor`: the vendor
    /// proposes: it may not set the customer's internal SLO, and no message names it (whether an SLA would reach the
    /// SLO is checked when the customer accepts).
    public static func check(_ draft: ProposalDraft, current: [Int64: Objective], today: LocalDate, byVendor: Bool = false) -> ValidationErrors {
        var errors = ValidationErrors()
        let title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty { errors.add("title", "Give the proposal a title, e.g. \"Raise checkout availability to 99.95 %\".") }
        if title.count > 200 { errors.add("title", "At most 200 characters.") }
        let rationale = draft.rationale.trimmingCharacters(in: .whitespacesAndNewlines)
        if rationale.isEmpty { errors.add("rationale", "Say why: the evidence and what the change should achieve.") }
        if rationale.count > 10000 { errors.add("rationale", "At most 10,000 characters.") }
        if let effective = draft.effectiveFrom {
            if effective <= today { errors.add("effective_from", "The change takes effect after today (\(today)): give a later date.") }
            if effective.daysSince1970 - today.daysSince1970 > 3 * 366 { errors.add("effective_from", "Within three years of today.") }
        } else {
            errors.add("effective_from", "Give the date the new terms take effect, as YYYY-MM-DD.")
        }
        if let periods = draft.replayPeriods, !(1...36).contains(periods) { errors.add("replay_periods", "Replay 1 to 36 periods.") }
        let changes = draft.changes.filter { !$0.isEmpty }
        if changes.isEmpty { errors.add("changes", "Change at least one term: a target, the credit tiers, the cap, the ramp or the seasons.") }
        guard draft.changes.count <= 100 else {
            errors.add("changes", "At most 100 objectives in one proposal.")
            return errors
        }
        if Set(changes.map(\.seriesID)).count != changes.count { errors.add("changes", "Each objective appears once.") }
        for (index, change) in changes.enumerated() {
            let field = "changes[\(index)]"
            guard let objective = current[change.seriesID] else {
                errors.add(field, "This objective is not in the agreement's version in force.")
                continue
            }
            let changed = change.applied(to: objective)
            let (sla, slo) = (changed.slaTarget, changed.sloTarget)
            for (name, value) in [("sla_target", change.slaTarget), ("slo_target", change.sloTarget)] {
                if let value, !(value > 0 && value <= 100) { errors.add("\(field).\(name)", "A target is above 0 and at most 100 %.") }
                if let value, value.rounded(places: 6) != value { errors.add("\(field).\(name)", "At most six decimals.") }
            }
            if byVendor {
                if change.sloTarget != nil { errors.add("\(field).slo_target", "\(objective.name): the internal SLO is the customer's; propose the SLA, credit tiers or cap.") }
            } else if slo <= sla {
                errors.add("\(field).slo_target", "\(objective.name): the internal SLO (\(slo.plain) %) stays stricter than the SLA (\(sla.plain) %).")
            }
            for error in changed.credits.validate().errors { errors.add("\(field).\(error.field)", "\(objective.name): \(error.message)") }
            // ramps and seasons carry the customer's internal SLO: only the customer proposes them, each with its SLO
            let moving: [(key: String, what: String, missingSLO: Int?)] = [
                change.ramp.map { ("ramp", "a ramp's steps", $0.firstIndex { $0.sloTarget == nil }) },
                change.seasons.map { ("seasons", "seasons", $0.firstIndex { $0.sloTarget == nil }) },
            ].compactMap { $0 }
            if byVendor, let first = moving.first {
                errors.add(
                    "\(field).\(first.key)",
                    "\(objective.name): \(first.what) carry the customer's internal targets too; propose the SLA you would meet and ask the customer for them.")
                continue
            }
            if let missing = moving.first(where: { $0.missingSLO != nil }), let index = missing.missingSLO {
                let item = missing.key == "ramp" ? "ramp step" : "season"
                errors.add("\(field).\(missing.key)", "\(objective.name): \(item) \(index + 1) needs its SLO target as well as its SLA.")
                continue
            }
            if let last = change.ramp?.last?.until, let effective = draft.effectiveFrom, last < effective {
                errors.add(
                    "\(field).ramp",
                    "\(objective.name): the ramp ends on \(last), before the new terms take effect (\(effective)): it would never apply. End it later, or send \"none\" to end the ramp.")
                continue
            }
            // the changed terms must still fit the objective's seasons, ramp and surge clause (as applying checks again;
            // a season a surge forecast names and no longer given is one of these problems)
            let problems = changed.movingTerms.validate(window: objective.window, slaTarget: changed.slaTarget).errors
            if byVendor, !problems.isEmpty {
                // the terms carry the customer's internal targets: say what does not fit without naming them
                errors.add(
                    "\(field).sla_target",
                    "\(objective.name): this SLA does not fit the agreement's moving terms (a season, ramp step or surge clause's relaxed target); propose another or ask the customer.")
            } else {
                let key = change.seasons != nil ? "seasons" : change.ramp != nil ? "ramp" : "sla_target"
                for problem in problems { errors.add("\(field).\(key)", "\(objective.name): \(problem.message)") }
            }
        }
        return errors
    }

    public enum Side: Sendable, Equatable {
        case customer
        case vendor
    }

    /// Who answers a proposal: a side, and for the customer the people the agreement's RACI names to decide its
    /// renegotiations (empty: any contract manager decides).
    public struct Answerer: Sendable, Equatable {
        public var side: Side
        public var userID: Int64?
        public var deciders: [RACIParty]

        public init(side: Side, userID: Int64?, deciders: [RACIParty] = []) {
            self.side = side
            self.userID = userID
            self.deciders = deciders
        }

        /// Whether this person may propose, accept or counter for their side: a vendor's people always may; the
        /// customer's when the RACI names nobody or names them.
        public var decides: Bool {
            self.side == .vendor || self.deciders.isEmpty || self.deciders.contains { $0.id == self.userID }
        }

        /// Refuses a customer's person the RACI does not name, naming who decides instead.
        public func checkDecides(_ doing: String) throws {
            guard self.decides else {
                throw RuleViolation(
                    "The RACI names \(self.deciders.map(\.name).joined(separator: ", ")) to decide renegotiations of this agreement: they \(doing) for the customer.")
            }
        }
    }

    /// A step either side takes on a proposal.
    public enum Step: Sendable, Equatable {
        case accept
        case reject(String)
        case withdraw
    }

    /// The steps `answerer` may take on `proposal` now: the other side accepts, rejects or counters (accepting and
    /// countering for the customer as its RACI says); the proposer withdraws.
    public static func steps(_ proposal: RenegotiationProposal, for answerer: Answerer) -> Steps {
        guard proposal.status.isOpen else { return .none }
        let proposer: Side = proposal.proposedByCustomer ? .customer : .vendor
        let other = answerer.side != proposer
        return Steps(accept: other && answerer.decides, reject: other, counter: other && answerer.decides, withdraw: !other)
    }

    public struct Steps: Sendable, Equatable {
        public var accept: Bool
        public var reject: Bool
        public var counter: Bool
        public var withdraw: Bool

        public static let none = Steps(accept: false, reject: false, counter: false, withdraw: false)

        public init(accept: Bool, reject: Bool, counter: Bool, withdraw: Bool) {
            self.accept = accept
            self.reject = reject
            self.counter = counter
            self.withdraw = withdraw
        }
    }

    /// An answer to a proposal: its next state and the note its history keeps. Accepting by the other side agrees the
    /// proposal and applies it at once, so it must take effect from a day still ahead (`today` in the agreement's zone).
    public struct Answer: Sendable, Equatable {
        public var next: ProposalState
        public var note: String

        /// The history line, the audit record and the announcement to both parties, once the proposal reads `after`.
        public func effects(before: RenegotiationProposal, after: RenegotiationProposal) -> [Effect] {
            let action = self.next == .applied ? "agreed and applied" : self.next.rawValue
            return [
                .history(.proposal, id: before.id, action: action, note: self.note),
                .audit(AuditRecord(action: self.next.rawValue, entity: "renegotiation_proposal", entityID: before.id, before: before, after: after)),
                .announce(
                    Announcement(
                        event: .proposalDecided, subjectKind: "proposal", subjectID: before.id, title: "Proposal \(action): \(before.title)",
                        link: "/proposals/\(before.id)", agreementID: before.agreementID, vendorID: before.vendorID)),
            ]
        }
    }

    public static func answer(
        _ proposal: RenegotiationProposal, _ step: Step, by answerer: Answerer, today: LocalDate, now: Date, rowVersion expected: Int?
    ) throws -> Answer {
        if let expected, expected != proposal.rowVersion {
            throw EditConflict(entity: "proposal", changedBy: "the other side", changedAt: now, currentRowVersion: proposal.rowVersion)
        }
        let state = proposal.status.label.lowercased()
        let proposer: Side = proposal.proposedByCustomer ? .customer : .vendor
        switch step {
        case .accept:
            guard proposal.status.isOpen else { throw RuleViolation("This proposal is \(state): nothing to accept.") }
            guard answerer.side != proposer else { throw RuleViolation("The other side accepts a proposal; its proposer may withdraw it.") }
            try answerer.checkDecides("accept")
            // terms take effect from a day still ahead: a late acceptance does not backdate them
            guard proposal.effectiveFrom > today else {
                throw RuleViolation("This proposal takes effect \(proposal.effectiveFrom), which is no longer ahead: counter it with a later date.")
            }
            return Answer(next: .applied, note: "")
        case .reject(let reason):
            guard proposal.status.isOpen else { throw RuleViolation("This proposal is \(state): it can no longer be rejected.") }
            guard answerer.side != proposer else { throw RuleViolation("Withdraw your own proposal instead of rejecting it.") }
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { throw ValidationErrors([FieldError("reason", "Say why the proposal is rejected.")]) }
            guard reason.count <= 4000 else { throw ValidationErrors([FieldError("reason", "At most 4,000 characters.")]) }
            return Answer(next: .rejected, note: reason)
        case .withdraw:
            guard proposal.status.isOpen else { throw RuleViolation("This proposal is \(state): it can no longer be withdrawn.") }
            guard answerer.side == proposer else { throw RuleViolation("Only its proposer withdraws a proposal; reject it or counter it instead.") }
            return Answer(next: .withdrawn, note: "")
        }
    }

    /// A counter-proposal answers an open proposal of the other side; the original is superseded.
    public static func counter(_ proposal: RenegotiationProposal, by side: Side) throws {
        guard proposal.status.isOpen else { throw RuleViolation("This proposal is \(proposal.status.label.lowercased()): it can no longer be countered.") }
        let proposer: Side = proposal.proposedByCustomer ? .customer : .vendor
        guard side != proposer else { throw RuleViolation("Change your own proposal by withdrawing it and proposing again.") }
    }
}

/// What-if replay: stored periods judged under the terms in force and under the proposed terms, side by side.
public enum WhatIfReplay {
    /// One closed period as recorded: its exact counts, and the fee a credit would be computed on (zero when no credit
    /// applies: a master SLA, no fee, a rolling window).
    public struct Period: Sendable, Equatable {
        public var start: Date
        public var label: String
        public var counts: EventCounts
        public var periodFee: Decimal
        public var onProbation: Bool
        /// The terms of this period when a season or ramp step sets them (nil: the terms the replay is given).
        public var currentTerms: Terms?
        public var proposedTerms: Terms?

        public init(start: Date, label: String, counts: EventCounts, periodFee: Decimal, onProbation: Bool) {
            self.start = start
            self.label = label
            self.counts = counts
            self.periodFee = periodFee
            self.onProbation = onProbation
        }
    }

    public struct Terms: Sendable, Equatable {
        public var slaTarget: Decimal
        public var sloTarget: Decimal
        public var credits: CreditSchedule

        public init(slaTarget: Decimal, sloTarget: Decimal, credits: CreditSchedule) {
            self.slaTarget = slaTarget
            self.sloTarget = sloTarget
            self.credits = credits
        }
    }

    public struct Row: Sendable, Equatable, Codable {
        public var period: String
        public var attainment: Decimal?
        public var currentStatus: TargetStatus
        public var proposedStatus: TargetStatus
        public var currentCredit: Decimal
        public var proposedCredit: Decimal
        /// The SLA each side judged this period against (a season, ramp step or surge clause may set it; nil in
        /// replays stored before they were written).
        public var currentTarget: Decimal?
        public var proposedTarget: Decimal?

        enum CodingKeys: String, CodingKey {
            case period, attainment
            case currentStatus = "current_status"
            case proposedStatus = "proposed_status"
            case currentCredit = "current_credit"
            case proposedCredit = "proposed_credit"
            case currentTarget = "current_sla_target"
            case proposedTarget = "proposed_sla_target"
        }
    }

    public struct Result: Sendable, Equatable, Codable {
        public var objectiveName: String
        public var currency: String
        public var current: TermsSummary
        public var proposed: TermsSummary
        public var rows: [Row]
        public var currentBreaches: Int
        public var proposedBreaches: Int
        public var currentCredits: Decimal
        public var proposedCredits: Decimal
        public var creditDifference: Decimal

        enum CodingKeys: String, CodingKey {
            case objectiveName = "objective_name"
            case currency, current, proposed, rows
            case currentBreaches = "current_breaches"
            case proposedBreaches = "proposed_breaches"
            case currentCredits = "current_credits"
            case proposedCredits = "proposed_credits"
            case creditDifference = "credit_difference"
        }
    }

    public struct TermsSummary: Sendable, Equatable, Codable {
        public var slaTarget: Decimal
        public var creditTiers: [CreditTier]
        public var creditCapPercent: Decimal

        enum CodingKeys: String, CodingKey {
            case slaTarget = "sla_target"
            case creditTiers = "credit_tiers"
            case creditCapPercent = "credit_cap_percent"
        }
    }

    /// Judges each period under both terms, exactly: the status on the exact attainment against each SLA target, the
    /// credit by the same tier rule the closing job uses, rounded in the currency's minor unit.
    public static func run(objectiveName: String, periods: [Period], current: Terms, proposed: Terms, currency: String) -> Result {
        var rows: [Row] = []
        for period in periods {
            // a season or ramp step in force at the period's start sets its own terms, under both
            let current = period.currentTerms ?? current
            let proposed = period.proposedTerms ?? proposed
            let now = AttainmentCalculator.judge(period.counts, slaTarget: current.slaTarget, sloTarget: current.sloTarget)
            let then = AttainmentCalculator.judge(period.counts, slaTarget: proposed.slaTarget, sloTarget: proposed.sloTarget)
            func credit(_ terms: Terms) -> Decimal {
                guard let exact = now.exactAttainment, period.periodFee > 0 else { return 0 }
                let percent = terms.credits.creditPercent(forExact: exact, onProbation: period.onProbation)
                return percent > 0 ? CreditCalculator.amount(fee: period.periodFee, percent: percent, currency: currency) : 0
            }
            rows.append(
                Row(
                    period: period.label, attainment: now.exactAttainment.map { Precision.shown($0, below: [current.slaTarget, proposed.slaTarget]) },
                    currentStatus: now.slaStatus, proposedStatus: then.slaStatus, currentCredit: credit(current), proposedCredit: credit(proposed),
                    currentTarget: current.slaTarget, proposedTarget: proposed.slaTarget))
        }
        func summary(_ terms: Terms) -> TermsSummary {
            TermsSummary(slaTarget: terms.slaTarget, creditTiers: terms.credits.tiers, creditCapPercent: terms.credits.capPercent)
        }
        let currentCredits = rows.reduce(Decimal(0)) { $0 + $1.currentCredit }
        let proposedCredits = rows.reduce(Decimal(0)) { $0 + $1.proposedCredit }
        return Result(
            objectiveName: objectiveName, currency: currency, current: summary(current), proposed: summary(proposed), rows: rows,
            currentBreaches: rows.filter { $0.currentStatus == .breached }.count, proposedBreaches: rows.filter { $0.proposedStatus == .breached }.count,
            currentCredits: currentCredits, proposedCredits: proposedCredits, creditDifference: proposedCredits - currentCredits)
    }
}

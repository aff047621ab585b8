import AccordDomain
import Foundation

extension DraftParsing {
    /// Whether an RCA is opened shared with the vendors whose breaches missed only the customer's internal SLO
    /// (`share_with_vendors`: a ticked box, or `true`).
    static func sharesWithVendors(_ input: Input) -> Bool {
        input.flag("share_with_vendors") ?? false
    }

    /// A party as forms and the API name it: `customer`, or a vendor's id. `.some(nil)` is the customer; nil is
    /// absent or not a party's name (reported under `field`).
    static func party(_ text: String?, field: String, into errors: inout ValidationErrors) -> Int64?? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.lowercased() == "customer" { return .some(nil) }
        guard let id = Int64(text), id > 0 else {
            errors.add(field, "\(field) is \"customer\" or a vendor's id.")
            return nil
        }
        return .some(id)
    }

    static func analysis(_ input: Input) throws -> RCAAnalysisDraft {
        var reader = InputReader(input)
        let category = reader.choice("category", label: "Category", as: RootCauseCategory.self)
        var whys = input.texts("five_whys")
        if whys.isEmpty { whys = (1...RCARules.whysLimit).compactMap { input.text("why_\($0)") } }
        var shares: [Int64?: Decimal] = [:]
        for row in input.objects("shares") {
            guard let party = Self.party(row.text("party"), field: "shares", into: &reader.errors) else { continue }
            guard let text = row.text("share") else { continue }
            guard let share = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), text.allSatisfy({ "0123456789.".contains($0) }) else {
                reader.errors.add("shares", "A share must be a number of percent such as 40.")
                continue
            }
            shares[party] = share
        }
        try reader.errors.throwIfAny()
        return RCAAnalysisDraft(
            triggerStatement: input.text("trigger") ?? "", rootCause: input.text("root_cause") ?? "", category: category, fiveWhys: whys, shares: shares)
    }

    static func timeline(_ input: Input, zone: TimeZone) throws -> TimelineDraft {
        var errors = ValidationErrors()
        let at = Self.instant(input.text("at"), zone: zone)
        if input.text("at") != nil, at == nil { errors.add("at", "at must be an RFC 3339 instant, or a local date and time.") }
        try errors.throwIfAny()
        return TimelineDraft(at: at, text: input.text("text") ?? "", evidenceURL: input.text("evidence_url") ?? "")
    }

    static func factor(_ input: Input) throws -> FactorDraft {
        var reader = InputReader(input)
        let category = reader.choice("category", label: "Category", as: RootCauseCategory.self)
        let party = Self.party(input.text("responsible"), field: "responsible", into: &reader.errors)
        if party == nil, reader.errors.message(for: "responsible") == nil { reader.errors.add("responsible", "Choose the party responsible.") }
        try reader.errors.throwIfAny()
        return FactorDraft(category: category, description: input.text("description") ?? "", responsibleVendorID: party ?? nil)
    }

    /// An action's draft. Its owner is picked (`owner`: a key of `owners`, the people of the RCA's parties), or, from
    /// the API, named (`owner_name`) with the party (`owner_party`).
    static func action(_ input: Input, owners: [OwnerCandidate]) throws -> ActionDraft {
        var reader = InputReader(input)
        let type = reader.choice("type", label: "Type", as: ActionType.self)
        var ownerName = input.text("owner_name") ?? ""
        var ownerVendorID: Int64?
        if let key = input.text("owner") {
            if let owner = owners.first(where: { $0.key == key }) {
                ownerName = owner.name
                ownerVendorID = owner.vendorID
            } else {
                reader.errors.add("owner", "Choose the owner from the list: a person of one of the RCA's parties.")
            }
        } else if input.text("owner_name") == nil && input.text("owner_party") == nil {
            reader.errors.add("owner", "Choose who owns the action.")
        } else {
            let party = Self.party(input.text("owner_party"), field: "owner_party", into: &reader.errors)
            if party == nil, reader.errors.message(for: "owner_party") == nil { reader.errors.add("owner_party", "Choose the owner's party.") }
            ownerVendorID = party ?? nil
        }
        let due = reader.date("due_on", label: "Due date")
        let check = reader.date("check_after", label: "Effectiveness check")
        try reader.errors.throwIfAny()
        return ActionDraft(
            type: type, description: input.text("description") ?? "", ownerName: ownerName, ownerVendorID: ownerVendorID, dueOn: due, checkAfter: check)
    }

    static func actionStep(_ name: String, _ input: Input) -> ActionStep? {
        switch name {
        case "start": .start
        case "finish": .finish(evidence: input.text("evidence") ?? "")
        case "verify": .verify
        case "reopen": .reopen(reason: input.text("reason") ?? "")
        case "cancel": .cancel(reason: input.text("reason") ?? "")
        default: nil
        }
    }

    static func rcaStep(_ name: String, _ input: Input) -> RCAStep? {
        switch name {
        case "start": .start
        case "submit": .submit
        case "accept": .accept
        case "return": .giveBack(comment: input.text("comment") ?? "")
        case "close": .close
        default: nil
        }
    }
}

import Foundation

extension RCARules {
    public static let whysLimit = 5

    /// Checks an analysis as written: a root cause, when given, must name a cause; shares, when given, total 100.
    public static func check(_ draft: RCAAnalysisDraft, partyNames: [Int64?: String]) -> ValidationErrors {
        var errors = ValidationErrors()
        if draft.triggerStatement.count > Bounds.textLength { errors.add("trigger", "The trigger may be at most \(Bounds.textLength) characters.") }
        if !draft.rootCause.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { Self.checkRootCause(draft.rootCause, into: &errors) }
        if draft.fiveWhys.count > Self.whysLimit { errors.add("five_whys", "At most five whys.") }
        if draft.fiveWhys.contains(where: { $0.count > 1000 }) { errors.add("five_whys", "Each why may be at most 1000 characters.") }
        if let unknown = draft.shares.keys.first(where: { partyNames[$0] == nil }) {
            errors.add("shares", "Vendor \(unknown.map(String.init) ?? "?") is not a party to this RCA.")
            return errors
        }
        // keyed by party (names may repeat), labelled by name in messages
        let labelled = Dictionary(draft.shares.map { ("\(partyNames[$0.key] ?? "?") (\($0.key.map(String.init) ?? "customer"))", $0.value) }, uniquingKeysWith: +)
        Self.checkShares(labelled, into: &errors)
        if draft.shares.values.contains(where: { $0.rounded(places: 2) != $0 }) {
            errors.add("shares", "Shares are whole percents or have at most two decimals.")
        }
        return errors
    }

    /// What submitting needs besides signatures: a trigger, a root cause that names a cause, and its category.
    public static func checkComplete(_ rca: RootCauseAnalysis) -> ValidationErrors {
        var errors = ValidationErrors()
        if rca.triggerStatement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.add("trigger", "Say what triggered the incident before submitting.")
        }
        Self.checkRootCause(rca.rootCause, into: &errors)
        if rca.rootCauseCategory == nil { errors.add("category", "Choose the root cause's category before submitting.") }
        return errors
    }

    public static func check(_ draft: TimelineDraft) -> ValidationErrors {
        var errors = ValidationErrors()
        if !(draft.at.map(Bounds.contains) ?? false) { errors.add("at", "at must be an instant with an offset \(Bounds.yearsText).") }
        let text = draft.text.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.count > 4000 { errors.add("text", "Say what happened (at most 4000 characters).") }
        Self.checkLink(draft.evidenceURL, field: "evidence_url", into: &errors)
        return errors
    }

    public static func check(_ draft: FactorDraft, partyNames: [Int64?: String]) -> ValidationErrors {
        var errors = ValidationErrors()
        if draft.category == nil { errors.add("category", "Choose the factor's category.") }
        let text = draft.description.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.count > 4000 { errors.add("description", "Describe the factor (at most 4000 characters).") }
        if partyNames[draft.responsibleVendorID] == nil { errors.add("responsible", "The responsible party must be a party to this RCA.") }
        return errors
    }

    public static func check(_ draft: ActionDraft, partyNames: [Int64?: String]) -> ValidationErrors {
        var errors = ValidationErrors()
        if draft.type == nil { errors.add("type", "Choose the action's type: mitigate, repair, detect or prevent.") }
        let text = draft.description.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text.count > 4000 { errors.add("description", "Describe the action (at most 4000 characters).") }
        let owner = draft.ownerName.trimmingCharacters(in: .whitespacesAndNewlines)
        if owner.isEmpty || owner.count > 200 { errors.add("owner_name", "Name the person who owns the action.") }
        if partyNames[draft.ownerVendorID] == nil { errors.add("owner_party", "The owner's party must be a party to this RCA.") }
        if let due = draft.dueOn {
            if !Bounds.years.contains(due.year) { errors.add("due_on", "The due date must lie \(Bounds.yearsText).") }
        } else {
            errors.add("due_on", "Give the due date (YYYY-MM-DD).")
        }
        if let check = draft.checkAfter, let due = draft.dueOn, check < due {
            errors.add("check_after", "The effectiveness check comes on or after the due date.")
        }
        return errors
    }

    static func checkLink(_ text: String, field: String, into errors: inout ValidationErrors) {
        let link = text.trimmingCharacters(in: .whitespaces)
        guard !link.isEmpty else { return }
        let lower = link.lowercased()
        if link.count > 2000 || !(lower.hasPrefix("https://") || lower.hasPrefix("http://")) || URL(string: link)?.host == nil {
            errors.add(field, "The evidence link must be an http:// or https:// address.")
        }
    }

    /// The content the parties sign, in a fixed order: any edit of it changes the hash and voids earlier signatures.
    public static func canonicalContent(_ rca: RootCauseAnalysis) -> String {
        var lines = [
            "title:\(rca.title)", "trigger:\(rca.triggerStatement)", "root_cause:\(rca.rootCause)",
            "category:\(rca.rootCauseCategory?.rawValue ?? "")",
        ]
        lines += rca.fiveWhys.enumerated().map { "why \($0.offset + 1):\($0.element)" }
        lines += rca.parties.sorted { ($0.vendorID ?? 0) < ($1.vendorID ?? 0) }.map { "share \($0.vendorID ?? 0):\($0.share?.plain ?? "-")" }
        lines += rca.timeline.map { "timeline \($0.id):\(RFC3339.format($0.at))|\($0.authorVendorID ?? 0)|\($0.text)|\($0.evidenceURL)" }
        lines += rca.factors.map { "factor \($0.id):\($0.category.rawValue)|\($0.responsibleVendorID ?? 0)|\($0.description)" }
        return lines.map { $0.replacingOccurrences(of: "\n", with: "\\n") }.joined(separator: "\n")
    }
}

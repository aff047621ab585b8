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

    /// The content format's name, inside the content: a party recomputing the hash knows which rules made it.
    public static let contentFormat = "accord-rca-content/2"

    /// The content the parties sign, as canonical JSON (`CanonicalJSON`): the title, trigger, root cause, category, whys,
    /// each party's share, the timeline, the contributing factors and every evidence file's name and SHA-256. Ids,
    /// instants (RFC 3339, UTC) and shares are strings. Any edit, and any evidence added, changes the hash (the SHA-256
    /// of these UTF-8 bytes, hex) and so voids earlier signatures. README ("Joint root-cause analyses") shows the shape.
    public static func canonicalContent(_ rca: RootCauseAnalysis, evidence: [EvidenceDigest]) -> String {
        func id(_ value: Int64?) -> CanonicalJSON { .optional(value.map(String.init)) }
        var content: [String: CanonicalJSON] = [:]
        content["format"] = .string(Self.contentFormat)
        content["title"] = .string(rca.title)
        content["trigger"] = .string(rca.triggerStatement)
        content["root_cause"] = .string(rca.rootCause)
        content["category"] = .optional(rca.rootCauseCategory?.rawValue)
        content["five_whys"] = .array(rca.fiveWhys.map(CanonicalJSON.string))
        let parties = rca.parties.sorted { ($0.vendorID ?? 0) < ($1.vendorID ?? 0) }
        content["shares"] = .array(parties.map { party -> CanonicalJSON in .object(["vendor_id": id(party.vendorID), "share": .optional(party.share?.plain)]) })
        content["timeline"] = .array(
            rca.timeline.map { entry -> CanonicalJSON in
                var fields: [String: CanonicalJSON] = [:]
                fields["id"] = id(entry.id)
                fields["at"] = .string(RFC3339.format(entry.at))
                fields["author_vendor_id"] = id(entry.authorVendorID)
                fields["text"] = .string(entry.text)
                fields["evidence_url"] = .string(entry.evidenceURL)
                return .object(fields)
            })
        content["factors"] = .array(
            rca.factors.map { factor -> CanonicalJSON in
                var fields: [String: CanonicalJSON] = [:]
                fields["id"] = id(factor.id)
                fields["category"] = .string(factor.category.rawValue)
                fields["responsible_vendor_id"] = id(factor.responsibleVendorID)
                fields["description"] = .string(factor.description)
                return .object(fields)
            })
        content["evidence"] = .array(
            evidence.map { file -> CanonicalJSON in .object(["id": id(file.id), "file_name": .string(file.fileName), "sha256": .string(file.sha256)]) })
        return CanonicalJSON.object(content).text
    }
}

/// An evidence file as the signed content names it.
public struct EvidenceDigest: Sendable, Equatable {
    public var id: Int64
    public var fileName: String
    public var sha256: String

    public init(id: Int64, fileName: String, sha256: String) {
        self.id = id
        self.fileName = fileName
        self.sha256 = sha256
    }
}

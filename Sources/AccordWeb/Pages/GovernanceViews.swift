import AccordApplication
import AccordDomain
import Foundation

extension String {
    /// The text, or nil when it is empty: templates treat an empty string as present.
    var nonEmpty: String? { self.isEmpty ? nil : self }
}

/// Who acts on an activity of an agreement, by its RACI (those responsible, or the accountable party without them);
/// a vendor's users read the customer's people as the customer. Nil when the matrix names no one.
func actingParties(agreementID: Int64, activity: GovernanceActivity, useCases: UseCases, context: AccordRequestContext) async throws -> String? {
    let matrix = try await useCases.raci.matrix(agreementID: agreementID, scope: context.scope)
    let vendorFacing = context.identity?.user.role == .vendor
    var names: [String] = []
    for party in matrix.actors(for: activity) {
        let name = vendorFacing && party.kind == .person ? "the customer" : party.name
        if !names.contains(name) { names.append(name) }
    }
    return names.isEmpty ? nil : names.joined(separator: ", ")
}

/// One step of a history as the pages list it.
struct HistoryLine {
    var at: String
    var actor: String
    var action: String
    var note: String?

    init(_ entry: HistoryEntry, zone: TimeZone) {
        self.at = Stamp.format(entry.at, zone)
        self.actor = entry.actor
        self.action = entry.action
        self.note = entry.note.nonEmpty
    }
}

/// One evidence file as the pages list it, with its download link.
struct EvidenceLine {
    var name: String
    var size: String
    var type: String
    var uploadedBy: String
    var at: String
    var url: String
    var sha256: String

    init(_ file: EvidenceFile, base: String, zone: TimeZone) {
        self.name = file.fileName
        self.size = EvidenceRules.sizeText(file.size)
        self.type = file.contentType
        self.uploadedBy = file.uploadedBy ?? "—"
        self.at = Stamp.format(file.uploadedAt, zone)
        self.url = "\(base)/evidence/\(file.id)"
        self.sha256 = String(file.sha256.prefix(12))
    }
}

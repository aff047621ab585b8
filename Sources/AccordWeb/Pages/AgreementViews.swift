import AccordDomain
import Foundation

/// View models of the agreement pages.
enum AgreementViews {
    struct ListView {
        var chrome: Chrome
        var agreements: [Row]
        var search: String
        var kinds: [Choice]
        var statuses: [Choice]
        var pager: Pager
        var canManage: Bool
        var isEmpty: Bool

        struct Row {
            var id: Int64
            var title: String
            var kind: String
            var party: String
            var status: String
            var start: String
            var end: String
        }
    }

    struct VersionRow {
        var number: Int
        var effectiveFrom: String
        var state: String
        var note: String
        var objectiveCount: Int
        var url: String
        var isSelected: Bool
    }

    struct ObjectiveRow {
        var id: Int64
        var name: String
        var sli: String
        var sla: String
        var slo: String
        var window: String
        var calendar: String
        var goals: String?
        var exclusions: String
        var credits: String
    }

    struct VersionDetail {
        var number: Int
        var effectiveFrom: String
        var state: String
        var note: String
        var isDraft: Bool
        var canEditObjectives: Bool
        var canActivate: Bool
        var rowVersion: Int
        var objectives: [ObjectiveRow]
        var hasObjectives: Bool
        var baseURL: String
    }

    struct ShowView {
        var chrome: Chrome
        var agreement: Agreement
        var kindLabel: String
        var isMaster: Bool
        var showMaster: Bool
        var dependency: String?
        var fee: String
        var start: String
        var end: String
        var renewal: String
        var notice: String
        var canManage: Bool
        var canPropose: Bool
        var canEdit: Bool
        var canActivate: Bool
        var canClose: Bool
        var canAmend: Bool
        var versions: [VersionRow]
        var selected: VersionDetail?
        var supporting: [Agreement]
        var hasSupporting: Bool
        /// The SLO column (not for a vendor's user unless the agreement shares its internal figures).
        var showsInternal: Bool
        var isVendor: Bool
        /// Two versions to compare, the latest two by default; nil with a single version.
        var compare: CompareChoice?
        /// Its open renegotiation proposals (proposed or in negotiation).
        var proposals: [ProposalLink] = []
    }

    struct ProposalLink {
        var id: Int64
        var title: String
        var status: String
        var effectiveFrom: String
    }

    struct CompareChoice {
        var from: [Choice]
        var to: [Choice]
    }

    static func objectiveRow(_ objective: Objective) -> ObjectiveRow {
        ObjectiveRow(
            id: objective.id, name: objective.name, sli: objective.sliKind.label, sla: "\(objective.slaTarget.plain) %",
            slo: "\(objective.sloTarget.plain) %", window: objective.window.label, calendar: objective.calendarName ?? "24x7",
            goals: objective.priorityGoals.isEmpty
                ? nil : objective.priorityGoals.map { "\($0.priority) \(Self.minutes($0.goalMinutes))" }.joined(separator: ", "),
            exclusions: objective.exclusionKinds.isEmpty ? "none" : objective.exclusionKinds.map(\.label).joined(separator: ", "),
            credits: Self.creditSummary(objective.credits))
    }

    static func creditSummary(_ credits: CreditSchedule) -> String {
        guard !credits.tiers.isEmpty else { return "no credits" }
        return VersionComparison.tiers(credits) + "; cap \(credits.capPercent.plain) %"
            + (credits.probationFactor == 1 ? "" : "; probation × \(credits.probationFactor.plain)")
    }

    static func minutes(_ minutes: Int) -> String {
        minutes % 60 == 0 ? "\(minutes / 60) h" : minutes > 60 ? "\(minutes / 60) h \(minutes % 60) min" : "\(minutes) min"
    }
}

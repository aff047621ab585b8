import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// The governance terms of an agreement: notice for planned maintenance, the customer's deny periods, the dispute
/// window and when a joint root-cause analysis opens and falls due. Everyone who sees the agreement reads them;
/// contract managers change them.
struct GovernanceTermsPages {
    let dependencies: AppDependencies

    struct DenyRow {
        var index: Int
        var from: String
        var to: String
        var label: String
    }

    struct FormView {
        var chrome: Chrome
        var agreementID: Int64
        var agreementTitle: String
        var zone: String
        var canEdit: Bool
        var onBreach: Bool
        var autoRenews: Bool
        var adhocReview: Bool
        var shareInternal: Bool
        var rows: [DenyRow]
        var form: FormState
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("agreements/:id/governance", use: self.getAgreementGovernance)
        router.post("agreements/:id/governance", use: self.postAgreementGovernance)
    }

    @Sendable func getAgreementGovernance(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let terms = try await self.dependencies.useCases.governanceTerms.find(agreementID: try context.id(), scope: context.scope)
        return try await self.render(context, state: FormState(values: Self.values(terms), rowVersion: terms.rowVersion), notice: request.notice)
    }

    @Sendable func postAgreementGovernance(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try await self.dependencies.useCases.governanceTerms.find(agreementID: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return try await submitForm(request, context: context, render: { try await self.render(context, state: $0, notice: nil) }) { input in
            let expected = try DraftParsing.rowVersion(input)
            let terms = try DraftParsing.governanceTerms(input, rowVersion: expected)
            _ = try await self.dependencies.useCases.saveGovernanceTerms(
                agreementID: try context.id(), terms, expectedRowVersion: expected, scope: context.scope, actor: context.actor)
            return Redirect.to("/agreements/\(try context.id())/governance", notice: .updated)
        }
    }

    static func values(_ terms: GovernanceTerms) -> [String: String] {
        var values = [
            "notice_hours": "\(terms.noticeHours)", "dispute_window_days": "\(terms.disputeWindowDays)",
            "rca_due_business_days": "\(terms.rcaDueBusinessDays)", "rca_on_sla_breach": terms.rcaOnSLABreach ? "true" : "",
            "rca_attainment_floor": terms.rcaAttainmentFloor?.plain ?? "", "rca_repeat_within": terms.rcaRepeatWithin.map(String.init) ?? "",
            "notice_period_days": terms.noticePeriodDays.map(String.init) ?? "", "auto_renews": terms.autoRenews ? "true" : "",
            "adhoc_review_on_trigger": terms.adhocReviewOnTrigger ? "true" : "",
            "share_internal_figures": terms.shareInternalFigures ? "true" : "",
        ]
        for (index, period) in terms.denyPeriods.enumerated() {
            values["deny_periods.\(index).from"] = period.from.description
            values["deny_periods.\(index).to"] = period.to.description
            values["deny_periods.\(index).label"] = period.label
        }
        return values
    }

    private func render(_ context: AccordRequestContext, state: FormState, notice: String?) async throws -> Response {
        let user = try context.requireUser()
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        let used = state.values.keys.compactMap { key -> Int? in
            let parts = key.split(separator: ".")
            // row numbers come from the submitted form: only those of real rows count
            return parts.count == 3 && parts[0] == "deny_periods" ? Int(parts[1]).flatMap { (0..<GovernanceTerms.maximumDenyPeriods).contains($0) ? $0 : nil } : nil
        }
        let count = min((used.max() ?? -1) + 3, GovernanceTerms.maximumDenyPeriods)
        let rows = (0..<count).map { index in
            DenyRow(
                index: index, from: state.values["deny_periods.\(index).from"] ?? "", to: state.values["deny_periods.\(index).to"] ?? "",
                label: state.values["deny_periods.\(index).label"] ?? "")
        }
        let view = FormView(
            chrome: Chrome(title: "Governance terms", context: context, notice: notice), agreementID: agreement.id, agreementTitle: agreement.title,
            zone: agreement.timeZone, canEdit: user.role.may(.manageContracts), onBreach: !(state.values["rca_on_sla_breach"] ?? "").isEmpty,
            autoRenews: !(state.values["auto_renews"] ?? "").isEmpty, adhocReview: !(state.values["adhoc_review_on_trigger"] ?? "").isEmpty,
            shareInternal: !(state.values["share_internal_figures"] ?? "").isEmpty, rows: rows, form: state)
        return self.dependencies.renderer.response(
            view, template: "agreements/governance", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

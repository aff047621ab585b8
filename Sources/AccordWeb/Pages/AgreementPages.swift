import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Master and vendor SLAs: list, detail with versions and objectives, create, edit, status changes.
struct AgreementPages {
    let dependencies: AppDependencies
    var renderer: PageRenderer { self.dependencies.renderer }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("agreements", use: self.getAgreements)
        router.get("agreements/new", use: self.getAgreementsNew)
        router.post("agreements", use: self.postAgreements)
        router.get("agreements/:id", use: self.getAgreement)
        router.get("agreements/:id/versions/:number", use: self.getAgreementVersion)
        router.get("agreements/:id/edit", use: self.getAgreementEdit)
        router.post("agreements/:id/edit", use: self.postAgreementEdit)
        router.get("agreements/:id/status", use: self.getAgreementStatus)
        router.post("agreements/:id/status", use: self.postAgreementStatus)
        VersionPages(dependencies: self.dependencies).addRoutes(to: router)
    }

    @Sendable func getAgreements(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.list(request, context)
    }

    @Sendable func getAgreementsNew(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        var values = ["kind": request.query("kind") ?? "vendor", "currency": "EUR", "fee_period": "month", "time_zone": "UTC", "fee": "0"]
        values["master_id"] = request.query("master_id")
        // "Add SLA" on a vendor's page starts with that vendor chosen
        values["vendor_id"] = request.query("vendor_id")
        values["dependency_kind"] = "serial"
        return try await self.form(context, agreement: nil, state: FormState(values: values))
    }

    @Sendable func postAgreements(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.form(context: context)
        return try await saveOrRedisplay(input: input, render: { state in try await self.form(context, agreement: nil, state: state) }) {
            let agreement = try await self.dependencies.useCases.createAgreement(
                try DraftParsing.agreement(input), scope: context.scope, actor: context.actor)
            return Redirect.to("/agreements/\(agreement.id)", notice: .created)
        }
    }

    @Sendable func getAgreement(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.show(request, context, versionNumber: nil)
    }

    @Sendable func getAgreementVersion(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.show(request, context, versionNumber: try context.number("number"))
    }

    @Sendable func getAgreementEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return try await self.form(
            context, agreement: agreement, state: FormState(values: agreement.formValues, rowVersion: agreement.rowVersion))
    }

    @Sendable func postAgreementEdit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.form(context: context)
        let merged = input.over(agreement.asInput)
        return try await saveOrRedisplay(
            input: merged,
            render: { state in
                var state = state
                state.rowVersion = state.rowVersion ?? Int(input.text("row_version") ?? "")
                return try await self.form(context, agreement: agreement, state: state)
            }
        ) {
            _ = try await self.dependencies.useCases.editAgreement(
                id: agreement.id, try DraftParsing.agreement(merged), expectedRowVersion: try DraftParsing.rowVersion(input),
                scope: context.scope,
                actor: context.actor)
            return Redirect.to("/agreements/\(agreement.id)", notice: .updated)
        }
    }

    @Sendable func getAgreementStatus(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        guard let target = request.query("to").flatMap(AgreementStatus.init(rawValue:)) else { throw NotFound("status") }
        let view = StatusConfirmView(
            chrome: Chrome(title: "Change status", context: context), agreement: agreement, target: target.rawValue,
            question: "Mark \(agreement.title) as \(target.rawValue)?",
            detail: target == .terminated
                ? "A terminated agreement can no longer be changed or amended. Its history stays viewable."
                : "An expired agreement can no longer be changed or amended. Its history stays viewable.")
        return self.renderer.response(view, template: "agreements/status")
    }

    @Sendable func postAgreementStatus(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.form(context: context)
        guard let target = input.text("status").flatMap(AgreementStatus.init(rawValue:)) else {
            throw ValidationErrors([FieldError("status", "Choose draft, active, expired or terminated.")])
        }
        _ = try await self.dependencies.useCases.changeAgreementStatus(
            id: agreement.id, to: target, expectedRowVersion: try DraftParsing.rowVersion(input), scope: context.scope, actor: context.actor)
        return Redirect.to("/agreements/\(agreement.id)", notice: target == .active ? .activated : .statusChanged)
    }

    struct StatusConfirmView {
        var chrome: Chrome
        var agreement: Agreement
        var target: String
        var question: String
        var detail: String
    }

    private func list(_ request: Request, _ context: AccordRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let search = request.query("q")
        let kind = request.query("kind").flatMap(AgreementKind.init(rawValue:))
        let status = request.query("status").flatMap(AgreementStatus.init(rawValue:))
        let filter = AgreementFilter(
            search: search, kind: kind, status: status, vendorID: request.query("vendor_id").flatMap { Int64($0) },
            masterID: request.query("master_id").flatMap { Int64($0) })
        let page = try await self.dependencies.useCases.agreements.list(filter, page: request.page(), scope: context.scope)
        let rows = page.items.map {
            AgreementViews.ListView.Row(
                id: $0.id, title: $0.title, kind: $0.kind == .master ? "Master SLA" : "Vendor SLA", party: $0.vendorName ?? $0.serviceName,
                status: $0.status.rawValue, start: Figures.date($0.startDate), end: $0.endDate.map(Figures.date) ?? "open-ended")
        }
        let view = AgreementViews.ListView(
            chrome: Chrome(title: "Agreements", context: context, notice: request.notice), agreements: rows, search: search.orEmpty,
            kinds: AgreementKind.allCases.map {
                Choice(value: $0.rawValue, label: $0 == .master ? "Master SLAs" : "Vendor SLAs", selected: $0 == kind)
            },
            statuses: AgreementStatus.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue.capitalized, selected: $0 == status) },
            pager: Pager(page, path: "/agreements", query: [("q", search), ("kind", kind?.rawValue), ("status", status?.rawValue)]),
            canManage: user.role.may(.manageContracts), isEmpty: rows.isEmpty)
        return self.renderer.response(view, template: "agreements/list")
    }

    private func show(_ request: Request, _ context: AccordRequestContext, versionNumber: Int?) async throws -> Response {
        let user = try context.requireUser()
        let agreement = try await self.dependencies.useCases.agreements.find(id: try context.id(), scope: context.scope)
        let versions = try await self.dependencies.useCases.agreements.versions(agreementID: agreement.id, scope: context.scope)
        let today = LocalDate.of(self.dependencies.clock(), in: TimeZone(identifier: agreement.timeZone) ?? .gmt)
        let selectedVersion: AgreementVersion?
        if let versionNumber {
            guard let match = versions.first(where: { $0.number == versionNumber }) else { throw NotFound("version") }
            selectedVersion = match
        } else {
            selectedVersion = VersionRules.version(inForceOn: today, among: versions) ?? versions.last
        }
        let canManage = user.role.may(.manageContracts)
        let open = agreement.status == .draft || agreement.status == .active
        var detail: AgreementViews.VersionDetail?
        if let version = selectedVersion {
            let objectives = try await self.dependencies.useCases.objectives.list(versionID: version.id, scope: context.scope)
            let editable = canManage && version.state == .draft && open
            detail = AgreementViews.VersionDetail(
                number: version.number, effectiveFrom: Figures.date(version.effectiveFrom), state: VersionRules.stateLabel(version, on: today, among: versions), note: version.note,
                isDraft: version.state == .draft, canEditObjectives: editable,
                canActivate: editable && agreement.status == .active && version.number > 1, rowVersion: version.rowVersion,
                objectives: objectives.map(AgreementViews.objectiveRow), hasObjectives: !objectives.isEmpty,
                baseURL: "/agreements/\(agreement.id)/versions/\(version.number)")
        }
        var supporting: [Agreement] = []
        if agreement.kind == .master {
            supporting = try await self.dependencies.useCases.agreements.list(
                .init(masterID: agreement.id), page: PageRequest(number: 1, size: 200), scope: context.scope
            ).items
        }
        // the notice deadline: the agreement's notice date, or its end less the notice period of its governance terms
        let terms = try await self.dependencies.useCases.governanceTerms.find(agreementID: agreement.id, scope: context.scope)
        let deadline = agreement.noticeDate ?? RenewalRules.noticeDeadline(endDate: agreement.endDate, noticeDays: terms.noticePeriodDays ?? -1)
        let notice: String = deadline.map { deadline in
            let left = deadline.daysSince1970 - today.daysSince1970
            if left < 0 {
                return "\(Figures.date(deadline)). " + RenewalRules.afterDeadline(autoRenews: terms.autoRenews)
            }
            return "\(Figures.date(deadline)) (\(left) day\(left == 1 ? "" : "s") left; without notice it \(terms.autoRenews ? "renews automatically" : "expires at the end of its term"))"
        } ?? "—"
        let view = AgreementViews.ShowView(
            chrome: Chrome(title: agreement.title, context: context, notice: request.notice), agreement: agreement,
            kindLabel: agreement.kind == .master ? "Master SLA" : "Vendor SLA", isMaster: agreement.kind == .master,
            showMaster: user.role != .vendor && agreement.masterID != nil,
            dependency: agreement.dependencyKind.map { $0 == .parallel ? "parallel (group \(agreement.parallelGroup ?? ""))" : "serial" },
            fee: "\(Money.format(agreement.fee, agreement.currency)) per \(agreement.feePeriod.rawValue)",
            start: Figures.date(agreement.startDate), end: agreement.endDate.map(Figures.date) ?? "open-ended",
            renewal: agreement.renewalDate.map(Figures.date) ?? "—", notice: notice, canManage: canManage,
            canPropose: agreement.status == .active && (canManage || user.role == .vendor),
            canEdit: canManage && open, canActivate: canManage && agreement.status == .draft, canClose: canManage && agreement.status == .active,
            canAmend: canManage && agreement.status == .active && !versions.contains { $0.state == .draft },
            versions: versions.map {
                AgreementViews.VersionRow(
                    number: $0.number, effectiveFrom: Figures.date($0.effectiveFrom), state: VersionRules.stateLabel($0, on: today, among: versions),
                    note: $0.note,
                    objectiveCount: $0.objectiveCount,
                    url: "/agreements/\(agreement.id)/versions/\($0.number)", isSelected: $0.number == selectedVersion?.number)
            },
            selected: detail, supporting: supporting, hasSupporting: !supporting.isEmpty,
            showsInternal: user.role != .vendor || terms.shareInternalFigures, isVendor: user.role == .vendor,
            compare: versions.count < 2
                ? nil
                : AgreementViews.CompareChoice(
                    from: versions.map { Choice(value: "\($0.number)", label: "Version \($0.number)", selected: $0.number == versions[versions.count - 2].number) },
                    to: versions.map { Choice(value: "\($0.number)", label: "Version \($0.number)", selected: $0.number == versions[versions.count - 1].number) }))
        var shown = view
        shown.proposals = try await self.dependencies.useCases.proposals.list(
            agreementID: agreement.id, openOnly: true, page: PageRequest(number: 1, size: 20), scope: context.scope
        ).items.map {
            AgreementViews.ProposalLink(
                id: $0.id, title: $0.title, status: $0.status.rawValue.replacingOccurrences(of: "_", with: " "), effectiveFrom: Figures.date($0.effectiveFrom))
        }
        return self.renderer.response(shown, template: "agreements/show")
    }

    struct FormView {
        var chrome: Chrome
        var heading: String
        var action: String
        var cancelURL: String
        var form: FormState
        var isNew: Bool
        var showDependency: Bool
        var kinds: [Choice]
        var services: [Choice]
        var vendors: [Choice]
        var masters: [Choice]
        var dependencies: [Choice]
        var feePeriods: [Choice]
        var timeZones = TimeZoneDatabase.names
        var zoneHint = "periods are aligned in it"
    }

    private func form(_ context: AccordRequestContext, agreement: Agreement?, state: FormState) async throws -> Response {
        let values = state.values
        let services = try await self.dependencies.useCases.services.all()
        let vendors = try await self.dependencies.useCases.vendors.all(scope: .organisation)
        let masters = try await self.dependencies.useCases.agreements.masters()
        let view = FormView(
            chrome: Chrome(title: agreement.map { "Edit \($0.title)" } ?? "New agreement", context: context),
            heading: agreement.map { "Edit \($0.title)" } ?? "New agreement", action: agreement.map { "/agreements/\($0.id)/edit" } ?? "/agreements",
            cancelURL: agreement.map { "/agreements/\($0.id)" } ?? "/agreements", form: state, isNew: agreement == nil,
            showDependency: agreement == nil || agreement?.kind == .vendor,
            kinds: AgreementKind.allCases.map {
                Choice(
                    value: $0.rawValue, label: $0 == .master ? "Master SLA (a business service)" : "Vendor SLA (supports a master)",
                    selected: values["kind"] == $0.rawValue)
            },
            services: services.map { Choice(value: String($0.id), label: $0.name, selected: values["service_id"] == String($0.id)) },
            vendors: vendors.map { Choice(value: String($0.id), label: $0.name, selected: values["vendor_id"] == String($0.id)) },
            masters: masters.map {
                Choice(value: String($0.id), label: "\($0.title) (\($0.serviceName))", selected: values["master_id"] == String($0.id))
            },
            dependencies: DependencyKind.allCases.map {
                Choice(
                    value: $0.rawValue, label: $0 == .serial ? "Serial: the master needs it" : "Parallel: redundant within a group",
                    selected: values["dependency_kind"] == $0.rawValue)
            },
            feePeriods: FeePeriod.allCases.map {
                Choice(value: $0.rawValue, label: "per \($0.rawValue)", selected: values["fee_period"] == $0.rawValue)
            })
        return self.renderer.response(
            view, template: "agreements/form", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

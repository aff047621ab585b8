import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// The RACI matrix of an agreement (who is responsible, accountable, consulted and informed for each governance
/// activity), its rule findings, and the health page of every agreement whose matrix breaks a rule.
struct RACIPages {
    let dependencies: AppDependencies
    var raci: RACIQueries { self.dependencies.useCases.raci }

    struct Column {
        var key: String
        var name: String
        var side: String
    }

    struct Cell {
        var field: String
        var letter: String
        var options: [Choice]
    }

    struct Row {
        var activity: String
        var cells: [Cell]
        var summary: String
    }

    struct FindingLine {
        var severity: String
        var message: String
    }

    struct MatrixView {
        var chrome: Chrome
        var agreementID: Int64
        var title: String
        var columns: [Column]
        var rows: [Row]
        var findings: [FindingLine]
        var healthy: Bool
        var canEdit: Bool
        var isVendor: Bool
    }

    struct HealthView {
        var chrome: Chrome
        /// The agreements whose matrix breaks a rule, problems first, as filtered.
        var problems: [Entry]
        /// The clean ones, one line.
        var clean: [Entry]
        /// "3 agreements follow every rule".
        var cleanLine: String
        var severities: [Choice]
        var vendors: [Choice]
        var filtered: Bool
        var allClean: Bool

        struct Entry {
            var id: Int64
            var title: String
            var vendor: String
            var errors: Int
            var warnings: Int
            var findings: [FindingLine]
        }
    }

    static func key(_ party: RACIParty) -> String { "\(party.kind.rawValue)-\(party.id)" }

    /// The cells of a submitted matrix form: `cell-<activity>-<kind>-<id>` = a letter, blank for none.
    static func assignments(_ input: Input, candidates: [RACIParty]) throws -> [RACIAssignment] {
        var result: [RACIAssignment] = []
        var errors = ValidationErrors()
        for (name, _) in input.fields where name.hasPrefix("cell-") {
            guard let text = input.text(name) else { continue }
            let parts = name.dropFirst(5).split(separator: "-")
            guard parts.count == 3, let activity = GovernanceActivity(rawValue: String(parts[0])), let kind = RACIParty.Kind(rawValue: String(parts[1])),
                let id = Int64(parts[2]), let party = candidates.first(where: { $0.kind == kind && $0.id == id })
            else {
                errors.add("assignments", "\(name.prefix(60)) is not a cell of this matrix.")
                continue
            }
            guard let letter = RACILetter(rawValue: text) else {
                errors.add("assignments", "A cell holds R, A, C or I.")
                continue
            }
            result.append(RACIAssignment(activity: activity, party: party, letter: letter))
        }
        try errors.throwIfAny()
        return result
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("agreements/:id/raci", use: self.getAgreementRACI)
        router.post("agreements/:id/raci", use: self.postAgreementRACI)
        router.get("raci", use: self.getRACI)
    }

    @Sendable func getAgreementRACI(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        try await self.matrix(context, notice: request.notice, state: FormState())
    }

    @Sendable func postAgreementRACI(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let candidates = try await self.raci.candidates(agreementID: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        return try await submitForm(request, context: context, render: { try await self.matrix(context, notice: nil, state: $0) }) { input in
            _ = try await self.dependencies.useCases.setRACI(
                agreementID: try context.id(), try Self.assignments(input, candidates: candidates), scope: context.scope, actor: context.actor)
            return Redirect.to("/agreements/\(try context.id())/raci", notice: .updated)
        }
    }

    @Sendable func getRACI(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.readPortfolio)
        let health = try await self.raci.health(scope: context.scope)
        // filters: errors or warnings only, one vendor (or the master SLAs); unknown values are ignored
        let severity = request.uri.queryParameters.get("severity").flatMap { ["errors", "warnings"].contains($0) ? $0 : nil }
        let vendorText = request.uri.queryParameters.get("vendor") ?? ""
        let vendorID = Int64(vendorText)
        let shown = health.filter { entry in
            (vendorText == "master" ? entry.vendorID == nil : vendorID.map { entry.vendorID == $0 } ?? true)
                && (severity == "errors" ? entry.errors > 0 : severity == "warnings" ? entry.warnings > 0 : true)
        }
        func entry(_ health: RACIHealth) -> HealthView.Entry {
            .init(
                id: health.agreementID, title: health.title, vendor: health.vendorName ?? "master SLA", errors: health.errors, warnings: health.warnings,
                findings: health.assigned == 0 && !health.findings.isEmpty
                    ? [FindingLine(severity: "error", message: "No matrix set: each of the \(GovernanceActivity.allCases.count) activities needs exactly one accountable (A).")]
                    : health.findings.map { FindingLine(severity: $0.severity.rawValue, message: $0.message) })
        }
        var vendors: [Int64: String] = [:]
        for item in health { if let id = item.vendorID { vendors[id] = item.vendorName ?? "" } }
        let clean = shown.filter(\.findings.isEmpty).map(entry)
        let view = HealthView(
            chrome: Chrome(title: "RACI health", context: context, notice: request.notice),
            problems: shown.filter { !$0.findings.isEmpty }.map(entry), clean: clean,
            cleanLine: "\(clean.count) \(clean.count == 1 ? "agreement follows" : "agreements follow") every rule",
            severities: [("", "Any finding"), ("errors", "With errors"), ("warnings", "With warnings")].map {
                Choice(value: $0.0, label: $0.1, selected: $0.0 == (severity ?? ""))
            },
            vendors: [Choice(value: "master", label: "Master SLAs", selected: vendorText == "master")]
                + vendors.sorted { $0.value.lowercased() < $1.value.lowercased() }.map { Choice(value: "\($0.key)", label: $0.value, selected: $0.key == vendorID) },
            filtered: severity != nil || !vendorText.isEmpty, allClean: !health.isEmpty && health.allSatisfy(\.findings.isEmpty))
        return self.dependencies.renderer.response(view, template: "raci/health")
    }

    private func matrix(_ context: AccordRequestContext, notice: String?, state: FormState) async throws -> Response {
        let user = try context.requireUser()
        let id = try context.id()
        let agreement = try await self.dependencies.useCases.agreements.find(id: id, scope: context.scope)
        let matrix = try await self.raci.matrix(agreementID: id, scope: context.scope)
        let isVendor = user.role == .vendor
        var candidates = try await self.raci.candidates(agreementID: id, scope: context.scope)
        // a vendor's users read the customer's people as the customer
        func name(_ party: RACIParty) -> String { isVendor && party.kind == .person ? "The customer" : party.name }
        if isVendor { candidates = candidates.filter { $0.kind != .person } + [RACIParty(kind: .person, id: 0, name: "The customer")] }
        let letters = ["", "R", "A", "C", "I"]
        let rows = GovernanceActivity.allCases.map { activity in
            let held = matrix.assignments.filter { $0.activity == activity }
            return Row(
                activity: activity.label,
                cells: candidates.map { party in
                    let field = "cell-\(activity.rawValue)-\(Self.key(party))"
                    let current = state.values[field] ?? held.filter { isVendor && party.kind == .person ? $0.party.kind == .person : $0.party == party }
                        .map(\.letter.rawValue).joined(separator: "+")
                    return Cell(field: field, letter: current, options: letters.map { Choice(value: $0, label: $0.isEmpty ? "—" : $0, selected: $0 == current) })
                },
                summary: RACILetter.allCases.compactMap { letter in
                    let names = Set(held.filter { $0.letter == letter }.map { name($0.party) }).sorted()
                    return names.isEmpty ? nil : "\(letter.rawValue): \(names.joined(separator: ", "))"
                }.joined(separator: " · "))
        }
        let findings = isVendor ? [] : matrix.findings(mayDecide: try await self.raci.mayDecide(matrix))
        let view = MatrixView(
            chrome: Chrome(title: "RACI: \(agreement.title)", context: context, notice: notice), agreementID: id, title: agreement.title,
            columns: candidates.map { Column(key: Self.key($0), name: name($0), side: $0.kind == .person ? "customer" : "vendor") },
            rows: rows, findings: findings.map { FindingLine(severity: $0.severity.rawValue, message: $0.message) }, healthy: findings.isEmpty,
            canEdit: user.role.may(.manageContracts), isVendor: isVendor)
        return self.dependencies.renderer.response(view, template: "raci/matrix", status: state.errors.isEmpty && state.conflict == nil ? .ok : .unprocessableContent)
    }
}

/// `/api/v1/agreements/{id}/raci` and `/api/v1/raci/health`.
struct RACIAPI {
    let dependencies: AppDependencies
    var raci: RACIQueries { self.dependencies.useCases.raci }

    struct MatrixBody: Encodable {
        struct Row: Encodable {
            var activity: String
            var partyKind: String
            var partyID: Int64
            var partyName: String
            var letter: String
        }

        struct Finding: Encodable {
            var activity: String
            var severity: String
            var message: String
        }

        var assignments: [Row]
        var findings: [Finding]

        init(_ matrix: RACIMatrix, vendorFacing: Bool, mayDecide: Set<Int64>? = nil) {
            self.assignments = matrix.assignments.map {
                Row(
                    activity: $0.activity.rawValue, partyKind: $0.party.kind.rawValue, partyID: vendorFacing && $0.party.kind == .person ? 0 : $0.party.id,
                    partyName: vendorFacing && $0.party.kind == .person ? customerLabel : $0.party.name, letter: $0.letter.rawValue)
            }
            self.findings = vendorFacing ? [] : matrix.findings(mayDecide: mayDecide).map { Finding(activity: $0.activity.rawValue, severity: $0.severity.rawValue, message: $0.message) }
        }
    }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("agreements/:id/raci", use: self.getAgreementRACI2)
        group.put("agreements/:id/raci", use: self.putAgreementRACI)
        group.get("raci/health", use: self.getRACIHealth)
    }

    @Sendable func getAgreementRACI2(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        let matrix = try await self.raci.matrix(agreementID: try context.id(), scope: context.scope)
        let vendor = user.role == .vendor
        return JSON.response(MatrixBody(matrix, vendorFacing: vendor, mayDecide: vendor ? nil : try await self.raci.mayDecide(matrix)))
    }

    @Sendable func putAgreementRACI(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let candidates = try await self.raci.candidates(agreementID: try context.id(), scope: context.scope)
        _ = try context.requireUser(.manageContracts)
        var request = request
        let input = try await request.json(context: context)
        var assignments: [RACIAssignment] = []
        var errors = ValidationErrors()
        for (index, row) in input.objects("assignments").enumerated() {
            guard let activity = row.text("activity").flatMap(GovernanceActivity.init(rawValue:)),
                let kind = row.text("party_kind").flatMap(RACIParty.Kind.init(rawValue:)), let id = row.text("party_id").flatMap({ Int64($0) }),
                let letter = row.text("letter").flatMap(RACILetter.init(rawValue:))
            else {
                errors.add("assignments", "Row \(index + 1) needs an activity, a party_kind (person, vendor_contact, vendor_user), a party_id and a letter (R, A, C, I).")
                continue
            }
            guard let party = candidates.first(where: { $0.kind == kind && $0.id == id }) else {
                errors.add("assignments", "Row \(index + 1): \(kind.rawValue) \(id) is not a party of this agreement.")
                continue
            }
            assignments.append(RACIAssignment(activity: activity, party: party, letter: letter))
        }
        try errors.throwIfAny()
        let matrix = try await self.dependencies.useCases.setRACI(agreementID: try context.id(), assignments, scope: context.scope, actor: context.actor)
        return JSON.response(MatrixBody(matrix, vendorFacing: false, mayDecide: try await self.raci.mayDecide(matrix)))
    }

    @Sendable func getRACIHealth(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.readPortfolio)
        let health = try await self.raci.health(scope: context.scope)
        return JSON.response(
            ItemsEnvelope(
                items: health.filter { !$0.findings.isEmpty }.map { entry in
                    HealthRow(
                        agreementID: entry.agreementID, title: entry.title,
                        findings: entry.findings.map { MatrixBody.Finding(activity: $0.activity.rawValue, severity: $0.severity.rawValue, message: $0.message) })
                }))
    }

    struct HealthRow: Encodable {
        var agreementID: Int64
        var title: String
        var findings: [MatrixBody.Finding]
    }
}

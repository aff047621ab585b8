import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/credits`: the ledger (filters `vendor_id`, `status`, `from`, `to`), its CSV export, and the status steps.
struct CreditAPI {
    let dependencies: AppDependencies
    var credits: CreditLedger { self.dependencies.useCases.credits }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("credits", use: self.getCredits)
        group.get("credits.csv", use: self.getCreditsCSV)
        group.get("credits/summary", use: self.getCreditsSummary)
        // approve many credits at once: {"credits": [{"id": 1, "row_version": 0}, ...]}, all or none
        group.post("credits/approve", use: self.postCreditsApprove)
        group.get("credits/:id/history", use: self.getCreditHistory)
        group.get("credits/:id", use: self.getCredit)
        for action in ["approve", "issue", "waive"] {
            group.post("credits/:id/\(action)") { request, context in
                _ = try await self.credits.find(id: try context.id(), scope: context.scope)
                _ = try context.requireUser(.approveCredits)
                var request = request
                let input = try await request.json(context: context)
                return JSON.response(
                    try await self.credits.perform(
                        try CreditPages.action(action, input), id: try context.id(), expectedRowVersion: try DraftParsing.rowVersion(input),
                        scope: context.scope, actor: context.actor))
            }
        }
    }

    @Sendable func getCredits(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let page = try await self.credits.page(filter: try Self.filter(request), page: request.apiPage(), scope: context.scope)
        return JSON.response(ListEnvelope(page) { $0 })
    }

    @Sendable func getCreditsCSV(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return CSVDownload.response(
            try await self.credits.export(filter: try Self.filter(request), scope: context.scope), filename: "accord-credits.csv")
    }

    @Sendable func getCreditsSummary(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(ItemsEnvelope(items: try await self.credits.summary(filter: try Self.filter(request), scope: context.scope)))
    }

    @Sendable func postCreditsApprove(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.approveCredits)
        var request = request
        let input = try await request.json(context: context)
        var errors = ValidationErrors()
        var chosen: [(id: Int64, rowVersion: Int)] = []
        for (index, row) in input.objects("credits").enumerated() {
            guard let id = row.text("id").flatMap({ Int64($0) }), id > 0, let version = row.text("row_version").flatMap({ Int($0) }) else {
                errors.add(FieldError("credits", "Each credit needs its id and the row_version read with it.", row: index + 1))
                continue
            }
            chosen.append((id, version))
        }
        try errors.throwIfAny()
        let approved = try await self.credits.approveAll(chosen, scope: context.scope, actor: context.actor)
        return JSON.response(ItemsEnvelope(items: approved))
    }

    @Sendable func getCreditHistory(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        let user = try context.requireUser()
        return JSON.response(
            ItemsEnvelope(items: try await self.credits.history(id: try context.id(), scope: context.scope, vendorFacing: user.role == .vendor)))
    }

    @Sendable func getCredit(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        return JSON.response(try await self.credits.find(id: try context.id(), scope: context.scope))
    }

    static func filter(_ request: Request) throws -> CreditFilter {
        var errors = ValidationErrors()
        let status = request.query("status")
        if let status, CreditStatus(rawValue: status) == nil {
            errors.add("status", "status must be one of \(CreditStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let vendor = request.query("vendor_id")
        if let vendor, Int64(vendor) == nil { errors.add("vendor_id", "vendor_id must be a number.") }
        let from = MeasurementAPI.instant(request.query("from"), field: "from", into: &errors)
        let to = MeasurementAPI.instant(request.query("to"), field: "to", into: &errors)
        try errors.throwIfAny()
        return CreditFilter(
            vendorID: vendor.flatMap { Int64($0) }, status: status.flatMap(CreditStatus.init(rawValue:)), from: from, to: to)
    }
}

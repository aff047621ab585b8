import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// The baseline the dashboard benchmark compares against: one query of twelve rows through the same middleware,
/// template engine and layout. Served only with `ACCORD_DIAGNOSTICS=1`.
struct DiagnosticsPages {
    let dependencies: AppDependencies

    struct Row {
        var number: Int
        var label: String
    }

    struct BaselineView {
        var chrome: Chrome
        var rows: [Row]
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("diagnostics/baseline", use: self.getDiagnosticsBaseline)
    }

    @Sendable func getDiagnosticsBaseline(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser()
        let rows = try await self.dependencies.backend.baselineRows().map { Row(number: $0.number, label: $0.label) }
        return self.dependencies.renderer.response(
            BaselineView(chrome: Chrome(title: "Baseline", context: context), rows: rows), template: "diagnostics/baseline")
    }
}

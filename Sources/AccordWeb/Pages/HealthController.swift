import AccordStorage
import Hummingbird

/// `/healthz`: the process answers. `/readyz`: the database answers and every migration is applied.
struct HealthController {
    let dependencies: AppDependencies

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("healthz") { _, _ in JSON.response(["status": "ok"]) }
        router.get("readyz") { _, _ in
            let runner = MigrationRunner(database: self.dependencies.repositories.database, migrations: self.dependencies.migrations)
            do {
                let pending = try await runner.pending()
                guard pending.isEmpty else {
                    return JSON.response(
                        ["status": "migrations_pending", "pending": pending.map(\.name).joined(separator: ",")], status: .serviceUnavailable)
                }
                return JSON.response(["status": "ready"])
            } catch {
                return JSON.response(["status": "database_unreachable"], status: .serviceUnavailable)
            }
        }
    }
}

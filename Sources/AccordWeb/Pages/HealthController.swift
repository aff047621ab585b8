import AccordApplication
import Foundation
import Hummingbird

/// `/healthz`: the process answers. `/readyz`: the database answers and every migration is applied — within a second
/// either way, so a load balancer's probe never hangs on a saturated or absent database.
struct HealthController {
    let dependencies: AppDependencies
    static let readinessDeadline: Duration = .seconds(1)

    enum Readiness: Sendable {
        case ready
        case pending([String])
        case unreachable
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("healthz", use: self.getHealthz)
        router.get("readyz", use: self.getReadyz)
        // browsers ask for /favicon.ico whatever the page links: the same icon
        router.get("favicon.ico") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.location] = "/static/favicon.svg"
            headers[.cacheControl] = "public, max-age=86400"
            return Response(status: .movedPermanently, headers: headers)
        }
    }

    @Sendable func getHealthz(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        JSON.response(["status": "ok"])
    }

    @Sendable func getReadyz(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        switch await self.readiness() {
        case .ready:
            return JSON.response(["status": "ready"])
        case .pending(let names):
            return JSON.response(["status": "migrations_pending", "pending": names.joined(separator: ",")], status: .serviceUnavailable)
        case .unreachable:
            var response = JSON.response(["status": "database_unreachable"], status: .serviceUnavailable)
            response.headers[.retryAfter] = "5"
            return response
        }
    }

    /// The migration check raced against the deadline; whichever ends first answers, the other is cancelled.
    func readiness() async -> Readiness {
        let backend = self.dependencies.backend
        return await withTaskGroup(of: Readiness.self) { group in
            group.addTask {
                guard let pending = try? await backend.pendingMigrations() else { return .unreachable }
                return pending.isEmpty ? .ready : .pending(pending)
            }
            group.addTask {
                try? await Task.sleep(for: Self.readinessDeadline)
                return .unreachable
            }
            let first = await group.next() ?? .unreachable
            group.cancelAll()
            return first
        }
    }
}

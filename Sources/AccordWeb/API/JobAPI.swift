import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// `/api/v1/jobs`: the scheduled jobs with their last run (admins), and `POST /api/v1/jobs/{name}/run` to run one now.
struct JobAPI {
    let dependencies: AppDependencies

    struct RunResult: Encodable {
        var job: String
        var startedAt: Date
        var durationMs: Int64
        var outcome: String
        var items: Int?
        var summary: String?
        var error: String?
    }

    func addRoutes(to group: RouterGroup<AccordRequestContext>) {
        group.get("jobs", use: self.getJobs)
        group.post("jobs/{name}/run", use: self.postJobRun)
    }

    @Sendable func getJobs(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        return JSON.response(ItemsEnvelope(items: try await self.dependencies.jobRunner.overview()))
    }

    @Sendable func postJobRun(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let run = try await self.dependencies.jobRunner.runNow(named: context.parameters.get("name") ?? "")
        return JSON.response(
            RunResult(
                job: run.job, startedAt: run.startedAt, durationMs: run.durationMilliseconds,
                outcome: run.succeeded ? "succeeded" : "failed", items: run.report?.items, summary: run.report?.summary, error: run.error))
    }
}

import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Administrators: the scheduled jobs with their last run, and a button to run one now.
struct JobPages {
    let dependencies: AppDependencies

    struct Line {
        var name: String
        var purpose: String
        var every: String
        var lastRun: String
        var duration: String
        var outcome: String
        var failed: Bool
        var error: String?
        var runs: Int64
        var failures: Int64?
        var nextDue: String
    }

    struct ListView {
        var chrome: Chrome
        var jobs: [Line]
    }

    func addRoutes(to router: Router<AccordRequestContext>) {
        router.get("jobs", use: self.getJobs)
        router.post("jobs/{name}/run", use: self.postJobRun)
    }

    @Sendable func getJobs(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        let jobs = try await self.dependencies.jobRunner.overview().map(Self.line)
        let view = ListView(chrome: Chrome(title: "Jobs", context: context, notice: request.notice), jobs: jobs)
        return self.dependencies.renderer.response(view, template: "jobs/list")
    }

    @Sendable func postJobRun(_ request: Request, _ context: AccordRequestContext) async throws -> some ResponseGenerator {
        _ = try context.requireUser(.administer)
        _ = try await self.dependencies.jobRunner.runNow(named: context.parameters.get("name") ?? "")
        return Redirect.to("/jobs", notice: .jobRan)
    }

    static func line(_ job: JobOverview) -> Line {
        let record = job.lastRun
        return Line(
            name: job.name, purpose: job.purpose, every: Self.every(job.intervalSeconds),
            lastRun: record?.lastStartedAt.map(Self.stamp) ?? "never", duration: record?.lastDurationMs.map { "\($0) ms" } ?? "—",
            outcome: record.flatMap { $0.lastOutcome == nil ? nil : $0.lastSummary ?? $0.lastOutcome } ?? "—",
            failed: record?.lastOutcome == "failed", error: record?.lastError, runs: record?.runs ?? 0,
            failures: record.flatMap { $0.failures > 0 ? $0.failures : nil }, nextDue: record.map { Self.stamp($0.nextDueAt) } ?? "—")
    }

    static func every(_ seconds: Int) -> String {
        seconds % 3600 == 0 ? "\(seconds / 3600) h" : seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds) s"
    }

    static func stamp(_ date: Date) -> String {
        // runs are seconds apart: the seconds, and the zone named
        Stamp.string(date, "d MMM yyyy HH:mm:ss zzz", .gmt)
    }
}

import AccordApplication
import AccordDomain
import AccordStorage
import ArgumentParser
import Foundation

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Show the scheduled jobs and run one now.", subcommands: [List.self, Run.self])

    static func runner(_ repositories: Repositories) throws -> JobRunner {
        var useCases = UseCases(
            repositories: repositories, logger: Environment.logger("accord.jobs"),
            outbound: OutboundGuard(policy: OutboundPolicy(allowList: try Environment.webhookAllowList())))
        let root = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ACCORD_ROOT"] ?? FileManager.default.currentDirectoryPath, isDirectory: true)
        useCases.mailOptions = try Environment.mail(
            root: root, host: ProcessInfo.processInfo.environment["ACCORD_HOST"] ?? "127.0.0.1", port: Int(ProcessInfo.processInfo.environment["ACCORD_PORT"] ?? "") ?? 8080)
        useCases.rawRetentionDays = try Environment.rawRetentionDays(ProcessInfo.processInfo.environment["ACCORD_RAW_RETENTION_DAYS"])
        return useCases.jobRunner()
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the jobs with their last run, duration, outcome and error.")

        func run() async throws {
            let jobs = try await Environment.withRepositories { repositories, _ in try await JobsCommand.runner(repositories).overview() }
            let stamp = ISO8601DateFormatter()
            let rows = jobs.map { job -> [String] in
                let last = job.lastRun
                return [
                    job.name, "\(job.intervalSeconds)s", last?.lastStartedAt.map(stamp.string(from:)) ?? "never",
                    last?.lastDurationMs.map { "\($0)ms" } ?? "-", last?.lastOutcome ?? "-", last.map { "\($0.runs)" } ?? "0",
                    (last?.lastError ?? last?.lastSummary) ?? "-",
                ]
            }
            let table = [["JOB", "EVERY", "LAST RUN", "TOOK", "OUTCOME", "RUNS", "SUMMARY / ERROR"]] + rows
            let widths = (0..<7).map { column in table.map { $0[column].count }.max() ?? 0 }
            for row in table {
                print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run one job now, whatever its schedule; the run is recorded like any other.")

        @Argument(help: "The job's name, as `accord jobs list` shows it.") var name: String

        func run() async throws {
            let name = self.name
            let run = try await Environment.withRepositories { repositories, _ in
                let runner = try JobsCommand.runner(repositories)
                guard runner.job(named: name) != nil else {
                    throw ValidationError("No job named \(name). Jobs: \(runner.jobs.map(\.name).joined(separator: ", ")).")
                }
                return try await runner.runNow(named: name)
            }
            if let report = run.report {
                print("\(run.job): \(report.summary) in \(run.durationMilliseconds) ms.")
            } else {
                print("\(run.job) failed after \(run.durationMilliseconds) ms: \(run.error ?? "unknown error")")
                throw ExitCode.failure
            }
        }
    }
}

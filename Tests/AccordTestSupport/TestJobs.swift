import AccordApplication
import AccordStorage
import Foundation

/// The server's standard jobs, run by hand at a chosen instant.
public enum TestJobs {
    /// Runs every standard job once at `now`, in the runner's order, as a server's runner would; returns each job's
    /// report by name (a failed job fails the test with its error).
    @discardableResult
    public static func runAll(_ repositories: Repositories, at now: Date) async throws -> [String: JobReport] {
        let runner = UseCases(repositories: repositories, clock: { now }, logger: TestDatabase.logger).jobRunner()
        var reports: [String: JobReport] = [:]
        for run in try await runner.runAll() {
            guard let report = run.report else { throw JobFailed(job: run.job, error: run.error ?? "") }
            reports[run.job] = report
        }
        return reports
    }

    public struct JobFailed: Error, CustomStringConvertible {
        public var job: String
        public var error: String
        public var description: String { "\(self.job) failed: \(self.error)" }
    }
}

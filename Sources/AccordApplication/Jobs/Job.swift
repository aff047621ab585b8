import Foundation

/// A piece of scheduled work the `JobRunner` runs: a name, a schedule, and a body that claims its own work rows.
///
/// The body must claim what it works on with `FOR UPDATE SKIP LOCKED` (or an equally exclusive claim) on its own
/// rows, so that two runners on one database — two replicas, or a scheduled run beside one started by hand — never
/// do the same piece of work twice. The runner only decides when a run starts and records how it went.
public protocol Job: Sendable {
    /// Unique and stable: the key of the job's row in `jobs`, and what `accord jobs run NAME` takes.
    var name: String { get }
    /// One sentence for the admin page and `accord jobs list`.
    var purpose: String { get }
    /// How often a run is started.
    var interval: Duration { get }
    /// One run at `now`: claim due work, do it, and say what was done.
    func run(now: Date) async throws -> JobReport
}

/// What one run of a job did.
public struct JobReport: Sendable, Equatable {
    /// How many pieces of work the run claimed and finished (periods closed, requests carried out, sessions purged…).
    public var items: Int
    /// A line for people: "3 periods closed".
    public var summary: String

    public init(items: Int, summary: String) {
        self.items = items
        self.summary = summary
    }

    public static let idle = JobReport(items: 0, summary: "nothing due")
}

/// One finished run, as the runner records it.
public struct JobRun: Sendable {
    public var job: String
    public var startedAt: Date
    public var duration: Duration
    /// The report of a run that succeeded; nil when it failed.
    public var report: JobReport?
    /// Why it failed.
    public var error: String?

    public var succeeded: Bool { self.report != nil }

    public var durationMilliseconds: Int64 { self.duration.milliseconds }
}

extension Duration {
    /// Whole seconds, at least one.
    var wholeSeconds: Int { max(1, Int(self.components.seconds)) }

    var milliseconds: Int64 { self.components.seconds * 1000 + self.components.attoseconds / 1_000_000_000_000_000 }
}

import Foundation

/// A registered job as the runner records it: its schedule, its next slot and its last run.
public struct JobRecord: Sendable, Equatable, Encodable {
    public var name: String
    public var intervalSeconds: Int
    public var nextDueAt: Date
    public var lastStartedAt: Date?
    public var lastFinishedAt: Date?
    public var lastDurationMs: Int64?
    public var lastOutcome: String?
    public var lastSummary: String?
    public var lastError: String?
    public var lastRunner: String?
    public var runs: Int64
    public var failures: Int64

    public init(name: String, intervalSeconds: Int, nextDueAt: Date, lastStartedAt: Date?, lastFinishedAt: Date?, lastDurationMs: Int64?, lastOutcome: String?, lastSummary: String?, lastError: String?, lastRunner: String?, runs: Int64, failures: Int64) {
        self.name = name
        self.intervalSeconds = intervalSeconds
        self.nextDueAt = nextDueAt
        self.lastStartedAt = lastStartedAt
        self.lastFinishedAt = lastFinishedAt
        self.lastDurationMs = lastDurationMs
        self.lastOutcome = lastOutcome
        self.lastSummary = lastSummary
        self.lastError = lastError
        self.lastRunner = lastRunner
        self.runs = runs
        self.failures = failures
    }
}

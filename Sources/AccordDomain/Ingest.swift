import Foundation

/// One batch that fed a span of a series: for tracing a period's figure back to the data behind it. The counted
/// figures are what the period sums once approved exclusions are removed: over all batches they add up exactly to
/// the period's good and valid.
public struct LineageEntry: Sendable, Encodable {
    public var batchId: Int64
    public var source: String
    public var receivedAt: Date
    public var userId: Int64?
    public var credential: String
    public var rowCount: Int
    public var contentHash: String
    public var bucketsInPeriod: Int
    public var goodInPeriod: Int64
    public var validInPeriod: Int64
    public var countedGood: Decimal
    public var countedValid: Decimal
    public var countedGoodExact: String
    public var countedValidExact: String
    /// Where a batch Accord pulled came from; nil for a pushed batch.
    public var pulled: PulledFrom?
    /// How many small batches of one hour this batch holds, when the lineage-compaction job made it of them; they
    /// arrived from `firstReceivedAt` to `receivedAt`.
    public var compactedFrom: Int?
    public var firstReceivedAt: Date?

    public init(batchId: Int64, source: String, receivedAt: Date, userId: Int64?, credential: String, rowCount: Int, contentHash: String, bucketsInPeriod: Int, goodInPeriod: Int64, validInPeriod: Int64, countedGood: Decimal, countedValid: Decimal, countedGoodExact: String, countedValidExact: String) {
        self.batchId = batchId
        self.source = source
        self.receivedAt = receivedAt
        self.userId = userId
        self.credential = credential
        self.rowCount = rowCount
        self.contentHash = contentHash
        self.bucketsInPeriod = bucketsInPeriod
        self.goodInPeriod = goodInPeriod
        self.validInPeriod = validInPeriod
        self.countedGood = countedGood
        self.countedValid = countedValid
        self.countedGoodExact = countedGoodExact
        self.countedValidExact = countedValidExact
    }
}

/// The lineage of a pulled batch: the data source, the two queries (the customer's: a vendor reads them as nil), the
/// steps asked for and the SHA-256 of the two answers as they arrived.
public struct PulledFrom: Sendable, Codable, Equatable {
    public var source: String
    public var goodQuery: String?
    public var validQuery: String?
    public var from: Date
    public var to: Date
    public var stepSeconds: Int
    public var sha256: String

    enum CodingKeys: String, CodingKey {
        case source
        case goodQuery = "good_query"
        case validQuery = "valid_query"
        case from, to
        case stepSeconds = "step_seconds"
        case sha256
    }
}

/// What an accepted batch became, for the response and for lineage.
public struct IngestedBatch: Sendable, Equatable, Codable {
    public var batchID: Int64
    public var seriesID: Int64
    public var source: String
    public var accepted: Int
    public var contentHash: String
    public var receivedAt: Date
    /// The periods the batch touched, after closed ones were recorded again (filled by the ingest use case).
    public var periods: [PeriodImpact] = []

    public init(batchID: Int64, seriesID: Int64, source: String, accepted: Int, contentHash: String, receivedAt: Date, periods: [PeriodImpact] = []) {
        self.batchID = batchID
        self.seriesID = seriesID
        self.source = source
        self.accepted = accepted
        self.contentHash = contentHash
        self.receivedAt = receivedAt
        self.periods = periods
    }
}

/// What an accepted ticket-event batch became.
public struct IngestedTicketBatch: Sendable, Equatable, Codable {
    public var batchID: Int64
    public var seriesID: Int64
    public var source: String
    public var accepted: Int
    /// Events already stored (same ticket, type and instant), ignored.
    public var duplicates: Int
    public var ticketsRecomputed: Int
    public var contentHash: String
    public var receivedAt: Date
    /// The periods the batch touched, after closed ones were recorded again (filled by the ingest use case).
    public var periods: [PeriodImpact] = []

    public init(batchID: Int64, seriesID: Int64, source: String, accepted: Int, duplicates: Int, ticketsRecomputed: Int, contentHash: String, receivedAt: Date, periods: [PeriodImpact] = []) {
        self.batchID = batchID
        self.seriesID = seriesID
        self.source = source
        self.accepted = accepted
        self.duplicates = duplicates
        self.ticketsRecomputed = ticketsRecomputed
        self.contentHash = contentHash
        self.receivedAt = receivedAt
        self.periods = periods
    }
}

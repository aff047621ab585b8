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

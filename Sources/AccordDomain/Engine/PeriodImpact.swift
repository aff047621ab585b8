import Foundation

/// A period an ingested batch touched, as it stands once the batch is stored and closed periods are recorded again:
/// what changed, with what it owes — the answer an upload ends with.
public struct PeriodImpact: Sendable, Equatable, Codable {
    public var start: Date
    public var end: Date
    /// The period as people name it, in the agreement's zone: "Nov 2026", "Q4 2026".
    public var label: String
    public var closed: Bool
    public var attainment: Decimal?
    /// `met`, `breached` or `no_data` once closed; while open, the outlook (`on_track`, `at_risk`, `below_target`,
    /// `no_data`): an open period is never breached.
    public var status: String
    /// The recorded revision (nil while open); above 1 when this batch or another late one changed a closed figure.
    public var revision: Int?
    public var breached: Bool
    public var creditId: Int64?
    /// In the currency's minor unit, as a string; "0.00" when none is owed.
    public var creditAmount: String
    public var currency: String

    public init(
        start: Date, end: Date, label: String = "", closed: Bool, attainment: Decimal?, status: String, revision: Int?, breached: Bool,
        creditId: Int64?, creditAmount: String, currency: String
    ) {
        self.start = start
        self.end = end
        self.label = label
        self.closed = closed
        self.attainment = attainment
        self.status = status
        self.revision = revision
        self.breached = breached
        self.creditId = creditId
        self.creditAmount = creditAmount
        self.currency = currency
    }
}

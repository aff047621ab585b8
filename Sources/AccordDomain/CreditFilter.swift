import Foundation

public struct CreditFilter: Sendable, Equatable {
    public var vendorID: Int64?
    public var seriesID: Int64?
    public var status: CreditStatus?
    public var from: Date?
    public var to: Date?

    public init(vendorID: Int64? = nil, seriesID: Int64? = nil, status: CreditStatus? = nil, from: Date? = nil, to: Date? = nil) {
        self.vendorID = vendorID
        self.seriesID = seriesID
        self.status = status
        self.from = from
        self.to = to
    }
}

/// One step of a credit's history, from the audit trail: when, what, by whom (nil: Accord itself, at a period's
/// close or recompute), and the status after it.
public struct CreditHistoryStep: Sendable, Encodable, Equatable {
    public var at: Date
    public var action: String
    public var status: String?
    /// The person's label; nil for Accord itself.
    public var by: String?
    public var byUser: Bool
    public var note: String?

    public init(at: Date, action: String, status: String?, by: String?, byUser: Bool, note: String?) {
        self.at = at
        self.action = action
        self.status = status
        self.by = by
        self.byUser = byUser
        self.note = note
    }
}

/// Totals of the credits a filter matches per vendor, quarter (in each agreement's zone) and currency: owed
/// (computed or approved), issued and waived, each a sum in the currency.
public struct CreditSummaryRow: Sendable, Encodable, Equatable {
    public var vendorId: Int64?
    public var vendorName: String?
    public var quarter: String
    public var currency: String
    public var credits: Int
    public var owed: Decimal
    public var issued: Decimal
    public var waived: Decimal

    public init(vendorId: Int64?, vendorName: String?, quarter: String, currency: String, credits: Int, owed: Decimal, issued: Decimal, waived: Decimal) {
        self.vendorId = vendorId
        self.vendorName = vendorName
        self.quarter = quarter
        self.currency = currency
        self.credits = credits
        self.owed = owed
        self.issued = issued
        self.waived = waived
    }
}

import Foundation

/// The money a period's credit is worth: fee × percent, rounded half-even to the currency's minor unit.
public enum CreditCalculator {
    /// ISO 4217 minor units that differ from 2.
    static let minorUnits: [String: Int16] = [
        "JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "HUF": 2, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3,
    ]

    public static func minorUnit(of currency: String) -> Int16 { Self.minorUnits[currency] ?? 2 }

    /// `1234.50` for EUR, `1235` for JPY, `-0.50`: rounded half-even to the currency's minor unit and written with
    /// exactly that many decimals, as the API gives money (a string, so no client reads it through a binary float).
    public static func minorUnitText(_ value: Decimal, currency: String) -> String {
        value.fixed(Int(Self.minorUnit(of: currency)))
    }

    public static func amount(fee: Decimal, percent: Decimal, currency: String) -> Decimal {
        var exact = fee * percent / 100
        var rounded = Decimal()
        NSDecimalRound(&rounded, &exact, Int(Self.minorUnit(of: currency)), .bankers)
        return rounded
    }

    /// The share of the fee that pays for one period of the window: a monthly fee for a quarter counts three times,
    /// a yearly fee for a month a twelfth. Rolling windows have no fee period of their own and count a month.
    public static func periodFee(fee: Decimal, feePeriod: FeePeriod, window: ObjectiveWindow) -> Decimal {
        let windowMonths: Decimal = window == .calendarQuarter ? 3 : 1
        let feeMonths: Decimal =
            switch feePeriod {
            case .month: 1
            case .quarter: 3
            case .year: 12
            }
        var exact = fee * windowMonths / feeMonths
        var rounded = Decimal()
        NSDecimalRound(&rounded, &exact, 6, .bankers)
        return rounded
    }
}

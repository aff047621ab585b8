import AccordDomain
import Foundation

/// Money as pages and exports show it.
public enum Money {
    /// `1234.50` for EUR, `1235` for JPY: the currency's minor unit, never fewer digits.
    public static func amount(_ value: Decimal, _ currency: String) -> String {
        let digits = Int(CreditCalculator.minorUnit(of: currency))
        return String(format: "%.\(digits)f", NSDecimalNumber(decimal: value).doubleValue)
    }

    public static func format(_ value: Decimal, _ currency: String) -> String { "\(currency) \(Self.amount(value, currency))" }
}

import AccordDomain
import Foundation

/// Money as pages and exports show it.
public enum Money {
    /// `1234.50` for EUR, `1235` for JPY: the currency's minor unit, never fewer digits (exports and the API).
    public static func amount(_ value: Decimal, _ currency: String) -> String {
        CreditCalculator.minorUnitText(value, currency: currency)
    }

    /// `EUR 1,234.50`: as pages show money, with thousands separators.
    public static func format(_ value: Decimal, _ currency: String) -> String {
        "\(currency) \(Self.amount(value, currency).groupedThousands)"
    }
}

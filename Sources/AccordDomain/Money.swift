import Foundation

/// Money as pages, packs, statements, mail and exports show it: one way everywhere.
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

extension Money {
    /// A difference with its sign before the currency: `+EUR 100.00`, `-EUR 1,250.00`, `EUR 0.00`.
    public static func difference(_ value: Decimal, _ currency: String) -> String {
        value == 0 ? Self.format(0, currency) : (value > 0 ? "+" : "-") + Self.format(abs(value), currency)
    }
}

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
        let plain = Self.amount(value, currency)
        let negative = plain.hasPrefix("-")
        let unsigned = negative ? String(plain.dropFirst()) : plain
        let parts = unsigned.split(separator: ".", maxSplits: 1)
        var whole = String(parts.first ?? "0")
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let fraction = parts.count > 1 ? "." + parts[1] : ""
        return "\(currency) \(negative ? "-" : "")\(whole)\(grouped)\(fraction)"
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// The credit ledger as CSV for finance: one row per credit, every figure behind the amount.
public enum CreditExport {
    public static let header = [
        "credit_id", "vendor", "agreement", "objective", "period_start", "period_end", "revision", "attainment_percent", "tier_percent",
        "on_probation", "credit_percent", "period_fee", "currency", "amount", "status", "invoice_reference", "waive_reason",
    ]

    public static func csv(_ credits: [Credit]) -> String {
        var lines = [Self.header.joined(separator: ",")]
        for credit in credits {
            let cells: [String] = [
                "\(credit.id)", credit.vendorName ?? "", credit.agreementTitle, credit.objectiveName, RFC3339.format(credit.periodStart),
                RFC3339.format(credit.periodEnd), "\(credit.revision)", credit.attainment.plain, credit.tierPercent.plain,
                credit.onProbation ? "yes" : "no", credit.percent.plain, credit.periodFee.plain, credit.currency,
                Money.amount(credit.amount, credit.currency),
                credit.status.rawValue, credit.invoiceReference ?? "", credit.waiveReason ?? "",
            ]
            lines.append(cells.map(Self.cell).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 4180 quoting, and a leading apostrophe on text a spreadsheet would run as a formula.
    public static func cell(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first), Decimal(string: value) == nil { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

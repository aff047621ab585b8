import AccordDomain
import AccordStorage
import Foundation

/// The credit ledger as CSV for finance: one row per credit, every figure behind the amount.
public enum CreditExport {
    public static let header = [
        "credit_id", "vendor", "agreement", "objective", "period_start", "period_end", "revision", "attainment_percent", "tier_percent",
        "on_probation", "credit_percent", "period_fee", "currency", "amount", "status", "invoice_reference", "waive_reason",
    ]

    /// A cell of the export, typed by its column: numbers and instants the server formats itself go out as written;
    /// text that people typed (names, references, reasons) is guarded against spreadsheet formulas, whatever it looks
    /// like (`-1+1` is text in a text column).
    public enum Cell: Sendable, Equatable {
        case number(String)
        case text(String)
    }

    public static func csv(_ credits: [Credit]) -> String {
        var lines = [Self.header.joined(separator: ",")]
        for credit in credits {
            let cells: [Cell] = [
                .number("\(credit.id)"), .text(credit.vendorName ?? ""), .text(credit.agreementTitle), .text(credit.objectiveName),
                .number(RFC3339.format(credit.periodStart)), .number(RFC3339.format(credit.periodEnd)), .number("\(credit.revision)"),
                .number(credit.attainment.plain), .number(credit.tierPercent.plain), .text(credit.onProbation ? "yes" : "no"),
                .number(credit.percent.plain), .number(credit.periodFee.plain), .text(credit.currency),
                .number(Money.amount(credit.amount, credit.currency)), .text(credit.status.rawValue), .text(credit.invoiceReference ?? ""),
                .text(credit.waiveReason ?? ""),
            ]
            lines.append(cells.map(Self.cell).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 4180 quoting, and a leading apostrophe on any text cell a spreadsheet would run as a formula.
    public static func cell(_ cell: Cell) -> String {
        var value: String
        switch cell {
        case .number(let text):
            value = text
        case .text(let text):
            value = text
            if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

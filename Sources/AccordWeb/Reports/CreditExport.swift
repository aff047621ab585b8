import AccordDomain
import AccordStorage
import Foundation
import Hummingbird

/// The credit ledger as CSV for finance: one row per credit, every figure behind the amount.
enum CreditExport {
    static let header = [
        "credit_id", "vendor", "agreement", "objective", "period_start", "period_end", "revision", "attainment_percent", "tier_percent",
        "on_probation", "credit_percent", "period_fee", "currency", "amount", "status", "invoice_reference", "waive_reason",
    ]

    static func csv(_ credits: [Credit]) -> String {
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
    static func cell(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first), Decimal(string: value) == nil { value = "'" + value }
        guard value.contains(where: { ",\"\r\n".contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func response(_ credits: [Credit], filename: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Self.csv(credits))))
    }
}

enum Money {
    /// `1234.50` for EUR, `1235` for JPY: the currency's minor unit, never fewer digits.
    static func amount(_ value: Decimal, _ currency: String) -> String {
        let digits = Int(CreditCalculator.minorUnit(of: currency))
        return String(format: "%.\(digits)f", NSDecimalNumber(decimal: value).doubleValue)
    }

    static func format(_ value: Decimal, _ currency: String) -> String { "\(currency) \(Self.amount(value, currency))" }
}

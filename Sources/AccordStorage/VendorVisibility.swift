import AccordDomain
import PostgresNIO

extension PostgresQuery.StringInterpolation {
    /// The one way a query says which rows the caller may read: every row for the organisation, and for a vendor only
    /// the rows `column` names it in. `\(visibleTo: scope, vendor: "a.vendor_id")` reads `(TRUE)` for the organisation
    /// and `(a.vendor_id = $n)` for a vendor, its id bound, never written into the text.
    mutating func appendInterpolation(visibleTo scope: AccessScope, vendor column: String) {
        self.appendInterpolation(visibleTo: scope, when: "\(column) = $vendor")
    }

    /// The same for a condition that reaches the vendor through other rows (an RCA's parties, a service's agreements):
    /// `condition` names the vendor's id as `$vendor`, for example
    /// `EXISTS (SELECT 1 FROM rca_parties p WHERE p.rca_id = r.id AND p.vendor_id = $vendor)`.
    mutating func appendInterpolation(visibleTo scope: AccessScope, when condition: String) {
        guard let vendorID = scope.vendorID else {
            self.appendLiteral("(TRUE)")
            return
        }
        let parts = condition.components(separatedBy: "$vendor")
        self.appendLiteral("(")
        for (index, part) in parts.enumerated() {
            if index > 0 { self.appendInterpolation(vendorID) }
            self.appendLiteral(part)
        }
        self.appendLiteral(")")
    }
}

/// Conditions several repositories ask in the same words.
enum Visible {
    /// An RCA (its id in `rca`) is read by the vendors that are party to it.
    static func rcaParty(_ rca: String) -> String {
        "EXISTS (SELECT 1 FROM rca_parties p WHERE p.rca_id = \(rca) AND p.vendor_id = $vendor)"
    }
}

import Foundation

extension Decimal {
    /// `99.95`, never `9.995e1`: the text pages, exports and the API show.
    public var plain: String { NSDecimalNumber(decimal: self).description(withLocale: Decimal.posix) }

    /// Made once: a locale is costly to create, and pages write hundreds of figures.
    static let posix = Locale(identifier: "en_US_POSIX")

    /// Rounded half-even to `places` decimals.
    public func rounded(places: Int) -> Decimal {
        var input = self
        var output = Decimal()
        NSDecimalRound(&output, &input, places, .bankers)
        return output
    }

    public var double: Double { NSDecimalNumber(decimal: self).doubleValue }

    /// Rounded half-even and written with exactly `places` decimals: `99.950`.
    public func fixed(_ places: Int) -> String {
        let rounded = self.rounded(places: places)
        let text = rounded.plain
        let negative = text.hasPrefix("-")
        let parts = (negative ? String(text.dropFirst()) : text).split(separator: ".", maxSplits: 1)
        let whole = parts.first.map(String.init) ?? "0"
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        let digits = places > 0 ? whole + "." + fraction + String(repeating: "0", count: max(0, places - fraction.count)) : whole
        return (negative && rounded != 0 ? "-" : "") + digits
    }
}

extension String {
    /// `1234567.50` → `1,234,567.50`: the whole part of a plain decimal grouped in thousands.
    public var groupedThousands: String {
        let negative = self.hasPrefix("-")
        let parts = (negative ? String(self.dropFirst()) : self).split(separator: ".", maxSplits: 1)
        var whole = String(parts.first ?? "0")
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        return (negative ? "-" : "") + whole + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }
}

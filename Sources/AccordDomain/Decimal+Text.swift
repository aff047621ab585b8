import Foundation

extension Decimal {
    /// `99.95`, never `9.995e1`: the text pages, exports and the API show.
    public var plain: String { NSDecimalNumber(decimal: self).description(withLocale: Locale(identifier: "en_US_POSIX")) }

    /// Rounded half-even to `places` decimals.
    public func rounded(places: Int) -> Decimal {
        var input = self
        var output = Decimal()
        NSDecimalRound(&output, &input, places, .bankers)
        return output
    }

    public var double: Double { NSDecimalNumber(decimal: self).doubleValue }
}

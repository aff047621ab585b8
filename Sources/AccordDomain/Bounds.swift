import Foundation

/// The ranges every number and instant that enters Accord is held to. A value outside is refused where it enters,
/// with the field named, so arithmetic and calendars further in never see it (and can never trap on it).
public enum Bounds {
    /// Years an instant or a date may fall in: 1970 to 2200 inclusive.
    public static let years = 1970...2200
    /// The first instant accepted: 1970-01-01T00:00:00Z.
    public static let earliest = Date(timeIntervalSince1970: 0)
    /// The first instant refused: 2201-01-01T00:00:00Z.
    public static let end = Date(timeIntervalSince1970: Double(RFC3339.daysFromCivil(year: 2201, month: 1, day: 1) * 86_400))

    public static func contains(_ instant: Date) -> Bool { instant >= Self.earliest && instant < Self.end }

    /// "between 1970 and 2200": how messages name the range.
    public static let yearsText = "between \(years.lowerBound) and \(years.upperBound)"

    /// The highest page number a list accepts.
    public static let pages = 1...100_000
    /// Decimal places of a target or credit threshold (99.9995 %): every figure is given to 12, so one below its
    /// target always shows below it.
    public static let targetPlaces = 6
    /// Events in one bucket (`good`, `valid`): up to a trillion, so hourly and period sums stay far inside 64 bits.
    public static let eventsPerBucket: Int64 = 1_000_000_000_000
    /// A ticket goal: at most a year (527,040 minutes).
    public static let goalMinutes = 1...527_040
    /// A fee: below 10^15 in its currency (the column holds 16 digits before the point).
    public static let maximumFee = Decimal(1_000_000_000_000_000)
    /// Text fields hold at most this many characters unless a field says otherwise.
    public static let textLength = 10_000
}

extension String {
    /// The first control character in the text other than tab, line feed and carriage return, if any: NUL and the
    /// like are refused in every text that enters.
    public var firstControlCharacter: Unicode.Scalar? {
        self.unicodeScalars.first { scalar in
            (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || (0x7F...0x9F).contains(scalar.value)
        }
    }
}

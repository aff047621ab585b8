import Foundation

/// A non-negative integer of any size.
///
/// Counts after a pro-rata exclusion are fractions whose denominators are bucket lengths in microseconds; summing and
/// comparing them exactly needs integers wider than 64 bits. Base 2³² digits, least significant first, never with a
/// leading zero digit (zero has no digits).
public struct Natural: Sendable, Hashable, Comparable, CustomStringConvertible {
    private(set) var digits: [UInt32]

    public static let zero = Natural(digits: [])
    public static let one = Natural(1)

    init(digits: [UInt32]) {
        var digits = digits
        while digits.last == 0 { digits.removeLast() }
        self.digits = digits
    }

    public init(_ value: UInt64) {
        self.init(digits: [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)])
    }

    /// Parses decimal digits (`"12345"`); nil for anything else, including an empty string.
    public init?(digitsOf text: some StringProtocol) {
        guard !text.isEmpty else { return nil }
        var value = Natural.zero
        var chunk: UInt64 = 0
        var chunkDigits = 0
        for character in text.utf8 {
            guard character >= 48, character <= 57 else { return nil }
            chunk = chunk * 10 + UInt64(character - 48)
            chunkDigits += 1
            if chunkDigits == 9 {
                value = value.multiplied(bySmall: 1_000_000_000).adding(small: chunk)
                chunk = 0
                chunkDigits = 0
            }
        }
        if chunkDigits > 0 {
            var scale: UInt64 = 1
            for _ in 0..<chunkDigits { scale *= 10 }
            value = value.multiplied(bySmall: scale).adding(small: chunk)
        }
        self = value
    }

    public var isZero: Bool { self.digits.isEmpty }

    /// The value when it fits in 64 bits.
    public var uint64: UInt64? {
        switch self.digits.count {
        case 0: 0
        case 1: UInt64(self.digits[0])
        case 2: UInt64(self.digits[0]) | UInt64(self.digits[1]) << 32
        default: nil
        }
    }

    public static func < (lhs: Natural, rhs: Natural) -> Bool {
        if lhs.digits.count != rhs.digits.count { return lhs.digits.count < rhs.digits.count }
        for index in stride(from: lhs.digits.count - 1, through: 0, by: -1) where lhs.digits[index] != rhs.digits[index] {
            return lhs.digits[index] < rhs.digits[index]
        }
        return false
    }

    public static func + (lhs: Natural, rhs: Natural) -> Natural {
        let count = max(lhs.digits.count, rhs.digits.count)
        var result: [UInt32] = []
        result.reserveCapacity(count + 1)
        var carry: UInt64 = 0
        for index in 0..<count {
            let sum =
                UInt64(index < lhs.digits.count ? lhs.digits[index] : 0) + UInt64(index < rhs.digits.count ? rhs.digits[index] : 0) + carry
            result.append(UInt32(truncatingIfNeeded: sum))
            carry = sum >> 32
        }
        if carry > 0 { result.append(UInt32(carry)) }
        return Natural(digits: result)
    }

    /// `self − other`, or nil when `other` is the larger.
    public func subtracting(_ other: Natural) -> Natural? {
        guard other <= self else { return nil }
        var result = self.digits
        var borrow: UInt64 = 0
        for index in 0..<result.count {
            let subtrahend = UInt64(index < other.digits.count ? other.digits[index] : 0) + borrow
            let minuend = UInt64(result[index])
            if minuend >= subtrahend {
                result[index] = UInt32(minuend - subtrahend)
                borrow = 0
            } else {
                result[index] = UInt32(minuend + (1 << 32) - subtrahend)
                borrow = 1
            }
        }
        return Natural(digits: result)
    }

    public static func * (lhs: Natural, rhs: Natural) -> Natural {
        guard !lhs.isZero, !rhs.isZero else { return .zero }
        if lhs.digits.count == 1, rhs.digits.count == 1 { return Natural(UInt64(lhs.digits[0]) * UInt64(rhs.digits[0])) }
        var result = [UInt32](repeating: 0, count: lhs.digits.count + rhs.digits.count)
        for (i, left) in lhs.digits.enumerated() {
            var carry: UInt64 = 0
            for (j, right) in rhs.digits.enumerated() {
                // at most (2³² − 1)² + 2 × (2³² − 1) = 2⁶⁴ − 1: never overflows
                let product = UInt64(left) * UInt64(right) + UInt64(result[i + j]) + carry
                result[i + j] = UInt32(truncatingIfNeeded: product)
                carry = product >> 32
            }
            var index = i + rhs.digits.count
            while carry > 0 {
                let sum = UInt64(result[index]) + carry
                result[index] = UInt32(truncatingIfNeeded: sum)
                carry = sum >> 32
                index += 1
            }
        }
        return Natural(digits: result)
    }

    func multiplied(bySmall factor: UInt64) -> Natural { self * Natural(factor) }

    func adding(small value: UInt64) -> Natural { self + Natural(value) }

    /// Quotient and remainder of the division by `divisor`, or nil when it is zero.
    public func quotientAndRemainder(dividingBy divisor: Natural) -> (quotient: Natural, remainder: Natural)? {
        guard !divisor.isZero else { return nil }
        if self < divisor { return (.zero, self) }
        if let dividend = self.uint64, let small = divisor.uint64 { return (Natural(dividend / small), Natural(dividend % small)) }
        if divisor.digits.count == 1 {
            let small = UInt64(divisor.digits[0])
            var quotient = [UInt32](repeating: 0, count: self.digits.count)
            var remainder: UInt64 = 0
            for index in stride(from: self.digits.count - 1, through: 0, by: -1) {
                let current = remainder << 32 | UInt64(self.digits[index])
                quotient[index] = UInt32(current / small)
                remainder = current % small
            }
            return (Natural(digits: quotient), Natural(remainder))
        }
        // binary long division: the numbers here are a few hundred bits at most
        var quotient = [UInt32](repeating: 0, count: self.digits.count)
        var remainder = Natural.zero
        for bit in stride(from: self.digits.count * 32 - 1, through: 0, by: -1) {
            remainder = remainder.shiftedLeftOne(settingLowestTo: self.digits[bit / 32] >> (bit % 32) & 1 == 1)
            if let smaller = remainder.subtracting(divisor) {
                remainder = smaller
                quotient[bit / 32] |= 1 << (bit % 32)
            }
        }
        return (Natural(digits: quotient), remainder)
    }

    private func shiftedLeftOne(settingLowestTo low: Bool) -> Natural {
        var result: [UInt32] = []
        result.reserveCapacity(self.digits.count + 1)
        var carry: UInt32 = low ? 1 : 0
        for digit in self.digits {
            result.append(digit << 1 | carry)
            carry = digit >> 31
        }
        if carry > 0 { result.append(carry) }
        return Natural(digits: result)
    }

    public static func greatestCommonDivisor(_ a: Natural, _ b: Natural) -> Natural {
        var (a, b) = (a, b)
        while !b.isZero {
            // once both fit in 64 bits, machine arithmetic finishes the job
            if var x = a.uint64, var y = b.uint64 {
                while y != 0 { (x, y) = (y, x % y) }
                return Natural(x)
            }
            guard let step = a.quotientAndRemainder(dividingBy: b) else { break }
            (a, b) = (b, step.remainder)
        }
        return a
    }

    public static func power(ten exponent: Int) -> Natural {
        var result = Natural.one
        for _ in 0..<max(0, exponent) { result = result.multiplied(bySmall: 10) }
        return result
    }

    public var description: String {
        guard !self.isZero else { return "0" }
        var chunks: [UInt64] = []
        var rest = self
        let billion = Natural(1_000_000_000)
        while !rest.isZero, let step = rest.quotientAndRemainder(dividingBy: billion) {
            chunks.append(step.remainder.uint64 ?? 0)
            rest = step.quotient
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let digits = String(chunk)
            text += String(repeating: "0", count: 9 - digits.count) + digits
        }
        return text
    }
}

/// An exact rational number, kept in lowest terms: event counts after pro-rata exclusions, attainment and the
/// comparisons that decide a status. A third of a bucket is a third, not 0.333…3; `good ≥ target × valid` is decided
/// on these, never on a rounded or binary quotient. Shown through `rounded(places:)`, half-even.
public struct Fraction: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public private(set) var isNegative: Bool
    public private(set) var numerator: Natural
    /// Never zero.
    public private(set) var denominator: Natural

    public static let zero = Fraction(0)

    /// `numerator / denominator`; nil when the denominator is zero.
    public init?(negative: Bool = false, numerator: Natural, denominator: Natural) {
        guard !denominator.isZero else { return nil }
        self.init(reducing: negative, numerator, denominator)
    }

    private init(reducing negative: Bool, _ numerator: Natural, _ denominator: Natural) {
        if numerator.isZero {
            (self.isNegative, self.numerator, self.denominator) = (false, .zero, .one)
            return
        }
        if denominator == .one {
            (self.isNegative, self.numerator, self.denominator) = (negative, numerator, .one)
            return
        }
        let divisor = Natural.greatestCommonDivisor(numerator, denominator)
        self.isNegative = negative
        self.numerator = numerator.quotientAndRemainder(dividingBy: divisor)?.quotient ?? numerator
        self.denominator = denominator.quotientAndRemainder(dividingBy: divisor)?.quotient ?? denominator
    }

    public init(_ value: Int64) {
        self.isNegative = value < 0
        self.numerator = Natural(value.magnitude)
        self.denominator = .one
    }

    public init(integerLiteral value: Int64) { self.init(value) }

    public init(_ natural: Natural) {
        self.isNegative = false
        self.numerator = natural
        self.denominator = .one
    }

    /// The exact value of a decimal (`99.95` is 1999/20).
    public init(_ decimal: Decimal) {
        self = Fraction(text: decimal.plain) ?? .zero
    }

    /// Parses `-12.345`, `7`, `66/1` or `200/3`: the forms `description` and PostgreSQL's numeric text give.
    public init?(text: String) {
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        if let slash = body.firstIndex(of: "/") {
            guard let numerator = Natural(digitsOf: body[..<slash]), let denominator = Natural(digitsOf: body[body.index(after: slash)...]),
                !denominator.isZero
            else { return nil }
            self.init(reducing: negative, numerator, denominator)
            return
        }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = Natural(digitsOf: parts[0]) else { return nil }
        guard parts.count == 2 else {
            self.init(reducing: negative, whole, .one)
            return
        }
        guard let fraction = Natural(digitsOf: parts[1]) else { return nil }
        let scale = Natural.power(ten: parts[1].count)
        self.init(reducing: negative, whole * scale + fraction, scale)
    }

    public var isInteger: Bool { self.denominator == .one }

    /// `7` or `200/3`: exact, and read back by `init(text:)`.
    public var description: String {
        (self.isNegative ? "-" : "") + (self.isInteger ? self.numerator.description : "\(self.numerator)/\(self.denominator)")
    }

    public static func < (lhs: Fraction, rhs: Fraction) -> Bool {
        switch (lhs.isNegative, rhs.isNegative) {
        case (true, false): return true
        case (false, true): return false
        case (false, false): return lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
        case (true, true): return rhs.numerator * lhs.denominator < lhs.numerator * rhs.denominator
        }
    }

    public static func + (lhs: Fraction, rhs: Fraction) -> Fraction {
        let (left, right, denominator) =
            lhs.denominator == rhs.denominator
            ? (lhs.numerator, rhs.numerator, lhs.denominator)
            : (lhs.numerator * rhs.denominator, rhs.numerator * lhs.denominator, lhs.denominator * rhs.denominator)
        if lhs.isNegative == rhs.isNegative { return Fraction(reducing: lhs.isNegative, left + right, denominator) }
        if let difference = left.subtracting(right) { return Fraction(reducing: lhs.isNegative, difference, denominator) }
        return Fraction(reducing: rhs.isNegative, right.subtracting(left) ?? .zero, denominator)
    }

    public static prefix func - (value: Fraction) -> Fraction {
        value.numerator.isZero ? value : Fraction(reducing: !value.isNegative, value.numerator, value.denominator)
    }

    public static func - (lhs: Fraction, rhs: Fraction) -> Fraction { lhs + -rhs }

    public static func * (lhs: Fraction, rhs: Fraction) -> Fraction {
        Fraction(reducing: lhs.isNegative != rhs.isNegative, lhs.numerator * rhs.numerator, lhs.denominator * rhs.denominator)
    }

    /// `self / divisor`, or nil when the divisor is zero.
    public func divided(by divisor: Fraction) -> Fraction? {
        guard !divisor.numerator.isZero else { return nil }
        return Fraction(reducing: self.isNegative != divisor.isNegative, self.numerator * divisor.denominator, self.denominator * divisor.numerator)
    }

    public static func += (lhs: inout Fraction, rhs: Fraction) { lhs = lhs + rhs }

    /// Rounded half-even to `places` decimals (0 to 30).
    public func rounded(places: Int) -> Decimal { self.decimal(places: places, mode: .halfEven) }

    /// Rounded towards −∞ to `places` decimals: never above the exact value, for a figure that must not be shown
    /// reaching a target it falls short of.
    public func roundedDown(places: Int) -> Decimal { self.decimal(places: places, mode: .down) }

    /// Rounded towards +∞ to `places` decimals: never below the exact value.
    public func roundedUp(places: Int) -> Decimal { self.decimal(places: places, mode: .up) }

    enum Rounding { case halfEven, down, up }

    private func decimal(places: Int, mode: Rounding) -> Decimal {
        let places = min(max(places, 0), 30)
        guard let (quotient, remainder) = (self.numerator * Natural.power(ten: places)).quotientAndRemainder(dividingBy: self.denominator) else {
            return 0
        }
        // the magnitude's digits, moved away from zero when the mode asks for it
        var digits = quotient
        switch mode {
        case .halfEven:
            let twice = remainder + remainder
            if self.denominator < twice || (twice == self.denominator && (quotient.digits.first ?? 0) & 1 == 1) { digits = digits + .one }
        case .down:
            if self.isNegative, !remainder.isZero { digits = digits + .one }
        case .up:
            if !self.isNegative, !remainder.isZero { digits = digits + .one }
        }
        var text = digits.description
        if places > 0 {
            if text.count <= places { text = String(repeating: "0", count: places - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -places))
        }
        let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? 0
        return self.isNegative && value != 0 ? -value : value
    }
}

extension Fraction: Codable {
    /// Kept as its exact text (`"7"`, `"200/3"`), so what is stored reads back as it was.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let value = Fraction(text: try container.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an exact number")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }
}

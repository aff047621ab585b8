import Foundation

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address: what an outbound request actually connects to.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Nil unless `bytes` holds 4 or 16 bytes.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Reads the strict notations only: four decimal parts for IPv4 (`10.0.0.1`), and IPv6 in hex groups with at most
    /// one `::` and an optional trailing IPv4 part. Legacy forms (`127.1`, `0x7f.0.0.1`, `0177.0.0.1`) are not read
    /// here: a host written so is resolved, and the address it resolves to is what the policy judges.
    public init?(_ text: some StringProtocol) {
        let text = String(text)
        if let v4 = Self.parseIPv4(text) {
            self.bytes = v4
        } else if let v6 = Self.parseIPv6(text) {
            self.bytes = v6
        } else {
            return nil
        }
    }

    public var isIPv4: Bool { self.bytes.count == 4 }

    /// Dotted decimal, or eight hex groups uncompressed: a form every resolver reads back as exactly this address.
    public var description: String {
        if self.isIPv4 { return self.bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(self.bytes[$0]) << 8 | UInt16(self.bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// The IPv4 address an IPv6 address carries in its last four bytes when it is IPv4-mapped (`::ffff:a.b.c.d`),
    /// IPv4-compatible (`::a.b.c.d`), the NAT64 well-known prefix (`64:ff9b::/96`) or the IPv4/IPv6 translation prefix
    /// (`::ffff:0:a.b.c.d`); 6to4 (`2002:AABB:CCDD::/48`) carries it in bytes 2–5.
    public var embeddedIPv4: IPAddress? {
        guard !self.isIPv4 else { return nil }
        let b = self.bytes
        let last4 = Array(b[12..<16])
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xff && b[11] == 0xff { return IPAddress(bytes: last4) }
        if b[0..<8].allSatisfy({ $0 == 0 }) && b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0 { return IPAddress(bytes: last4) }
        if b[0..<12].allSatisfy({ $0 == 0 }) && !(b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1) { return IPAddress(bytes: last4) }
        if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..<12].allSatisfy({ $0 == 0 }) { return IPAddress(bytes: last4) }
        if b[0] == 0x20 && b[1] == 0x02 { return IPAddress(bytes: Array(b[2..<6])) }
        return nil
    }

    static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            // decimal only, no leading zeros (a leading zero reads as octal to some resolvers)
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber), part.count == 1 || part.first != "0",
                let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = Self.parseIPv4(String(piece)) {
                    bytes += v4
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xff)]
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

/// A block of addresses written as CIDR (`10.0.0.0/8`, `fd00::/8`); an address alone is a block of one.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    public let base: IPAddress
    public let prefixLength: Int

    public init?(_ text: some StringProtocol) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let base = IPAddress(parts[0]) else { return nil }
        let maximum = base.bytes.count * 8
        let length = parts.count == 2 ? Int(parts[1]) : maximum
        guard let length, (0...maximum).contains(length) else { return nil }
        self.base = base
        self.prefixLength = length
    }

    public var description: String { "\(self.base)/\(self.prefixLength)" }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == self.base.bytes.count else { return false }
        var remaining = self.prefixLength
        for (a, b) in zip(address.bytes, self.base.bytes) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if a & mask != b & mask { return false }
            remaining -= bits
        }
        return true
    }
}

/// Which addresses an outbound request (a webhook delivery, a pull from a data source, mail) may connect to. The
/// decision is taken on the addresses a host resolves to, never on how the host is written, and the address checked is
/// the one connected to.
public struct OutboundPolicy: Sendable, Equatable {
    /// Why an address is refused.
    public enum Refusal: String, Sendable, Equatable {
        case loopback, linkLocal = "link-local", privateNetwork = "private", uniqueLocal = "unique-local", multicast, unspecified, reserved
    }

    /// The outcome for one host.
    public enum Decision: Sendable, Equatable {
        /// Connect to this address, and to no other.
        case connect(IPAddress)
        /// Refused: one of the host's addresses is not public (and not on the allow-list where it applies).
        case refused(Refusal)
        /// The host resolved to nothing.
        case unresolved
    }

    /// Internal receivers an admin allows for the organisation's own endpoints (`ACCORD_WEBHOOK_ALLOW`); a vendor's
    /// endpoints never use it.
    public var allowList: [AddressRange]

    public init(allowList: [AddressRange] = []) {
        self.allowList = allowList
    }

    /// Reads a comma- or space-separated list of CIDR blocks; nil with the first entry that is not one.
    public static func allowList(parsing text: String) -> Result<[AddressRange], AllowListError> {
        var ranges: [AddressRange] = []
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " }) where !entry.isEmpty {
            guard let range = AddressRange(entry) else { return .failure(AllowListError(entry: String(entry))) }
            ranges.append(range)
        }
        return .success(ranges)
    }

    public struct AllowListError: Error, Equatable, CustomStringConvertible {
        public var entry: String
        public var description: String { "\"\(self.entry)\" is not an address or a CIDR block (10.0.0.0/8, fd00::/8)." }
    }

    /// Why `address` may not be connected to, or nil when it is a public address.
    public static func refusal(for address: IPAddress) -> Refusal? {
        if let embedded = address.embeddedIPv4 { return Self.refusal(for: embedded) }
        let b = address.bytes
        if address.isIPv4 {
            switch (b[0], b[1]) {
            case (127, _): return .loopback
            case (0, _): return .unspecified
            case (10, _), (172, 16...31), (192, 168): return .privateNetwork
            case (100, 64...127): return .privateNetwork  // shared address space (carrier-grade NAT)
            case (169, 254): return .linkLocal
            case (224...239, _): return .multicast
            case (240...255, _): return .reserved  // reserved and broadcast
            case (192, 0) where b[2] == 0: return .reserved  // protocol assignments
            case (198, 18...19): return .reserved  // benchmarking
            default: return nil
            }
        }
        if b.allSatisfy({ $0 == 0 }) { return .unspecified }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return .loopback }
        if b[0] == 0xff { return .multicast }
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return .linkLocal }
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return .privateNetwork }  // site-local (deprecated, still routed inside)
        if b[0] & 0xfe == 0xfc { return .uniqueLocal }
        if b[0..<10].allSatisfy({ $0 == 0 }) { return .reserved }  // other IPv4-embedding forms without a public address
        return nil
    }

    /// The address to connect to among those a host resolved to: refused when any of them is refused (a host that
    /// also names an internal address could be switched to it between two requests), unless every refused one is on the
    /// allow-list and the allow-list applies. Of the addresses, the first IPv4 one is connected to, else the first.
    public func decide(_ addresses: [IPAddress], allowListApplies: Bool) -> Decision {
        guard let first = addresses.first else { return .unresolved }
        for address in addresses {
            guard let refusal = Self.refusal(for: address) else { continue }
            if allowListApplies && self.allowList.contains(where: { $0.contains(address) || address.embeddedIPv4.map($0.contains) == true }) {
                continue
            }
            return .refused(refusal)
        }
        // IPv4 first when a name has both: many hosts (and containers) have no IPv6 route
        return .connect(addresses.first(where: \.isIPv4) ?? first)
    }

    /// Whether the host's addresses are internal ones only the allow-list lets through.
    public func needsAllowList(_ addresses: [IPAddress]) -> Bool {
        addresses.contains { Self.refusal(for: $0) != nil }
    }
}

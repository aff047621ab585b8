import AccordDomain
import Foundation
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decides an outbound URL on the addresses its host resolves to (`OutboundPolicy`), and names the address to connect
/// to so that nothing resolves the host a second time between the check and the connection.
public struct OutboundGuard: Sendable {
    public let policy: OutboundPolicy
    /// How long a resolution may take before the host counts as unresolved.
    public let resolveTimeout: Duration

    public init(policy: OutboundPolicy = OutboundPolicy(), resolveTimeout: Duration = .seconds(5)) {
        self.policy = policy
        self.resolveTimeout = resolveTimeout
    }

    /// What to do with one URL.
    public enum Verdict: Sendable, Equatable {
        /// Connect to `address` for `host` (the URL's host as a client reads it: TLS and `Host` keep the name).
        case connect(host: String, address: IPAddress)
        case refused(OutboundPolicy.Refusal)
        /// The URL has no host, or the host resolved to nothing (in time).
        case unresolved
    }

    /// The URL's host as an HTTP client reads it (`URL.host`, without the brackets of an IPv6 literal).
    public static func host(of url: String) -> String? {
        guard let host = URL(string: url)?.host, !host.isEmpty else { return nil }
        return host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// Resolves the URL's host and decides on every address it gave.
    public func vet(url: String, allowListApplies: Bool) async -> Verdict {
        guard let host = Self.host(of: url) else { return .unresolved }
        let addresses = await self.resolve(host)
        switch self.policy.decide(addresses, allowListApplies: allowListApplies) {
        case .connect(let address): return .connect(host: host, address: address)
        case .refused(let refusal): return .refused(refusal)
        case .unresolved: return .unresolved
        }
    }

    /// The addresses of `host` as the system resolver gives them (legacy notations such as `127.1` included), or none
    /// when it fails or takes longer than `resolveTimeout`.
    public func resolve(_ host: String) async -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        return await withTaskGroup(of: [IPAddress]?.self) { group in
            group.addTask { try? await NIOThreadPool.singleton.runIfActive { Self.lookUp(host) } }
            group.addTask {
                try? await Task.sleep(for: self.resolveTimeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? []
        }
    }

    static func lookUp(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let socket = entry.pointee.ai_addr {
                switch entry.pointee.ai_family {
                case AF_INET:
                    socket.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        var address = v4.pointee.sin_addr
                        let bytes = withUnsafeBytes(of: &address) { Array($0) }
                        if let ip = IPAddress(bytes: bytes) { addresses.append(ip) }
                    }
                case AF_INET6:
                    socket.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        var address = v6.pointee.sin6_addr
                        let bytes = withUnsafeBytes(of: &address) { Array($0) }
                        if let ip = IPAddress(bytes: bytes) { addresses.append(ip) }
                    }
                default: break
                }
            }
            cursor = entry.pointee.ai_next
        }
        var seen = Set<IPAddress>()
        return addresses.filter { seen.insert($0).inserted }
    }
}

import AccordDomain
import Testing

@Suite("Outbound addresses")
struct OutboundPolicyTests {
    @Test(arguments: [
        ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("::1", "loopback"), ("0:0:0:0:0:0:0:1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"), ("0:0:0:0:0:ffff:7f00:1", "loopback"), ("::127.0.0.1", "loopback"), ("64:ff9b::7f00:1", "loopback"),
        ("2002:7f00:1::", "loopback"),
        ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("172.31.255.255", "private"), ("192.168.1.1", "private"), ("100.64.0.1", "private"),
        ("::ffff:10.0.0.1", "private"), ("fec0::1", "private"),
        ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("febf::1", "link-local"), ("::ffff:169.254.169.254", "link-local"),
        ("fc00::1", "unique-local"), ("fd12:3456::1", "unique-local"),
        ("224.0.0.1", "multicast"), ("239.1.1.1", "multicast"), ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("0.1.2.3", "unspecified"), ("::ffff:0.0.0.0", "unspecified"),
        ("255.255.255.255", "reserved"), ("240.0.0.1", "reserved"),
    ])
    func internalAddressesAreRefused(text: String, reason: String) throws {
        let address = try #require(IPAddress(text), "\(text)")
        #expect(OutboundPolicy.refusal(for: address)?.rawValue == reason, "\(text)")
        #expect(OutboundPolicy().decide([address], allowListApplies: true) == .refused(OutboundPolicy.Refusal(rawValue: reason)!))
    }

    @Test(arguments: ["8.8.8.8", "172.32.0.1", "93.184.216.34", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:0808:0808::1", "100.128.0.1"])
    func publicAddressesAreAllowed(text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(OutboundPolicy.refusal(for: address) == nil, "\(text)")
        #expect(OutboundPolicy().decide([address], allowListApplies: false) == .connect(address))
    }

    @Test func legacyNotationsAreNotReadAsAddresses() {
        // the resolver reads these as 127.0.0.1; the policy judges what it resolves them to, never the text
        for text in ["127.1", "127.0.1", "0177.0.0.1", "0x7f.0.0.1", "2130706433", "127.0.0.01", "1.2.3.4.5", "::1::", "12345::1", ""] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
        #expect(IPAddress("::ffff:127.0.0.1")?.description == "0:0:0:0:0:ffff:7f00:1")
        #expect(IPAddress("2001:db8::1")?.description == "2001:db8:0:0:0:0:0:1")
    }

    @Test func oneInternalAddressAmongPublicOnesRefusesTheHost() throws {
        let addresses = [try #require(IPAddress("8.8.8.8")), try #require(IPAddress("127.0.0.1"))]
        #expect(OutboundPolicy().decide(addresses, allowListApplies: false) == .refused(.loopback))
        #expect(OutboundPolicy().decide([], allowListApplies: false) == .unresolved)
    }

    @Test func theAllowListLetsTheOrganisationReachNamedReceiversOnly() throws {
        let allowList = try OutboundPolicy.allowList(parsing: "10.20.0.0/16, 127.0.0.1 fd00::/8").get()
        let policy = OutboundPolicy(allowList: allowList)
        let receiver = try #require(IPAddress("10.20.3.4"))
        #expect(policy.decide([receiver], allowListApplies: true) == .connect(receiver))
        #expect(policy.decide([receiver], allowListApplies: false) == .refused(.privateNetwork), "a vendor's endpoint never uses it")
        #expect(policy.decide([try #require(IPAddress("10.21.0.1"))], allowListApplies: true) == .refused(.privateNetwork))
        #expect(policy.decide([try #require(IPAddress("127.0.0.2"))], allowListApplies: true) == .refused(.loopback))
        #expect(policy.decide([try #require(IPAddress("::ffff:127.0.0.1"))], allowListApplies: true) == .connect(try #require(IPAddress("::ffff:127.0.0.1"))))
        #expect(policy.needsAllowList([receiver]))
        if case .failure(let error) = OutboundPolicy.allowList(parsing: "10.0.0.0/33") {
            #expect(error.entry == "10.0.0.0/33")
        } else {
            Issue.record("a prefix longer than the address is refused")
        }
        #expect((try? OutboundPolicy.allowList(parsing: "").get())?.isEmpty == true)
    }
}

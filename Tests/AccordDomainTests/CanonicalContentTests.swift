import AccordDomain
import Foundation
import Testing

@Suite("Canonical content")
struct CanonicalContentTests {
    static func rca(rootCause: String, title: String = "Checkout outage") -> RootCauseAnalysis {
        RootCauseAnalysis(
            id: 7, title: title, status: .inProgress, masterID: 1, timeZone: "UTC", dueOn: LocalDate("2026-12-10")!, automatic: false,
            triggerRule: "", triggerStatement: "Error rate above 5 %", rootCause: rootCause, rootCauseCategory: .capacity, fiveWhys: ["Disk full"],
            contentHash: "", returnComment: nil, openedBy: nil, openedAt: Date(timeIntervalSince1970: 0), acceptedAt: nil,
            parties: [RCAParty(vendorID: 4, name: "Northwind", share: 80, signed: false, signedBy: nil, signedAt: nil)], breaches: [], timeline: [],
            factors: [], actions: [], rowVersion: 1)
    }

    @Test func aNewlineAndABackslashNAreDifferentContent() {
        let newline = RCARules.canonicalContent(Self.rca(rootCause: "Disk\nfull"), evidence: [])
        let literal = RCARules.canonicalContent(Self.rca(rootCause: "Disk\\nfull"), evidence: [])
        #expect(newline != literal)
        #expect(newline.contains(#""root_cause":"Disk\nfull""#))
        #expect(literal.contains(#""root_cause":"Disk\\nfull""#))
        // a field cannot pose as another field either
        #expect(
            RCARules.canonicalContent(Self.rca(rootCause: "x\",\"title\":\"y"), evidence: [])
                != RCARules.canonicalContent(Self.rca(rootCause: "x", title: "y"), evidence: []))
    }

    @Test func evidenceDigestsAreInsideTheSignedContent() {
        let without = RCARules.canonicalContent(Self.rca(rootCause: "Disk full"), evidence: [])
        let with = RCARules.canonicalContent(
            Self.rca(rootCause: "Disk full"), evidence: [EvidenceDigest(id: 3, fileName: "log.txt", sha256: String(repeating: "a", count: 64))])
        #expect(without != with)
        #expect(with.contains(#""evidence":[{"file_name":"log.txt","id":"3","sha256":"aaaa"#))
    }

    @Test func canonicalJSONIsTheRFC8785Form() {
        let value = CanonicalJSON.object([
            "b": .string("tab\tquote\"slash/back\\ctl\u{01}é€"), "a": .array([.null, .bool(true), .string("")]), "\u{e9}": .string("x"), "Z": .null,
        ])
        // keys by UTF-16 code units ("Z" < "a" < "b" < "é"); no whitespace; only what must be escaped is
        #expect(value.text == "{\"Z\":null,\"a\":[null,true,\"\"],\"b\":\"tab\\tquote\\\"slash/back\\\\ctl\\u0001é€\",\"é\":\"x\"}")
    }
}

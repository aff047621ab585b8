import AccordDomain
import Foundation
import Testing

@testable import AccordApplication

@Suite("Pack keys")
struct ReviewPackKeysTests {
    /// A frozen pack is written in snake_case like every API answer, and a pack frozen before (camelCase, its bytes kept
    /// as signed) still reads.
    @Test func keysGoToSnakeCaseAndBothFormsReadBack() {
        let pairs = [
            ("meetingID", "meeting_id"), ("audienceVendorID", "audience_vendor_id"), ("factsFrom", "facts_from"), ("whatIf", "what_if"),
            ("id", "id"), ("forInformation", "for_information"), ("objectiveID", "objective_id"), ("timeZone", "time_zone"),
        ]
        for (camel, snake) in pairs {
            #expect(ReviewPack.snakeCase(camel) == snake)
            #expect(ReviewPack.camelCase(snake) == camel)
            #expect(ReviewPack.camelCase(camel) == camel, "a camelCase key of an older pack reads as it is")
        }
    }
}

extension ReviewPackKeysTests {
    /// Every field of a pack, what-if included (its rows name their keys in snake_case themselves), survives the trip
    /// through the frozen bytes.
    @Test func aFrozenPackReadsBackAsItWasWritten() throws {
        let terms = WhatIfReplay.Terms(slaTarget: 99.5, sloTarget: 99.8, credits: CreditSchedule(tiers: [CreditTier(threshold: 99.5, percent: 10)], capPercent: 30, probationFactor: 1))
        let at = Date(timeIntervalSince1970: 1_796_000_000)
        let pack = ReviewPack(
            meetingID: 7, seriesID: 3, title: "Monthly", tier: "Tactical", audience: "Internal", audienceVendorID: 4, scope: "Vendor", day: "2026-12-02",
            when: "Wed 2 Dec", startsAt: at, endsAt: at.addingTimeInterval(3600), timeZone: "Europe/Berlin", location: "Room 1", factsFrom: at,
            factsTo: at, generatedAt: at, attendees: [.init(name: "Carla", party: "The customer")],
            agenda: [.init(title: "Breaches", minutes: 10, items: [.init(text: "SLA breach", minutes: 10)])], forInformation: ["Quiet"], quiet: false,
            scorecard: [
                .init(
                    objectiveID: 9, objective: "Availability", agreement: "SLA", party: "Alpha", period: "Nov 2026", target: 99.5, actual: 99.1,
                    variance: -0.4, status: "breached", trend: [99.1, nil], source: "Availability buckets", lineage: "/objectives/9")
            ],
            breaches: [.init(objective: "Availability", party: "Alpha", period: "Nov 2026", attainment: 99.1, target: 99.5, lineage: "/objectives/9")],
            tables: [.init(key: "rcas", title: "RCAs", columns: ["RCA"], rows: [.init(cells: ["#1"], link: "/rcas/1", flagged: true)], empty: "None")],
            proposals: [
                .init(
                    id: 2, title: "Relax", status: "Proposed", effectiveFrom: "2027-01-01",
                    whatIf: [WhatIfReplay.run(objectiveName: "Availability", periods: [], current: terms, proposed: terms, currency: "EUR")])
            ])
        let text = try pack.canonicalJSON()
        #expect(text.contains("\"meeting_id\":7") && text.contains("\"objective_name\":\"Availability\"") && !text.contains("meetingID"))
        #expect(try ReviewPack.decode(text) == pack)
    }
}

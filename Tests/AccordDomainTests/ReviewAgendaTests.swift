import AccordDomain
import Foundation
import Testing

/// Golden agendas: seeded facts and the agenda a contract manager checked by hand.
@Suite("Review agendas")
struct ReviewAgendaTests {
    static func d(_ text: String) -> Decimal { Decimal(string: text)! }

    @Test func anAllGreenMonthGivesAShortAgendaThatSaysSo() {
        let facts = AgendaFacts(
            tier: .tactical, title: "Globex monthly review, December 2026", meetingDay: LocalDate("2026-12-02")!, durationMinutes: 60,
            objectives: [.init(name: "Edge availability", party: "Globex Edge", target: 99.5, actual: Self.d("99.95"), status: .met, trend: [])],
            items: [])
        let agenda = ReviewAgendaBuilder.build(facts)
        #expect(agenda.quiet)
        #expect(
            ReviewAgendaBuilder.text(agenda) == """
                # Globex monthly review, December 2026

                ## Opening and scorecard (5 min)
                - Edge availability (Globex Edge): 99.95 % against 99.5 % — met

                ## Any other business (5 min)
                - Every objective met its target and nothing is open: a short review.

                """)
    }

    @Test func aMonthlyReviewRanksByImpactAndBoxesEachSection() {
        let facts = AgendaFacts(
            tier: .tactical, title: "Checkout monthly review, December 2026", meetingDay: LocalDate("2026-12-02")!, durationMinutes: 60,
            objectives: [
                .init(name: "Platform availability", party: "Northwind Cloud", target: Self.d("99.9"), actual: Self.d("99.82"), status: .breached, trend: []),
                .init(name: "Edge availability", party: "Globex Edge", target: Self.d("99.5"), actual: Self.d("99.95"), status: .met, trend: []),
                .init(name: "First response within goal", party: "Initech Service Desk", target: 95, actual: Self.d("95.8"), status: .atRisk, trend: []),
            ],
            items: [
                .init(kind: .alert, text: "Burn-rate page on Platform availability", party: "Northwind Cloud"),
                .init(kind: .breach, text: "Platform availability breached in November: 99.82 % against 99.9 %", party: "Northwind Cloud", shortfall: Self.d("0.08")),
                .init(kind: .action, text: "Surge roster", party: "Initech Service Desk"),
                .init(kind: .rca, text: "RCA: March outage", party: "Northwind Cloud", days: 4, overdue: true),
                .init(kind: .carried, text: "Decide on the failover drill schedule", party: "The customer", raisedOn: LocalDate("2026-11-03")),
                .init(kind: .action, text: "Alert on replication lag", party: "Northwind Cloud", days: 10, overdue: true),
                .init(kind: .credit, text: "Credit of 4,200.00 EUR awaiting approval", party: "Northwind Cloud"),
                .init(kind: .claim, text: "Claim 3: planned maintenance on 14 December", party: "Globex Edge"),
                .init(kind: .dispute, text: "Dispute 1: November figure", party: "Northwind Cloud"),
                .init(kind: .renegotiation, text: "Edge availability above target for 12 periods: raise toward 99.7 %", party: "Globex Edge"),
                .init(kind: .notice, text: "Notice deadline of Northwind hosting platform: 30 Jun 2027", party: "The customer", days: 45),
            ])
        let agenda = ReviewAgendaBuilder.build(facts)
        #expect(!agenda.quiet && agenda.forInformation.isEmpty)
        #expect(
            ReviewAgendaBuilder.text(agenda) == """
                # Checkout monthly review, December 2026

                ## Opening and scorecard (5 min)
                - Platform availability (Northwind Cloud): 99.82 % against 99.9 % — breached
                - Edge availability (Globex Edge): 99.95 % against 99.5 % — met
                - First response within goal (Initech Service Desk): 95.8 % against 95 % — at risk

                ## Carried from earlier meetings (3 min)
                - Decide on the failover drill schedule [The customer] (raised 3 Nov 2026) (3 min)

                ## Breaches and objectives at risk (10 min)
                - Platform availability breached in November: 99.82 % against 99.9 % [Northwind Cloud] (5 min)
                - At risk: First response within goal (Initech Service Desk) (3 min)
                - Burn-rate page on Platform availability [Northwind Cloud] (2 min)

                ## Root-cause analyses and actions (8 min)
                - RCA: March outage [Northwind Cloud] — overdue 4 days (4 min)
                - Alert on replication lag [Northwind Cloud] — overdue 10 days (2 min)
                - Surge roster [Initech Service Desk] (2 min)

                ## Claims, disputes and credits (8 min)
                - Dispute 1: November figure [Northwind Cloud] (3 min)
                - Claim 3: planned maintenance on 14 December [Globex Edge] (3 min)
                - Credit of 4,200.00 EUR awaiting approval [Northwind Cloud] (2 min)

                ## Looking ahead (4 min)
                - Notice deadline of Northwind hosting platform: 30 Jun 2027 [The customer] — 45 days left (2 min)
                - Edge availability above target for 12 periods: raise toward 99.7 % [Globex Edge] (2 min)

                ## Discussion and any other business (17 min)

                ## Decisions, actions and close (5 min)

                """)
    }

    @Test func aShortMultiVendorReviewKeepsWhatDoesNotFitForInformation() {
        let facts = AgendaFacts(
            tier: .strategic, title: "Checkout quarterly business review, Q4 2026", meetingDay: LocalDate("2026-12-02")!, durationMinutes: 30,
            objectives: [
                .init(name: "Checkout availability", party: "Master SLA", target: Self.d("99.5"), actual: Self.d("99.62"), status: .met, trend: []),
                .init(name: "Platform availability", party: "Northwind Cloud", target: Self.d("99.9"), actual: Self.d("99.4"), status: .breached, trend: []),
            ],
            items: [
                .init(kind: .breach, text: "Platform availability breached in November: 99.4 % against 99.9 %", party: "Northwind Cloud", shortfall: Self.d("0.5")),
                .init(kind: .breach, text: "First response breached in October: 92.9 % against 95 %", party: "Initech Service Desk", shortfall: Self.d("2.1")),
                .init(kind: .rca, text: "Joint RCA: checkout outage", party: "Northwind Cloud, Initech Service Desk"),
                .init(kind: .action, text: "Gate deploys on purge completion", party: "Northwind Cloud", days: 3, overdue: true),
                .init(kind: .claim, text: "Claim 7: force majeure on 2 October", party: "Northwind Cloud"),
                .init(kind: .notice, text: "Notice deadline of Initech second-line support: 21 Dec 2026", party: "The customer", days: 20),
                .init(kind: .renegotiation, text: "Initech first response missed 4 times in 12 months: recalibrate or plan", party: "Initech Service Desk"),
            ])
        let agenda = ReviewAgendaBuilder.build(facts)
        #expect(
            ReviewAgendaBuilder.text(agenda) == """
                # Checkout quarterly business review, Q4 2026

                ## Opening and scorecard (5 min)
                - Checkout availability (Master SLA): 99.62 % against 99.5 % — met
                - Platform availability (Northwind Cloud): 99.4 % against 99.9 % — breached

                ## Performance and trends (5 min)
                - First response breached in October: 92.9 % against 95 % [Initech Service Desk] (5 min)

                ## Root causes and improvement (6 min)
                - Gate deploys on purge completion [Northwind Cloud] — overdue 3 days (2 min)
                - Joint RCA: checkout outage [Northwind Cloud, Initech Service Desk] (4 min)

                ## Commercial: credits, claims and disputes (3 min)
                - Claim 7: force majeure on 2 October [Northwind Cloud] (3 min)

                ## Terms, renegotiation and renewal (4 min)
                - Notice deadline of Initech second-line support: 21 Dec 2026 [The customer] — 20 days left (2 min)
                - Initech first response missed 4 times in 12 months: recalibrate or plan [Initech Service Desk] (2 min)

                ## Discussion and any other business (2 min)

                ## Decisions, actions and close (5 min)

                ## For information
                - Platform availability breached in November: 99.4 % against 99.9 % [Northwind Cloud]

                """)
        // nothing is dropped: every item is in a section or for information
        let placed = agenda.sections.flatMap(\.items).filter { $0.minutes > 0 }.count + agenda.forInformation.count
        #expect(placed == facts.items.count)
    }

    @Test func theScorecardPairsEachFigureWithItsOwnStatusAndThePeriodUnderWayApart() {
        let facts = AgendaFacts(
            tier: .tactical, title: "Platform monthly review, December 2026", meetingDay: LocalDate("2026-12-09")!, durationMinutes: 60,
            objectives: [
                .init(
                    name: "Platform availability", party: "Northwind Cloud", target: Self.d("99.9"), period: "Nov 2026", actual: Self.d("99.97"), status: .met,
                    trend: [], current: .init(label: "Dec 2026", actual: Self.d("99.91"), status: .atRisk), link: "/objectives/4"),
                .init(
                    name: "First response", party: "Initech Service Desk", target: 95, period: "Nov 2026", actual: Self.d("93.1"), status: .breached,
                    trend: [], current: .init(label: "Dec 2026", actual: nil, status: .noData)),
            ],
            items: [])
        let agenda = ReviewAgendaBuilder.build(facts)
        #expect(!agenda.quiet)
        let lines = agenda.sections[0].items.map(\.text)
        // November's figure beside November's outcome; December's so far beside December's own status
        #expect(lines[0] == "Platform availability (Northwind Cloud): Nov 2026 99.97 % against 99.9 % — met; Dec 2026 so far 99.91 % — at risk")
        #expect(lines[1] == "First response (Initech Service Desk): Nov 2026 93.1 % against 95 % — breached; Dec 2026: no data yet")
        #expect(agenda.sections[0].items[0].link == "/objectives/4")
        let watched = agenda.sections.flatMap(\.items).filter { $0.text.hasPrefix("At risk:") }
        #expect(watched.map(\.text) == ["At risk: Platform availability (Northwind Cloud), Dec 2026 so far 99.91 %"])
    }

    @Test func carriedItemsComeFirstIdenticalLinesCollapseAndEachItemLinksItsRecord() {
        var items: [AgendaFacts.Item] = (0..<5).map { _ in
            .init(kind: .alert, text: "Burn-rate alert (page): Platform availability", party: "Northwind Cloud", link: "/objectives/4")
        }
        items += [
            .init(kind: .rca, text: "RCA #3 Storage outage (in progress)", party: "Northwind Cloud", link: "/rcas/3"),
            .init(kind: .carried, text: "Open question: who owns the failover drill?", party: "The customer", raisedOn: LocalDate("2026-11-04"), link: "/meetings/7"),
            .init(
                kind: .carried, text: "Action item: publish the purge runbook — Ana, due 2026-11-20", party: "Northwind Cloud", days: 19, overdue: true,
                raisedOn: LocalDate("2026-11-04"), link: "/meetings/7"),
        ]
        let facts = AgendaFacts(
            tier: .operational, title: "Platform weekly", meetingDay: LocalDate("2026-12-09")!, durationMinutes: 30, objectives: [], items: items)
        let agenda = ReviewAgendaBuilder.build(facts)
        // the first section after the scorecard is what the last meeting left open, the overdue action first
        #expect(agenda.sections[1].title == "Carried from earlier meetings")
        #expect(agenda.sections[1].items.map(\.text) == [
            "Action item: publish the purge runbook — Ana, due 2026-11-20 [Northwind Cloud] — overdue 19 days (raised 4 Nov 2026)",
            "Open question: who owns the failover drill? [The customer] (raised 4 Nov 2026)",
        ])
        // five firings of one alert are one line, the count said, and take one item's time
        let alerts = agenda.sections.flatMap(\.items).filter { $0.text.hasPrefix("Burn-rate alert") }
        #expect(alerts.map(\.text) == ["Burn-rate alert (page): Platform availability [Northwind Cloud] — 5 times"])
        #expect(alerts.map(\.minutes) == [2])
        #expect(alerts.first?.link == "/objectives/4")
        #expect(agenda.sections.flatMap(\.items).first { $0.text.hasPrefix("RCA #3") }?.link == "/rcas/3")
        // the sections and the close fill the meeting exactly
        #expect(agenda.sections.map(\.minutes).reduce(0, +) == 30)
    }

    @Test func aVendorsPackGivesItsOwnOverdueItemsTimeBeforeAnotherPartys() {
        let facts = AgendaFacts(
            tier: .operational, title: "Service desk weekly", meetingDay: LocalDate("2026-12-09")!, durationMinutes: 20, objectives: [],
            items: [
                .init(kind: .action, text: "Action #8: fix DNS failover — Northwind Cloud", party: "Northwind Cloud", days: 12, overdue: true),
                .init(kind: .action, text: "Action #9: retrain first line — Priya", party: "Initech Service Desk", days: 2, overdue: true),
            ],
            audienceParty: "Initech Service Desk")
        let agenda = ReviewAgendaBuilder.build(facts)
        let actions = agenda.sections.first { $0.title == "Root-cause analyses and actions" }?.items.map(\.text) ?? []
        #expect(actions.first == "Action #9: retrain first line — Priya [Initech Service Desk] — overdue 2 days")
        // the same facts in the customer's pack rank by impact alone
        var customers = facts
        customers.audienceParty = nil
        let ranked = ReviewAgendaBuilder.build(customers).sections.first { $0.title == "Root-cause analyses and actions" }?.items.map(\.text) ?? []
        #expect(ranked.first == "Action #8: fix DNS failover — Northwind Cloud [Northwind Cloud] — overdue 12 days")
    }
}

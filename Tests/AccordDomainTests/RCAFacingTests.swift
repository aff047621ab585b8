import Foundation
import Testing

@testable import AccordDomain

/// What a vendor reads of a joint RCA: its own breaches against the SLA unless the agreement shares the customer's
/// internal figures, another party's without figures, and breaches of the internal SLO alone only when shared.
@Suite("RCA as a vendor reads it")
struct RCAFacingTests {
    static let start = Date(timeIntervalSince1970: 1_790_000_000)

    static func breach(_ id: Int64, vendor: Int64?, severity: String, target: Decimal, sla: Decimal, shares: Bool = false) -> RCABreach {
        RCABreach(
            id: id, objectiveID: id * 10, objectiveName: "Objective \(id)", agreementTitle: "Agreement \(id)", vendorID: vendor,
            vendorName: vendor.map { "Vendor \($0)" }, periodStart: Self.start, periodEnd: Self.start.addingTimeInterval(30 * 86_400),
            severity: severity, attainment: Decimal(string: "99.92")!, target: target, budgetConsumed: Decimal(string: "1.6")!, creditAmount: "10.00",
            currency: "EUR", slaTarget: sla, sharesInternalFigures: shares)
    }

    static func rca(_ breaches: [RCABreach], shared: Bool) -> RootCauseAnalysis {
        RootCauseAnalysis(
            id: 1, title: "Checkout outage", status: .inProgress, masterID: 7, timeZone: "UTC", dueOn: LocalDate("2026-12-20")!, automatic: false,
            triggerRule: "", triggerStatement: "", rootCause: "", rootCauseCategory: nil, fiveWhys: [], contentHash: "", returnComment: nil,
            openedBy: "Carla Contract", openedAt: Self.start, acceptedAt: nil,
            parties: [RCAParty(vendorID: nil, name: "The customer", share: nil, signed: false, signedBy: nil, signedAt: nil)], breaches: breaches,
            timeline: [], factors: [], actions: [], rowVersion: 1, sharedWithVendors: shared)
    }

    @Test func anSLABreachKeepsItsFiguresButNotTheBudgetMeasuredAgainstTheSLO() {
        let seen = Self.rca([Self.breach(1, vendor: 5, severity: "sla", target: 99.9, sla: 99.9)], shared: false).facing(vendorID: 5)
        let breach = seen.breaches[0]
        #expect(breach.severity == "sla" && breach.target == 99.9 && breach.attainment == Decimal(string: "99.92")!)
        #expect(breach.budgetConsumed == nil && breach.creditAmount == "10.00")
        #expect(seen.masterID == nil && seen.openedBy == customerLabel)
    }

    @Test func aBreachOfTheInternalSLOAloneIsLeftOutUnlessTheRCAIsShared() {
        let breaches = [
            Self.breach(1, vendor: 5, severity: "sla", target: 99.9, sla: 99.9),
            Self.breach(2, vendor: 5, severity: "slo", target: Decimal(string: "99.95")!, sla: 99.9),
        ]
        #expect(Self.rca(breaches, shared: false).facing(vendorID: 5).breaches.map(\.id) == [1])
        // shared: it reads against the SLA, which the period met, without the budget
        let shared = Self.rca(breaches, shared: true).facing(vendorID: 5).breaches
        #expect(shared.map(\.id) == [1, 2])
        #expect(shared[1].severity == RCABreach.withinSLA && shared[1].severityLabel == "SLA met")
        #expect(shared[1].target == 99.9 && shared[1].budgetConsumed == nil)
        #expect(!shared.contains { $0.target == Decimal(string: "99.95")! })
    }

    @Test func anAgreementThatSharesItsInternalFiguresShowsThemAsRecorded() {
        let breach = Self.breach(1, vendor: 5, severity: "slo", target: Decimal(string: "99.95")!, sla: 99.9, shares: true)
        let seen = Self.rca([breach], shared: false).facing(vendorID: 5).breaches
        #expect(seen == [breach])
    }

    @Test func anotherPartysBreachCarriesNoFigureAndNoInternalSeverity() {
        let breaches = [
            Self.breach(1, vendor: 5, severity: "sla", target: 99.9, sla: 99.9),
            Self.breach(2, vendor: 6, severity: "sla", target: 99.5, sla: 99.5),
            Self.breach(3, vendor: 6, severity: "slo", target: 99.8, sla: 99.5, shares: true),
            Self.breach(4, vendor: nil, severity: "slo", target: 99.7, sla: 99.5),
        ]
        let seen = Self.rca(breaches, shared: false).facing(vendorID: 5).breaches
        // the master's breach of its internal SLO is left out; the other vendor's shows as its own, without numbers
        #expect(seen.map(\.id) == [1, 2, 3])
        for other in seen.dropFirst() {
            #expect(other.objectiveID == 0 && other.objectiveName == "another party's objective" && other.agreementTitle == "Vendor 6")
            #expect(other.target == 0 && other.slaTarget == 0 && other.attainment == 0 && other.budgetConsumed == nil && other.creditAmount == nil)
        }
        #expect(seen.map(\.severity) == ["sla", "sla", RCABreach.withinSLA])
    }

    @Test func theCustomerReadsEveryBreachAsRecorded() {
        let breaches = [
            Self.breach(1, vendor: 5, severity: "sla", target: 99.9, sla: 99.9),
            Self.breach(2, vendor: 5, severity: "slo", target: Decimal(string: "99.95")!, sla: 99.9),
        ]
        #expect(breaches.allSatisfy { $0.isShownToVendors(sharedRCA: true) })
        #expect(breaches.map { $0.isShownToVendors(sharedRCA: false) } == [true, false])
        #expect(breaches.map(\.severityLabel) == ["SLA", "SLO"])
    }
}

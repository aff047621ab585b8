import AccordDomain
import Foundation
import Testing

@Suite("Accounts, sessions and throttling")
struct AccountRulesTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func sessionsEndAfterIdleOrAbsoluteTimeout() {
        let policy = SessionPolicy.standard
        #expect(policy.isValid(createdAt: self.start, lastSeen: self.start, now: self.start.addingTimeInterval(29 * 60)))
        #expect(!policy.isValid(createdAt: self.start, lastSeen: self.start, now: self.start.addingTimeInterval(30 * 60)))
        let lastSeen = self.start.addingTimeInterval(11 * 3600 + 50 * 60)
        #expect(policy.expiry(createdAt: self.start, lastSeen: lastSeen) == self.start.addingTimeInterval(12 * 3600))
    }

    @Test func throttlingWaitsGrowPerAccountAndAddressTogether() {
        let throttle = LoginThrottle.standard
        let at = { (seconds: Double) in self.start.addingTimeInterval(seconds) }
        // three failures are free; then each further one doubles the wait after it: 30 s, 60 s, 120 s … 15 min
        #expect(throttle.decide(pairFailures: [at(0), at(1)], addressFailures: [], now: at(2)) == .allow)
        #expect(throttle.decide(pairFailures: [at(0), at(1), at(2)], addressFailures: [], now: at(3)) == .blocked(until: at(32)))
        #expect(throttle.decide(pairFailures: [at(0), at(1), at(2)], addressFailures: [], now: at(33)) == .allow)
        #expect(throttle.decide(pairFailures: [at(0), at(1), at(2), at(40)], addressFailures: [], now: at(41)) == .blocked(until: at(100)))
        let many = (0..<20).map { at(Double($0)) }
        #expect(throttle.decide(pairFailures: many, addressFailures: [], now: at(20)) == .blocked(until: at(19 + 15 * 60)))
        // one address spraying many accounts is slowed past its own, larger allowance
        let spray = (0..<30).map { at(Double($0)) }
        #expect(throttle.decide(pairFailures: [], addressFailures: Array(spray.prefix(29)), now: at(30)) == .allow)
        #expect(throttle.decide(pairFailures: [], addressFailures: spray, now: at(30)) == .blocked(until: at(59)))
        // the wait shown to admins for one account at one address agrees
        #expect(throttle.pairBlockedUntil(failures: 3, last: at(2), now: at(3)) == at(32))
        #expect(throttle.pairBlockedUntil(failures: 2, last: at(2), now: at(3)) == nil)
        #expect(throttle.pairBlockedUntil(failures: 3, last: at(2), now: at(40)) == nil)
        // failures older than the window do not count
        #expect(throttle.decide(pairFailures: many, addressFailures: [], now: at(3600 + 20)) == .allow)
    }

    @Test func vendorUsersAreBoundToOneVendorAndInternalUsersToNone() {
        #expect(
            UserDraft(email: "a@b.example", name: "A", role: .vendor, vendorID: nil, password: "long enough pass").validate().message(
                for: "vendor_id") != nil)
        #expect(
            UserDraft(email: "a@b.example", name: "A", role: .viewer, vendorID: 3, password: "long enough pass").validate().message(for: "vendor_id")
                != nil)
        #expect(UserDraft(email: "a@b.example", name: "A", role: .vendor, vendorID: 3, password: "long enough pass").validate().isEmpty)
        #expect(UserDraft(email: "nope", name: "A", role: .admin, vendorID: nil, password: "short").validate().errors.count == 2)
        #expect(User(id: 1, email: "x@y.example", name: "X", role: .vendor, vendorID: 7).scope == .vendor(7))
        #expect(User(id: 1, email: "x@y.example", name: "X", role: .admin, vendorID: nil).scope == .organisation)
    }

    @Test func localDatesParseStrictly() {
        #expect(LocalDate("2026-02-28")?.description == "2026-02-28")
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2026-2-1") == nil)
        #expect(LocalDate("2026-12-15")!.firstOfNextMonth == LocalDate("2027-01-01"))
        #expect(ClockTime("24:00")?.minutes == 1440)
        #expect(ClockTime("24:30") == nil)
        #expect(ClockTime("9:00") == nil)
    }

    @Test func calendarsNeedAValidZoneAndOpeningBeforeClosing() {
        let bad = BusinessCalendarDraft(
            name: "Office", timeZone: "Nowhere/Land", weeklyHours: [WeeklyHours(weekday: 1, opens: ClockTime("17:00")!, closes: ClockTime("09:00")!)])
        #expect(Set(bad.validate().errors.map(\.field)) == ["time_zone", "hours_1"])
        let good = BusinessCalendarDraft(
            name: "Office", timeZone: "Europe/Berlin", weeklyHours: [WeeklyHours(weekday: 1, opens: ClockTime("09:00")!, closes: ClockTime("17:00")!)]
        )
        #expect(good.validate().isEmpty)
    }
}

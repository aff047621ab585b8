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

    @Test func throttlingCountsRecentFailuresPerAccountAndAddress() {
        let throttle = LoginThrottle.standard
        let failures = (0..<5).map { self.start.addingTimeInterval(Double($0) * 60) }
        let now = self.start.addingTimeInterval(5 * 60)
        #expect(throttle.decide(accountFailures: Array(failures.prefix(4)), addressFailures: [], now: now) == .allow)
        #expect(throttle.decide(accountFailures: failures, addressFailures: [], now: now) == .blocked(until: self.start.addingTimeInterval(15 * 60)))
        #expect(throttle.decide(accountFailures: failures, addressFailures: [], now: self.start.addingTimeInterval(16 * 60)) == .allow)
        let spray = (0..<20).map { self.start.addingTimeInterval(Double($0)) }
        #expect(throttle.decide(accountFailures: [], addressFailures: spray, now: now) != .allow)
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

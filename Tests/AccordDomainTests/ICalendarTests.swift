import AccordDomain
import Foundation
import Testing

@Suite("Calendar feeds and invitations")
struct ICalendarTests {
    static let start = RFC3339.parse("2026-12-08T09:00:00Z")!

    static func event(summary: String, cancelled: Bool = false, sequence: Int = 0) -> CalendarEvent {
        CalendarEvent(
            uid: "meeting-17@accord", sequence: sequence, start: Self.start, end: Self.start.addingTimeInterval(3600), summary: summary,
            description: "Agenda: breaches; actions, claims\nPack: https://accord.example/packs/3", cancelled: cancelled,
            stamp: RFC3339.parse("2026-12-01T12:00:00Z")!)
    }

    @Test func aFeedIsAPublishedCalendarWithStableUIDsAndUTCTimes() {
        let text = ICalendar.document([Self.event(summary: "Checkout monthly review")], name: "Carla's reviews")
        #expect(!text.contains("METHOD:"))
        #expect(text.contains("UID:meeting-17@accord\r\n"))
        #expect(text.contains("DTSTART:20261208T090000Z\r\nDTEND:20261208T100000Z\r\n"))
        #expect(text.contains("DESCRIPTION:Agenda: breaches\\; actions\\, claims\\nPack: https://accord.examp\r\n le/packs/3\r\n"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        // every physical line is at most 75 octets
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
    }

    @Test func invitationsAndCancellations() {
        let invitation = ICalendar.document([Self.event(summary: "Review", sequence: 2)], name: "Review", method: .request)
        #expect(invitation.contains("METHOD:REQUEST\r\n") && invitation.contains("SEQUENCE:2\r\n") && invitation.contains("STATUS:CONFIRMED"))
        let cancel = ICalendar.document([Self.event(summary: "Review", sequence: 3)], name: "Review", method: .cancel)
        #expect(cancel.contains("METHOD:CANCEL\r\n") && cancel.contains("STATUS:CANCELLED"))
        let feed = ICalendar.document([Self.event(summary: "Review", cancelled: true, sequence: 4)], name: "Feed")
        #expect(feed.contains("STATUS:CANCELLED") && !feed.contains("METHOD"))
    }

    @Test func foldingNeverSplitsACharacter() {
        let long = String(repeating: "é", count: 60)  // two octets each
        let text = ICalendar.document([Self.event(summary: long)], name: "Zürich reviews")
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 && String(validating: Array($0.utf8), as: UTF8.self) != nil })
        // unfolding gives the summary back
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("SUMMARY:\(long)\r\n"))
    }
}

import AccordDomain
import AccordStorage
import Foundation

/// Review meetings and notice deadlines as iCalendar: a person's subscribable feed and a meeting's invitation.
public struct ReviewCalendar: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.repositories = repositories
        self.clock = clock
    }

    static func uid(meeting id: Int64) -> String { "review-meeting-\(id)@accord" }

    func event(_ meeting: ReviewMeeting, series: ReviewSeries, attendees: [ReviewAttendee]) -> CalendarEvent {
        Self.event(meeting, series: series, attendees: attendees)
    }

    static func event(_ meeting: ReviewMeeting, series: ReviewSeries, attendees: [ReviewAttendee]) -> CalendarEvent {
        let what = meeting.adHoc ? "\(series.title) (ad hoc)" : series.title
        var description = "\(series.tier.label) review: \(series.recurrence.description). Pack due \(RFC3339.format(meeting.packDueAt))."
        if !meeting.reason.isEmpty { description += "\n\(meeting.reason)" }
        return CalendarEvent(
            uid: Self.uid(meeting: meeting.id), sequence: meeting.sequence, start: meeting.startsAt, end: meeting.endsAt, summary: what,
            description: description, location: series.location, cancelled: meeting.status == .cancelled, stamp: meeting.updatedAt,
            organizer: attendees.first { $0.vendorID == nil && !$0.email.isEmpty }?.email,
            attendees: attendees.map { CalendarEvent.Attendee(name: $0.name, email: $0.email) })
    }

    /// The feed of what `scope` sees: meetings from 60 days ago to 400 days ahead (cancelled ones marked so), and for the
    /// customer's people the notice deadlines of active agreements.
    public func feed(scope: AccessScope, name: String) async throws -> String {
        let now = self.clock()
        var events: [CalendarEvent] = []
        for (meeting, series) in try await self.repositories.reviews.meetings(
            from: now.addingTimeInterval(-60 * 86_400), to: now.addingTimeInterval(400 * 86_400), scope: scope, limit: 2000)
        {
            // a feed names no one: attendees belong to invitations
            events.append(self.event(meeting, series: series, attendees: []))
        }
        if scope.vendorID == nil {
            for notice in try await self.repositories.reviewFacts.notices(agreementIDs: nil, vendorID: nil) {
                guard let start = PeriodPlanner.startInstant(notice.deadline, in: .gmt) else { continue }
                events.append(
                    CalendarEvent(
                        uid: "notice-deadline-\(notice.agreementID)@accord", sequence: 0, start: start, end: start.addingTimeInterval(86_400),
                        summary: "Notice deadline: \(notice.title)",
                        description: notice.autoRenews ? "Without notice the agreement renews automatically." : "Without notice the agreement expires at the end of its term.",
                        stamp: start, allDay: notice.deadline))
            }
        }
        return ICalendar.document(events, name: name)
    }

    /// The invitation to one meeting (METHOD:REQUEST), or its cancellation (METHOD:CANCEL). A vendor's copy names only
    /// its own people and, with no organiser to name, is a plain event to import.
    public func invitation(meetingID: Int64, scope: AccessScope) async throws -> String {
        let (meeting, series) = try await self.repositories.reviews.meeting(id: meetingID, scope: scope)
        var attendees = try await self.repositories.reviews.attendees(seriesID: series.id)
        if let vendor = scope.vendorID { attendees = attendees.filter { $0.vendorID == vendor } }
        var event = self.event(meeting, series: series, attendees: attendees)
        // a vendor's copy names no one of the customer, its chair included: without an organiser it is not an iTIP
        // request but an event to import (cancelled when the meeting is)
        if scope.vendorID != nil {
            event.organizer = nil
            return ICalendar.document([event], name: series.title)
        }
        return ICalendar.document([event], name: series.title, method: meeting.status == .cancelled ? .cancel : .request)
    }
}

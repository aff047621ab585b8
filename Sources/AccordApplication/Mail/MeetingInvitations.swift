import AccordDomain
import AccordStorage
import Foundation

/// Meeting invitations by mail: each attendee of a meeting starting in the next three weeks gets it as an iTIP
/// message (`METHOD:REQUEST` with the meeting's SEQUENCE, so a move updates the event in their calendar), and a
/// cancellation of a meeting they were invited to as `METHOD:CANCEL`. Sent once per version of the meeting, whatever
/// the number of runners. The customer's copy names every attendee, with the chair as organiser; a vendor's copy
/// names only that vendor's people, with Accord's sender address as organiser.
public struct MeetingInvitations: Sendable {
    let repositories: Repositories
    /// How far ahead meetings are sent.
    public static let horizon: TimeInterval = 21 * 86_400

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// Queues what changed; returns how many meetings were sent. Nothing when mail is off (the meetings are sent once
    /// it is on).
    public func send(now: Date) async throws -> Int {
        let settings = try await self.repositories.mail.settings()
        guard settings.mode != .off else { return 0 }
        var total = 0
        while true {
            let count = try await Change(repositories: self.repositories, clock: { now }).run(actor: AuditActor(userID: nil, label: "review-meetings job")) {
                repositories, now in
                let due = try await repositories.reviews.meetingsToInvite(from: now, through: now.addingTimeInterval(Self.horizon), limit: 50)
                var effects: [Effect] = []
                for (meeting, series) in due {
                    let attendees = try await repositories.reviews.attendees(seriesID: series.id, mailable: true)
                    effects += Self.mails(meeting, series: series, attendees: attendees, sender: settings.senderAddress).map(Effect.mail)
                    try await repositories.reviews.markInvited(meetingID: meeting.id, sequence: meeting.sequence, status: meeting.status)
                }
                return (due.count, effects)
            }
            total += count
            if count < 50 { break }
        }
        return total
    }

    /// One message per attendee with an address.
    static func mails(_ meeting: ReviewMeeting, series: ReviewSeries, attendees: [ReviewAttendee], sender: String) -> [MailDraft] {
        let calendar = ReviewCalendar.event(meeting, series: series, attendees: attendees)
        let cancelled = meeting.status == .cancelled
        let when = Self.when(meeting, zone: series.timeZone)
        let subject = "\(cancelled ? "Cancelled" : meeting.sequence > 0 ? "Moved" : "Invitation"): \(series.title), \(when)"
        var lines = [
            cancelled ? "This review meeting is cancelled." : meeting.sequence > 0 ? "This review meeting has moved." : "You are invited to this review meeting.",
            "",
            "\(series.title) (\(series.tier.label.lowercased()) review)",
            "When: \(when)",
        ]
        if !series.location.isEmpty { lines.append("Where: \(series.location)") }
        if !cancelled { lines.append("The pack is sent to you at its pre-read deadline, \(Self.stamp(meeting.packDueAt, zone: series.timeZone)).") }
        if !meeting.reason.isEmpty { lines += ["", meeting.reason] }
        return attendees.filter { MailAddress.isValid($0.email) }.map { attendee in
            var event = calendar
            if let vendor = attendee.vendorID {
                event.attendees = attendees.filter { $0.vendorID == vendor }.map { CalendarEvent.Attendee(name: $0.name, email: $0.email) }
                event.organizer = MailAddress.isValid(sender) ? sender : nil
            }
            let document = ICalendar.document([event], name: series.title, method: cancelled ? .cancel : .request)
            return MailDraft(
                kind: .invitation, userID: attendee.userID, toAddress: attendee.email, toName: attendee.name, subject: subject,
                text: lines.joined(separator: "\n"), link: "/meetings/\(meeting.id)", calendar: document,
                dedupeKey: "invitation:\(meeting.id):\(meeting.sequence):\(meeting.status.rawValue)")
        }
    }

    /// "Tue 15 Dec 2026, 10:00–11:00 (Europe/Berlin)", as the pages write a meeting.
    static func when(_ meeting: ReviewMeeting, zone identifier: String) -> String {
        Stamp.meeting(start: meeting.startsAt, end: meeting.endsAt, zone: Stamp.zone(identifier))
    }

    /// "11 Dec 2026 00:00 CET", as the pages write an instant, in the series' zone.
    static func stamp(_ instant: Date, zone identifier: String) -> String {
        Stamp.format(instant, Stamp.zone(identifier))
    }
}

import AccordDomain
import AccordStorage
import Crypto
import Foundation

/// Freezes meeting packs: one internal pack and one per vendor of the review, each stored with the SHA-256 of its
/// canonical bytes and the headline figures that moved since its previous revision.
public struct ReviewPacks: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.repositories = repositories
        self.clock = clock
    }

    public static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Builds and stores a new revision of every audience's pack. `scheduled`: the job's run at the pre-read deadline,
    /// which stores nothing when the meeting already has a pack.
    @discardableResult
    public func freeze(meetingID: Int64, scheduled: Bool, announce: Bool = true, actor: AuditActor) async throws -> [StoredPack] {
        let (meeting, series) = try await self.repositories.reviews.meeting(id: meetingID, scope: .organisation)
        guard meeting.status == .planned else { throw RuleViolation("This meeting was cancelled: it gets no pack.") }
        let builder = ReviewPackBuilder(repositories: self.repositories, clock: self.clock)
        let previous = try await self.repositories.packs.latest(meetingID: meetingID, scope: .organisation)
        var packs: [PackRepository.NewPack] = []
        for audience in [nil] + (try await builder.audiences(series)).map({ Optional($0.id) }) {
            let pack = try await builder.build(meeting: meeting, series: series, audienceVendorID: audience)
            let text = try pack.canonicalJSON()
            let earlier = try previous.first { $0.audienceVendorID == audience }.map { try ReviewPack.decode($0.snapshot) }
            packs.append(
                PackRepository.NewPack(
                    audienceVendorID: audience, snapshot: text, sha256: Self.sha256(text), moved: earlier.map { pack.moved(since: $0) } ?? []))
        }
        return try await Change(repositories: self.repositories, clock: self.clock).run(actor: actor) { repositories, now in
            let stored = try await repositories.packs.freeze(meetingID: meetingID, packs, scheduled: scheduled, actor: actor, now: now)
            return (stored, StoredPack.frozen(stored, meeting: meeting, series: series, announce: announce))
        }
    }
}

/// Plans review meetings ahead, freezes the packs whose pre-read deadline has come (once, whatever the number of
/// runners) and mails them to the attendees, locks minutes whose comment period has ended, reminds of notice deadlines
/// at 90/60/30/7 days, and mails invitations.
public struct ReviewMeetingsJob: Job {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.repositories = repositories
        self.clock = clock
    }

    /// How far ahead meetings are planned.
    public static let planningDays = 180

    public var name: String { "review-meetings" }
    public var purpose: String { "Plans review meetings, freezes and mails packs at their pre-read deadline, locks minutes, reminds of notice deadlines, mails invitations." }
    public var interval: Duration { .seconds(300) }

    /// Locks the minutes whose comment period has ended, each meeting's history saying so; returns how many.
    static func lockDueMinutes(repositories: Repositories, now: Date) async throws -> Int {
        try await Change(repositories: repositories, clock: { now }).run(actor: AuditActor(userID: nil, label: "review-meetings job")) { repositories, _ in
            let locked = try await repositories.reviews.lockDueMinutes(now: now)
            return (locked.count, locked.flatMap { ReviewEffects.minutesLocked(meetingID: $0.meetingID, sha256: $0.sha256) })
        }
    }

    public func run(now: Date) async throws -> JobReport {
        var planned = 0
        if let through = LocalDate.of(now, in: .gmt).adding(days: Self.planningDays) {
            for id in try await self.repositories.reviews.seriesToPlan(through: through) {
                planned += try await self.repositories.reviews.plan(seriesID: id, through: through, now: now)
            }
        }
        var frozen = 0
        let packs = ReviewPacks(repositories: self.repositories, clock: { now })
        for meeting in try await self.repositories.packs.claimDue(now: now) {
            frozen += try await packs.freeze(meetingID: meeting, scheduled: true, actor: AuditActor(userID: nil, label: "review-meetings job")).isEmpty ? 0 : 1
        }
        let locked = try await Self.lockDueMinutes(repositories: self.repositories, now: now)
        let reminded = try await RenewalReminders(repositories: self.repositories).send(now: now)
        let invited = try await MeetingInvitations(repositories: self.repositories).send(now: now)
        let mailed = try await PackMail(repositories: self.repositories).send(now: now)
        let total = planned + frozen + locked + reminded + invited + mailed
        guard total > 0 else { return .idle }
        return JobReport(
            items: total,
            summary: "\(planned) meetings planned, \(frozen) packs frozen, \(locked) minutes locked, \(reminded) notice reminders sent, \(invited) meetings sent to their attendees, \(mailed) meetings' packs mailed")
    }
}

/// Notice-deadline reminders: at 90, 60, 30 and 7 days before the deadline, each once, to those the RACI names on the
/// renewal decision (or the contract managers).
public struct RenewalReminders: Sendable {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    public func send(now: Date) async throws -> Int {
        let reminders = self.repositories.reminders
        let today = LocalDate.of(now, in: .gmt)
        let due = try await self.repositories.reviewFacts.notices(agreementIDs: nil, vendorID: nil).compactMap { notice -> (NoticeDeadline, String)? in
            RenewalRules.reminder(deadline: notice.deadline, today: today).map { (notice, "renewal-\(notice.agreementID)-\(notice.deadline)-\($0)") }
        }
        let sent = try await reminders.sent(due.map(\.1))
        var count = 0
        for (notice, key) in due where !sent.contains(key) {
            let left = notice.deadline.daysSince1970 - today.daysSince1970
            let title = "Notice deadline for \(notice.title) in \(left) day\(left == 1 ? "" : "s"): \(notice.deadline)"
            // those the RACI names on the renewal decision (or the contract managers) hear of it; vendors do not
            let reminder = Announcement(
                event: .renewalNoticeDue, subjectKind: "agreement", subjectID: notice.agreementID, title: title, link: "/agreements/\(notice.agreementID)",
                agreementID: notice.agreementID, vendorID: nil, dedupeKey: key)
            if try await GovernanceRemindersJob.remind(key: key, now: now, on: self.repositories, { _ in [.announce(reminder)] }) {
                count += 1
            }
        }
        return count
    }
}

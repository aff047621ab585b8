import AccordDomain
import AccordStorage
import Foundation

/// The pack by mail at the pre-read deadline: each attendee with an address gets the latest frozen pack of their
/// audience (the customer's people the internal pack, a vendor's people their vendor's pack and nothing else) as an
/// HTML message with the agenda, scorecard and breaches, the pack's Markdown and its scorecard and breaches as CSV
/// attached, and a link to the frozen revision; no disabled user. Once per meeting, before it starts, whatever the number of runners; nothing while mail
/// is off (the packs of meetings not yet over are sent once it is on).
public struct PackMail: Sendable {
    let repositories: Repositories

    public init(repositories: Repositories) {
        self.repositories = repositories
    }

    /// Queues the packs due; returns how many meetings' packs were sent.
    public func send(now: Date) async throws -> Int {
        guard try await self.repositories.mail.settings().mode != .off else { return 0 }
        var total = 0
        while true {
            let count = try await Change(repositories: self.repositories, clock: { now }).run(actor: AuditActor(userID: nil, label: "review-meetings job")) {
                repositories, now in
                let due = try await repositories.reviews.meetingsToMailPacks(now: now, limit: 20)
                var effects: [Effect] = []
                for (meeting, series) in due {
                    let packs = try await repositories.packs.latest(meetingID: meeting.id, scope: .organisation)
                    let attendees = try await repositories.reviews.attendees(seriesID: series.id, mailable: true)
                    // a pack that cannot be read (its page says so too) does not hold back the other meetings' packs
                    effects += ((try? Self.mails(packs: packs, attendees: attendees)) ?? []).map(Effect.mail)
                    try await repositories.reviews.markPacksMailed(meetingID: meeting.id, now: now)
                }
                return (due.count, effects)
            }
            total += count
            if count < 20 { break }
        }
        return total
    }

    /// One message per attendee with an address whose audience has a pack.
    static func mails(packs: [StoredPack], attendees: [ReviewAttendee]) throws -> [MailDraft] {
        var messages: [MailDraft] = []
        for attendee in attendees where MailAddress.isValid(attendee.email) {
            guard let stored = packs.first(where: { $0.audienceVendorID == attendee.vendorID }) else { continue }
            messages.append(try Self.mail(stored, to: attendee))
        }
        return messages
    }

    static func mail(_ stored: StoredPack, to attendee: ReviewAttendee) throws -> MailDraft {
        let pack = try ReviewPack.decode(stored.snapshot)
        let name = "pack-\(stored.meetingID)-r\(stored.revision)"
        var lines = [
            "The pack for \(pack.title) (\(pack.tier.lowercased()) review) is ready to read before the meeting.",
            "",
            "When: \(pack.when)",
        ]
        if !pack.location.isEmpty { lines.append("Where: \(pack.location)") }
        lines += [
            "Scope: \(pack.scope)",
            "Revision \(stored.revision), frozen \(Stamp.format(stored.generatedAt, TimeZone(identifier: pack.timeZone) ?? .gmt)), SHA-256 \(stored.sha256).",
            "",
            "Breaches in the period: \(pack.breaches.isEmpty ? "none" : "\(pack.breaches.count)"). The whole pack is attached as Markdown, its scorecard and breaches as CSV.",
        ]
        var html = "<h3 style=\"margin:16px 0 4px\">Agenda</h3><ol>"
        for section in pack.agenda {
            html += "<li>\(MailHTML.escaped(section.title)) (\(section.minutes) min)"
            if !section.items.isEmpty {
                html += "<ul>" + section.items.map { "<li>\(MailHTML.escaped($0.text))</li>" }.joined() + "</ul>"
            }
            html += "</li>"
        }
        html += "</ol>"
        for (key, title) in [("scorecard", "Scorecard"), ("breaches", "Breaches")] {
            let (columns, rows) = try PackMarkdown.table(pack, key: key)
            // the trend and lineage columns are for the files; the mail keeps what reads at a glance
            let shown = key == "scorecard" ? [0, 2, 3, 4, 5, 7, 8] : [0, 1, 2, 3, 4]
            html += "<h3 style=\"margin:16px 0 4px\">\(title)</h3>"
            html +=
                rows.isEmpty
                ? "<p>None.</p>" : MailHTML.table(shown.map { columns[$0] }, rows.map { row in shown.map { $0 == 7 && key == "scorecard" ? row[$0].replacingOccurrences(of: "_", with: " ") : row[$0] } })
        }
        return MailDraft(
            kind: .pack, userID: attendee.userID, toAddress: attendee.email, toName: attendee.name,
            subject: "Pack: \(pack.title), \(pack.day) (revision \(stored.revision))", text: lines.joined(separator: "\n"), html: html,
            link: "/meetings/\(stored.meetingID)/pack?revision=\(stored.id)",
            attachments: [
                MailAttachment(
                    filename: "\(name).md", contentType: "text/markdown; charset=utf-8",
                    content: PackMarkdown.render(pack, revision: stored.revision, sha256: stored.sha256)),
                MailAttachment(filename: "\(name)-scorecard.csv", contentType: "text/csv; charset=utf-8", content: try PackMarkdown.csv(pack, key: "scorecard")),
                MailAttachment(filename: "\(name)-breaches.csv", contentType: "text/csv; charset=utf-8", content: try PackMarkdown.csv(pack, key: "breaches")),
            ],
            dedupeKey: "pack:\(stored.id)")
    }
}

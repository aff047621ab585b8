import Foundation

/// An event as it is announced: to the inboxes its RACI routing names, and to the organisation's webhooks and those of
/// the vendor it concerns.
public struct Announcement: Sendable {
    public var event: InboxEvent
    public var subjectKind: String
    public var subjectID: Int64
    /// Written for both parties: no staff names, no internal targets.
    public var title: String
    public var link: String
    public var agreementID: Int64?
    public var vendorID: Int64?
    /// Repeated reminders (due soon, overdue) carry a key so each person gets each reminder once.
    public var dedupeKey: String?

    public init(
        event: InboxEvent, subjectKind: String, subjectID: Int64, title: String, link: String, agreementID: Int64?, vendorID: Int64?,
        dedupeKey: String? = nil
    ) {
        self.event = event
        self.subjectKind = subjectKind
        self.subjectID = subjectID
        self.title = title
        self.link = link
        self.agreementID = agreementID
        self.vendorID = vendorID
        self.dedupeKey = dedupeKey
    }
}

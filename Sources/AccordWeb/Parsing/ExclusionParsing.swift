import AccordDomain
import Foundation

extension DraftParsing {
    /// An exclusion from the API (RFC 3339 instants with an offset) or the form (`datetime-local` values, read in the
    /// agreement's time zone). Problems are reported by `ExclusionDraft.validate`, which also knows the allowed kinds.
    static func exclusion(_ input: Input, zone: TimeZone) -> ExclusionDraft {
        ExclusionDraft(
            kind: input.text("kind").flatMap(ExclusionKind.init(rawValue:)), reason: input.text("reason") ?? "",
            startsAt: Self.instant(input.text("starts_at"), zone: zone), endsAt: Self.instant(input.text("ends_at"), zone: zone))
    }

    /// An RFC 3339 instant, or a local `YYYY-MM-DDTHH:MM[:SS]` in `zone`.
    static func instant(_ text: String?, zone: TimeZone) -> Date? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let date = RFC3339.parse(text) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.timeZone = zone
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    /// The `datetime-local` value of an instant in `zone`.
    static func localInput(_ date: Date, zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: date)
    }
}

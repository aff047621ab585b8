import AccordApplication
import AccordDomain
import Foundation

extension DraftParsing {
    /// A data source from a form or JSON. An empty token or password keeps the one stored.
    static func dataSource(_ input: Input, fallback: [String: String] = [:]) throws(ValidationErrors) -> DataSourceDraft {
        var reader = InputReader(input, fallback: fallback)
        let auth = reader.choice("auth", label: "Authentication", as: DataSourceAuth.self) ?? .none
        let verify = reader.text("verify_tls").map(Input.isYes) ?? true
        let token = input.raw("bearer_token")
        let password = input.raw("basic_password")
        let draft = DataSourceDraft(
            name: reader.string("name"), baseURL: reader.string("base_url"), auth: auth, bearerToken: token.isEmpty ? nil : token,
            basicUser: reader.string("basic_user"), basicPassword: password.isEmpty ? nil : password, verifyTLS: verify,
            timeoutSeconds: reader.integer("timeout_seconds", label: "The timeout") ?? (reader.text("timeout_seconds") == nil ? 10 : nil),
            staleMinutes: reader.integer("stale_minutes", label: "The stale threshold") ?? (reader.text("stale_minutes") == nil ? 60 : nil))
        try reader.errors.throwIfAny()
        return draft
    }

    /// What an objective pulls, from a form or JSON; `pull_from` is a date (the day's start in UTC) or an instant.
    static func pull(_ input: Input) throws(ValidationErrors) -> SeriesPullDraft {
        var reader = InputReader(input)
        let source = reader.id("source_id", label: "The data source")
        let step = reader.integer("step_seconds", label: "The step")
        var from: Date?
        if let text = reader.text("pull_from") {
            if let day = LocalDate(text) {
                from = PeriodPlanner.startInstant(day, in: .gmt)
            } else if let instant = RFC3339.parse(text) {
                from = instant
            } else {
                reader.errors.add("pull_from", "Pull from a date written YYYY-MM-DD or an RFC 3339 instant, \(Bounds.yearsText).")
            }
        }
        try reader.errors.throwIfAny()
        return SeriesPullDraft(
            sourceID: source, goodQuery: reader.string("good_query"), validQuery: reader.string("valid_query"), stepSeconds: step, pullFrom: from)
    }
}

extension DataSource {
    var formValues: [String: String] {
        [
            "name": self.name, "base_url": self.baseURL, "auth": self.auth.rawValue, "basic_user": self.basicUser,
            "verify_tls": self.verifyTLS ? "true" : "false", "timeout_seconds": "\(self.timeoutSeconds)", "stale_minutes": "\(self.staleMinutes)",
        ]
    }
}

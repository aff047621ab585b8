import AccordDomain
import Foundation

extension DraftParsing {
    /// The mail relay's settings, from the admin's form or JSON. A password left empty keeps the stored one;
    /// `clear_password` removes it.
    static func mailSettings(_ input: Input) throws(ValidationErrors) -> MailSettingsDraft {
        var reader = InputReader(input)
        let mode = reader.choice("mode", label: "Mode", as: MailMode.self) ?? .off
        let security = reader.choice("security", label: "Security", as: MailSecurity.self) ?? .starttls
        let password = input.raw("password")
        let draft = MailSettingsDraft(
            mode: mode, host: reader.string("host"),
            port: reader.integer("port", label: "The port") ?? (reader.text("port") == nil ? security.defaultPort : 0),
            security: security, username: reader.string("username"),
            password: input.text("clear_password").map(Input.isYes) == true ? "" : password.isEmpty ? nil : password,
            senderAddress: reader.string("sender_address"), senderName: reader.text("sender_name") ?? "Accord",
            verifyCertificate: reader.text("verify_certificate").map(Input.isYes) ?? true,
            timeoutSeconds: reader.integer("timeout_seconds", label: "The timeout") ?? (reader.text("timeout_seconds") == nil ? 30 : 0))
        try reader.errors.throwIfAny()
        return draft
    }
}

extension MailSettings {
    /// The settings as the form shows them (never the password).
    var formValues: [String: String] {
        [
            "mode": self.mode.rawValue, "host": self.host, "port": "\(self.port)", "security": self.security.rawValue, "username": self.username,
            "sender_address": self.senderAddress, "sender_name": self.senderName, "verify_certificate": self.verifyCertificate ? "true" : "false",
            "timeout_seconds": "\(self.timeoutSeconds)",
        ]
    }
}

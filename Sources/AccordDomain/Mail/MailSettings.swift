import Foundation

/// How Accord sends mail: not at all, through an SMTP relay, or written to a folder (the demo, and a deployment that
/// is not ready to send yet).
public enum MailMode: String, Sendable, Codable, CaseIterable {
    case off
    case smtp
    case capture

    public var label: String {
        switch self {
        case .off: "Off: no mail is written"
        case .smtp: "Send through the SMTP relay"
        case .capture: "Capture: write each message to a folder, send nothing"
        }
    }
}

/// How the connection to the relay is protected: STARTTLS on the submission port (587), TLS from the first byte
/// (465), or nothing (a relay on the same host; credentials are then never sent).
public enum MailSecurity: String, Sendable, Codable, CaseIterable {
    case starttls
    case tls
    case none

    public var defaultPort: Int {
        switch self {
        case .starttls: 587
        case .tls: 465
        case .none: 25
        }
    }

    public var label: String {
        switch self {
        case .starttls: "STARTTLS (port 587)"
        case .tls: "TLS from the start (port 465)"
        case .none: "None (a relay on this host; no credentials)"
        }
    }
}

/// The relay an admin configured. The password is never read back: `passwordSet` says whether there is one.
public struct MailSettings: Sendable, Codable, Equatable {
    public var mode: MailMode
    public var host: String
    public var port: Int
    public var security: MailSecurity
    public var username: String
    public var passwordSet: Bool
    /// The From address of every message, e.g. `accord@example.com`.
    public var senderAddress: String
    public var senderName: String
    /// Whether the relay's certificate is checked against the system's trust roots and its name (on by default).
    public var verifyCertificate: Bool
    public var timeoutSeconds: Int
    public var updatedAt: Date?

    public init(
        mode: MailMode = .off, host: String = "", port: Int = 587, security: MailSecurity = .starttls, username: String = "", passwordSet: Bool = false,
        senderAddress: String = "", senderName: String = "Accord", verifyCertificate: Bool = true, timeoutSeconds: Int = 30, updatedAt: Date? = nil
    ) {
        self.mode = mode
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.passwordSet = passwordSet
        self.senderAddress = senderAddress
        self.senderName = senderName
        self.verifyCertificate = verifyCertificate
        self.timeoutSeconds = timeoutSeconds
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case mode, host, port, security, username
        case passwordSet = "password_set"
        case senderAddress = "sender_address"
        case senderName = "sender_name"
        case verifyCertificate = "verify_certificate"
        case timeoutSeconds = "timeout_seconds"
        case updatedAt = "updated_at"
    }
}

/// What an admin submits; a password left out (nil) keeps the stored one, an empty one removes it.
public struct MailSettingsDraft: Sendable, Equatable {
    public var mode: MailMode
    public var host: String
    public var port: Int
    public var security: MailSecurity
    public var username: String
    public var password: String?
    public var senderAddress: String
    public var senderName: String
    public var verifyCertificate: Bool
    public var timeoutSeconds: Int

    public init(
        mode: MailMode, host: String, port: Int, security: MailSecurity, username: String = "", password: String? = nil, senderAddress: String,
        senderName: String = "Accord", verifyCertificate: Bool = true, timeoutSeconds: Int = 30
    ) {
        self.mode = mode
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.senderAddress = senderAddress
        self.senderName = senderName
        self.verifyCertificate = verifyCertificate
        self.timeoutSeconds = timeoutSeconds
    }

    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        let host = self.host.trimmingCharacters(in: .whitespaces)
        if self.mode == .smtp {
            if host.isEmpty {
                errors.add("host", "Give the relay's host name or address.")
            } else if host.count > 253 || host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "@" }) {
                errors.add("host", "A host name or address, such as smtp.example.com.")
            }
            if self.security == .none && !self.username.isEmpty {
                errors.add("username", "Credentials are only sent over TLS: choose STARTTLS or TLS, or leave the user empty.")
            }
        }
        // checked in every mode: a stored port is always one a relay could have
        if !(1...65_535).contains(self.port) { errors.add("port", "A port between 1 and 65535.") }
        if self.mode != .off {
            if !MailAddress.isValid(self.senderAddress) { errors.add("sender_address", "A mail address such as accord@example.com.") }
        } else if !self.senderAddress.isEmpty && !MailAddress.isValid(self.senderAddress) {
            errors.add("sender_address", "A mail address such as accord@example.com.")
        }
        if self.senderName.count > 100 || self.senderName.contains(where: \.isNewline) { errors.add("sender_name", "At most 100 characters on one line.") }
        if self.username.count > 200 || self.username.contains(where: \.isNewline) { errors.add("username", "At most 200 characters on one line.") }
        if let password = self.password, password.count > 500 || password.contains(where: \.isNewline) {
            errors.add("password", "At most 500 characters on one line.")
        }
        if !(5...120).contains(self.timeoutSeconds) { errors.add("timeout_seconds", "Between 5 and 120 seconds.") }
        return errors
    }
}

/// A mail address as Accord accepts one: `local@domain`, printable ASCII, at most 254 characters, nothing a header
/// could be split on.
public enum MailAddress {
    public static func isValid(_ address: String) -> Bool {
        guard address.utf8.count <= 254, let at = address.lastIndex(of: "@") else { return false }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty, domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix(".") else { return false }
        let forbidden = Set("<>()[]\\,;:\" \t\r\n")
        return address.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 32 && $0.value < 127 }
            && !local.contains(where: { forbidden.contains($0) }) && !domain.contains(where: { forbidden.contains($0) || $0 == "@" })
    }

    /// The domain of an address ("example.com"), for Message-IDs.
    public static func domain(of address: String) -> String {
        address.lastIndex(of: "@").map { String(address[address.index(after: $0)...]) } ?? "accord.invalid"
    }
}

/// How a person receives their inbox items by mail. Contractual notices (notice deadlines, renewals, statements) are
/// sent whatever this says.
public enum InboxMail: String, Sendable, Codable, CaseIterable {
    case immediate
    case digest
    case off

    public var label: String {
        switch self {
        case .immediate: "Each item as it arrives"
        case .digest: "One daily digest"
        case .off: "Not by mail (contractual notices still are)"
        }
    }
}

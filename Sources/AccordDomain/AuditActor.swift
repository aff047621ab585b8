/// Who is making a change, as the audit trail records it.
public struct AuditActor: Sendable, Equatable {
    public var userID: Int64?
    public var label: String
    public var address: String?

    public init(userID: Int64?, label: String, address: String? = nil) {
        self.userID = userID
        self.label = label
        self.address = address
    }

    /// Changes made by `accord` subcommands on the server itself.
    public static let system = AuditActor(userID: nil, label: "system")
}

import Foundation

/// One thing a search found: what it is, its number, its name, a word on where it belongs.
public struct SearchHit: Sendable, Equatable, Encodable {
    public enum Kind: String, Sendable, Encodable, CaseIterable {
        case vendor, agreement, objective, rca, series, meeting, proposal

        public var label: String {
            switch self {
            case .vendor: "Vendors"
            case .agreement: "Agreements"
            case .objective: "Objectives"
            case .rca: "RCAs"
            case .series: "Review series"
            case .meeting: "Meetings"
            case .proposal: "Proposals"
            }
        }

        public func link(_ id: Int64) -> String {
            switch self {
            case .vendor: "/vendors/\(id)"
            case .agreement: "/agreements/\(id)"
            case .objective: "/objectives/\(id)"
            case .rca: "/rcas/\(id)"
            case .series: "/reviews/\(id)"
            case .meeting: "/meetings/\(id)"
            case .proposal: "/proposals/\(id)"
            }
        }
    }

    public var kind: Kind
    public var id: Int64
    public var title: String
    public var detail: String
    public var link: String { self.kind.link(self.id) }

    public init(kind: Kind, id: Int64, title: String, detail: String) {
        self.kind = kind
        self.id = id
        self.title = title
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey { case kind, id, title, detail, link }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.kind, forKey: .kind)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.title, forKey: .title)
        try container.encode(self.detail, forKey: .detail)
        try container.encode(self.link, forKey: .link)
    }
}

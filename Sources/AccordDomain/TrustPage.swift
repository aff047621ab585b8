import Foundation

/// Whether and where a service's public trust page is published, and whether it names the vendors behind it.
public struct TrustSettings: Sendable, Equatable, Codable {
    public var serviceID: Int64
    public var slug: String
    public var published: Bool
    public var namesVendors: Bool
    public var rowVersion: Int
    public var updatedAt: Date?

    public init(serviceID: Int64, slug: String, published: Bool, namesVendors: Bool, rowVersion: Int, updatedAt: Date?) {
        self.serviceID = serviceID
        self.slug = slug
        self.published = published
        self.namesVendors = namesVendors
        self.rowVersion = rowVersion
        self.updatedAt = updatedAt
    }

    /// A service that was never published: its suggested address from its name, unpublished.
    public static func unpublished(serviceID: Int64, name: String) -> TrustSettings {
        TrustSettings(serviceID: serviceID, slug: TrustSettingsDraft.suggestedSlug(name), published: false, namesVendors: false, rowVersion: 0, updatedAt: nil)
    }

    enum CodingKeys: String, CodingKey {
        case slug, published
        case serviceID = "service_id"
        case namesVendors = "names_vendors"
        case rowVersion = "row_version"
        case updatedAt = "updated_at"
    }
}

/// What a contract manager asks for: the page's address, published or not, vendors named or not.
public struct TrustSettingsDraft: Sendable, Equatable {
    public var slug: String
    public var published: Bool
    public var namesVendors: Bool

    public init(slug: String, published: Bool, namesVendors: Bool) {
        self.slug = slug
        self.published = published
        self.namesVendors = namesVendors
    }

    /// 1 to 64 lower-case letters, digits and hyphens, a letter or digit at each end: `checkout`, `payroll-eu`.
    public static func isValidSlug(_ slug: String) -> Bool {
        guard (1...64).contains(slug.count), slug.first != "-", slug.last != "-" else { return false }
        return slug.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// `Checkout (EU)` → `checkout-eu`.
    public static func suggestedSlug(_ name: String) -> String {
        var slug = ""
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, slug.last != "-" {
                slug += "-"
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return String(slug.prefix(64)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }

    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        if !Self.isValidSlug(self.slug) {
            errors.add("slug", "1 to 64 lower-case letters, digits and hyphens, starting and ending with a letter or digit, such as checkout-eu.")
        }
        return errors
    }
}

/// A service's public trust page: the last twelve closed periods of each objective of its agreements in force against
/// the SLA they publish, with breaches and whether a credit was issued. No internal SLO, no error budget, no staff; the
/// vendors are named only when the contract manager chose to, otherwise numbered as suppliers.
public struct TrustPage: Sendable, Equatable {
    /// Whether a breached period's credit was issued, is on its way, or was waived.
    public enum CreditState: String, Sendable, Equatable {
        case none
        case pending
        case issued
        case waived
    }

    public struct Period: Sendable, Equatable {
        public var start: Date
        public var end: Date
        public var label: String
        public var attainment: Decimal?
        public var slaTarget: Decimal
        public var status: TargetStatus
        public var credit: CreditState
        /// When the period's figure was last computed (late data or an exclusion revise it).
        public var revisedAt: Date

        public init(
            start: Date, end: Date, label: String, attainment: Decimal?, slaTarget: Decimal, status: TargetStatus, credit: CreditState, revisedAt: Date
        ) {
            self.start = start
            self.end = end
            self.label = label
            self.attainment = attainment
            self.slaTarget = slaTarget
            self.status = status
            self.credit = credit
            self.revisedAt = revisedAt
        }
    }

    public struct Line: Sendable, Equatable {
        /// Stable for the objective across terms, agreements added or ended, and names: the feed's entries keep their ids.
        public var key: String
        /// "The service" for the master SLA; the vendor's name, or "Supplier 1", for a vendor SLA.
        public var provider: String
        public var objective: String
        /// Newest first, at most twelve.
        public var periods: [Period]

        public init(key: String, provider: String, objective: String, periods: [Period]) {
            self.key = key
            self.provider = provider
            self.objective = objective
            self.periods = periods
        }

        public var breaches: Int { self.periods.filter { $0.status == .breached }.count }
    }

    public static let periods = 12

    public var service: String
    public var slug: String
    public var generatedAt: Date
    public var lines: [Line]

    public init(service: String, slug: String, generatedAt: Date, lines: [Line]) {
        self.service = service
        self.slug = slug
        self.generatedAt = generatedAt
        self.lines = lines
    }

    /// The page as JSON: figures as exact decimal strings, instants in RFC 3339.
    public var json: CanonicalJSON {
        .object([
            "service": .string(self.service),
            "slug": .string(self.slug),
            "generated_at": .string(RFC3339.format(self.generatedAt)),
            "periods_shown": .string("\(Self.periods)"),
            "objectives": .array(
                self.lines.map { line in
                    .object([
                        "provider": .string(line.provider),
                        "objective": .string(line.objective),
                        "breaches": .string("\(line.breaches)"),
                        "periods": .array(
                            line.periods.map { period in
                                .object([
                                    "from": .string(RFC3339.format(period.start)),
                                    "to": .string(RFC3339.format(period.end)),
                                    "label": .string(period.label),
                                    "attainment_percent": period.attainment.map { .string($0.description) } ?? .null,
                                    "sla_target_percent": .string(period.slaTarget.description),
                                    "status": .string(period.status.rawValue),
                                    "credit": .string(period.credit.rawValue),
                                ])
                            }),
                    ])
                }),
        ])
    }

    /// The page as an Atom feed: one entry per closed period (of any objective), newest first, each entry's id stable
    /// for its objective and period, its `updated` the figure's last computation, so a reader shows a revised figure as
    /// updated.
    public func atom(baseURL: String) -> String {
        func escaped(_ text: String) -> String {
            // XML 1.0 has no place for control characters other than tab and line breaks
            String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }))
                .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\"", with: "&quot;")
        }
        let page = "\(baseURL)/trust/\(self.slug)"
        var entries: [(Date, String)] = []
        for line in self.lines {
            for period in line.periods {
                let figure = Figures.attainment(period.attainment, targets: [period.slaTarget])
                let credit = period.credit == .none ? "" : "; credit \(period.credit.rawValue)"
                let title = "\(line.provider), \(line.objective), \(period.label): \(figure) against an SLA of \(Figures.target(period.slaTarget)), \(period.status.rawValue.replacingOccurrences(of: "_", with: " "))"
                entries.append(
                    (
                        period.revisedAt,
                        """
                          <entry>
                            <id>\(escaped(page))#\(line.key)-\(Int64(period.start.timeIntervalSince1970))</id>
                            <title>\(escaped(title))</title>
                            <updated>\(RFC3339.format(period.revisedAt))</updated>
                            <link href="\(escaped(page))"/>
                            <summary>\(escaped(title + credit + "."))</summary>
                          </entry>
                        """
                    ))
            }
        }
        entries.sort { $0.0 > $1.0 }
        let updated = entries.first?.0 ?? self.generatedAt
        return """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <id>\(escaped(page))</id>
              <title>\(escaped(self.service)): service levels</title>
              <updated>\(RFC3339.format(updated))</updated>
              <link rel="alternate" href="\(escaped(page))"/>
              <link rel="self" href="\(escaped(page)).atom"/>
              <author><name>\(escaped(self.service))</name></author>
            \(entries.map(\.1).joined(separator: "\n"))
            </feed>

            """
    }
}

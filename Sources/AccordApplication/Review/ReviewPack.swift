import AccordDomain
import Foundation

/// A meeting pack's content: everything it shows, as figures and text, read from the data when it was frozen. Stored
/// as canonical JSON (sorted keys, ISO-8601 instants); its SHA-256 is over those bytes. Pages, Markdown and CSV are
/// rendered from it, never from live data.
public struct ReviewPack: Sendable, Equatable, Codable {
    public struct Attendee: Sendable, Equatable, Codable {
        public var name: String
        public var party: String
    }

    public struct AgendaItem: Sendable, Equatable, Codable {
        public var text: String
        public var minutes: Int
        /// The record the item is about (absent in packs frozen before items linked).
        public var link: String?
    }

    public struct AgendaSection: Sendable, Equatable, Codable {
        public var title: String
        public var minutes: Int
        public var items: [AgendaItem]
    }

    public struct ScoreRow: Sendable, Equatable, Codable {
        public var objectiveID: Int64
        public var objective: String
        public var agreement: String
        public var party: String
        public var period: String
        /// The SLA target.
        public var target: Decimal
        public var actual: Decimal?
        public var variance: Decimal?
        /// The closed period's own outcome: met, breached or no data.
        public var status: String
        /// The period under way, apart: "Dec 2026 so far 99.95 % — on track" (absent in older packs).
        public var soFar: String?
        /// Attainment of the last closed periods, oldest first.
        public var trend: [Decimal?]
        public var source: String
        /// The period page that explains the figure (its lineage).
        public var lineage: String?
    }

    public struct BreachRow: Sendable, Equatable, Codable {
        public var objective: String
        public var party: String
        public var period: String
        public var attainment: Decimal
        public var target: Decimal
        public var lineage: String
    }

    public struct Row: Sendable, Equatable, Codable {
        /// Columns in order, as the CSV and the tables show them.
        public var cells: [String]
        public var link: String?
        public var flagged: Bool
    }

    public struct Table: Sendable, Equatable, Codable {
        public var key: String
        public var title: String
        public var columns: [String]
        public var rows: [Row]
        public var empty: String
    }

    public struct Proposal: Sendable, Equatable, Codable {
        public var id: Int64
        public var title: String
        public var status: String
        public var effectiveFrom: String
        public var whatIf: [WhatIfReplay.Result]
    }

    public var format = 1
    public var meetingID: Int64
    public var seriesID: Int64
    public var title: String
    public var tier: String
    /// "Internal" or the vendor's name.
    public var audience: String
    public var audienceVendorID: Int64?
    public var scope: String
    public var day: String
    /// The meeting's start and end in the series' zone, as people read them.
    public var when: String
    public var startsAt: Date
    public var endsAt: Date
    public var timeZone: String
    public var location: String
    /// The span the facts cover: since the previous meeting of the series.
    public var factsFrom: Date
    public var factsTo: Date
    public var generatedAt: Date
    public var attendees: [Attendee]

    /// Frozen after the meeting began: its facts end at the start, and the pack says so.
    public var frozenLate: Bool { self.generatedAt > self.startsAt }
    public var agenda: [AgendaSection]
    public var forInformation: [String]
    public var quiet: Bool
    public var scorecard: [ScoreRow]
    public var breaches: [BreachRow]
    /// RCAs, actions, claims, disputes, credits, notices, renegotiation candidates, items carried from earlier meetings.
    public var tables: [Table]
    public var proposals: [Proposal]
}

extension ReviewPack {
    /// The canonical bytes: the same pack always gives the same text, its keys in snake_case like every API answer
    /// (`meeting_id`, `facts_from`).
    public func canonicalJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .custom { path in SnakeKey(Self.snakeCase(path.last?.stringValue ?? "")) }
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads a frozen snapshot: in snake_case, or with the camelCase keys of packs frozen before the API spoke
    /// snake_case everywhere (their bytes are kept as signed by their hash).
    public static func decode(_ text: String) throws -> ReviewPack {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.keyDecodingStrategy = .custom { path in SnakeKey(Self.camelCase(path.last?.stringValue ?? "")) }
        return try decoder.decode(ReviewPack.self, from: Data(text.utf8))
    }

    /// `meetingID` → `meeting_id`, `audienceVendorID` → `audience_vendor_id`, `whatIf` → `what_if`.
    static func snakeCase(_ key: String) -> String {
        var words: [String] = []
        var current = ""
        let characters = Array(key)
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            // a capital starts a word, unless it continues a run of capitals (ID) that the next capital does not end
            let previousIsUpper = index > 0 && characters[index - 1].isUppercase
            let startsWord = character.isUppercase && (!previousIsUpper || (next?.isLowercase ?? false))
            if startsWord, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.lowercased() }.joined(separator: "_")
    }

    /// The pack's own keys that snake_case changes, read back by their snake_case form. Only these are read back:
    /// the what-if rows inside a pack name their keys in snake_case themselves (`objective_name`).
    static let ownKeys = [
        "audienceVendorID", "effectiveFrom", "endsAt", "factsFrom", "factsTo", "forInformation", "generatedAt", "meetingID", "objectiveID",
        "seriesID", "soFar", "startsAt", "timeZone", "whatIf",
    ]
    static let readBack = Dictionary(uniqueKeysWithValues: Self.ownKeys.map { (Self.snakeCase($0), $0) })

    /// `meeting_id` → `meetingID` for the pack's own keys; any other key (a camelCase key of an older pack, a what-if
    /// row's own snake_case key) is taken as it is.
    static func camelCase(_ key: String) -> String {
        Self.readBack[key] ?? key
    }
}

/// A coding key made from a converted name.
struct SnakeKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) {
        self.stringValue = string
    }

    init?(stringValue: String) {
        self.stringValue = stringValue
    }

    init?(intValue: Int) {
        return nil
    }
}

extension ReviewPack {
    /// The headline figures that differ from an earlier revision, as sentences: each objective's actual and status,
    /// the breaches counted, and the credits in each table's total.
    public func moved(since earlier: ReviewPack) -> [String] {
        var lines: [String] = []
        let before = Dictionary(earlier.scorecard.map { ($0.objectiveID, $0) }, uniquingKeysWith: { first, _ in first })
        for row in self.scorecard {
            guard let old = before[row.objectiveID] else {
                lines.append("\(row.objective): new in the scorecard.")
                continue
            }
            if old.actual != row.actual || old.period != row.period {
                let from = old.actual.map { "\($0.plain) % (\(old.period))" } ?? "no data"
                let to = row.actual.map { "\($0.plain) % (\(row.period))" } ?? "no data"
                lines.append("\(row.objective): actual \(from) → \(to).")
            }
            if old.status != row.status { lines.append("\(row.objective): status \(old.status) → \(row.status).") }
        }
        let current = Set(self.scorecard.map(\.objectiveID))
        for old in earlier.scorecard where !current.contains(old.objectiveID) { lines.append("\(old.objective): no longer in the scorecard.") }
        if earlier.breaches.count != self.breaches.count { lines.append("Breaches: \(earlier.breaches.count) → \(self.breaches.count).") }
        let oldTables = Dictionary(earlier.tables.map { ($0.key, $0.rows.count) }, uniquingKeysWith: { first, _ in first })
        for table in self.tables where (oldTables[table.key] ?? 0) != table.rows.count {
            lines.append("\(table.title): \(oldTables[table.key] ?? 0) → \(table.rows.count) rows.")
        }
        return lines
    }
}

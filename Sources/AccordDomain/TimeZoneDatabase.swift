import Foundation

/// The zone names of the tz database (IANA), read from the machine's copy (`/usr/share/zoneinfo`, the `tzdata`
/// package; `ZONEINFO` names another place): every zone and alias it holds is accepted wherever a zone is entered
/// (`Asia/Kolkata`, `Asia/Calcutta`, `Etc/UTC`, `US/Pacific`), and nothing else (`GMT+05:00`, `Mars/Base`).
public enum TimeZoneDatabase {
    /// Every name, sorted: the zone picker's list.
    public static let names: [String] = Self.load()
    private static let known: Set<String> = Set(Self.names)

    public static func contains(_ name: String) -> Bool { Self.known.contains(name) }

    /// A name of the database that differs only in case (`europe/berlin` → `Europe/Berlin`), to suggest.
    public static func suggestion(for name: String) -> String? {
        let lowered = name.lowercased()
        return Self.names.first { $0.lowercased() == lowered }
    }

    /// The error for a name that is not in the database, or nil when it is.
    public static func problem(with name: String) -> String? {
        guard !Self.contains(name) else { return nil }
        if let suggestion = Self.suggestion(for: name) { return "Time zone \(name.prefix(60)) is not in the tz database; did you mean \(suggestion)?" }
        return "Time zone must be a name from the tz database, such as Europe/Berlin, Asia/Kolkata or UTC."
    }

    static func load() -> [String] {
        let directory = ProcessInfo.processInfo.environment["ZONEINFO"] ?? "/usr/share/zoneinfo"
        var names: [String] = []
        if let enumerator = FileManager.default.enumerator(atPath: directory) {
            while let path = enumerator.nextObject() as? String {
                // `posix/` and `right/` repeat the database; tables (`zone.tab`) and `localtime` are not zones
                let first = path.split(separator: "/").first.map(String.init) ?? path
                if ["posix", "right", "posixrules", "localtime", "Factory"].contains(first) || path.contains(".") { continue }
                guard Self.isZoneFile(directory + "/" + path), TimeZone(identifier: path) != nil else { continue }
                names.append(path)
            }
        }
        if names.isEmpty {
            // no copy of the database on this machine: Foundation's own list is the best there is
            names = TimeZone.knownTimeZoneIdentifiers + ["UTC"]
        }
        return Array(Set(names)).sorted()
    }

    /// A compiled zone file starts with `TZif`.
    static func isZoneFile(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 4)) == Data("TZif".utf8)
    }
}

import Foundation

/// How Accord authenticates to a data source.
public enum DataSourceAuth: String, Sendable, Codable, CaseIterable {
    case none, bearer, basic

    public var label: String {
        switch self {
        case .none: "None"
        case .bearer: "Bearer token"
        case .basic: "Basic (user and password)"
        }
    }
}

/// A monitoring system Accord pulls measurements from: a Prometheus server's HTTP API. Its credentials are never
/// read back; `hasBearerToken` and `hasBasicPassword` say whether one is kept.
public struct DataSource: Sendable, Equatable, Encodable {
    public var id: Int64
    public var name: String
    public var kind: String
    public var baseURL: String
    public var auth: DataSourceAuth
    public var hasBearerToken: Bool
    public var basicUser: String
    public var hasBasicPassword: Bool
    public var verifyTLS: Bool
    public var timeoutSeconds: Int
    /// Minutes without a successful pull after which the objectives' RACI hear of it.
    public var staleMinutes: Int
    /// How many objectives pull from it.
    public var pullCount: Int
    /// The latest successful pull of any of its objectives.
    public var lastSuccessAt: Date?
    /// The latest failure of any of its objectives, if it failed after its last success.
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var rowVersion: Int

    public init(
        id: Int64, name: String, kind: String, baseURL: String, auth: DataSourceAuth, hasBearerToken: Bool, basicUser: String, hasBasicPassword: Bool,
        verifyTLS: Bool, timeoutSeconds: Int, staleMinutes: Int, pullCount: Int, lastSuccessAt: Date?, lastError: String?, createdAt: Date,
        updatedAt: Date, rowVersion: Int
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.baseURL = baseURL
        self.auth = auth
        self.hasBearerToken = hasBearerToken
        self.basicUser = basicUser
        self.hasBasicPassword = hasBasicPassword
        self.verifyTLS = verifyTLS
        self.timeoutSeconds = timeoutSeconds
        self.staleMinutes = staleMinutes
        self.pullCount = pullCount
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.rowVersion = rowVersion
    }
}

/// What a request to a data source needs: where, how long to wait, and the credentials to send.
public struct DataSourceConnection: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var baseURL: String
    public var auth: DataSourceAuth
    public var bearerToken: String
    public var basicUser: String
    public var basicPassword: String
    public var verifyTLS: Bool
    public var timeoutSeconds: Int
    public var staleMinutes: Int

    public init(
        id: Int64, name: String, baseURL: String, auth: DataSourceAuth, bearerToken: String, basicUser: String, basicPassword: String, verifyTLS: Bool,
        timeoutSeconds: Int, staleMinutes: Int
    ) {
        self.id = id
        self.name = name
        self.baseURL = baseURL
        self.auth = auth
        self.bearerToken = bearerToken
        self.basicUser = basicUser
        self.basicPassword = basicPassword
        self.verifyTLS = verifyTLS
        self.timeoutSeconds = timeoutSeconds
        self.staleMinutes = staleMinutes
    }
}

/// A data source as an admin defines it. A nil token or password keeps the one stored.
public struct DataSourceDraft: Sendable, Equatable {
    public var name: String
    public var baseURL: String
    public var auth: DataSourceAuth
    public var bearerToken: String?
    public var basicUser: String
    public var basicPassword: String?
    public var verifyTLS: Bool
    public var timeoutSeconds: Int?
    public var staleMinutes: Int?

    public init(
        name: String = "", baseURL: String = "", auth: DataSourceAuth = .none, bearerToken: String? = nil, basicUser: String = "",
        basicPassword: String? = nil, verifyTLS: Bool = true, timeoutSeconds: Int? = 10, staleMinutes: Int? = 60
    ) {
        self.name = name
        self.baseURL = baseURL
        self.auth = auth
        self.bearerToken = bearerToken
        self.basicUser = basicUser
        self.basicPassword = basicPassword
        self.verifyTLS = verifyTLS
        self.timeoutSeconds = timeoutSeconds
        self.staleMinutes = staleMinutes
    }

    /// Every problem, by field. `storedToken`/`storedPassword`: whether the source being edited keeps one.
    public func validate(storedToken: Bool = false, storedPassword: Bool = false) -> ValidationErrors {
        var errors = ValidationErrors()
        let name = self.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty || name.count > 100 || !Self.isOneLine(name) {
            errors.add("name", "Give the source a name of 1 to 100 characters.")
        }
        let url = self.baseURL.trimmingCharacters(in: .whitespacesAndNewlines)
        if let problem = Self.urlProblem(url) { errors.add("base_url", problem) }
        switch self.auth {
        case .none: break
        case .bearer:
            let token = self.bearerToken ?? ""
            if token.isEmpty && !storedToken { errors.add("bearer_token", "Give the bearer token Prometheus expects.") }
            if token.count > 4000 || !Self.isOneLine(token) { errors.add("bearer_token", "The token is at most 4,000 characters, on one line.") }
        case .basic:
            if self.basicUser.isEmpty || self.basicUser.count > 200 || self.basicUser.contains(":") || !Self.isOneLine(self.basicUser) {
                errors.add("basic_user", "Give the user name (at most 200 characters, without a colon).")
            }
            let password = self.basicPassword ?? ""
            if password.isEmpty && !storedPassword { errors.add("basic_password", "Give the password.") }
            if password.count > 1000 || !Self.isOneLine(password) { errors.add("basic_password", "The password is at most 1,000 characters.") }
        }
        if let timeout = self.timeoutSeconds {
            if !(1...120).contains(timeout) { errors.add("timeout_seconds", "The timeout is 1 to 120 seconds.") }
        } else {
            errors.add("timeout_seconds", "Give the timeout in seconds (1 to 120).")
        }
        if let stale = self.staleMinutes {
            if !(5...10080).contains(stale) { errors.add("stale_minutes", "Data is stale after 5 minutes to 7 days (10,080 minutes).") }
        } else {
            errors.add("stale_minutes", "Give the minutes after which data is stale (5 to 10,080).")
        }
        return errors
    }

    /// Text sent in a header or shown on one line: no control character, tab or line break.
    static func isOneLine(_ text: String) -> Bool {
        text.firstControlCharacter == nil && !text.contains(where: { $0 == "\t" || $0.isNewline })
    }

    /// Why `url` is not a Prometheus base URL Accord can call, or nil.
    public static func urlProblem(_ url: String) -> String? {
        guard !url.isEmpty, url.count <= 500, Self.isOneLine(url), !url.contains(" "),
            let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return "Give the server's http or https address, such as https://prometheus.example:9090 (at most 500 characters)." }
        if components.user != nil || components.password != nil { return "Give credentials in the authentication fields, not in the address." }
        if components.query != nil || components.fragment != nil { return "The address takes no query or fragment." }
        return nil
    }
}

/// What a series (an objective across its versions) pulls from a data source: PromQL expressions giving the good and
/// the valid events of each step, and how far it has got.
public struct SeriesPull: Sendable, Equatable, Encodable {
    public var seriesID: Int64
    public var objectiveID: Int64
    public var objectiveName: String
    public var sourceID: Int64
    public var sourceName: String
    public var goodQuery: String
    public var validQuery: String
    public var stepSeconds: Int
    public var pullFrom: Date
    /// Every step ending at or before it has been pulled.
    public var watermark: Date
    public var nextAttemptAt: Date
    public var failures: Int
    public var lastAttemptAt: Date?
    public var lastSuccessAt: Date?
    public var lastError: String
    public var rowVersion: Int

    public init(
        seriesID: Int64, objectiveID: Int64, objectiveName: String, sourceID: Int64, sourceName: String, goodQuery: String, validQuery: String, stepSeconds: Int, pullFrom: Date,
        watermark: Date, nextAttemptAt: Date, failures: Int, lastAttemptAt: Date?, lastSuccessAt: Date?, lastError: String, rowVersion: Int
    ) {
        self.seriesID = seriesID
        self.objectiveID = objectiveID
        self.objectiveName = objectiveName
        self.sourceID = sourceID
        self.sourceName = sourceName
        self.goodQuery = goodQuery
        self.validQuery = validQuery
        self.stepSeconds = stepSeconds
        self.pullFrom = pullFrom
        self.watermark = watermark
        self.nextAttemptAt = nextAttemptAt
        self.failures = failures
        self.lastAttemptAt = lastAttemptAt
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.rowVersion = rowVersion
    }

    /// The announcement that the series' pulled data is behind: to the RACI's data feed people, never the vendor.
    public func staleAnnouncement(objective: String, agreementID: Int64, staleMinutes: Int, now: Date) -> Announcement {
        let behind = self.minutesBehind(now: now)
        let why = self.lastError.isEmpty ? "" : ": \(self.lastError.prefix(200))"
        return Announcement(
            event: .dataStale, subjectKind: "objective", subjectID: self.objectiveID,
            title: "Data for \(objective) from \(self.sourceName) is \(behind) minutes behind (threshold \(staleMinutes))\(why)",
            link: "/objectives/\(self.objectiveID)", agreementID: agreementID, vendorID: nil,
            dedupeKey: "stale-\(self.seriesID)-\(Int64(now.timeIntervalSince1970))")
    }

    /// How far the pulled data lags behind what could be pulled by `now`, in whole minutes (0 when caught up).
    public func minutesBehind(now: Date, settle: TimeInterval = PullPlan.settleLag) -> Int {
        max(0, Int((now.addingTimeInterval(-settle).timeIntervalSince(self.watermark) / 60).rounded(.down)))
    }
}

/// A pull as the objective's form sets it. `pullFrom` nil: from the start of the objective's earliest open period.
public struct SeriesPullDraft: Sendable, Equatable {
    public var sourceID: Int64?
    public var goodQuery: String
    public var validQuery: String
    public var stepSeconds: Int?
    public var pullFrom: Date?

    public init(sourceID: Int64?, goodQuery: String, validQuery: String, stepSeconds: Int?, pullFrom: Date? = nil) {
        self.sourceID = sourceID
        self.goodQuery = goodQuery
        self.validQuery = validQuery
        self.stepSeconds = stepSeconds
        self.pullFrom = pullFrom
    }

    public func validate(sliKind: SLIKind) -> ValidationErrors {
        var errors = ValidationErrors()
        if sliKind.isTicketBased { errors.add("source_id", "Only a ratio objective pulls its buckets; ticket events are pushed.") }
        if self.sourceID == nil { errors.add("source_id", "Choose the data source.") }
        for (field, query) in [("good_query", self.goodQuery), ("valid_query", self.validQuery)] {
            let query = query.trimmingCharacters(in: .whitespacesAndNewlines)
            if query.isEmpty || query.count > 2000 {
                errors.add(field, "Give the PromQL expression (at most 2,000 characters) that counts the step's events.")
            } else if query.firstControlCharacter != nil {
                errors.add(field, "The expression holds a control character.")
            }
        }
        if let step = self.stepSeconds {
            if step != 60 && step != 300 { errors.add("step_seconds", "The step is 60 or 300 seconds.") }
        } else {
            errors.add("step_seconds", "Choose the step: 60 or 300 seconds.")
        }
        return errors
    }
}

/// Which steps a pull asks for next, and when it tries again after a failure. Pure: the clock is passed in.
public enum PullPlan {
    /// A step is pulled once it ended this long ago, so the monitoring system has its samples.
    public static let settleLag: TimeInterval = 120
    /// Prometheus answers at most 11,000 points per series in one `query_range`.
    public static let maximumPoints = 11_000

    /// The steps after `watermark` that have settled by `now`, at most `maximumPoints` of them: the span from the
    /// watermark to the last of them. Nil when no whole step has settled.
    public static func next(watermark: Date, stepSeconds: Int, now: Date, settle: TimeInterval = Self.settleLag) -> DateInterval? {
        let step = Double(stepSeconds)
        let settled = now.addingTimeInterval(-settle).timeIntervalSince1970
        let steps = Int(((settled - watermark.timeIntervalSince1970) / step).rounded(.down))
        guard steps >= 1 else { return nil }
        let taken = min(steps, Self.maximumPoints)
        return DateInterval(start: watermark, duration: Double(taken) * step)
    }

    /// The first step boundary at or after `date`.
    public static func aligned(_ date: Date, stepSeconds: Int) -> Date {
        let step = Double(stepSeconds)
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 / step).rounded(.up) * step)
    }

    /// How long to wait after `failures` failures in a row: 30 s doubling, at most an hour.
    public static func retryDelay(failures: Int) -> TimeInterval {
        min(3600, 30 * pow(2, Double(min(max(failures - 1, 0), 7))))
    }
}

/// A pull that could not be stored: Prometheus away, an error it answered, or an answer Accord refuses (a step whose
/// good exceeds valid). Its message is what the Data sources page and the objective page show.
public struct PullFailure: Error, Sendable, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }
}

/// Reads Prometheus's `query_range` answers and joins the good and valid series into buckets.
public enum PrometheusAnswer {
    /// The points of an answer, by the Unix second each was evaluated at, as the text Prometheus gave. An answer with
    /// no series is no data; one with several is refused (the expression must aggregate to one series).
    public static func points(_ body: [UInt8], query: String) throws(PullFailure) -> [Int64: String] {
        struct Answer: Decodable {
            struct Series: Decodable { var values: [[Value]] }
            struct Result: Decodable {
                var resultType: String
                var result: [Series]
            }
            var status: String
            var data: Result?
            var errorType: String?
            var error: String?
        }
        enum Value: Decodable {
            case number(Double), text(String)
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let text = try? container.decode(String.self) { self = .text(text) } else { self = .number(try container.decode(Double.self)) }
            }
        }
        let answer: Answer
        do {
            answer = try JSONDecoder().decode(Answer.self, from: Data(body))
        } catch {
            throw PullFailure("The answer is not Prometheus's JSON.")
        }
        guard answer.status == "success", let data = answer.data else {
            throw PullFailure("Prometheus refused the query: \(Self.clipped("\(answer.errorType ?? "error"): \(answer.error ?? "")"))")
        }
        guard data.resultType == "matrix" else { throw PullFailure("The query gave a \(data.resultType), not a range of points.") }
        guard data.result.count <= 1 else {
            throw PullFailure("\(Self.clipped(query)) gives \(data.result.count) series; aggregate it to one (for example with sum(…)).")
        }
        var points: [Int64: String] = [:]
        for pair in data.result.first?.values ?? [] {
            // an instant outside Accord's years is no step Accord asked for (and would not fit an integer)
            guard pair.count == 2, case .number(let at) = pair[0], case .text(let value) = pair[1], at.isFinite, abs(at) < 1e11 else {
                throw PullFailure("The answer holds a point that is not [time, \"value\"] at a time Accord asked for.")
            }
            points[Int64(at.rounded())] = value
        }
        return points
    }

    /// The buckets of the steps in `span` (each point at `t` counts the step `[t − step, t)`): a step missing from
    /// either series, or NaN in either, is a gap, never zero. Values are rounded to whole events (`increase()`
    /// extrapolates); a negative value, or a step whose good exceeds its valid, refuses the whole answer, naming the step.
    public static func buckets(good: [Int64: String], valid: [Int64: String], span: DateInterval, stepSeconds: Int) throws(PullFailure)
        -> [MeasurementBucket]
    {
        var buckets: [MeasurementBucket] = []
        let step = Int64(stepSeconds)
        var at = Int64(span.start.timeIntervalSince1970.rounded()) + step
        let last = Int64(span.end.timeIntervalSince1970.rounded())
        while at <= last {
            defer { at += step }
            guard let goodText = good[at], let validText = valid[at] else { continue }
            let instant = Date(timeIntervalSince1970: Double(at))
            guard let goodCount = try Self.count(goodText, name: "good", at: instant), let validCount = try Self.count(validText, name: "valid", at: instant)
            else { continue }
            if goodCount > validCount {
                throw PullFailure("good (\(goodCount)) exceeds valid (\(validCount)) in the step ending \(RFC3339.format(instant)).")
            }
            buckets.append(MeasurementBucket(start: instant.addingTimeInterval(-Double(step)), end: instant, good: goodCount, valid: validCount))
        }
        return buckets
    }

    /// A point's value as whole events; nil for NaN (no data).
    static func count(_ text: String, name: String, at instant: Date) throws(PullFailure) -> Int64? {
        if text == "NaN" { return nil }
        guard let value = Double(text), value.isFinite else {
            throw PullFailure("\(name) is \(Self.clipped(text)) in the step ending \(RFC3339.format(instant)): not a count of events.")
        }
        let rounded = value.rounded()
        guard rounded >= 0, rounded <= Double(Bounds.eventsPerBucket) else {
            throw PullFailure("\(name) is \(Self.clipped(text)) in the step ending \(RFC3339.format(instant)): a count is 0 to \(Bounds.eventsPerBucket).")
        }
        return Int64(rounded)
    }

    static func clipped(_ text: String) -> String {
        text.count <= 300 ? text : String(text.prefix(300)) + "…"
    }
}

import Foundation

/// OpenSLO v1 documents as Accord writes and reads them: a `Service` for the agreement and an `SLO` per objective,
/// with a `ratioMetric` (the Prometheus queries where the objective pulls), a calendar or rolling `timeWindow` in the
/// agreement's zone, `budgetingMethod: Occurrences` and the internal SLO as the target. The contractual terms OpenSLO
/// has no field for (the SLA, credits, exclusions, ticket goals, seasons and ramps) travel as `accord.dev/…`
/// annotations, so an export read back loses nothing.
public enum OpenSLO {
    public static let apiVersion = "openslo/v1"

    public struct Metadata: Codable, Sendable, Equatable {
        public var name: String
        public var displayName: String?
        public var annotations: [String: String]?
    }

    /// One document of a stream: its kind decides which spec it carries.
    public struct Document: Codable, Sendable, Equatable {
        public var apiVersion: String
        public var kind: String
        public var metadata: Metadata
        public var spec: Spec

        public init(apiVersion: String, kind: String, metadata: Metadata, spec: Spec) {
            self.apiVersion = apiVersion
            self.kind = kind
            self.metadata = metadata
            self.spec = spec
        }

        enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.apiVersion = try container.decode(String.self, forKey: .apiVersion)
            self.kind = try container.decode(String.self, forKey: .kind)
            self.metadata = try container.decode(Metadata.self, forKey: .metadata)
            self.spec = self.kind == "SLO" ? .slo(try container.decode(SLOSpec.self, forKey: .spec)) : .service(try container.decodeIfPresent(ServiceSpec.self, forKey: .spec) ?? ServiceSpec())
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.apiVersion, forKey: .apiVersion)
            try container.encode(self.kind, forKey: .kind)
            try container.encode(self.metadata, forKey: .metadata)
            switch self.spec {
            case .service(let spec): try container.encode(spec, forKey: .spec)
            case .slo(let spec): try container.encode(spec, forKey: .spec)
            }
        }
    }

    public enum Spec: Sendable, Equatable {
        case service(ServiceSpec)
        case slo(SLOSpec)
    }

    public struct ServiceSpec: Codable, Sendable, Equatable {
        public var description: String?
    }

    public struct SLOSpec: Codable, Sendable, Equatable {
        public var description: String?
        public var service: String
        public var indicator: Indicator?
        public var timeWindow: [TimeWindow]?
        public var budgetingMethod: String?
        public var objectives: [Objective]?
    }

    public struct Indicator: Codable, Sendable, Equatable {
        public var metadata: Metadata
        public var spec: IndicatorSpec
    }

    public struct IndicatorSpec: Codable, Sendable, Equatable {
        public var ratioMetric: RatioMetric?
        /// Present in documents Accord refuses (a threshold SLI): read only to say so.
        public var thresholdMetric: MetricHolder?
    }

    public struct RatioMetric: Codable, Sendable, Equatable {
        public var counter: Bool?
        public var good: MetricHolder?
        public var bad: MetricHolder?
        public var total: MetricHolder?
    }

    public struct MetricHolder: Codable, Sendable, Equatable {
        public var metricSource: MetricSource
    }

    public struct MetricSource: Codable, Sendable, Equatable {
        public var type: String
        public var spec: [String: String]?
    }

    public struct TimeWindow: Codable, Sendable, Equatable {
        public var duration: String
        public var isRolling: Bool?
        public var calendar: Calendar?
    }

    public struct Calendar: Codable, Sendable, Equatable {
        public var startTime: String
        public var timeZone: String
    }

    public struct Objective: Codable, Sendable, Equatable {
        public var displayName: String?
        public var target: Number?
        public var op: String?
        public var value: Number?
        public var timeSliceTarget: Number?
        public var timeSliceWindow: String?
    }

    /// A number as the document writes it: kept as its text (read exactly), written as a YAML number.
    public struct Number: Codable, Sendable, Equatable {
        public var text: String

        public init(_ text: String) { self.text = text }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self.text = text
            } else {
                self.text = String(try container.decode(Double.self))
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(Decimal(string: self.text) ?? 0)
        }
    }

    /// The annotations Accord writes (and reads back) on an SLO.
    public enum Annotation {
        public static let slaTarget = "accord.dev/sla-target-percent"
        public static let sliKind = "accord.dev/sli-kind"
        public static let credits = "accord.dev/credits"
        public static let exclusionKinds = "accord.dev/exclusion-kinds"
        public static let priorityGoals = "accord.dev/priority-goals"
        public static let movingTerms = "accord.dev/moving-terms"
        public static let calendar = "accord.dev/business-calendar"
        public static let step = "accord.dev/pull-step-seconds"
        public static let agreement = "accord.dev/agreement"
    }

    /// A name OpenSLO accepts (lowercase letters, digits and hyphens, at most 63): "Platform availability" → "platform-availability".
    public static func name(_ text: String) -> String {
        var slug = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                slug.append(character)
            } else if !slug.isEmpty && !slug.hasSuffix("-") {
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return String((slug.isEmpty ? "objective" : slug).prefix(63))
    }
}

/// What an objective's SLO document needs beyond the objective: its pull's queries and step, and its calendar's name.
public struct OpenSLOObjective: Sendable {
    public var objective: Objective
    public var goodQuery: String?
    public var validQuery: String?
    public var stepSeconds: Int?
    public var calendarName: String?

    public init(objective: Objective, goodQuery: String? = nil, validQuery: String? = nil, stepSeconds: Int? = nil, calendarName: String? = nil) {
        self.objective = objective
        self.goodQuery = goodQuery
        self.validQuery = validQuery
        self.stepSeconds = stepSeconds
        self.calendarName = calendarName
    }
}

extension OpenSLO {
    /// The agreement's Service and one SLO per objective, in the objectives' order.
    public static func export(agreementTitle: String, description: String, timeZone: String, periodStart: LocalDate, objectives: [OpenSLOObjective])
        -> [Document]
    {
        let service = Self.name(agreementTitle)
        var documents = [
            Document(
                apiVersion: Self.apiVersion, kind: "Service", metadata: Metadata(name: service, displayName: agreementTitle, annotations: nil),
                spec: .service(ServiceSpec(description: description.isEmpty ? nil : description)))
        ]
        var used: Set<String> = [service]
        for item in objectives {
            let objective = item.objective
            var name = Self.name(objective.name)
            var suffix = 2
            while used.contains(name) {
                name = Self.name(objective.name).prefix(60) + "-\(suffix)"
                suffix += 1
            }
            used.insert(name)
            var annotations = [
                Annotation.slaTarget: objective.slaTarget.plain, Annotation.sliKind: objective.sliKind.rawValue,
                Annotation.credits: Self.json(objective.credits), Annotation.agreement: agreementTitle,
            ]
            if !objective.exclusionKinds.isEmpty { annotations[Annotation.exclusionKinds] = objective.exclusionKinds.map(\.rawValue).joined(separator: ",") }
            if !objective.priorityGoals.isEmpty { annotations[Annotation.priorityGoals] = Self.json(objective.priorityGoals) }
            if !objective.movingTerms.isEmpty { annotations[Annotation.movingTerms] = Self.json(objective.movingTerms) }
            if let calendar = item.calendarName { annotations[Annotation.calendar] = calendar }
            if let step = item.stepSeconds { annotations[Annotation.step] = "\(step)" }
            let source = { (query: String?) in
                MetricHolder(
                    metricSource: query.map { MetricSource(type: "Prometheus", spec: ["query": $0]) }
                        ?? MetricSource(type: "Accord", spec: ["series": objective.sliKind.isTicketBased ? objective.sliKind.rawValue : "pushed buckets"]))
            }
            let window: TimeWindow =
                switch objective.window {
                case .calendarMonth: TimeWindow(duration: "1M", isRolling: false, calendar: Calendar(startTime: "\(periodStart) 00:00:00", timeZone: timeZone))
                case .calendarQuarter: TimeWindow(duration: "1Q", isRolling: false, calendar: Calendar(startTime: "\(periodStart) 00:00:00", timeZone: timeZone))
                case .rollingDays(let days): TimeWindow(duration: "\(days)d", isRolling: true, calendar: nil)
                }
            documents.append(
                Document(
                    apiVersion: Self.apiVersion, kind: "SLO", metadata: Metadata(name: name, displayName: objective.name, annotations: annotations),
                    spec: .slo(
                        SLOSpec(
                            description: nil, service: service,
                            indicator: Indicator(
                                metadata: Metadata(name: "\(name.prefix(59))-sli", displayName: nil, annotations: nil),
                                spec: IndicatorSpec(
                                    ratioMetric: RatioMetric(counter: true, good: source(item.goodQuery), bad: nil, total: source(item.validQuery)),
                                    thresholdMetric: nil)),
                            timeWindow: [window], budgetingMethod: "Occurrences",
                            objectives: [Objective(displayName: "Internal SLO", target: Number((objective.sloTarget / 100).plain))]))))
        }
        return documents
    }

    /// An objective read from an SLO document, with the pull its queries describe (if they are Prometheus's).
    public struct Imported: Sendable, Equatable {
        public var draft: ObjectiveDraft
        public var calendarName: String?
        public var goodQuery: String?
        public var validQuery: String?
        public var stepSeconds: Int?
    }

    /// The objectives of the SLO documents, or every problem, each naming the document (1 is the first), the field and
    /// why. Service documents are read for nothing; other kinds are refused.
    public static func objectives(of documents: [Document]) -> Result<[Imported], ValidationErrors> {
        var errors = ValidationErrors()
        var imported: [Imported] = []
        if !documents.contains(where: { $0.kind == "SLO" }) { errors.add("documents", "The YAML holds no OpenSLO SLO document.") }
        for (index, document) in documents.enumerated() {
            let row = index + 1
            func refuse(_ field: String, _ message: String) {
                errors.add(FieldError(field, "Document \(row) (\(document.metadata.name)): \(message)", row: row))
            }
            guard document.apiVersion == Self.apiVersion else {
                refuse("apiVersion", "apiVersion is \(document.apiVersion); Accord reads openslo/v1.")
                continue
            }
            guard case .slo(let spec) = document.spec else {
                if document.kind != "Service" { refuse("kind", "a \(document.kind) is not read; Accord imports Service and SLO documents.") }
                continue
            }
            let annotations = document.metadata.annotations ?? [:]
            let sliKind = annotations[Annotation.sliKind].flatMap(SLIKind.init(rawValue:)) ?? .ratio
            var goodQuery: String?
            var validQuery: String?
            if spec.indicator?.spec.thresholdMetric != nil {
                refuse("spec.indicator.spec.thresholdMetric", "a threshold SLI is not read; Accord judges good events over valid events (ratioMetric).")
            } else if let ratio = spec.indicator?.spec.ratioMetric {
                if ratio.bad != nil { refuse("spec.indicator.spec.ratioMetric.bad", "give good and total; Accord does not read bad events.") }
                if ratio.good == nil || ratio.total == nil { refuse("spec.indicator.spec.ratioMetric", "give both good and total.") }
                if ratio.good?.metricSource.type == "Prometheus" { goodQuery = ratio.good?.metricSource.spec?["query"] }
                if ratio.total?.metricSource.type == "Prometheus" { validQuery = ratio.total?.metricSource.spec?["query"] }
                if (goodQuery == nil) != (validQuery == nil) { refuse("spec.indicator.spec.ratioMetric", "give Prometheus queries for both good and total, or for neither.") }
            } else {
                refuse("spec.indicator", "give the indicator's ratioMetric (good and total).")
            }
            if let method = spec.budgetingMethod, method != "Occurrences" {
                refuse("spec.budgetingMethod", "\(method) is not read; Accord counts occurrences (budgetingMethod: Occurrences).")
            }
            let window = Self.window(spec.timeWindow, refuse: refuse)
            var slo: Decimal?
            if let objectives = spec.objectives, objectives.count == 1, let target = objectives[0].target.flatMap({ Decimal(string: $0.text) }), target > 0, target < 1 {
                if objectives[0].op != nil || objectives[0].value != nil { refuse("spec.objectives", "an objective with op and value is a threshold; Accord reads a target only.") }
                slo = target * 100
            } else {
                refuse("spec.objectives", "give exactly one objective with a target between 0 and 1, such as 0.999.")
            }
            let sla = annotations[Annotation.slaTarget].flatMap { Decimal(string: $0) }
            if sla == nil, slo != nil {
                refuse(
                    Annotation.slaTarget,
                    "give the contractual SLA as the annotation \(Annotation.slaTarget) (for example '99.5'): the document's target is read as the internal SLO, which must be stricter.")
            }
            let credits = Self.decoded(CreditSchedule.self, annotations[Annotation.credits], field: Annotation.credits, refuse: refuse) ?? .none
            let goals = Self.decoded([PriorityGoal].self, annotations[Annotation.priorityGoals], field: Annotation.priorityGoals, refuse: refuse) ?? []
            let moving = Self.decoded(MovingTerms.self, annotations[Annotation.movingTerms], field: Annotation.movingTerms, refuse: refuse) ?? .none
            var kinds: [ExclusionKind] = []
            for text in (annotations[Annotation.exclusionKinds] ?? "").split(separator: ",") {
                if let kind = ExclusionKind(rawValue: String(text)) { kinds.append(kind) } else { refuse(Annotation.exclusionKinds, "\(text) is not an exclusion kind.") }
            }
            let step = annotations[Annotation.step].flatMap { Int($0) }
            let draft = ObjectiveDraft(
                name: document.metadata.displayName ?? document.metadata.name, sliKind: sliKind, slaTarget: sla, sloTarget: slo, window: window,
                priorityGoals: goals, exclusionKinds: kinds, credits: credits, movingTerms: moving)
            for problem in draft.validate().errors { refuse(problem.field, problem.message) }
            imported.append(
                Imported(draft: draft, calendarName: annotations[Annotation.calendar], goodQuery: goodQuery, validQuery: validQuery, stepSeconds: step))
        }
        return errors.isEmpty ? .success(imported) : .failure(errors)
    }

    static func window(_ windows: [TimeWindow]?, refuse: (String, String) -> Void) -> ObjectiveWindow? {
        guard let windows, windows.count == 1 else {
            refuse("spec.timeWindow", "give one time window.")
            return nil
        }
        let window = windows[0]
        switch (window.duration, window.isRolling ?? false) {
        case ("1M", false): return .calendarMonth
        case ("1Q", false), ("3M", false): return .calendarQuarter
        case (let duration, true) where duration.hasSuffix("d") || duration.hasSuffix("w"):
            guard let count = Int(duration.dropLast()), (1...366).contains(count) else { break }
            let days = duration.hasSuffix("w") ? count * 7 : count
            guard (1...366).contains(days) else { break }
            return .rollingDays(days)
        default: break
        }
        refuse("spec.timeWindow", "\(window.duration)\(window.isRolling == true ? " rolling" : " calendar") is not a window Accord judges: a calendar month (1M), a calendar quarter (1Q) or a rolling 1 to 366 days (for example 28d).")
        return nil
    }

    static func decoded<T: Decodable>(_ type: T.Type, _ text: String?, field: String, refuse: (String, String) -> Void) -> T? {
        guard let text else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            refuse(field, "the annotation is not the JSON Accord writes.")
            return nil
        }
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

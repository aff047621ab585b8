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
            switch self.kind {
            case "SLO": self.spec = .slo(try container.decode(SLOSpec.self, forKey: .spec))
            case "SLI": self.spec = .indicator(try container.decode(IndicatorSpec.self, forKey: .spec))
            default: self.spec = .service(try container.decodeIfPresent(ServiceSpec.self, forKey: .spec) ?? ServiceSpec())
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.apiVersion, forKey: .apiVersion)
            try container.encode(self.kind, forKey: .kind)
            try container.encode(self.metadata, forKey: .metadata)
            switch self.spec {
            case .service(let spec): try container.encode(spec, forKey: .spec)
            case .slo(let spec): try container.encode(spec, forKey: .spec)
            case .indicator(let spec): try container.encode(spec, forKey: .spec)
            }
        }
    }

    /// A `Service` (and any kind read for nothing: its description only), an `SLO`, or an `SLI` an SLO may name by
    /// `indicatorRef`.
    public enum Spec: Sendable, Equatable {
        case service(ServiceSpec)
        case slo(SLOSpec)
        case indicator(IndicatorSpec)
    }

    /// Kinds a document may have that Accord reads for nothing: its own burn-rate alerts and data sources stand in for
    /// them. The preview names each such document, so nothing is dropped unseen.
    public static let kindsNotRead: Set<String> = ["DataSource", "AlertPolicy", "AlertCondition", "AlertNotificationTarget"]

    public struct ServiceSpec: Codable, Sendable, Equatable {
        public var description: String?
    }

    public struct SLOSpec: Codable, Sendable, Equatable {
        public var description: String?
        public var service: String
        public var indicator: Indicator?
        /// The name of an `SLI` document of the same stream, in place of `indicator`.
        public var indicatorRef: String?
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

    /// Where a metric comes from. OpenSLO lets `spec` hold any YAML for its source type; Accord reads its `query` when
    /// that is text and the type is Prometheus, and passes over the rest.
    public struct MetricSource: Codable, Sendable, Equatable {
        public var type: String?
        public var metricSourceRef: String?
        public var spec: [String: String]?

        public init(type: String?, metricSourceRef: String? = nil, spec: [String: String]?) {
            self.type = type
            self.metricSourceRef = metricSourceRef
            self.spec = spec
        }

        enum CodingKeys: String, CodingKey { case type, metricSourceRef, spec }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.type = try container.decodeIfPresent(String.self, forKey: .type)
            self.metricSourceRef = try container.decodeIfPresent(String.self, forKey: .metricSourceRef)
            if let text = try? container.decodeIfPresent([String: String].self, forKey: .spec) {
                self.spec = text
            } else if let fields = try? container.nestedContainer(keyedBy: Key.self, forKey: .spec) {
                var spec: [String: String] = [:]
                for key in fields.allKeys { if let value = try? fields.decode(String.self, forKey: key) { spec[key.stringValue] = value } }
                self.spec = spec
            } else {
                self.spec = nil
            }
        }
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
        /// The target as a percentage (99.9 for 0.999), in place of `target`.
        public var targetPercent: Number?
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
    /// why. Service documents, and the kinds in `kindsNotRead`, are read for nothing; an SLI document is read where an
    /// SLO names it by `indicatorRef`; other kinds are refused.
    public static func objectives(of documents: [Document]) -> Result<[Imported], ValidationErrors> {
        var errors = ValidationErrors()
        var imported: [Imported] = []
        if !documents.contains(where: { $0.kind == "SLO" }) { errors.add("documents", "The YAML holds no OpenSLO SLO document.") }
        var indicators: [String: IndicatorSpec] = [:]
        for document in documents { if case .indicator(let spec) = document.spec { indicators[document.metadata.name] = spec } }
        for (index, document) in documents.enumerated() {
            let row = index + 1
            var refused: Set<String> = []
            func refuse(_ field: String, _ message: String) {
                refused.insert(field)
                errors.add(FieldError(field, "Document \(row) (\(document.metadata.name)): \(message)", row: row))
            }
            guard document.apiVersion == Self.apiVersion else {
                refuse("apiVersion", "apiVersion is \(document.apiVersion); Accord reads openslo/v1.")
                continue
            }
            guard case .slo(let spec) = document.spec else {
                if document.kind != "Service" && document.kind != "SLI" && !Self.kindsNotRead.contains(document.kind) {
                    refuse("kind", "a \(document.kind) is not read; Accord imports Service, SLI and SLO documents.")
                }
                continue
            }
            let annotations = document.metadata.annotations ?? [:]
            let sliKind = annotations[Annotation.sliKind].flatMap(SLIKind.init(rawValue:)) ?? .ratio
            var goodQuery: String?
            var validQuery: String?
            var indicator = spec.indicator?.spec
            if indicator == nil, let name = spec.indicatorRef {
                indicator = indicators[name]
                if indicator == nil { refuse("spec.indicatorRef", "no SLI document named \(name) is in this YAML.") }
            }
            if indicator?.thresholdMetric != nil {
                refuse("spec.indicator.spec.thresholdMetric", "a threshold SLI is not read; Accord judges good events over valid events (ratioMetric).")
            } else if let ratio = indicator?.ratioMetric {
                if ratio.bad != nil { refuse("spec.indicator.spec.ratioMetric.bad", "give good and total; Accord does not read bad events.") }
                if ratio.good == nil || ratio.total == nil { refuse("spec.indicator.spec.ratioMetric", "give both good and total.") }
                goodQuery = ratio.good.flatMap(Self.prometheusQuery)
                validQuery = ratio.total.flatMap(Self.prometheusQuery)
                if (goodQuery == nil) != (validQuery == nil) { refuse("spec.indicator.spec.ratioMetric", "give Prometheus queries for both good and total, or for neither.") }
            } else if spec.indicatorRef == nil {
                refuse("spec.indicator", "give the indicator's ratioMetric (good and total), or name an SLI document by indicatorRef.")
            }
            if let method = spec.budgetingMethod, method != "Occurrences" {
                refuse("spec.budgetingMethod", "\(method) is not read; Accord counts occurrences (budgetingMethod: Occurrences).")
            }
            let window = Self.window(spec.timeWindow, refuse: refuse)
            var slo: Decimal?
            if let objectives = spec.objectives, objectives.count == 1 {
                let objective = objectives[0]
                if objective.value != nil {
                    refuse("spec.objectives", "an objective with op and value is a threshold; Accord reads a target only.")
                } else if objective.op != nil || objective.timeSliceTarget != nil || objective.timeSliceWindow != nil {
                    refuse("spec.objectives", "op, timeSliceTarget and timeSliceWindow judge time slices; Accord counts occurrences and reads a target only.")
                }
                switch (objective.target.flatMap { Decimal(string: $0.text) }, objective.targetPercent.flatMap { Decimal(string: $0.text) }) {
                case (let target?, nil) where target > 0 && target < 1: slo = target * 100
                case (nil, let percent?) where percent > 0 && percent < 100: slo = percent
                case (_?, _?): refuse("spec.objectives[0]", "give target or targetPercent, not both.")
                default: refuse("spec.objectives[0].target", "give a target between 0 and 1 (such as 0.999) or a targetPercent between 0 and 100.")
                }
            } else {
                refuse("spec.objectives", "give exactly one objective: Accord judges one target per SLO, and keeps the contractual SLA in an annotation.")
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
            // the objective's own rules, named by the document's field; a field already refused above is not refused twice
            for problem in draft.validate().errors {
                let field = Self.documentField[problem.field] ?? problem.field
                guard !refused.contains(where: { $0 == field || ($0.hasPrefix("spec.objectives") && field.hasPrefix("spec.objectives")) }) else { continue }
                refuse(field, problem.message)
            }
            imported.append(
                Imported(draft: draft, calendarName: annotations[Annotation.calendar], goodQuery: goodQuery, validQuery: validQuery, stepSeconds: step))
        }
        return errors.isEmpty ? .success(imported) : .failure(errors)
    }

    /// The document's field that carries an objective's term.
    static let documentField = ["sla_target": Annotation.slaTarget, "slo_target": "spec.objectives[0].target", "window": "spec.timeWindow"]

    /// A metric's Prometheus query, when its source is Prometheus and its spec gives the query as text.
    static func prometheusQuery(_ holder: MetricHolder) -> String? {
        guard holder.metricSource.type?.lowercased() == "prometheus", let query = holder.metricSource.spec?["query"], !query.isEmpty else { return nil }
        return query
    }

    /// The documents an import passes over (kinds in `kindsNotRead`, and SLIs no SLO names), as "AlertPolicy cpu-alert".
    public static func notRead(_ documents: [Document]) -> [String] {
        let named = Set(documents.compactMap { if case .slo(let spec) = $0.spec { spec.indicatorRef } else { nil } })
        return documents.filter { Self.kindsNotRead.contains($0.kind) || ($0.kind == "SLI" && !named.contains($0.metadata.name)) }
            .map { "\($0.kind) \($0.metadata.name)" }
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

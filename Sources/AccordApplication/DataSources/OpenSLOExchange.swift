import AccordDomain
import AccordStorage
import Foundation
import Yams

/// An agreement's objectives as OpenSLO v1 YAML, and OpenSLO read back into its draft version. The customer's only:
/// the document's target is the internal SLO.
public struct OpenSLOExchange: Sendable {
    let change: Change
    var repositories: Repositories { self.change.repositories }

    /// At most this many bytes of YAML are read.
    public static let maximumDocument = 1 << 20

    /// The objectives of the agreement's latest version in force (or its latest draft, before any), with their pulls.
    public func export(agreementID: Int64, scope: AccessScope) async throws -> String {
        guard scope == .organisation else { throw NotFound("agreement") }
        let agreement = try await self.repositories.agreements.find(id: agreementID, scope: scope)
        let versions = try await self.repositories.versions.list(agreementID: agreementID, scope: scope)
        guard let version = versions.last(where: { $0.state == .active }) ?? versions.last else { throw NotFound("version") }
        var items: [OpenSLOObjective] = []
        for objective in try await self.repositories.objectives.list(versionID: version.id, scope: scope) {
            let pull = try await self.repositories.dataSources.pull(seriesID: objective.seriesID)
            items.append(
                OpenSLOObjective(
                    objective: objective, goodQuery: pull?.goodQuery, validQuery: pull?.validQuery, stepSeconds: pull?.stepSeconds,
                    calendarName: objective.calendarName))
        }
        let documents = OpenSLO.export(
            agreementTitle: agreement.title, description: "", timeZone: agreement.timeZone, periodStart: version.effectiveFrom, objectives: items)
        return try Self.yaml(documents)
    }

    /// The documents as one YAML stream, keys sorted, so the same objectives always read the same.
    static func yaml(_ documents: [OpenSLO.Document]) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = true
        return try documents.map { try encoder.encode($0) }.joined(separator: "---\n")
    }

    /// Reads the stream's documents; a document that is not YAML or not OpenSLO is refused by its number.
    static func documents(_ yaml: String) throws(ValidationErrors) -> [OpenSLO.Document] {
        guard yaml.utf8.count <= Self.maximumDocument else {
            throw ValidationErrors([FieldError("documents", "At most \(Self.maximumDocument / 1024) KiB of YAML are read at once.")])
        }
        if let problem = Self.unsafeShape(yaml) { throw ValidationErrors([FieldError("documents", problem)]) }
        var documents: [OpenSLO.Document] = []
        var errors = ValidationErrors()
        do {
            for (index, node) in try Yams.compose_all(yaml: yaml).enumerated() {
                do {
                    documents.append(try YAMLDecoder().decode(OpenSLO.Document.self, from: node))
                } catch let error as DecodingError {
                    errors.add(FieldError(Self.path(error), "Document \(index + 1): \(Self.reason(error))", row: index + 1))
                }
                if index >= 500 { throw ValidationErrors([FieldError("documents", "At most 500 documents are read at once.")]) }
            }
        } catch let errors as ValidationErrors {
            throw errors
        } catch {
            throw ValidationErrors([FieldError("documents", "This is not YAML Accord can read: \(String(describing: error).prefix(300))")])
        }
        try errors.throwIfAny()
        return documents
    }

    /// What the parser is never given: anchors and aliases (a few KiB of them expand to gigabytes) and nesting deeper
    /// than OpenSLO needs (the parser recurses on it). Quoted text and comments are skipped; a `*` or `&` that starts a
    /// word outside quotes is taken for an alias or an anchor.
    static func unsafeShape(_ yaml: String) -> String? {
        let maximumDepth = 32
        var flow = 0
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            if indent > 2 * maximumDepth { return "The YAML is nested deeper than \(maximumDepth) levels." }
            var quote: Character?
            var previous: Character = " "
            for (offset, character) in line.enumerated() {
                if let open = quote {
                    if character == open { quote = nil }
                } else if character == "'" || character == "\"" {
                    quote = character
                } else if character == "#" && (previous == " " || offset == 0) {
                    break
                } else if character == "[" || character == "{" {
                    flow += 1
                    if flow > maximumDepth { return "The YAML is nested deeper than \(maximumDepth) levels." }
                } else if character == "]" || character == "}" {
                    flow = max(0, flow - 1)
                } else if (character == "&" || character == "*") && " \t[{,:-".contains(previous) {
                    let next = line.dropFirst(offset + 1).first
                    if let next, !" \t,[]{}".contains(next) {
                        return "Anchors and aliases (& and *) are not read: write each value out, and quote a query with a * right before a name."
                    }
                }
                previous = character
            }
        }
        return nil
    }

    static func path(_ error: DecodingError) -> String {
        let context: DecodingError.Context? =
            switch error {
            case .keyNotFound(let key, let context): DecodingError.Context(codingPath: context.codingPath + [key], debugDescription: context.debugDescription)
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context
            @unknown default: nil
            }
        let path = (context?.codingPath ?? []).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return path.isEmpty ? "documents" : path.replacingOccurrences(of: ".[", with: "[")
    }

    static func reason(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "\(key.stringValue) is required."
        case .typeMismatch(let type, let context):
            context.codingPath.isEmpty
                ? "this is not an OpenSLO document: give apiVersion, kind, metadata and spec." : "expected \(type == String.self ? "text" : "\(type)")."
        case .valueNotFound(let type, _): "expected \(type), found nothing."
        case .dataCorrupted(let context): context.debugDescription
        @unknown default: "not read."
        }
    }

    /// What an import reads: the objectives it adds, and the documents it passes over ("AlertPolicy cpu-alert").
    public struct Reading: Sendable {
        public var objectives: [OpenSLO.Imported]
        public var notRead: [String]
    }

    /// What an import of `yaml` would add, without adding it: the objectives, or every problem by document and field.
    public func preview(_ yaml: String) throws(ValidationErrors) -> Reading {
        let documents = try Self.documents(yaml)
        switch OpenSLO.objectives(of: documents) {
        case .success(let objectives): return Reading(objectives: objectives, notRead: OpenSLO.notRead(documents))
        case .failure(let errors): throw errors
        }
    }

    /// Adds the SLO documents' objectives to the agreement's draft version, all or none, with their pulls where the
    /// documents give Prometheus queries and the source is named.
    public func importDocuments(_ yaml: String, agreementID: Int64, sourceID: Int64?, scope: AccessScope, actor: AuditActor) async throws -> [Objective] {
        guard scope == .organisation else { throw NotFound("agreement") }
        let imported = try self.preview(yaml).objectives
        return try await self.change.run(actor: actor) { repositories, now in
            let versions = try await repositories.versions.list(agreementID: agreementID, scope: scope)
            guard let draft = versions.last, draft.state == .draft else {
                throw RuleViolation("Objectives are added to a draft version: amend the agreement first, then import.")
            }
            let calendars = try await repositories.calendars.all()
            var created: [Objective] = []
            var effects: [Effect] = []
            for (index, item) in imported.enumerated() {
                var objective = item.draft
                if let name = item.calendarName {
                    guard let calendar = calendars.first(where: { $0.name == name }) else {
                        throw ValidationErrors([FieldError("accord.dev/business-calendar", "Document objective \(index + 1): no business calendar named \(name).", row: index + 1)])
                    }
                    objective.calendarID = calendar.id
                }
                let stored = try await repositories.objectives.create(
                    agreementID: agreementID, versionNumber: draft.number, objective, scope: scope, actor: actor)
                effects.append(.audit(AuditRecord(action: "create", entity: "objective", entityID: stored.id, after: stored)))
                if let sourceID, let good = item.goodQuery, let valid = item.validQuery {
                    let pull = SeriesPullDraft(sourceID: sourceID, goodQuery: good, validQuery: valid, stepSeconds: item.stepSeconds ?? 60)
                    try pull.validate(sliKind: stored.sliKind).throwIfAny()
                    let from = PullPlan.aligned(PeriodPlanner.startInstant(draft.effectiveFrom, in: .gmt) ?? now, stepSeconds: item.stepSeconds ?? 60)
                    let set = try await repositories.dataSources.setPull(
                        seriesID: stored.seriesID, objectiveID: stored.id, pull, pullFrom: min(from, now), at: now)
                    effects.append(.audit(AuditRecord(action: "set_pull", entity: "objective", entityID: stored.id, after: set)))
                }
                created.append(stored)
            }
            return (created, effects)
        }
    }
}

extension UseCases {
    public var openSLO: OpenSLOExchange { OpenSLOExchange(change: self.change) }
}

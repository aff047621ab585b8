import AccordDomain
import AccordStorage
import Foundation
import Metrics
import Prometheus

/// Accord's figures and the process's own as Prometheus metrics. The process's counters and timers (jobs, HTTP
/// requests, database connection waits, rows ingested and pulled) go through swift-metrics onto one registry,
/// bootstrapped once per process. The objectives' figures are read afresh at each scrape from the dashboard's rows and
/// the stored burn rates, into a registry of their own, so an objective that is gone leaves no series behind.
public enum AccordMetrics {
    /// The registry swift-metrics writes to.
    public static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped: Bool = {
        var factory = PrometheusMetricsFactory(registry: AccordMetrics.registry)
        factory.nameAndLabelSanitizer = { name, labels in (Self.sanitized(name), labels.map { (Self.sanitized($0.0), $0.1) }) }
        MetricsSystem.bootstrap(factory)
        return true
    }()

    /// Points swift-metrics at the registry (once per process; later calls do nothing).
    public static func bootstrap() {
        _ = Self.bootstrapped
    }

    /// `hb.requests` → `hb_requests`: Prometheus names take letters, digits, underscores and colons only.
    static func sanitized(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") ? $0 : "_" })
    }

    // MARK: - What the application records

    static func jobRan(_ name: String, succeeded: Bool, duration: Duration) {
        Counter(label: "accord_job_runs_total", dimensions: [("job", name), ("outcome", succeeded ? "succeeded" : "failed")]).increment()
        Metrics.Timer(label: "accord_job_duration_seconds", dimensions: [("job", name)]).recordNanoseconds(duration.nanoseconds)
    }

    static func rowsStored(_ count: Int, kind: String, via: String) {
        guard count > 0 else { return }
        Counter(label: "accord_rows_ingested_total", dimensions: [("kind", kind), ("via", via)]).increment(by: count)
    }

    /// Messages the relay (or the capture folder) took, and those it did not.
    static func mailSent(_ sent: Int, failed: Int) {
        if sent > 0 { Counter(label: "accord_mail_messages_total", dimensions: [("outcome", "sent")]).increment(by: sent) }
        if failed > 0 { Counter(label: "accord_mail_messages_total", dimensions: [("outcome", "not_sent")]).increment(by: failed) }
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// The `/metrics` exposition: the process's registry (swift-metrics onto swift-prometheus), then each objective's
/// figures (labels vendor, agreement, objective, window; the objective's id keeps two of the same name apart), written
/// straight in the text format: one pass over the rows, each family's samples together under its HELP and TYPE, so a
/// scrape of thousands of objectives costs what reading their rows costs.
public struct MetricsExposition: Sendable {
    let repositories: Repositories

    static let families: [(name: String, help: String)] = [
        ("accord_objective_attainment_percent", "Attainment of the current period so far, in percent."),
        ("accord_objective_sla_target_percent", "The contractual SLA target, in percent."),
        ("accord_objective_slo_target_percent", "The internal SLO target, in percent."),
        ("accord_objective_error_budget_remaining_ratio", "Share of the current period's error budget left (negative: overspent)."),
        ("accord_objective_alerts_firing", "Burn-rate alerts firing."),
        ("accord_objective_burn_rate", "Error budget burn rate over the lookback (1 spends the budget exactly by the period's end)."),
    ]

    public func text() async throws -> String {
        var samples = Array(repeating: "", count: Self.families.count)
        for figures in try await self.repositories.metrics.objectiveFigures() {
            let labels =
                "objective_id=\"\(figures.objectiveID)\",objective=\"\(Self.escaped(figures.objective))\",agreement=\"\(Self.escaped(figures.agreement))\","
                + "vendor=\"\(Self.escaped(figures.vendor))\",window=\"\(Self.escaped(figures.window))\""
            func sample(_ family: Int, _ value: Decimal?, extra: String = "") {
                guard let value else { return }
                samples[family] += "\(Self.families[family].name){\(labels)\(extra)} \(Self.number(value))\n"
            }
            sample(0, figures.attainment)
            sample(1, figures.slaTarget)
            sample(2, figures.sloTarget)
            sample(3, figures.budgetRemaining)
            sample(4, Decimal(figures.firing))
            for (lookback, rate) in figures.burnRates {
                sample(5, rate, extra: ",lookback=\"\(ObjectiveStatusReport.name(TimeInterval(lookback)))\"")
            }
        }
        var text = AccordMetrics.registry.emitToString()
        for (family, lines) in zip(Self.families, samples) where !lines.isEmpty {
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) gauge\n" + lines
        }
        return text
    }

    /// A label value as the text format writes it: backslash, double quote and line feed escaped.
    static func escaped(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// A sample value: the decimal as a float, as Prometheus reads it.
    static func number(_ value: Decimal) -> String {
        let double = NSDecimalNumber(decimal: value).doubleValue
        return double == double.rounded() && abs(double) < 1e15 ? String(Int64(double)) : "\(double)"
    }
}

extension UseCases {
    public var metrics: MetricsExposition { MetricsExposition(repositories: self.repositories) }
}

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

/// The `/metrics` exposition: the process's registry, then each objective's figures (labels vendor, agreement,
/// objective, window; the objective's id keeps two of the same name apart).
public struct MetricsExposition: Sendable {
    let repositories: Repositories

    public func text() async throws -> String {
        let objectives = PrometheusCollectorRegistry()
        for figures in try await self.repositories.metrics.objectiveFigures() {
            let labels = [
                ("objective_id", "\(figures.objectiveID)"), ("objective", figures.objective), ("agreement", figures.agreement),
                ("vendor", figures.vendor), ("window", figures.window),
            ]
            func gauge(_ name: String, _ help: String, _ value: Decimal?, extra: [(String, String)] = []) {
                guard let value else { return }
                objectives.makeGauge(name: name, labels: labels + extra, help: help).set(to: NSDecimalNumber(decimal: value).doubleValue)
            }
            gauge("accord_objective_attainment_percent", "Attainment of the current period so far, in percent.", figures.attainment)
            gauge("accord_objective_sla_target_percent", "The contractual SLA target, in percent.", figures.slaTarget)
            gauge("accord_objective_slo_target_percent", "The internal SLO target, in percent.", figures.sloTarget)
            gauge("accord_objective_error_budget_remaining_ratio", "Share of the current period's error budget left (negative: overspent).", figures.budgetRemaining)
            gauge("accord_objective_alerts_firing", "Burn-rate alerts firing.", Decimal(figures.firing))
            for (lookback, rate) in figures.burnRates {
                gauge("accord_objective_burn_rate", "Error budget burn rate over the lookback (1 spends the budget exactly by the period's end).", rate,
                      extra: [("lookback", ObjectiveStatusReport.name(TimeInterval(lookback)))])
            }
        }
        return AccordMetrics.registry.emitToString() + objectives.emitToString()
    }
}

extension UseCases {
    public var metrics: MetricsExposition { MetricsExposition(repositories: self.repositories) }
}

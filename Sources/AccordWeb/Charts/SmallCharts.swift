import Foundation

/// The current period's error budget left, day by day, against the straight line of an even spend. The budget is the
/// period's projected valid events (the traffic so far, scaled to the whole period) × (1 − SLO).
/// Markup holds computed numbers and escaped labels only.
struct BurnDownChart {
    struct Point {
        var label: String
        /// Budget left at the end of the day, 1 = untouched; nil before any valid event.
        var remaining: Double?
        /// The same as pages write it (`Figures.budgetLeft`).
        var text: String = "—"
    }

    var points: [Point]
    /// Days in the whole period, so the ideal line runs to its end.
    var periodDays: Int
    /// The SLO the budget is measured against, as the terms state it.
    var slo: String = ""
    var width = 640.0
    var height = 160.0

    var summary: String {
        guard let last = self.points.last(where: { $0.remaining != nil }) else {
            return "No error budget spent yet: no valid events in the current period."
        }
        return
            "Error budget (against the SLO of \(self.slo)) left after \(last.label): \(last.text) (\(self.points.count) of \(self.periodDays) days gone)."
    }

    var svg: String {
        let left = 48.0
        let right = self.width - 10
        let top = 10.0
        let bottom = self.height - 24
        let lowest = min(0, self.points.compactMap(\.remaining).min() ?? 0)
        func y(_ value: Double) -> Double { bottom - (value - lowest) / (1 - lowest) * (bottom - top) }
        func x(_ day: Int) -> Double { left + Double(day) / Double(max(1, self.periodDays)) * (right - left) }
        var parts: [String] = [
            #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(Int(self.width)) \#(Int(self.height))" role="img" aria-labelledby="burn-title burn-desc" class="chart">"#,
            #"<title id="burn-title">Error budget burn-down, current period</title><desc id="burn-desc">\#(AttainmentChart.escape(self.summary))</desc>"#,
            String(format: #"<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="slo"/>"#, x(0), y(1), x(self.periodDays), y(0)),
            String(format: #"<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="sla"/>"#, left, y(0), right, y(0)),
            String(format: #"<text x="2" y="%.1f" class="axis">100 %%</text><text x="2" y="%.1f" class="axis">0 %%</text>"#, y(1), y(0)),
        ]
        let coordinates = self.points.enumerated().compactMap { index, point in
            point.remaining.map { String(format: "%.1f,%.1f", x(index + 1), y($0)) }
        }
        if !coordinates.isEmpty {
            parts.append(#"<polyline points="\#(String(format: "%.1f,%.1f", x(0), y(1))) \#(coordinates.joined(separator: " "))" class="burn"/>"#)
        }
        parts.append("</svg>")
        return parts.joined()
    }
}

/// A small line of attainment over recent periods for the dashboard, with its values as the accessible name.
struct Sparkline {
    /// `12.3`: one decimal, as `String(format: "%.1f")` writes it for the coordinates here (finite, small), without its
    /// cost (a dashboard page draws hundreds of points).
    /// `99.80`: two decimals, as `String(format: "%.2f")` writes them.
    static func hundredths(_ value: Double) -> String {
        guard value.isFinite else { return "0.00" }
        let scaled = Int((value * 100).rounded())
        let sign = scaled < 0 ? "-" : ""
        let cents = abs(scaled) % 100
        return "\(sign)\(abs(scaled) / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    static func tenths(_ value: Double) -> String {
        guard value.isFinite else { return "0.0" }
        let scaled = Int((value * 10).rounded())
        let sign = scaled < 0 ? "-" : ""
        return "\(sign)\(abs(scaled) / 10).\(abs(scaled) % 10)"
    }

    var values: [Double?]
    var sla: Double
    var width = 120.0
    var height = 28.0

    var summary: String {
        let measured = self.values.compactMap { $0 }
        guard !measured.isEmpty else { return "No measured periods" }
        return "Last \(self.values.count) periods: " + measured.map { Self.hundredths($0) }.joined(separator: ", ")
    }

    var svg: String {
        let measured = self.values.compactMap { $0 }
        let low = min(self.sla, measured.min() ?? self.sla)
        let span = max(100 - low, 0.01)
        let floor = low - span * 0.2
        func y(_ value: Double) -> Double { self.height - 2 - (value - floor) / (100 - floor) * (self.height - 4) }
        let step = self.values.count > 1 ? (self.width - 4) / Double(self.values.count - 1) : 0
        let points = self.values.enumerated().compactMap { index, value in
            value.map { "\(Self.tenths(2 + Double(index) * step)),\(Self.tenths(y($0)))" }
        }
        let slaY = Self.tenths(y(self.sla))
        var parts = [
            #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(Int(self.width)) \#(Int(self.height))" width="\#(Int(self.width))" height="\#(Int(self.height))" role="img" aria-label="\#(AttainmentChart.escape(self.summary))" class="spark">"#,
            #"<line x1="0" x2="\#(Int(self.width))" y1="\#(slaY)" y2="\#(slaY)" class="sla"/>"#,
        ]
        if !points.isEmpty { parts.append(#"<polyline points="\#(points.joined(separator: " "))" class="burn"/>"#) }
        parts.append("</svg>")
        return parts.joined()
    }
}

import Foundation

/// A Pareto chart: bars of counts in falling order with the cumulative share as a line, drawn as SVG on the server.
/// Markup holds computed numbers and escaped labels only.
struct ParetoChart {
    struct Bar {
        var label: String
        var count: Int
    }

    var title: String
    var bars: [Bar]
    var width = 560.0
    var height = 250.0

    var ordered: [Bar] { self.bars.filter { $0.count > 0 }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label } }

    var summary: String {
        let bars = self.ordered
        guard !bars.isEmpty else { return "\(self.title): no contributing factors recorded" }
        return "\(self.title): " + bars.map { "\($0.label) \($0.count)" }.joined(separator: ", ")
    }

    var svg: String {
        let bars = self.ordered
        let total = bars.reduce(0) { $0 + $1.count }
        let left = 32.0
        let bottom = 95.0
        let top = 12.0
        let plot = self.height - bottom - top
        let slot = bars.isEmpty ? 0 : (self.width - left - 36) / Double(bars.count)
        let highest = Double(bars.first?.count ?? 1)
        var parts = [
            #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(Int(self.width)) \#(Int(self.height))" role="img" aria-label="\#(AttainmentChart.escape(self.summary))" class="pareto">"#,
            #"<line x1="\#(left)" x2="\#(self.width - 36)" y1="\#(self.height - bottom)" y2="\#(self.height - bottom)" class="axis"/>"#,
        ]
        var cumulative = 0
        var points: [String] = []
        for (index, bar) in bars.enumerated() {
            let x = left + Double(index) * slot
            let barHeight = Double(bar.count) / highest * plot
            let y = self.height - bottom - barHeight
            let label = AttainmentChart.escape(bar.label)
            parts.append(
                String(format: #"<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar">"#, x + slot * 0.15, y, slot * 0.7, barHeight)
                    + "<title>\(label): \(bar.count)</title></rect>")
            parts.append(String(format: #"<text x="%.1f" y="%.1f" class="value" text-anchor="middle">%d</text>"#, x + slot / 2, y - 3, bar.count))
            let labelX = x + slot / 2
            let labelY = self.height - bottom + 14
            parts.append(
                String(format: #"<text x="%.1f" y="%.1f" class="label" text-anchor="end" transform="rotate(-35 %.1f %.1f)">"#, labelX, labelY, labelX, labelY)
                    + "\(label)</text>")
            cumulative += bar.count
            let share = Double(cumulative) / Double(max(total, 1))
            points.append(String(format: "%.1f,%.1f", x + slot / 2, self.height - bottom - share * plot))
        }
        if !points.isEmpty {
            parts.append(#"<polyline points="\#(points.joined(separator: " "))" class="cumulative"/>"#)
            parts.append(String(format: #"<text x="%.1f" y="%.1f" class="value">100 %%</text>"#, self.width - 34, top + 4))
        }
        parts.append("</svg>")
        return parts.joined()
    }
}

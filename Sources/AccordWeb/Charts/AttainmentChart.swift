import AccordApplication
import AccordDomain
import Foundation

/// A server-rendered SVG of attainment per period with the SLA and SLO lines, plus its text alternative.
///
/// The markup holds only numbers the chart computes and labels passed through `escape`, so a template may
/// include it unescaped.
struct AttainmentChart {
    struct Point {
        var label: String
        var attainment: Double?
        /// The figure as pages write it (`Figures.attainment`), and the statuses decided exactly.
        var text: String
        var slaMet: Bool
        var sloMet: Bool
        /// The targets the period was judged against (a season or ramp step may set them).
        var sla: Double?
        var slo: Double?

        /// A point from a period row: its height from the figure, its words and colour from the exact statuses.
        init(label: String, row: PeriodRow) {
            self.label = label
            self.sla = row.slaTarget.double
            self.slo = row.showsInternalFigures ? row.sloTarget.double : nil
            self.attainment = row.attainment?.double
            self.text = Figures.attainment(row.attainment, targets: row.showsInternalFigures ? [row.slaTarget, row.sloTarget] : [row.slaTarget])
            self.slaMet = row.slaStatus != .breached
            // without the internal figures a bar is coloured by the SLA alone
            self.sloMet = row.showsInternalFigures ? row.sloStatus != .breached : self.slaMet
        }
    }

    var points: [Point]
    var sla: Double
    /// Nil where the viewer does not see the customer's internal SLO (a vendor's user, unless the agreement shares it).
    var slo: Double?
    /// The targets as the terms state them (`Figures.target`).
    var slaText: String
    var sloText: String?
    var width = 640.0
    var height = 220.0

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    /// The lowest value on the axis: a little below the lowest of the SLA and the data, so a miss is visible.
    var floor: Double {
        let lowest = ([self.sla] + self.points.compactMap(\.sla) + self.points.compactMap(\.attainment)).min() ?? self.sla
        let span = max(100 - lowest, 0.01)
        return max(0, lowest - span * 0.25)
    }

    func y(_ value: Double) -> Double {
        let top = 10.0
        let bottom = self.height - 30
        return bottom - (value - self.floor) / (100 - self.floor) * (bottom - top)
    }

    var summary: String {
        let measured = self.points.filter { $0.attainment != nil }
        guard !measured.isEmpty else { return "No measured periods yet." }
        let below = measured.filter { !$0.slaMet }.count
        if Set(self.points.compactMap(\.sla)).count > 1 {
            let text = measured.map { "\($0.label): \($0.text) against \($0.sla.map { String(format: "%g", $0) } ?? "?") %" }.joined(separator: "; ")
            return "Attainment per period against the SLA in force in each (a new version, a ramp or a season moves it; now \(self.slaText)): \(text). \(below) of \(measured.count) below their SLA."
        }
        let text = measured.map { "\($0.label): \($0.text)" }.joined(separator: "; ")
        return
            "Attainment per period against an SLA of \(self.slaText)\(self.sloText.map { " and an SLO of \($0)" } ?? ""): \(text). \(below) of \(measured.count) below the SLA."
    }

    var svg: String {
        let left = 48.0
        let step = self.points.isEmpty ? 0 : (self.width - left - 10) / Double(self.points.count)
        var parts: [String] = []
        parts.append(
            #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(Int(self.width)) \#(Int(self.height))" role="img" aria-labelledby="chart-title chart-desc" class="chart">"#
        )
        parts.append(#"<title id="chart-title">Attainment per period</title><desc id="chart-desc">\#(Self.escape(self.summary))</desc>"#)
        let lines = [(self.sla, "SLA", "sla")] + (self.slo.map { [($0, "SLO", "slo")] } ?? [])
        // targets that move (a ramp, seasons) are drawn as a step over each period; steady ones as one line
        let moving = Set(self.points.compactMap(\.sla)).count > 1 || Set(self.points.compactMap(\.slo)).count > 1
        if moving {
            for (index, point) in self.points.enumerated() {
                let x1 = left + Double(index) * step
                for (value, css) in [(point.sla, "sla"), (self.slo == nil ? nil : point.slo, "slo")] {
                    guard let value else { continue }
                    let y = String(format: "%.1f", self.y(value))
                    parts.append(String(format: #"<line x1="%.1f" x2="%.1f" y1="%@" y2="%@" class="%@ step"/>"#, x1, x1 + step, y, y, css))
                }
            }
            parts.append(#"<text x="2" y="\#(String(format: "%.1f", self.y(self.points.last?.sla ?? self.sla)))" class="axis">SLA</text>"#)
        } else {
            for (value, label, css) in lines {
                let y = String(format: "%.1f", self.y(value))
                parts.append(#"<line x1="\#(Int(left))" x2="\#(Int(self.width - 10))" y1="\#(y)" y2="\#(y)" class="\#(css)"/>"#)
                // the SLA's label sits below the SLO's when the two lines are too close to read apart
                let labelY = css == "sla" ? String(format: "%.1f", max(self.y(value), self.slo.map { self.y($0) + 11 } ?? 0)) : y
                parts.append(#"<text x="2" y="\#(labelY)" class="axis">\#(label) \#(Self.escape(String(format: "%g", value)))</text>"#)
            }
        }
        for (index, point) in self.points.enumerated() {
            let x = left + Double(index) * step
            if let value = point.attainment {
                let y = self.y(value)
                let css = point.sloMet ? "good" : point.slaMet ? "warn" : "bad"
                parts.append(
                    String(
                        format: #"<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar %@"><title>%@</title></rect>"#, x + step * 0.15, y,
                        step * 0.7, max(1, self.height - 30 - y), css, Self.escape("\(point.label): \(point.text)")))
            }
            // narrow columns name the month (or quarter) and write the year under the first and under each January
            let words = point.label.split(separator: " ").map(String.init)
            if step < 64, words.count == 2 {
                parts.append(String(format: #"<text x="%.1f" y="%.1f" class="axis">%@</text>"#, x + step * 0.15, self.height - 16, Self.escape(words[0])))
                if index == 0 || words[0] == "Jan" || words[0] == "Q1" {
                    parts.append(String(format: #"<text x="%.1f" y="%.1f" class="axis">%@</text>"#, x + step * 0.15, self.height - 3, Self.escape(words[1])))
                }
            } else {
                parts.append(
                    String(format: #"<text x="%.1f" y="%.1f" class="axis">%@</text>"#, x + step * 0.15, self.height - 12, Self.escape(point.label)))
            }
        }
        parts.append("</svg>")
        return parts.joined()
    }
}

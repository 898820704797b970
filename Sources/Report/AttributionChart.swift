import Foundation
import ServingModel

/// A self-contained SVG stacked bar chart of each interval's p99 time to
/// first token cut into its parts (``HorizonVerification/p99TtftParts``):
/// one bar per interval, one colour per part, a legend and axes in
/// seconds and hours; no scripts, no external assets.
///
/// Each part is a group `<g class="part" data-part="KEY">` holding one
/// `<rect data-interval="I" data-seconds="S">` per interval, stacked from
/// the axis up, so a bar's height is the interval's p99 TTFT.
package struct AttributionChart: Sendable {
    /// Chart title.
    package var title: String
    /// Interval starts (hours from the horizon's start).
    package var hours: [Double]
    /// Interval width (hours).
    package var width: Double
    /// Per interval, seconds per ``AttributionPart`` (in its order).
    package var parts: [[Double]]
    /// x-axis label (`hours from 2024-01-15T00:00:00+02:00`).
    package var xLabel: String

    /// A chart of `parts` per interval starting at `hours`, each `width` hours wide.
    package init(title: String, hours: [Double], width: Double, parts: [[Double]], xLabel: String = "hours") {
        self.title = title
        self.hours = hours
        self.width = width
        self.parts = parts
        self.xLabel = xLabel
    }

    /// One colour per part, in ``AttributionPart`` order.
    static let colors = ["#9b5de5", "#f15bb5", "#c77dff", "#fee440", "#e76f51", "#e63946",
                         "#219ebc", "#fb8500", "#8d99ae", "#2a9d8f", "#90be6d"]

    /// The parts with any time in any interval, in ``AttributionPart`` order.
    package var shown: [AttributionPart] {
        AttributionPart.allCases.filter { p in parts.contains { p.rawValue < $0.count && $0[p.rawValue] > 0 } }
    }

    /// The SVG element (width 800, height 280).
    package func render() -> String {
        let w = 800.0, h = 280.0, left = 56.0, right = 12.0, top = 28.0, bottom = 34.0 + 14 * Double((shown.count + 2) / 3)
        let totals = parts.map { $0.reduce(0) { $0 + max(0, $1) } }
        // The axis reaches past the tallest bar: ticks stop at or below it.
        let tallest = max(totals.max() ?? 0, 1e-3)
        let yTicks = SVGChart.ticks(0, tallest * 1.05)
        let y1 = max(yTicks.last ?? 1, tallest * 1.05)
        let x0 = hours.first ?? 0, x1 = max((hours.last ?? 0) + width, x0 + 1e-9)
        let plotH = h - top - bottom, plotW = w - left - right
        let scale = plotH / y1
        func x(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * plotW }
        func y(_ v: Double) -> Double { top + plotH - v * scale }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\" "
            + "font-family=\"sans-serif\" font-size=\"11\" data-seconds-per-px=\"\(1 / scale)\">\n"
        s += "<text x=\"\(SVGChart.n(left))\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(SVGChart.escape(title))</text>\n"
        for t in yTicks {
            s += "<line x1=\"\(SVGChart.n(left))\" x2=\"\(SVGChart.n(w - right))\" y1=\"\(SVGChart.n(y(t)))\" y2=\"\(SVGChart.n(y(t)))\" stroke=\"#eee\"/>"
            s += "<text x=\"\(SVGChart.n(left - 4))\" y=\"\(SVGChart.n(y(t) + 4))\" text-anchor=\"end\">\(NumberFormatting.short(t))</text>\n"
        }
        for t in SVGChart.ticks(x0, x1, count: 8) where t >= x0 && t <= x1 {
            s += "<text x=\"\(SVGChart.n(x(t)))\" y=\"\(SVGChart.n(top + plotH + 14))\" text-anchor=\"middle\">\(NumberFormatting.short(t))</text>"
        }
        s += "\n<text x=\"\(SVGChart.n(left + plotW / 2))\" y=\"\(SVGChart.n(top + plotH + 28))\" text-anchor=\"middle\">\(SVGChart.escape(xLabel))</text>"
        s += "<text transform=\"translate(14,\(SVGChart.n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">p99 TTFT (s)</text>\n"
        let barW = max(0.5, width / (x1 - x0) * plotW - (width / (x1 - x0) * plotW > 3 ? 1 : 0))
        var base = [Double](repeating: 0, count: parts.count)
        for p in shown {
            s += "<g class=\"part\" data-part=\"\(p.key)\" fill=\"\(Self.colors[p.rawValue % Self.colors.count])\">"
            for (i, row) in parts.enumerated() {
                let v = p.rawValue < row.count ? max(0, row[p.rawValue]) : 0
                guard v > 0 else { continue }
                s += "<rect data-interval=\"\(i)\" data-seconds=\"\(v)\" x=\"\(SVGChart.n(x(hours[i])))\" y=\"\(y(base[i] + v))\" "
                    + "width=\"\(SVGChart.n(barW))\" height=\"\(v * scale)\"><title>\(SVGChart.escape(p.label)): \(NumberFormatting.short(v)) s</title></rect>"
                base[i] += v
            }
            s += "</g>\n"
        }
        s += "<rect x=\"\(SVGChart.n(left))\" y=\"\(SVGChart.n(top))\" width=\"\(SVGChart.n(plotW))\" height=\"\(SVGChart.n(plotH))\" fill=\"none\" stroke=\"#888\"/>\n"
        for (k, p) in shown.enumerated() {
            let lx = left + Double(k % 3) * 250, ly = top + plotH + 40 + Double(k / 3) * 14
            s += "<rect x=\"\(SVGChart.n(lx))\" y=\"\(SVGChart.n(ly - 8))\" width=\"12\" height=\"8\" fill=\"\(Self.colors[p.rawValue % Self.colors.count])\"/>"
            s += "<text x=\"\(SVGChart.n(lx + 16))\" y=\"\(SVGChart.n(ly))\">\(SVGChart.escape(p.label)) (s)</text>\n"
        }
        return s + "</svg>"
    }
}

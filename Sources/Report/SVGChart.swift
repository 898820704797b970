import Foundation

/// A self-contained SVG line chart: lines, step lines and shaded bands over
/// a shared x axis, with axes, ticks and a legend; no scripts, no fonts
/// beyond the viewer's default.
package struct SVGChart: Sendable {
    /// One plotted series.
    package struct Series: Sendable {
        /// Legend label.
        package var name: String
        /// CSS colour.
        package var color: String
        /// y values (aligned with the chart's x values).
        package var values: [Double]
        /// Lower edge for a band (nil: a line).
        package var lower: [Double]?
        /// Draw as steps (value holds until the next x).
        package var step: Bool

        /// A line or step line.
        package init(name: String, color: String, values: [Double], step: Bool = false) {
            self.name = name
            self.color = color
            self.values = values
            self.step = step
        }

        /// A shaded band between `lower` and `upper`.
        package init(band name: String, color: String, lower: [Double], upper: [Double]) {
            self.name = name
            self.color = color
            self.values = upper
            self.lower = lower
            self.step = false
        }
    }

    /// Chart title.
    package var title: String
    /// y-axis label.
    package var yLabel: String
    /// x values (hours from the start, say).
    package var x: [Double]
    /// x-axis label.
    package var xLabel: String
    /// The series, drawn in order (bands first reads best).
    package var series: [Series]
    /// A horizontal reference line (e.g. an SLA limit), with its label.
    package var reference: (value: Double, label: String)?

    /// A chart.
    package init(title: String, xLabel: String, yLabel: String, x: [Double], series: [Series], reference: (value: Double, label: String)? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.x = x
        self.series = series
        self.reference = reference
    }

    static func n(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// "Nice" tick values covering `lo...hi`.
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        let span = max(hi - lo, 1e-12)
        let raw = span / Double(count)
        let mag = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var t = (lo / step).rounded(.up) * step, out: [Double] = []
        while t <= hi + step * 1e-9 { out.append(t); t += step }
        return out
    }

    /// Dash patterns of the lines, in drawing order: a line drawn over
    /// another keeps that one visible beside its gaps.
    static let dashes = ["", "7,4", "2,3", "10,3,2,3"]

    /// The series as drawn: a line whose values equal an earlier line's is
    /// folded into it, its legend reading `a = b`, so no series lies
    /// unseen under another.
    package var drawn: [Series] {
        var out: [Series] = []
        for line in series {
            if line.lower == nil, let k = out.firstIndex(where: { $0.lower == nil && $0.step == line.step && $0.values == line.values }) {
                out[k].name += " = " + line.name
            } else {
                out.append(line)
            }
        }
        return out
    }

    /// Legend entries laid out in rows under the plot: `(series, x, row)`.
    static func legend(_ names: [String], from left: Double, width: Double) -> [(Int, Double, Int)] {
        var out: [(Int, Double, Int)] = [], x = left, row = 0
        for (k, name) in names.enumerated() {
            let w = 22 + Double(name.count) * 6.2
            if x > left && x + w > width { x = left; row += 1 }
            out.append((k, x, row))
            x += w + 8
        }
        return out
    }

    /// The SVG element, 800 wide; the legend under the plot wraps onto as
    /// many rows as it needs.
    package func render() -> String {
        let shown = drawn
        let w = 800.0, left = 62.0, right = 16.0, top = 28.0, plotH = 192.0
        let places = Self.legend(shown.map(\.name), from: left, width: w - right)
        let rows = (places.map(\.2).max() ?? 0) + 1
        let bottom = 40.0 + 16 * Double(rows)
        let h = top + plotH + bottom
        let xs = x.isEmpty ? [0, 1] : x
        let x0 = xs.first!, x1 = max(xs.last!, x0 + 1e-9)
        var all = shown.flatMap { $0.values + ($0.lower ?? []) }.filter(\.isFinite)
        if let r = reference { all.append(r.value) }
        let y0 = min(0, all.min() ?? 0), y1 = max((all.max() ?? 1) * 1.05, y0 + 1e-9)
        func px(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * (w - left - right) }
        func py(_ v: Double) -> Double { top + (1 - (v - y0) / (y1 - y0)) * plotH }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<text x=\"\(Self.n(left))\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(Self.escape(title))</text>\n"
        for t in Self.ticks(y0, y1) {
            s += "<line x1=\"\(Self.n(left))\" x2=\"\(Self.n(w - right))\" y1=\"\(Self.n(py(t)))\" y2=\"\(Self.n(py(t)))\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(Self.n(left - 4))\" y=\"\(Self.n(py(t) + 4))\" text-anchor=\"end\">\(String(format: "%g", t))</text>\n"
        }
        for t in Self.ticks(x0, x1, count: 8) {
            s += "<text x=\"\(Self.n(px(t)))\" y=\"\(Self.n(top + plotH + 14))\" text-anchor=\"middle\">\(String(format: "%g", t))</text>"
        }
        s += "\n<text x=\"\(Self.n((left + w - right) / 2))\" y=\"\(Self.n(top + plotH + 30))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>"
        s += "<text transform=\"translate(14,\(Self.n(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        s += "<rect x=\"\(Self.n(left))\" y=\"\(Self.n(top))\" width=\"\(Self.n(w - left - right))\" height=\"\(Self.n(plotH))\" fill=\"none\" stroke=\"#888\"/>\n"
        let lines = shown.filter { $0.lower == nil }.count
        var k = 0
        for line in shown {
            let m = min(xs.count, line.values.count)
            guard m > 0 else { continue }
            if let lower = line.lower {
                let up = (0..<m).map { "\(Self.n(px(xs[$0]))),\(Self.n(py(line.values[$0])))" }
                let down = (0..<min(m, lower.count)).reversed().map { "\(Self.n(px(xs[$0]))),\(Self.n(py(lower[$0])))" }
                s += "<polygon points=\"\((up + down).joined(separator: " "))\" fill=\"\(line.color)\" fill-opacity=\"0.2\" stroke=\"none\"/>\n"
            } else {
                var pts: [String] = []
                for i in 0..<m {
                    if line.step && i > 0 { pts.append("\(Self.n(px(xs[i]))),\(Self.n(py(line.values[i - 1])))") }
                    pts.append("\(Self.n(px(xs[i]))),\(Self.n(py(line.values[i])))")
                }
                // Earlier lines are wider, later ones dashed on top: where
                // two coincide for a while, both stay in sight.
                let width = lines > 1 ? 1.4 + 1.6 * Double(lines - 1 - k) / Double(lines - 1) : 1.6
                let dash = Self.dashes[k % Self.dashes.count]
                s += "<polyline points=\"\(pts.joined(separator: " "))\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"\(Self.n(width))\""
                    + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "><title>\(Self.escape(line.name))</title></polyline>\n"
                k += 1
            }
        }
        if let r = reference {
            s += "<line x1=\"\(Self.n(left))\" x2=\"\(Self.n(w - right))\" y1=\"\(Self.n(py(r.value)))\" y2=\"\(Self.n(py(r.value)))\" stroke=\"#c00\" stroke-dasharray=\"5,4\"/>"
            s += "<text x=\"\(Self.n(w - right - 4))\" y=\"\(Self.n(py(r.value) - 4))\" text-anchor=\"end\" fill=\"#c00\">\(Self.escape(r.label))</text>\n"
        }
        var dashIndex = 0
        for (i, lx, row) in places {
            let line = shown[i], ly = top + plotH + 46 + 16 * Double(row)
            if line.lower != nil {
                s += "<rect class=\"legend\" x=\"\(Self.n(lx))\" y=\"\(Self.n(ly - 8))\" width=\"16\" height=\"9\" fill=\"\(line.color)\" fill-opacity=\"0.35\"/>"
            } else {
                let dash = Self.dashes[dashIndex % Self.dashes.count]
                dashIndex += 1
                s += "<line class=\"legend\" x1=\"\(Self.n(lx))\" x2=\"\(Self.n(lx + 16))\" y1=\"\(Self.n(ly - 4))\" y2=\"\(Self.n(ly - 4))\" stroke=\"\(line.color)\" stroke-width=\"2.5\""
                    + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>"
            }
            s += "<text x=\"\(Self.n(lx + 20))\" y=\"\(Self.n(ly))\">\(Self.escape(line.name))</text>"
        }
        return s + "\n</svg>"
    }
}

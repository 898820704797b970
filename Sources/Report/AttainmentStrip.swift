/// A self-contained SVG strip chart of which intervals met the SLA: one row
/// per plan, one cell per interval, green where every target held and red
/// where one missed, each cell titled with its time and its worst target's
/// value (hover in a browser); no scripts, no external assets.
package struct AttainmentStrip: Sendable {
    /// One plan's row.
    package struct Row: Sendable {
        /// The plan (`static`, `schedule`, `autoscaler`).
        package var name: String
        /// Per interval: whether every target held, and the cell's title.
        package var cells: [(met: Bool, title: String)]

        /// A row.
        package init(name: String, cells: [(met: Bool, title: String)]) {
            self.name = name
            self.cells = cells
        }
    }

    /// Chart title.
    package var title: String
    /// Interval starts, hours from the horizon's start.
    package var hours: [Double]
    /// Interval width (hours).
    package var width: Double
    /// x-axis label.
    package var xLabel: String
    /// The plans.
    package var rows: [Row]

    /// A strip chart.
    package init(title: String, hours: [Double], width: Double, xLabel: String, rows: [Row]) {
        self.title = title
        self.hours = hours
        self.width = width
        self.xLabel = xLabel
        self.rows = rows
    }

    static let met = "#2a9d8f", missed = "#e63946"

    /// The SVG element, 800 wide, 26 px per plan.
    package func render() -> String {
        let w = 800.0, left = 90.0, right = 16.0, top = 28.0, rowH = 26.0
        let plotH = rowH * Double(rows.count), h = top + plotH + 62
        let x0 = hours.first ?? 0, x1 = max((hours.last ?? 0) + width, x0 + 1e-9)
        let plotW = w - left - right
        func x(_ v: Double) -> Double { left + (v - x0) / (x1 - x0) * plotW }
        let cellW = max(0.5, width / (x1 - x0) * plotW)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"\(Int(w))\" height=\"\(Int(h))\" "
            + "font-family=\"sans-serif\" font-size=\"11\">\n"
        s += "<text x=\"\(SVGChart.n(left))\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(SVGChart.escape(title))</text>\n"
        for (r, row) in rows.enumerated() {
            let y = top + Double(r) * rowH
            let metCount = row.cells.filter(\.met).count
            s += "<text x=\"\(SVGChart.n(left - 6))\" y=\"\(SVGChart.n(y + rowH / 2 + 4))\" text-anchor=\"end\">\(SVGChart.escape(row.name))</text>"
            s += "<g class=\"plan\" data-plan=\"\(SVGChart.escape(row.name))\" data-met=\"\(metCount)\" data-intervals=\"\(row.cells.count)\">"
            for (i, cell) in row.cells.enumerated() where i < hours.count {
                s += "<rect x=\"\(SVGChart.n(x(hours[i])))\" y=\"\(SVGChart.n(y + 3))\" width=\"\(SVGChart.n(cellW))\" height=\"\(SVGChart.n(rowH - 6))\" "
                    + "fill=\"\(cell.met ? Self.met : Self.missed)\" stroke=\"#fff\" stroke-width=\"0.5\"><title>\(SVGChart.escape(cell.title))</title></rect>"
            }
            s += "</g>\n"
        }
        for t in SVGChart.ticks(x0, x1, count: 8) where t >= x0 && t <= x1 {
            s += "<text x=\"\(SVGChart.n(x(t)))\" y=\"\(SVGChart.n(top + plotH + 14))\" text-anchor=\"middle\">\(NumberFormatting.short(t))</text>"
        }
        s += "\n<text x=\"\(SVGChart.n(left + plotW / 2))\" y=\"\(SVGChart.n(top + plotH + 30))\" text-anchor=\"middle\">\(SVGChart.escape(xLabel))</text>\n"
        let ly = top + plotH + 50
        s += "<rect x=\"\(SVGChart.n(left))\" y=\"\(SVGChart.n(ly - 9))\" width=\"12\" height=\"10\" fill=\"\(Self.met)\"/>"
        s += "<text x=\"\(SVGChart.n(left + 16))\" y=\"\(SVGChart.n(ly))\">every target met</text>"
        s += "<rect x=\"\(SVGChart.n(left + 130))\" y=\"\(SVGChart.n(ly - 9))\" width=\"12\" height=\"10\" fill=\"\(Self.missed)\"/>"
        s += "<text x=\"\(SVGChart.n(left + 146))\" y=\"\(SVGChart.n(ly))\">a target missed</text>\n"
        return s + "</svg>"
    }
}

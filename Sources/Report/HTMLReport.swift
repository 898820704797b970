/// A self-contained HTML page of headed sections, tables and inline SVG
/// charts: no scripts, stylesheets or images from the network.
package struct HTMLReport: Sendable {
    /// Page title.
    package var title: String
    private var body: [String] = []

    /// An empty report.
    package init(title: String) {
        self.title = title
    }

    /// Appends a heading.
    package mutating func heading(_ text: String) {
        body.append("<h2>\(SVGChart.escape(text))</h2>")
    }

    /// Appends a paragraph of plain text.
    package mutating func paragraph(_ text: String) {
        body.append("<p>\(SVGChart.escape(text))</p>")
    }

    /// Appends a table.
    package mutating func table(header: [String], rows: [[String]]) {
        var s = "<table><tr>" + header.map { "<th>\(SVGChart.escape($0))</th>" }.joined() + "</tr>"
        // Short cells (numbers, money, times) never wrap; prose may.
        for r in rows { s += "<tr>" + r.map { "<td\($0.count <= 28 ? " class=\"short\"" : "")>\(SVGChart.escape($0))</td>" }.joined() + "</tr>" }
        body.append(s + "</table>")
    }

    /// Appends a chart.
    package mutating func chart(_ c: SVGChart) {
        body.append("<figure>" + c.render() + "</figure>")
    }

    /// Appends a strip chart of intervals that met the SLA.
    package mutating func chart(_ c: AttainmentStrip) {
        body.append("<figure>" + c.render() + "</figure>")
    }

    /// Appends a stacked bar chart of latency parts.
    package mutating func chart(_ c: AttributionChart) {
        body.append("<figure>" + c.render() + "</figure>")
    }

    /// The page.
    package func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(SVGChart.escape(title))</title>
        <style>body{font-family:sans-serif;max-width:840px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}td.short{white-space:nowrap}th{background:#f3f3f3}figure{margin:1em 0}</style>
        </head><body><h1>\(SVGChart.escape(title))</h1>
        \(body.joined(separator: "\n"))
        </body></html>

        """
    }
}

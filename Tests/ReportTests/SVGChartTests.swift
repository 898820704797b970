import Foundation
import Testing
@testable import Report

/// The report's charts: no series drawn unseen under another, every legend
/// entry inside the picture, and the SLA strip's cells one per interval.
@Suite struct SVGChartTests {
    static func legendXs(_ svg: String) -> [Double] {
        svg.components(separatedBy: "class=\"legend\" ").dropFirst().compactMap { part -> Double? in
            let value = part.hasPrefix("x1=\"") ? part.dropFirst(4) : part.dropFirst(3)
            return Double(value.prefix { $0 != "\"" })
        }
    }

    @Test func identicalSeriesShareOneLineAndOneLegendEntry() {
        let chart = SVGChart(title: "t", xLabel: "hours", yLabel: "req/s", x: [0, 1, 2],
                             series: [.init(name: "history", color: "#222", values: [1, 2, 3]),
                                      .init(name: "planned", color: "#00f", values: [1, 2, 3]),
                                      .init(name: "design", color: "#f80", values: [3, 6, 9])])
        #expect(chart.drawn.map(\.name) == ["history = planned", "design"])
        let svg = chart.render()
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.contains(">history = planned</text>"))
    }

    @Test func overlappingLinesDifferInWidthAndDash() {
        // Two step lines equal over most of the day: the later one is
        // dashed and narrower, so the earlier one shows around it.
        let chart = SVGChart(title: "t", xLabel: "hours", yLabel: "replicas", x: [0, 1, 2, 3],
                             series: [.init(name: "static", color: "#777", values: [5, 5, 5, 5], step: true),
                                      .init(name: "schedule", color: "#2a9d8f", values: [5, 5, 4, 5], step: true)])
        let lines = chart.render().components(separatedBy: "<polyline").dropFirst()
        #expect(lines.count == 2)
        let first = String(lines.first!), second = String(lines.last!)
        #expect(!first.contains("stroke-dasharray") && second.contains("stroke-dasharray=\"7,4\""))
        func width(_ s: String) -> Double? { Double(s.components(separatedBy: "stroke-width=\"")[1].prefix { $0 != "\"" }) }
        #expect(width(first)! > width(second)!)
    }

    @Test func everyLegendEntryIsInsideThePicture() {
        let names = ["forecast band, lowest to highest quantile (before headroom)", "point forecast", "planned quantile",
                     "design (planned × 3 headroom)", "needed (capacity curve)"]
        let chart = SVGChart(title: "t", xLabel: "hours", yLabel: "req/s", x: [0, 1],
                             series: names.enumerated().map { k, n in
                                 k == 0 ? .init(band: n, color: "#4a90d9", lower: [0, 0], upper: [2, 2])
                                     : .init(name: n, color: "#222", values: [Double(k), Double(k) + 1])
                             })
        let svg = chart.render()
        let xs = Self.legendXs(svg)
        #expect(xs.count == names.count)
        for (x, n) in zip(xs, names) { #expect(x + 20 + Double(n.count) * 6.2 <= 800, "\(n) at \(x)") }
        // Wrapped onto a second row: the picture grows to hold it.
        let height = Double(svg.components(separatedBy: "height=\"")[1].prefix { $0 != "\"" })!
        #expect(height > 260)
    }

    @Test func theStripHasOneCellPerIntervalColouredByTheOutcome() {
        let strip = AttainmentStrip(title: "t", hours: [0, 1, 2], width: 1, xLabel: "hours",
                                    rows: [.init(name: "static", cells: [(true, "00:00 met"), (false, "01:00: missed p99_ttft<=0.5s = 0.61 s"), (true, "02:00 met")])])
        let svg = strip.render()
        #expect(svg.contains("data-plan=\"static\" data-met=\"2\" data-intervals=\"3\""))
        #expect(svg.components(separatedBy: "fill=\"\(AttainmentStrip.met)\" stroke").count - 1 == 2)
        #expect(svg.components(separatedBy: "fill=\"\(AttainmentStrip.missed)\" stroke").count - 1 == 1)
        #expect(svg.contains("<title>01:00: missed p99_ttft&lt;=0.5s = 0.61 s</title>"))
    }

    /// The stacked chart's axis reaches past its tallest bar (ticks stop
    /// below 0.49 s at 0.4): no bar rises over the plot's top or the title.
    @Test func theTallestBarStaysInsideThePlot() {
        let chart = AttributionChart(title: "t", hours: [0, 1], width: 1, parts: [[0.1, 0.39], [0.05, 0.2]], xLabel: "hours from x")
        let svg = chart.render()
        let ys = svg.components(separatedBy: "data-seconds=").dropFirst().compactMap { part -> Double? in
            Double(part.components(separatedBy: " y=\"")[1].prefix { $0 != "\"" })
        }
        #expect(ys.count == 4)
        #expect(ys.allSatisfy { $0 >= 28 }, "bar tops \(ys)")
        #expect(svg.contains(">hours from x</text>"))
    }
}

import Foundation
import Report

/// `headroom sweep`'s and `headroom merge`'s output: a table, JSON or CSV
/// of a ``SweepOutcome``.
package enum SweepReport {
    /// The metrics the table shows, with their headings and units.
    static let tableColumns: [(metric: SweepMetric, heading: String)] = [
        (.ttftP99, "p99 TTFT"), (.tpotP99, "p99 TPOT"), (.errorRate, "errors"), (.throughput, "req/s"), (.gpus, "GPUs"), (.costPerHour, "$/h"),
    ]

    /// A terminal table: one row per cell (means ± half-widths), each
    /// cell's SLA verdict, and the cheapest cell meeting the SLA.
    package static func table(_ o: SweepOutcome) -> String {
        let level = "\((o.confidence * 1000).rounded() / 10)".replacingOccurrences(of: ".0", with: "") + "%"
        var lines = ["sweep \(o.sweep): \(o.cells.count) cells x \(o.seeds) seeds of \(o.scenario) (\(o.runs) runs); mean ± \(level) interval across seeds"]
        if let sla = o.sla { lines.append("SLA: \(sla) (each target's one-sided \(level) bound)") }
        let priced = o.rankedBy == SweepMetric.costPerHour.rawValue
        let columns = tableColumns.filter { priced || $0.metric != .costPerHour }
        let targets = o.cells.first?.sla.map(\.target) ?? []
        var table = TextTable(header: ["cell"] + o.axes + columns.map(\.heading) + targets.map { "\($0) (bound)" } + (o.sla == nil ? [] : ["SLA"]),
                              alignNumbers: false)
        for c in o.cells {
            var row = [String(c.index)] + c.axes.map(\.value)
            for (metric, _) in columns {
                let i = c.metrics[metric.rawValue]!
                row.append(format(i.mean, metric) + " ± " + format(i.halfWidth, metric))
            }
            row += c.sla.map { j in j.target.contains("<=") && !j.target.hasPrefix("error_rate") ? format(j.bound, .ttftP99) : number(j.bound * 100) + "%" }
            if let meets = c.meetsSla {
                row.append(meets ? "met" : "missed: " + c.sla.filter { !$0.met }.map(\.target).joined(separator: ", "))
            }
            table.append(row)
        }
        lines.append(table.render())
        if let best = o.cheapest {
            let c = o.cells[best]
            let cost = c.metrics[o.rankedBy]!
            let setting = c.axes.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
            lines.append("cheapest\(o.sla == nil ? "" : " meeting the SLA"): cell \(best) (\(setting)) at \(priced ? "$" : "")\(number(cost.mean))\(priced ? "/h" : " GPUs")")
        } else {
            lines.append("no cell meets the SLA")
        }
        return lines.joined(separator: "\n")
    }

    /// JSON, sorted snake_case keys (see docs/commands.md).
    package static func json(_ o: SweepOutcome) throws -> String {
        try JSONOutput.encode(o)
    }

    /// CSV: one row per cell, the axes' values, each metric's mean and
    /// half-width, the pooled p99 TTFT and whether the SLA is met.
    package static func csv(_ o: SweepOutcome) -> String {
        let metrics = SweepMetric.allCases.map(\.rawValue)
        var header = ["cell"] + o.axes
        for m in metrics { header += [m, m + "_half_width"] }
        header += ["pooled_ttft_p99", "meets_sla", "cheapest"]
        var lines = [header.map(quoted).joined(separator: ",")]
        for c in o.cells {
            var row = [String(c.index)] + c.axes.map(\.value)
            for m in metrics {
                let i = c.metrics[m]!
                row += [csvNumber(i.mean), csvNumber(i.halfWidth)]
            }
            row += [csvNumber(c.pooled.ttftP99), c.meetsSla.map { $0 ? "true" : "false" } ?? "", o.cheapest == c.index ? "true" : "false"]
            lines.append(row.map(quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A metric's value with its unit, for the table.
    static func format(_ v: Double, _ metric: SweepMetric) -> String {
        guard v.isFinite else { return "-" }
        switch metric {
        case .ttftP50, .ttftP99, .tpotP50, .tpotP99, .e2eP50, .e2eP99, .queueWaitP99:
            return v < 1 ? number(v * 1000) + "ms" : number(v) + "s"
        case .errorRate, .availability, .goodput: return number(v * 100) + "%"
        case .throughput, .replicas, .gpus, .costPerHour: return number(v)
        }
    }

    /// Three significant digits, without an exponent for ordinary values.
    static func number(_ v: Double) -> String {
        if v == 0 { return "0" }
        let digits = max(0, 2 - Int(floor(log10(abs(v)))))
        return String(format: "%.\(min(digits, 6))f", v)
    }

    static func csvNumber(_ v: Double) -> String { v.isFinite ? "\(v)" : "" }

    static func quoted(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

import CapacityPlanning
import Foundation
import ServingModel
import Workload

/// Writes a plan's files into a directory: `plan.json` (the
/// ``PlanDocument``), `schedule.csv`, `timeseries.csv` (one row per
/// interval: load, replicas and latency percentiles of each plan) and a
/// self-contained `report.html` with inline SVG charts. Each file is
/// written atomically (a temporary file renamed into place), so a reader
/// never sees a half-written file and an interrupted run leaves the old one.
package enum PlanFiles {
    /// The files written, in order.
    package static let names = ["plan.json", "schedule.csv", "timeseries.csv", "report.html"]

    /// Writes every file into `directory` (created if missing), all or none:
    /// the four are written to temporary files first and renamed into place
    /// only when every one was written.
    ///
    /// - Throws: ``PlanningError`` naming `--output` when the directory
    ///   cannot be created or is a file, or a file cannot be written.
    package static func write(to directory: String, document: PlanDocument, result: HorizonPlanner.Result, load: PlanLoad,
                             sla: SLA, scenario: String, warnings: [String] = []) throws {
        try checkDirectory(directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PlanningError("--output", "cannot create directory \(directory): \(FileProblem.reason(error))")
        }
        let texts = [try JSONOutput.encode(document) + "\n", scheduleCSV(document), timeSeriesCSV(result, load: load),
                     html(document, result: result, load: load, sla: sla, scenario: scenario, warnings: warnings)]
        do {
            try AtomicFile.write(zip(texts, names).map { ($0, (directory as NSString).appendingPathComponent($1)) })
        } catch let error as LoadSeriesError {
            throw PlanningError("--output", error.description)
        }
    }

    /// Whether `directory` is, or can be created as, a writable directory,
    /// with none of the four file names taken by something other than a
    /// file; `plan` calls it before planning, so a bad `--output` fails at once.
    ///
    /// - Throws: ``PlanningError`` naming `--output`.
    package static func checkDirectory(_ directory: String) throws {
        do {
            try AtomicFile.checkDirectory(directory, option: "--output")
            for name in names {
                let path = (directory as NSString).appendingPathComponent(name)
                var info = stat()
                if lstat(path, &info) == 0 { try AtomicFile.checkFile(path, option: "--output") }
            }
        } catch let error as WorkloadError {
            let place = error.location.hasPrefix("--output ") ? String(error.location.dropFirst(9)) : error.location
            throw PlanningError("--output", "\(place): \(error.message)")
        }
    }

    static func num(_ x: Double) -> String { String(format: "%.6g", x) }

    /// `start,end,replicas,design_rate`, one row per schedule step:
    /// `design_rate` is the step's highest design rate (req/s, headroom
    /// included), the same meaning as in `timeseries.csv` and `plan.json`.
    package static func scheduleCSV(_ d: PlanDocument) -> String {
        "start,end,replicas,design_rate\n" + d.schedule.map { "\($0.start),\($0.end),\($0.replicas),\(num($0.designRate))\n" }.joined()
    }

    /// One row per interval: the load, each plan's replicas, its latency
    /// percentiles and whether it met the SLA.
    package static func timeSeriesCSV(_ r: HorizonPlanner.Result, load: PlanLoad) -> String {
        let plans = r.verifications
        var header = ["start", "end", "point_rate", "planned_rate", "band_low", "band_high", "design_rate", "needed_replicas"]
        for (n, _) in plans {
            header += ["\(n)_replicas", "\(n)_ttft_p50", "\(n)_ttft_p99", "\(n)_e2e_p50", "\(n)_e2e_p90", "\(n)_e2e_p99", "\(n)_sla_met"]
        }
        var text = header.joined(separator: ",") + "\n"
        for i in r.rates.indices {
            let s = load.origin + Double(i) * load.interval
            var row = [load.zone.format(s), load.zone.format(s + load.interval), num(load.expected[i]), num(load.planned[i]),
                       load.band.map { num($0.low[i]) } ?? "", load.band.map { num($0.high[i]) } ?? "", num(r.rates[i]), String(r.needs[i])]
            for (_, v) in plans {
                let o = v.intervals[i]
                row += [num(o.provisionedReplicas), num(o.ttft[0]), num(o.ttft[2]), num(o.e2e[0]), num(o.e2e[1]), num(o.e2e[2]), o.slaMet ? "1" : "0"]
            }
            text += row.joined(separator: ",") + "\n"
        }
        return text
    }

    /// The self-contained report: the plans and their cost, the load, the
    /// schedule, replicas, latency, where the p99 TTFT went and which
    /// intervals met the SLA; every time on the plan's zone clock, every
    /// figure with its unit.
    package static func html(_ d: PlanDocument, result r: HorizonPlanner.Result, load: PlanLoad, sla: SLA, scenario: String,
                             warnings: [String] = []) -> String {
        func f(_ x: Double) -> String { NumberFormatting.short(x) }
        let zone = load.zone
        let from = "hours from \(zone.format(load.origin))"
        var page = HTMLReport(title: "Capacity plan: \(scenario)")
        page.paragraph("Load: \(load.source); headroom \(f(load.headroom))x; design peak \(f(d.designRate)) req/s; SLA \(sla.description). "
                       + "Times are on the \(zone.name) clock. "
                       + (d.verification.slaMet ? "Every plan met every target in every interval when simulated."
                                                : "NOT every plan met the SLA in every interval: see the attainment below."))
        for warning in warnings { page.paragraph("Warning: \(warning).") }
        let currency = d.cost?.currency ?? ""
        let price = d.cost.flatMap { c in c.pricePerGpuHour ?? (c.staticGpuHours > 0 ? c.staticCost / c.staticGpuHours : nil) }
        func money(_ hours: Double?) -> String { guard let hours, let price else { return "" }; return "\(currency) \(NumberFormatting.fixed(hours * price, decimals: 2))" }
        func mark(_ plan: String) -> String { d.recommended?.plan == plan ? " (recommended)" : "" }
        var rows: [[String]] = []
        if let s = d.static {
            rows.append(["static" + mark("static"), "\(NumberFormatting.count(s.replicas, "replica")) (\(NumberFormatting.count(s.gpus, "GPU")))", f((d.verification.attainment["static"] ?? 0) * 100) + "%",
                         d.cost.map { f($0.staticGpuHours) } ?? "", money(d.cost?.staticGpuHours)])
        }
        if !d.schedule.isEmpty {
            let counts = d.schedule.map(\.replicas)
            rows.append(["schedule" + mark("schedule"), NumberFormatting.range(counts.min()!, counts.max()!) + (counts.max()! == 1 ? " replica, " : " replicas, ") + NumberFormatting.count(d.schedule.count, "step"),
                         f((d.verification.attainment["schedule"] ?? 0) * 100) + "%", d.cost.map { f($0.scheduleGpuHours) } ?? "", money(d.cost?.scheduleGpuHours)])
        }
        if let a = d.autoscaler {
            rows.append(["autoscaler" + mark("autoscaler"), "\(a.kind.uppercased()) \(a.minReplicas)–\(a.maxReplicas) replicas, \(a.metric) target \(f(a.target))"
                            + (a.costsMoreThanStatic ? ", costs more than static" : ""),
                         f((d.verification.attainment["autoscaler"] ?? 0) * 100) + "%", d.cost.map { f($0.autoscaledGpuHours) } ?? "", money(d.cost?.autoscaledGpuHours)])
        }
        page.table(header: ["plan", "settings", "intervals meeting the SLA", "GPU-hours", "cost"], rows: rows)
        if let rec = d.recommended { page.paragraph("Recommended: \(rec.plan), \(rec.reason)") }
        if let c = d.cost, let per = c.perMillionTokens, !per.isEmpty {
            page.heading("Cost per million tokens served within the SLA")
            func cell(_ v: Double?) -> String { v.map { "\(currency) \(NumberFormatting.fixed($0, decimals: 3))" } ?? "" }
            page.table(header: ["plan", "input tokens (millions)", "output tokens (millions)", "per million input", "per million output", "per million tokens"],
                       rows: ["static", "schedule", "autoscaler"].compactMap { k in
                           per[k].map { [k, f($0.inputTokensMillions), f($0.outputTokensMillions), cell($0.perMillionInput), cell($0.perMillionOutput), cell($0.perMillionTotal)] }
                       })
            if let p = c.pricePerGpuHour {
                page.paragraph("Price: \(currency) \(f(p)) per GPU-hour, from \(c.priceSource ?? "the hardware profile"). "
                               + "Each per-token figure charges the plan's whole cost to that kind of token, as per-token price lists do.")
            }
        }
        let hours = r.rates.indices.map { Double($0) * load.interval / 3600 }
        var loadSeries: [SVGChart.Series] = []
        let forecast = load.band != nil
        if let b = load.band { loadSeries.append(.init(band: "forecast band, lowest to highest quantile (before headroom)", color: "#4a90d9", lower: b.low, upper: b.high)) }
        loadSeries.append(.init(name: forecast ? "point forecast" : "history", color: "#222", values: load.expected))
        loadSeries.append(.init(name: forecast ? "planned quantile" : "planned", color: "#1d5fa8", values: load.planned))
        loadSeries.append(.init(name: "design (planned × \(f(load.headroom)) headroom)", color: "#e67e22", values: r.rates))
        page.heading("Load and forecast")
        page.chart(SVGChart(title: "Arrival rate", xLabel: from, yLabel: "requests/s", x: hours, series: loadSeries))
        if !d.schedule.isEmpty {
            page.heading("Schedule")
            page.table(header: ["start", "end", "replicas", "design rate (req/s)"],
                       rows: d.schedule.map { [$0.start, $0.end, String($0.replicas), f($0.designRate)] })
        }
        let colors = ["static": "#777", "schedule": "#2a9d8f", "autoscaler": "#e76f51"]
        let plans = r.verifications
        page.heading("Replicas over time")
        let binHours = plans.first.map { $0.1.replicaSeries.map { $0.time / 3600 } } ?? []
        page.chart(SVGChart(title: "Provisioned replicas (ready + starting)", xLabel: from, yLabel: "replicas", x: [0] + binHours,
                            series: plans.map { n, v in
                                .init(name: n, color: colors[n]!, values: [v.replicaSeries.first.map { $0.ready + $0.starting } ?? 0]
                                        + v.replicaSeries.map { $0.ready + $0.starting }, step: true)
                            } + [.init(name: "needed (capacity curve)", color: "#222", values: stepValues(r.needs, at: [0] + binHours, interval: load.interval), step: true)]))
        page.heading("Latency percentiles over time")
        let limit: (Double, String)? = sla.targets.compactMap { t -> (Double, String)? in
            if case .latency(_, _, let s) = t { return (s, SLA(targets: [t]).description) }
            return nil
        }.first
        // TTFT against the SLA bound per plan; end-to-end (seconds of
        // streaming, on another scale) for all plans in one chart.
        for (n, v) in plans {
            page.chart(SVGChart(title: "\(n): TTFT per interval", xLabel: from, yLabel: "seconds", x: hours,
                                series: [.init(name: "TTFT p50", color: "#8ecae6", values: v.intervals.map { $0.ttft[0] }),
                                         .init(name: "TTFT p99", color: "#1d5fa8", values: v.intervals.map { $0.ttft[2] })],
                                reference: limit.map { (value: $0.0, label: $0.1) }))
        }
        page.chart(SVGChart(title: "End-to-end p99 per interval", xLabel: from, yLabel: "seconds", x: hours,
                            series: plans.map { n, v in .init(name: n, color: colors[n]!, values: v.intervals.map { $0.e2e[2] }) }))
        if plans.contains(where: { !$0.1.p99TtftParts.isEmpty }) {
            page.heading("Where the p99 TTFT went")
            for (n, v) in plans where !v.p99TtftParts.isEmpty {
                page.chart(AttributionChart(title: "\(n): p99 TTFT per interval, by part", hours: hours, width: load.interval / 3600,
                                            parts: v.p99TtftParts, xLabel: from))
                if let e = v.worstExplanation {
                    page.paragraph("\(n), worst interval (\(zone.format(load.origin + e.start)) to \(zone.format(load.origin + e.end)), "
                                   + "\(e.target) = \(NumberFormatting.targetValue(e.value, named: e.target, in: sla))): "
                                   + "\(e.diagnosis). Lever: \(e.lever).")
                }
            }
        }
        page.heading("SLA attainment per interval")
        page.chart(AttainmentStrip(title: "Intervals where every target held", hours: hours, width: load.interval / 3600, xLabel: from,
                                   rows: plans.map { n, v in
                                       .init(name: n, cells: v.intervals.map { o in
                                           let time = zone.format(load.origin + o.start)
                                           let missed = sla.targets.indices.filter { $0 < o.met.count && !o.met[$0] }
                                           return (o.slaMet, o.slaMet ? "\(time): every target met"
                                                   : "\(time): missed " + missed.map { "\(SLA(targets: [sla.targets[$0]]).description) = \(NumberFormatting.targetValue(o.values[$0], of: sla.targets[$0]))" }.joined(separator: ", "))
                                       })
                                   }))
        page.table(header: ["plan", "intervals", "met", "closest call (start)", "target", "value there"], rows: plans.map { n, v in
            let w = v.worstInterval(sla: sla)
            return [n, String(v.intervals.count), String(v.intervals.filter(\.slaMet).count),
                    w.map { zone.format(load.origin + v.intervals[$0.index].start) } ?? "",
                    w.map { v.targets[$0.target] } ?? "", w.map { NumberFormatting.targetValue(v.intervals[$0.index].values[$0.target], of: sla.targets[$0.target]) } ?? ""]
        })
        return page.render()
    }

    /// Per-interval needs sampled at times given in hours (step semantics).
    static func stepValues(_ needs: [Int], at hours: [Double], interval: Double) -> [Double] {
        hours.map { h in Double(needs[min(needs.count - 1, max(0, Int((h * 3600 / interval).rounded(.down))))]) }
    }
}

import CapacityPlanning
import Foundation
import ServingModel
import Workload

/// The terminal summaries of `headroom plan` and `plan backtest`
/// (`--format table`); their JSON forms are ``StaticPlanReport/document``,
/// ``PlanDocument`` and ``BacktestReport``.
package enum PlanSummary {
    static func f(_ x: Double) -> String { NumberFormatting.short(x) }

    /// The back-test's verdict and per-day table; `seconds` is its wall time.
    package static func backtest(_ r: Backtest.Result, history: String, trainDays: Int, testDays: Int, seconds: Double) -> String {
        let hours = r.rows.count
        let share = Double(r.intervalsMet) / Double(max(hours, 1))
        var head = TextTable(header: ["back-test", (history as NSString).lastPathComponent], alignNumbers: false)
        head.append(["split", "plan from days 1–\(trainDays), replay days \(trainDays + 1)–\(trainDays + testDays)"])
        head.append(["forecast", "\(r.method), p\(f(r.quantile * 100))"])
        head.append(["SLA held", "\(r.intervalsMet)/\(hours) intervals (\(f(share * 100))%; bar 95%) \(share >= 0.95 ? "PASS" : "FAIL")"])
        head.append(["GPU-hours", "schedule \(f(r.scheduleGpuHours)), oracle \(f(r.oracleGpuHours)): \(f(r.gpuHoursRatio))x (bar 1.25x) \(r.gpuHoursRatio <= 1.25 ? "PASS" : "FAIL")"])
        head.append(["corrections", "\(r.corrections) round(s) on the forecast"])
        head.append(["time", "\(f(seconds)) s"])
        var t = TextTable(header: ["day", "hours met", "actual req/s (mean)", "planned req/s (mean)", "replica-h", "oracle replica-h"])
        let perDay = max(1, r.rows.count / max(testDays, 1))
        for d in 0..<testDays {
            let rows = r.rows[(d * perDay)..<min(r.rows.count, (d + 1) * perDay)]
            guard let first = rows.first else { continue }
            t.append([String(first.start.prefix(10)), "\(rows.filter(\.slaMet).count)/\(rows.count)",
                      f(rows.reduce(0) { $0 + $1.actualRate } / Double(rows.count)),
                      f(rows.reduce(0) { $0 + $1.plannedRate } / Double(rows.count)),
                      String(rows.reduce(0) { $0 + $1.replicas }), String(rows.reduce(0) { $0 + $1.oracleReplicas })])
        }
        return head.render() + "\n\n" + t.render()
    }
}

extension PlanSummary {
    /// The ten-second summary of a horizon plan: its load, capacity curve,
    /// and each plan (static, schedule, autoscaler) with its verification,
    /// GPU-hours and cost; `output` is the directory of its files, if written.
    package static func horizon(_ d: PlanDocument, result r: HorizonPlanner.Result, load: PlanLoad, sla: SLA, scenario: String, output: String?,
                                warnings: [String] = []) -> String {
        let hours = Double(r.rates.count) * r.interval / 3600
        func att(_ k: String) -> String {
            guard let a = d.verification.attainment[k] else { return "" }
            return a >= 1 ? "SLA met in every interval" : "SLA met in \(f(a * 100))% of intervals — FAILED verification"
        }
        var head = TextTable(header: ["plan", scenario], alignNumbers: false)
        head.append(["load", load.source])
        head.append(["horizon", "\(r.rates.count) intervals of \(NumberFormatting.duration(r.interval)) from \(load.zone.format(load.origin))"])
        head.append(["design load", "peak \(f(d.designRate)) req/s (planned × \(f(load.headroom)) headroom)"])
        head.append(["SLA", sla.description])
        head.append(["capacity", r.curve.points.map { "\($0.replicas)→\(f($0.maxRate))/s" }.joined(separator: ", ") + " (simulated)"])
        head.append(["verdict", d.verification.slaMet ? "every plan verified by simulating the horizon" : "NOT every plan holds the SLA: see below"])
        var t = TextTable(header: ["plan", "replicas", "verification", "GPU-hours", "cost", "saving vs static"])
        let c = d.cost
        let price = c.map { $0.staticGpuHours > 0 ? $0.staticCost / $0.staticGpuHours : 0 }
        func money(_ h: Double?) -> String { guard let h, let c, let price else { return "" }; return "\(c.currency) \(f(h * price))" }
        func saving(_ h: Double?) -> String {
            guard let h, let c, c.staticGpuHours > 0 else { return "" }
            let pct = (1 - h / c.staticGpuHours) * 100
            let text = NumberFormatting.fixed(abs(pct), decimals: 1) + "%"
            return pct >= 0 ? text : text + " more"
        }
        if let s = d.static, let v = r.staticPlan {
            t.append(["static", "\(s.replicas) (\(NumberFormatting.count(s.gpus, "GPU")))" + (v.corrections > 0 ? ", +\(NumberFormatting.count(v.corrections, "correction"))" : ""), att("static"),
                      c.map { f($0.staticGpuHours) } ?? "", money(c?.staticGpuHours), "—"])
        }
        if let v = r.schedule {
            let counts = v.plan.map(\.replicas)
            t.append(["schedule", "\(NumberFormatting.range(counts.min()!, counts.max()!)), \(v.plan.count) step\(v.plan.count == 1 ? "" : "s"), rises \(NumberFormatting.duration(r.lead)) early"
                        + (v.corrections > 0 ? ", \(v.corrections) correction round\(v.corrections == 1 ? "" : "s")" : ""),
                      att("schedule"), c.map { f($0.scheduleGpuHours) } ?? "", money(c?.scheduleGpuHours), saving(c?.scheduleGpuHours)])
        }
        if let a = d.autoscaler, let v = r.autoscaler {
            t.append(["autoscaler", "\(a.kind.uppercased()) \(a.minReplicas)–\(a.maxReplicas), \(a.metric) target \(f(a.target))"
                        + (v.corrections > 0 ? ", \(v.corrections) correction round\(v.corrections == 1 ? "" : "s")" : "")
                        + (a.costsMoreThanStatic ? ", COSTS MORE THAN STATIC" : ""),
                      att("autoscaler"), c.map { f($0.autoscaledGpuHours) } ?? "", money(c?.autoscaledGpuHours), saving(c?.autoscaledGpuHours)])
        }
        var text = head.render() + "\n\n" + t.render()
        for warning in warnings { text += "\nwarning: \(warning)" }
        text += WorstIntervalLines.text(d, sla: sla)
        if let a = d.autoscaler, a.candidates.count > 1 {
            text += "\nautoscalers tried: " + a.candidates.map {
                "\($0.metric) \(f($0.target))\($0.declared ? " (the scenario's)" : "") " + ($0.slaMet ? "\(f($0.gpuHours)) GPU-h" : "missed")
            }.joined(separator: ", ")
        }
        if let c = d.cost, let per = c.perMillionTokens, !per.isEmpty {
            let parts = ["static", "schedule", "autoscaler"].compactMap { k in
                per[k].map { t in
                    "\(k) \(t.perMillionInput.map { f($0) } ?? "–") in / \(t.perMillionOutput.map { f($0) } ?? "–") out"
                }
            }
            text += "\n\(c.currency) per million tokens served within the SLA: " + parts.joined(separator: "; ")
        }
        if let c = d.cost, let p = c.pricePerGpuHour {
            text += "\nprice: \(c.currency) \(f(p))/GPU-hour from \(c.priceSource ?? "the hardware profile")"
        }
        if let rec = d.recommended {
            text += "\nrecommended: \(rec.plan), \(rec.reason)"
        } else if d.autoscaler != nil || !d.schedule.isEmpty {
            text += "\nrecommended: none: no plan met the SLA"
        }
        if let w = d.verification.worstInterval {
            text += "\n\nclosest call: \(w.plan), \(w.start)–\(w.end.dropFirst(11)): \(w.target) = \(NumberFormatting.targetValue(w.value, named: w.target, in: sla))\(w.met ? " (held)" : " (MISSED)")"
        }
        text += "\nover \(f(hours)) h" + (output.map { "; files in \($0)/ (report.html opens offline)" } ?? "")
        return text
    }
}

extension PlanSummary {
    /// A static plan at one peak rate: design load, replicas, verdict and
    /// cost, then each target's value and the replica counts tried, then
    /// the scenario's `warnings` (what its profile does not cover).
    package static func staticPlan(_ o: StaticPlanReport, warnings: [String] = []) -> String {
        func f(_ x: Double) -> String { NumberFormatting.significant(x, digits: 4) }
        var head = TextTable(header: ["plan", o.scenario], alignNumbers: false)
        head.append(["design load", "\(f(o.designRate)) req/s = peak \(f(o.peakRate)) req/s × \(f(o.headroom))"])
        head.append(["SLA", o.sla])
        if let s = o.static {
            head.append(["replicas", "\(s.replicas) (\(NumberFormatting.count(s.gpus, "GPU"))), by \(o.method == "erlang_c" ? "Erlang C, verified by simulation" : "simulation")"])
            head.append(["verified", o.verification.slaMet
                ? "every target holds at \(f(o.verification.confidence * 100))% confidence over \(o.verification.replications) replications"
                : "NOT met by simulation at this size (see the targets below)"])
        } else {
            let largest = o.evaluations.map(\.replicas).max() ?? 0
            head.append(["replicas", "UNREACHABLE: adding replicas stopped improving the targets below; their best values (at \(largest) replicas) are shown"])
        }
        if let c = o.cost {
            head.append(["cost", "\(f(c.staticGpuHoursPerDay)) GPU-hours/day, \(c.currency) \(f(c.staticCostPerDay))/day"])
        }
        var t = TextTable(header: ["target", "mean", "bound", "met"])
        for v in o.verification.attainment {
            t.append([v.target, f(v.mean), f(v.bound), v.met ? "yes" : "no"])
        }
        var tried = TextTable(header: ["replicas tried", "met"])
        for e in o.evaluations { tried.append([String(e.replicas), e.met ? "yes" : "no"]) }
        return head.render() + "\n\n" + t.render() + "\n\n" + tried.render() + warnings.map { "\nwarning: \($0)" }.joined()
    }
}

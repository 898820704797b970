import CapacityPlanning
import Foundation
import Report
import Workload

/// Terminal summaries of plans and back-tests.
enum PlanSummary {
    static func f(_ x: Double) -> String { NumberFormatting.significant(x, digits: 4) }

    /// The back-test's verdict and per-day table.
    static func backtest(_ r: Backtest.Result, history: String, trainDays: Int, testDays: Int, seconds: Double) -> String {
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
            t.append([String(LoadSeriesCSV.formatISO8601(first.start).prefix(10)), "\(rows.filter(\.slaMet).count)/\(rows.count)",
                      f(rows.reduce(0) { $0 + $1.actualRate } / Double(rows.count)),
                      f(rows.reduce(0) { $0 + $1.plannedRate } / Double(rows.count)),
                      String(rows.reduce(0) { $0 + $1.replicas }), String(rows.reduce(0) { $0 + $1.oracleReplicas })])
        }
        return head.render() + "\n\n" + t.render()
    }
}

import Foundation

/// The fidelity comparison as a terminal table: one line per stage,
/// measured → predicted (APE) for TTFT p50/p90, E2E mean and the decode
/// step, then the summary.
package enum FidelityTable {
    /// The table.
    package static func render(_ r: FidelityBenchmark.Report) -> String {
        var out = "Fidelity on \(r.gpu): measured → predicted (absolute % error)\n"
        out += "efficiencies: \(r.efficiencyBasis)\n\n"
        let header = ["experiment", "stage", "rate", "TTFT p50", "TTFT p90", "E2E mean", "step", "failures"]
        var rows: [[String]] = [header]
        for s in r.stages {
            func cell(_ key: String, ms: Bool) -> String {
                guard let m = s.measured[key] else { return "-" }
                let p = s.predicted[key]
                let f: (Double) -> String = ms ? { String(format: "%.1f ms", $0 * 1000) } : { String(format: "%.2f s", $0) }
                let ape = s.ape[key].map { String(format: " (%.0f%%)", $0 * 100) } ?? ""
                return "\(f(m)) → \(p.map(f) ?? "-")\(ape)"
            }
            let failures = "\(Int(s.measured.failures ?? 0)) → \(Int(s.predicted.failures ?? 0))"
            rows.append([s.experiment, "\(s.stage)\(s.overloaded ? " overload" : "")", String(format: "%g/s", s.rate),
                         cell("ttft_p50", ms: true), cell("ttft_p90", ms: true), cell("e2e_mean", ms: false),
                         cell("step_time", ms: true), failures])
        }
        var widths = [Int](repeating: 0, count: header.count)
        for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        for row in rows {
            out += row.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces) + "\n"
        }
        let s = r.summary
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
        out += "\nOver \(s.stages) stages not in overload: median APE "
        out += "TTFT p50 \(pct(s.medianAPE.ttftP50)), p90 \(pct(s.medianAPE.ttftP90)), E2E mean \(pct(s.medianAPE.e2eMean)), step \(pct(s.medianAPE.stepTime)); "
        out += "max APE E2E mean \(pct(s.maxAPE.e2eMean)), TTFT p90 \(pct(s.maxAPE.ttftP90))\n"
        out += overloadLine(r.stages)
        return out
    }

    /// Whether the stages in overload (requests failed in the run) failed
    /// in the replay too, naming those that did not: the one regime the
    /// summary's medians leave out, and where a generated profile is
    /// optimistic. Empty when no stage was in overload.
    static func overloadLine(_ stages: [FidelityBenchmark.Stage]) -> String {
        let overloaded = stages.filter(\.overloaded)
        guard !overloaded.isEmpty else { return "" }
        let missed = overloaded.filter { ($0.predicted.failures ?? 0) == 0 }
        var line = "Over \(overloaded.count) stage\(overloaded.count == 1 ? "" : "s") in overload: the replay failed requests in \(overloaded.count - missed.count) of them, as the run did"
        if !missed.isEmpty {
            line += "; NOT reproduced (measured failures → none predicted): "
                + missed.map { "\($0.experiment) stage \($0.stage) (\(Int($0.measured.failures ?? 0)) → 0)" }.joined(separator: ", ")
                + ". Near saturation, treat the predicted capacity as optimistic (docs/profiles.md, \"Overload\")"
        }
        return line + "\n"
    }
}

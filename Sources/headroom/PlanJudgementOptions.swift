import ArgumentParser
import Scenario
import ServingModel
import Workload

/// The flags every plan command shares: the load factor, the SLA and how
/// surely each target must hold.
struct PlanJudgementOptions: ParsableArguments {
    @Option(help: "Factor applied to the load, e.g. 3x (plan for three times the load).")
    var headroom: String = "3x"
    @Option(help: "SLA targets, all of which must hold, e.g. \"p95_ttft<=2s,p99_tpot<=150ms,error_rate<=0.1%\" (mean, p50, p90, p95, p99 or p999 of ttft, tpot, e2e or queue_wait; error_rate<=, availability>=, goodput>=). \"default\" is availability>=99.95%,p99_ttft<=500ms,error_rate<=0.1%.")
    var sla: String = "default"
    @Option(help: "One-sided confidence that each target holds, in (0.5, 1).")
    var confidence: Double = 0.95
    @Option(help: "Independent simulations per candidate size (count, at least 2; the same random numbers for every size).")
    var replications: Int = 4
    @Option(name: .customLong("load-scale"), help: "Factor from the history's counts to the simulated cluster's load, e.g. 0.05 (default 1).")
    var loadScale: Double = 1

    /// The headroom factor (validated).
    var factor: Double { Units.multiplier(headroom)! }

    func validate() throws {
        try ServingRunOptions.checkFactor(headroom, flag: "--headroom")
        guard confidence > 0.5 && confidence < 1 else { throw ValidationError("--confidence must lie in (0.5, 1), got \(confidence)") }
        // Each replication is a whole simulation per candidate size.
        guard (2...1000).contains(replications) else { throw ValidationError("--replications: expected from 2 to 1000, got \(replications)") }
        guard loadScale > 0, loadScale <= ServingLimits.maxFactor else {
            throw ValidationError("--load-scale: expected a factor > 0 and at most 1000000, got \(loadScale)")
        }
    }
}

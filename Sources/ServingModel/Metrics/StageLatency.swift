import SimulationCore

/// Outcomes and latencies of the requests that arrived in one load stage
/// (`workload.arrivals.process: constant`), every request counted, warm-up
/// or not, as inference-perf reports a stage.
package struct StageLatency: Sendable {
    /// Requests that arrived in the stage.
    package var arrivals = 0
    /// Served to the last token.
    package var completed = 0
    /// Refused, failed, timed out or cancelled.
    package var failed = 0
    /// Queue wait.
    package var queueWait = LogHistogram()
    /// Time to first token.
    package var ttft = LogHistogram()
    /// Time per output token after the first.
    package var tpot = LogHistogram()
    /// End to end.
    package var e2e = LogHistogram()

    /// Empty.
    package init() {}
}

import SimulationCore

/// Per-interval counts and gauges for notebooks (`--timeseries FILE.csv`).
package struct TimeSeries: Sendable {
    /// Bin width (s).
    package let interval: Double
    /// Arrivals per bin (all, measured or not).
    package var offered: TimeBinnedCounter
    /// Completions per bin.
    package var completed: TimeBinnedCounter
    /// Rejections per bin.
    package var rejected: TimeBinnedCounter
    /// Queue timeouts per bin.
    package var timedOut: TimeBinnedCounter
    /// Output tokens completed per bin.
    package var outputTokens: TimeBinnedCounter
    /// Sum of TTFT of completions per bin (for the bin mean).
    package var ttftSum: TimeBinnedCounter
    /// Sum of e2e latency of completions per bin.
    package var e2eSum: TimeBinnedCounter
    /// Completions meeting the SLO per bin.
    package var good: TimeBinnedCounter
    /// Requests waiting at each bin's end.
    package var waiting: [Double] = []
    /// Requests running at each bin's end.
    package var running: [Double] = []
    /// Fraction of KV blocks in use at each bin's end.
    package var kvUse: [Double] = []
    /// Busy replicas at each bin's end.
    package var busy: [Double] = []
    /// Ready replicas at each bin's end.
    package var ready: [Double] = []
    /// Starting (cold) replicas at each bin's end.
    package var starting: [Double] = []
    /// Desired replicas (autoscaler or schedule) at each bin's end.
    package var desired: [Double] = []
    /// Requests lost to replica failures per bin.
    package var failed: TimeBinnedCounter
    /// Failed (crashed, not yet restarted) replicas at each bin's end.
    package var failedReplicas: [Double] = []
    /// GPU-hours provisioned since the start, at each bin's end.
    package var gpuHours: [Double] = []
    /// `(max − min)/mean` of requests held by the ready replicas at each
    /// bin's end (0 with fewer than two, or none held).
    package var imbalance: [Double] = []
    /// Busy replica-time over ready replica-time within each bin (nil
    /// where no replica was ready): the bin's utilisation, as a CPU
    /// percentage over a scrape interval.
    package var utilization: [Double?] = []
    /// Predictive scaling's replica floor at each bin's end (empty without it).
    package var predictedReplicas: [Double] = []
    /// Predictive scaling's forecast rate (requests/s) for the interval
    /// holding each bin's end (empty without it).
    package var forecastRate: [Double] = []

    /// Empty series.
    package init(interval: Double) {
        self.interval = interval
        offered = TimeBinnedCounter(width: interval)
        completed = TimeBinnedCounter(width: interval)
        rejected = TimeBinnedCounter(width: interval)
        timedOut = TimeBinnedCounter(width: interval)
        outputTokens = TimeBinnedCounter(width: interval)
        ttftSum = TimeBinnedCounter(width: interval)
        e2eSum = TimeBinnedCounter(width: interval)
        good = TimeBinnedCounter(width: interval)
        failed = TimeBinnedCounter(width: interval)
    }
}

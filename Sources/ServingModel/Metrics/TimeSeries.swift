import SimulationCore

/// Per-interval counts and gauges for notebooks (`--timeseries FILE.csv`).
public struct TimeSeries: Sendable {
    /// Bin width (s).
    public let interval: Double
    /// Arrivals per bin (all, measured or not).
    public var offered: TimeBinnedCounter
    /// Completions per bin.
    public var completed: TimeBinnedCounter
    /// Rejections per bin.
    public var rejected: TimeBinnedCounter
    /// Queue timeouts per bin.
    public var timedOut: TimeBinnedCounter
    /// Output tokens completed per bin.
    public var outputTokens: TimeBinnedCounter
    /// Sum of TTFT of completions per bin (for the bin mean).
    public var ttftSum: TimeBinnedCounter
    /// Sum of e2e latency of completions per bin.
    public var e2eSum: TimeBinnedCounter
    /// Completions meeting the SLO per bin.
    public var good: TimeBinnedCounter
    /// Requests waiting at each bin's end.
    public var waiting: [Double] = []
    /// Requests running at each bin's end.
    public var running: [Double] = []
    /// Fraction of KV blocks in use at each bin's end.
    public var kvUse: [Double] = []
    /// Busy replicas at each bin's end.
    public var busy: [Double] = []
    /// Ready replicas at each bin's end.
    public var ready: [Double] = []
    /// Starting (cold) replicas at each bin's end.
    public var starting: [Double] = []
    /// Desired replicas (autoscaler or schedule) at each bin's end.
    public var desired: [Double] = []
    /// Requests lost to replica failures per bin.
    public var failed: TimeBinnedCounter
    /// Failed (crashed, not yet restarted) replicas at each bin's end.
    public var failedReplicas: [Double] = []
    /// GPU-hours provisioned since the start, at each bin's end.
    public var gpuHours: [Double] = []
    /// `(max − min)/mean` of requests held by the ready replicas at each
    /// bin's end (0 with fewer than two, or none held).
    public var imbalance: [Double] = []
    /// Busy replica-time over ready replica-time within each bin (nil
    /// where no replica was ready): the bin's utilisation, as a CPU
    /// percentage over a scrape interval.
    public var utilization: [Double?] = []
    /// Predictive scaling's replica floor at each bin's end (empty without it).
    public var predictedReplicas: [Double] = []
    /// Predictive scaling's forecast rate (requests/s) for the interval
    /// holding each bin's end (empty without it).
    public var forecastRate: [Double] = []

    /// Empty series.
    public init(interval: Double) {
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

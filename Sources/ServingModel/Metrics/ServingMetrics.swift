import SimulationCore

/// What a serving run records: per-request latencies of measured requests,
/// outcome counters, utilisation integrals, and per-interval time series.
/// Memory is fixed (histograms) plus one small record per time bin.
public struct ServingMetrics: Sendable {
    /// Queue wait: arrival to first scheduled.
    public var queueWait = LogHistogram()
    /// Time to first token: arrival to first output token.
    public var ttft = LogHistogram()
    /// Time per output token after the first: (e2e − ttft)/(output − 1).
    public var tpot = LogHistogram()
    /// End-to-end latency: arrival to last token.
    public var e2e = LogHistogram()
    /// Measured arrivals.
    public var offered = 0
    /// Measured completions.
    public var completed = 0
    /// Measured rejections (full queue, or a request that can never fit).
    public var rejected = 0
    /// Measured queue timeouts.
    public var timedOut = 0
    /// Measured requests lost when their replica failed.
    public var failed = 0
    /// Measured requests withdrawn or aborted after their client gave up
    /// (`client.cancel_on_give_up`).
    public var cancelled = 0
    /// KV-cache transfers from prefill to decode replicas (measured requests).
    public var kvTransfers = 0
    /// Their summed duration (s).
    public var kvTransferSeconds = 0.0
    /// Replicas provisioned (starting, ready or draining) over time.
    public var provisioned = TimeWeightedAverage(start: 0)
    /// Output tokens of measured completions.
    public var outputTokens = 0
    /// Measured completions meeting the SLO targets.
    public var goodCompletions = 0
    /// Time of the last completion (s).
    public var lastCompletion = 0.0
    /// Preemptions (KV cache exhausted) during the measured window.
    public var preemptions = 0
    /// Number of busy replicas over time (utilisation numerator).
    public var busyReplicas = TimeWeightedAverage(start: 0)
    /// KV blocks in use over time, all replicas.
    public var kvBlocksInUse = TimeWeightedAverage(start: 0)
    /// Per-interval series.
    public var series: TimeSeries
    /// Measured completions in completion order, when
    /// ``ServingConfiguration/recordRequests`` is set.
    public var completions: [CompletedRequest] = []
    /// Latencies of completions by the interval they arrived in, when
    /// ``ServingConfiguration/latencyByArrivalInterval`` is set.
    public var byArrival: [ArrivalIntervalLatency] = []
    /// User-request and gateway metrics (nil without a client layer or gateway).
    public var client: ClientMetrics?
    /// Batch means of queue waits over the measured window.
    public var queueWaitBatches: TimeBatchMeans
    /// Batch means of end-to-end latency over the measured window.
    public var e2eBatches: TimeBatchMeans

    /// Empty metrics with time bins of `interval` seconds, measuring
    /// `[warmup, duration)`.
    public init(interval: Double, warmup: Double, duration: Double) {
        series = TimeSeries(interval: interval)
        queueWaitBatches = TimeBatchMeans(start: warmup, end: duration)
        e2eBatches = TimeBatchMeans(start: warmup, end: duration)
    }
}

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

/// Latency histograms of the completions that arrived in one interval.
public struct ArrivalIntervalLatency: Sendable {
    /// Queue wait.
    public var queueWait = LogHistogram()
    /// Time to first token.
    public var ttft = LogHistogram()
    /// Time per output token (requests of more than one output token).
    public var tpot = LogHistogram()
    /// End to end.
    public var e2e = LogHistogram()
    /// Completions meeting the scenario's `slo`.
    public var good = 0

    /// Empty histograms.
    public init() {}
}

/// One measured completion.
public struct CompletedRequest: Sendable, Equatable {
    /// Arrival time (s).
    public var arrival: Double
    /// Prompt tokens.
    public var prompt: Int
    /// Output tokens.
    public var output: Int
    /// Replica that served it.
    public var replica: Int
    /// Queue wait (s).
    public var queueWait: Double
    /// Time to first token (s).
    public var ttft: Double
    /// End-to-end latency (s).
    public var e2e: Double
}

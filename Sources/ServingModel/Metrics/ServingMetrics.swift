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
    /// Their summed duration (s), waits for the link included.
    public var kvTransferSeconds = 0.0
    /// Their summed waits for a shared link (s).
    public var kvTransferWaitSeconds = 0.0
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

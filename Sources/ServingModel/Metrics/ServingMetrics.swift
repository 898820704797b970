import SimulationCore

/// What a serving run records: per-request latencies of measured requests,
/// outcome counters, utilisation integrals, and per-interval time series.
/// Memory is fixed (histograms) plus one small record per time bin.
package struct ServingMetrics: Sendable {
    /// Queue wait: arrival to first scheduled.
    package var queueWait = LogHistogram()
    /// Time to first token: arrival to first output token.
    package var ttft = LogHistogram()
    /// Time per output token after the first: (e2e − ttft)/(output − 1).
    package var tpot = LogHistogram()
    /// End-to-end latency: arrival to last token.
    package var e2e = LogHistogram()
    /// Measured arrivals.
    package var offered = 0
    /// Measured completions.
    package var completed = 0
    /// Measured rejections (full queue, or a request that can never fit).
    package var rejected = 0
    /// Of ``rejected``: requests whose prompt + max_tokens exceed the
    /// profile's `max_model_len`, refused at once with HTTP 400 as vLLM does.
    package var rejectedTooLong = 0
    /// Measured queue timeouts.
    package var timedOut = 0
    /// Measured requests lost when their replica failed.
    package var failed = 0
    /// Measured requests withdrawn or aborted after their client gave up
    /// (`client.cancel_on_give_up`).
    package var cancelled = 0
    /// KV-cache transfers from prefill to decode replicas (measured requests).
    package var kvTransfers = 0
    /// Their summed duration (s), waits for the link included.
    package var kvTransferSeconds = 0.0
    /// Their summed waits for a shared link (s).
    package var kvTransferWaitSeconds = 0.0
    /// Replicas provisioned (starting, ready or draining) over time.
    package var provisioned = TimeWeightedAverage(start: 0)
    /// Output tokens of measured completions.
    package var outputTokens = 0
    /// Measured completions meeting the SLO targets.
    package var goodCompletions = 0
    /// Time of the last completion (s).
    package var lastCompletion = 0.0
    /// Preemptions (KV cache exhausted) during the measured window.
    package var preemptions = 0
    /// Number of busy replicas over time (utilisation numerator).
    package var busyReplicas = TimeWeightedAverage(start: 0)
    /// KV blocks in use over time, all replicas.
    package var kvBlocksInUse = TimeWeightedAverage(start: 0)
    /// Per-interval series.
    package var series: TimeSeries
    /// Measured completions in completion order, when
    /// ``ServingConfiguration/recordRequests`` is set.
    package var completions: [CompletedRequest] = []
    /// Latencies of completions by the interval they arrived in, when
    /// ``ServingConfiguration/latencyByArrivalInterval`` is set.
    package var byArrival: [ArrivalIntervalLatency] = []
    /// What the prefix caches did (all zero without prefix caching).
    package var prefixCache = PrefixCacheCounts()
    /// Where completions spent their time and why others failed, when
    /// ``ServingConfiguration/attribution`` is set.
    package var attribution: Attribution?
    /// Per load stage of a `constant` arrival process (empty otherwise).
    package var stages: [StageLatency] = []
    /// User-request and gateway metrics (nil without a client layer or gateway).
    package var client: ClientMetrics?
    /// Batch means of queue waits over the measured window.
    package var queueWaitBatches: TimeBatchMeans
    /// Batch means of end-to-end latency over the measured window.
    package var e2eBatches: TimeBatchMeans

    /// Empty metrics with time bins of `interval` seconds, measuring
    /// `[warmup, duration)`.
    package init(interval: Double, warmup: Double, duration: Double) {
        series = TimeSeries(interval: interval)
        queueWaitBatches = TimeBatchMeans(start: warmup, end: duration)
        e2eBatches = TimeBatchMeans(start: warmup, end: duration)
    }
}

/// Latency histograms of the completions that arrived in one interval.
package struct ArrivalIntervalLatency: Sendable {
    /// Queue wait.
    package var queueWait = LogHistogram()
    /// Time to first token.
    package var ttft = LogHistogram()
    /// Time per output token (requests of more than one output token).
    package var tpot = LogHistogram()
    /// End to end.
    package var e2e = LogHistogram()
    /// Completions meeting the scenario's `slo`.
    package var good = 0

    /// Empty histograms.
    package init() {}
}

/// One measured completion.
package struct CompletedRequest: Sendable, Equatable {
    /// Arrival time (s).
    package var arrival: Double
    /// Prompt tokens.
    package var prompt: Int
    /// Output tokens.
    package var output: Int
    /// Replica that served it.
    package var replica: Int
    /// Queue wait (s).
    package var queueWait: Double
    /// Time to first token (s).
    package var ttft: Double
    /// End-to-end latency (s).
    package var e2e: Double
}

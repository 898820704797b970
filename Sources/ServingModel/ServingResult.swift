/// The outcome of a serving run, as `headroom simulate --format json`
/// prints it (keys in snake_case).
public struct ServingResult: Sendable, Encodable {
    /// Scenario name.
    public var scenario: String
    /// Seed used.
    public var seed: UInt64
    /// Simulated seconds.
    public var simulatedSeconds: Double
    /// Measured window (simulated seconds after warm-up).
    public var measuredSeconds: Double
    /// Wall-clock seconds of the run.
    public var wallSeconds: Double
    /// Events fired.
    public var events: Int
    /// Request outcomes in the measured window.
    public var requests: RequestCounts
    /// Latency summaries (s).
    public var latencySeconds: Latencies
    /// Throughput in the measured window.
    public var throughput: Throughput
    /// Completions per second meeting every SLO target (every completion
    /// when the scenario sets no `slo:`).
    public var goodputRequestsPerSecond: Double
    /// Share of completions meeting every SLO target; nil (absent from the
    /// JSON) when the scenario sets no `slo:`.
    public var sloAttainment: Double?
    /// Busy replica-time over provisioned replica-time. A continuous-batching
    /// replica counts as busy while any sequence runs, so near 100% is normal
    /// there: read ``batchOccupancy`` and ``kvCacheUtilization`` instead.
    public var utilization: Double
    /// Mean fraction of KV-cache blocks in use (continuous batching).
    public var kvCacheUtilization: Double
    /// How full the continuous-batching replicas ran (nil for other policies).
    public var batchOccupancy: BatchOccupancy?
    /// Whether the measured requests piled up faster than they finished.
    public var overload: Overload
    /// Preemptions (KV cache exhausted) in the measured window.
    public var preemptions: Int
    /// Replica counts and GPU time.
    public var cluster: Cluster

    /// Sequences running on a continuous-batching replica, sampled at every
    /// time-series interval of the measured window.
    public struct BatchOccupancy: Sendable, Encodable {
        /// Mean sequences running per ready replica.
        public var meanRunningSequences: Double
        /// The replica's cap (`replicas.batching.max_num_seqs`).
        public var maxNumSeqs: Int
        /// `meanRunningSequences / maxNumSeqs`.
        public var occupancy: Double
        /// Highest sampled share of the provisioned KV-cache blocks in use.
        public var peakKVCacheUse: Double
    }

    /// The backlog test: a stable system ends a run with about λ·W measured
    /// requests in flight (Little's law: throughput × mean end-to-end
    /// latency); an overloaded one ends with a backlog that grows with the
    /// run's length, so its latency figures describe a transient, not a
    /// steady state.
    public struct Overload: Sendable, Encodable {
        /// Measured requests still in the system at the end.
        public var unfinished: Int
        /// What a stable system would hold: throughput × mean end-to-end latency.
        public var expectedInFlight: Double
        /// `unfinished` exceeds max(10, 2% of the admitted requests,
        /// expectedInFlight + 3·√expectedInFlight).
        public var overloaded: Bool

        /// Applies the test to a run's counts.
        public init(unfinished: Int, admitted: Int, throughput: Double, meanLatency: Double) {
            self.unfinished = unfinished
            expectedInFlight = throughput * meanLatency
            let bound = max(10, 0.02 * Double(admitted), expectedInFlight + 3 * expectedInFlight.squareRoot())
            overloaded = Double(unfinished) > bound
        }
    }

    /// What the cluster provisioned.
    public struct Cluster: Sendable, Encodable {
        /// Mean replicas provisioned (starting, ready, draining or failed).
        public var meanReplicas: Double
        /// Most replicas provisioned at once.
        public var peakReplicas: Double
        /// GPU-hours of the measured window (provisioned replicas × GPUs per replica).
        public var gpuHours: Double
    }

    /// 95% confidence intervals of the mean latencies (30 time batches).
    public var confidence: Confidence

    /// Confidence intervals of means.
    public struct Confidence: Sendable, Encodable {
        /// Mean queue wait.
        public var queueWaitMean: Interval
        /// Mean end-to-end latency.
        public var e2eMean: Interval
    }

    /// A two-sided interval.
    public struct Interval: Sendable, Encodable {
        /// Point estimate.
        public var mean: Double
        /// Half-width.
        public var halfWidth: Double
        /// Confidence level.
        public var level: Double
    }

    /// Outcome counts.
    public struct RequestCounts: Sendable, Encodable {
        /// Arrivals.
        public var offered: Int
        /// Served to the last token.
        public var completed: Int
        /// Refused (full queue, or too large to ever fit).
        public var rejected: Int
        /// Gave up waiting (queue timeout).
        public var timedOut: Int
        /// Lost when their replica failed, or answered with an injected
        /// error (`cluster.faults.errors`).
        public var failed: Int
        /// Withdrawn from a queue or aborted on a replica after their
        /// client gave up (`client.cancel_on_give_up`).
        public var cancelled: Int
        /// Still in flight when the run ended.
        public var unfinished: Int
    }

    /// The four latencies.
    public struct Latencies: Sendable, Encodable {
        /// Arrival to first scheduled.
        public var queueWait: LatencySummary
        /// Arrival to first token.
        public var ttft: LatencySummary
        /// Time per output token after the first.
        public var tpot: LatencySummary
        /// Arrival to last token.
        public var e2e: LatencySummary
    }

    /// Throughput.
    public struct Throughput: Sendable, Encodable {
        /// Completions per second.
        public var requestsPerSecond: Double
        /// Output tokens of completions per second.
        public var outputTokensPerSecond: Double
    }

    /// What users saw, when a client layer or gateway is configured:
    /// user requests (calls) against attempts, and how each ended.
    public var clients: Clients?
    /// KV-cache transfers of a prefill/decode split, when there is one.
    public var kvTransfers: KVTransfers? = nil

    /// Prefill-to-decode KV-cache transfers.
    public struct KVTransfers: Sendable, Encodable {
        /// Transfers of measured requests.
        public var count: Int
        /// Their mean duration (s), the wait for the link included.
        public var meanSeconds: Double
        /// Their mean wait for the prefill replica's link (s).
        public var meanWaitSeconds: Double
    }

    /// Predictive scaling's forecasts, when it ran.
    public var predictive: Predictive? = nil
    /// The scenario's alerting rules, evaluated over the whole run
    /// (empty: none).
    public var alerts: [AlertRule.Outcome] = []

    /// How predictive scaling's forecasts went.
    public struct Predictive: Sendable, Encodable {
        /// Forecasts made.
        public var refreshes: Int
        /// Refreshes skipped (too little history, or the forecaster failed).
        public var skipped: Int
        /// Why the last skipped one was skipped.
        public var lastSkip: String?
        /// Whole intervals of the run that had a forecast and arrivals.
        public var intervalsScored: Int
        /// Mean absolute percentage error of those forecasts against the
        /// arrivals counted (the forecast in force when the interval began).
        public var forecastMAPE: Double?
        /// Mean of the planned replica floor over the scored intervals.
        public var meanPlannedReplicas: Double?
    }

    /// User-request outcomes (measured window).
    public struct Clients: Sendable, Encodable {
        /// User requests.
        public var userRequests: Int
        /// Attempts sent (first tries, retries, hedges).
        public var attempts: Int
        /// Retries among the attempts.
        public var retries: Int
        /// Hedges among the attempts.
        public var hedges: Int
        /// Gateway retries of the attempts (sends the client never saw).
        public var gatewayRetries: Int
        /// Gateway retries refused by the retry breaker.
        public var gatewayRetryOverflows: Int
        /// Attempts the gateway's route timeout ended.
        public var routeTimeouts: Int
        /// Tries the gateway's per-try timeout reset (retried or answered 504).
        public var gatewayPerTryTimeouts: Int
        /// Attempts that waited at the gateway for a connection.
        public var pendingWaits: Int
        /// Attempts refused (503) because the gateway's pending list was full.
        public var pendingOverflows: Int
        /// Attempts per user request that was sent (cache hits excluded).
        public var amplification: Double
        /// User requests served by the service.
        public var served: Int
        /// User requests answered by the cache.
        public var cacheHits: Int
        /// Cache hits over user requests.
        public var cacheHitRate: Double
        /// User requests answered by a fallback.
        public var fallbacks: Int
        /// User requests that ended in an error.
        public var failed: Int
        /// User requests abandoned at their deadline or the user's patience.
        public var abandoned: Int
        /// Share of user requests served (service or cache) within their deadline.
        public var availability: Double
        /// Attempts answered 429.
        public var status429: Int
        /// Attempts answered with a 5xx (503, 502, the route and per-try timeouts' 504).
        public var status503: Int
        /// Attempts lost to connection errors.
        public var connectionErrors: Int
        /// Attempts the client timed out.
        public var attemptTimeouts: Int
        /// Attempts refused by the open breaker.
        public var breakerRejections: Int
        /// Replica completions nobody was waiting for any more.
        public var wastedCompletions: Int
        /// User-perceived latency of served user requests, retries included.
        public var latencySeconds: LatencySummary

        /// The summary of `m`.
        public init(_ m: ClientMetrics) {
            userRequests = m.userRequests
            attempts = m.attempts
            retries = m.retries
            hedges = m.hedges
            gatewayRetries = m.gatewayRetries
            gatewayRetryOverflows = m.gatewayRetryOverflows
            routeTimeouts = m.routeTimeouts
            gatewayPerTryTimeouts = m.gatewayPerTryTimeouts
            pendingWaits = m.pendingWaits
            pendingOverflows = m.pendingOverflows
            amplification = m.amplification
            served = m.served
            cacheHits = m.cacheHits
            cacheHitRate = m.userRequests > 0 ? Double(m.cacheHits) / Double(m.userRequests) : 0
            fallbacks = m.fallbacks
            failed = m.failed
            abandoned = m.abandoned
            availability = m.availability
            status429 = m.status429
            status503 = m.status503
            connectionErrors = m.connectionErrors
            attemptTimeouts = m.attemptTimeouts
            breakerRejections = m.breakerRejections
            wastedCompletions = m.wastedCompletions
            latencySeconds = LatencySummary(m.latency)
        }
    }
}

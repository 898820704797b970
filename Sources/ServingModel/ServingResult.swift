/// The outcome of a serving run, as `headroom simulate --format json`
/// prints it (keys in snake_case).
package struct ServingResult: Sendable, Encodable {
    /// Scenario name.
    package var scenario: String
    /// Seed used.
    package var seed: UInt64
    /// Simulated seconds.
    package var simulatedSeconds: Double
    /// Measured window (simulated seconds after warm-up).
    package var measuredSeconds: Double
    /// Wall-clock seconds of the run.
    package var wallSeconds: Double
    /// Events fired.
    package var events: Int
    /// Request outcomes in the measured window.
    package var requests: RequestCounts
    /// Latency summaries (s).
    package var latencySeconds: Latencies
    /// Throughput in the measured window.
    package var throughput: Throughput
    /// Completions per second meeting every SLO target (every completion
    /// when the scenario sets no `slo:`).
    package var goodputRequestsPerSecond: Double
    /// Share of completions meeting every SLO target; nil (absent from the
    /// JSON) when the scenario sets no `slo:`.
    package var sloAttainment: Double?
    /// Busy replica-time over provisioned replica-time. A continuous-batching
    /// replica counts as busy while any sequence runs, so near 100% is normal
    /// there: read ``batchOccupancy`` and ``kvCacheUtilization`` instead.
    package var utilization: Double
    /// Mean fraction of KV-cache blocks in use (continuous batching).
    package var kvCacheUtilization: Double
    /// How full the continuous-batching replicas ran (nil for other policies).
    package var batchOccupancy: BatchOccupancy?
    /// Whether the measured requests piled up faster than they finished.
    package var overload: Overload
    /// Preemptions (KV cache exhausted) in the measured window.
    package var preemptions: Int
    /// Replica counts and GPU time.
    package var cluster: Cluster

    /// Sequences running on a continuous-batching replica, sampled at every
    /// time-series interval of the measured window.
    package struct BatchOccupancy: Sendable, Encodable {
        /// Mean sequences running per ready replica.
        package var meanRunningSequences: Double
        /// The replica's cap (`replicas.batching.max_num_seqs`).
        package var maxNumSeqs: Int
        /// `meanRunningSequences / maxNumSeqs`.
        package var occupancy: Double
        /// Highest sampled share of the provisioned KV-cache blocks in use.
        package var peakKVCacheUse: Double
    }

    /// The backlog test: a stable system ends a run with about λ·W measured
    /// requests in flight (Little's law: throughput × mean end-to-end
    /// latency); an overloaded one ends with a backlog that grows with the
    /// run's length, so its latency figures describe a transient, not a
    /// steady state.
    package struct Overload: Sendable, Encodable {
        /// Measured requests still in the system at the end.
        package var unfinished: Int
        /// What a stable system would hold: throughput × mean end-to-end latency.
        package var expectedInFlight: Double
        /// `unfinished` exceeds max(10, 2% of the admitted requests,
        /// expectedInFlight + 3·√expectedInFlight).
        package var overloaded: Bool

        /// Applies the test to a run's counts.
        package init(unfinished: Int, admitted: Int, throughput: Double, meanLatency: Double) {
            self.unfinished = unfinished
            expectedInFlight = throughput * meanLatency
            let bound = max(10, 0.02 * Double(admitted), expectedInFlight + 3 * expectedInFlight.squareRoot())
            overloaded = Double(unfinished) > bound
        }
    }

    /// What the cluster provisioned.
    package struct Cluster: Sendable, Encodable {
        /// Mean replicas provisioned (starting, ready, draining or failed).
        package var meanReplicas: Double
        /// Most replicas provisioned at once.
        package var peakReplicas: Double
        /// GPU-hours of the measured window (provisioned replicas × GPUs per replica).
        package var gpuHours: Double
    }

    /// 95% confidence intervals of the mean latencies (30 time batches).
    package var confidence: Confidence

    /// Confidence intervals of means.
    package struct Confidence: Sendable, Encodable {
        /// Mean queue wait.
        package var queueWaitMean: Interval
        /// Mean end-to-end latency.
        package var e2eMean: Interval
    }

    /// A two-sided interval.
    package struct Interval: Sendable, Encodable {
        /// Point estimate.
        package var mean: Double
        /// Half-width.
        package var halfWidth: Double
        /// Confidence level.
        package var level: Double
    }

    /// Outcome counts.
    package struct RequestCounts: Sendable, Encodable {
        /// Arrivals.
        package var offered: Int
        /// Served to the last token.
        package var completed: Int
        /// Refused (full queue, too large to ever fit, longer than the context).
        package var rejected: Int
        /// Of `rejected`: refused with HTTP 400 because prompt + max_tokens
        /// exceed the profile's `max_model_len` (vLLM's rule); absent when none.
        package var rejectedTooLong: Int? = nil
        /// Gave up waiting (queue timeout).
        package var timedOut: Int
        /// Lost when their replica failed, or answered with an injected
        /// error (`cluster.faults.errors`).
        package var failed: Int
        /// Withdrawn from a queue or aborted on a replica after their
        /// client gave up (`client.cancel_on_give_up`).
        package var cancelled: Int
        /// Still in flight when the run ended.
        package var unfinished: Int
    }

    /// The four latencies.
    package struct Latencies: Sendable, Encodable {
        /// Arrival to first scheduled.
        package var queueWait: LatencySummary
        /// Arrival to first token.
        package var ttft: LatencySummary
        /// Time per output token after the first.
        package var tpot: LatencySummary
        /// Arrival to last token.
        package var e2e: LatencySummary
    }

    /// Throughput.
    package struct Throughput: Sendable, Encodable {
        /// Completions per second.
        package var requestsPerSecond: Double
        /// Output tokens of completions per second.
        package var outputTokensPerSecond: Double
    }

    /// What users saw, when a client layer or gateway is configured:
    /// user requests (calls) against attempts, and how each ended.
    package var clients: Clients?
    /// KV-cache transfers of a prefill/decode split, when there is one.
    package var kvTransfers: KVTransfers? = nil

    /// Prefill-to-decode KV-cache transfers.
    package struct KVTransfers: Sendable, Encodable {
        /// Transfers of measured requests.
        package var count: Int
        /// Their mean duration (s), the wait for the link included.
        package var meanSeconds: Double
        /// Their mean wait for the prefill replica's link (s).
        package var meanWaitSeconds: Double
    }

    /// What the prefix caches did, with `replicas.batching.prefix_caching`.
    package var prefixCache: PrefixCache? = nil
    /// Per load stage, with `workload.arrivals.process: constant`.
    package var stages: [Stage]? = nil
    /// The multi-turn chat sessions, with `workload.shared_prefix.multi_turn`.
    package var conversations: ConversationSummary? = nil

    /// What the multi-turn conversations did (rounds that arrived after the
    /// warm-up).
    package struct ConversationSummary: Sendable, Encodable {
        /// Conversations (one per shared-prefix prompt).
        package var count: Int
        /// Rounds sent.
        package var rounds: Int
        /// Of those, rounds that waited for their conversation's previous
        /// round to end (the client's latency starts at the send).
        package var heldRounds: Int
        /// Their mean and longest wait (s; 0 when none waited).
        package var meanHoldSeconds: Double
        package var maxHoldSeconds: Double
        /// The longest prompt sent (tokens): the system prompt, the answered
        /// rounds carried, the question.
        package var longestPrompt: Int
    }

    /// vLLM automatic prefix caching's effect (from the end of the warm-up).
    package struct PrefixCache: Sendable, Encodable {
        /// `hitTokens / promptTokens`.
        package var hitRate: Double
        /// Prompt tokens of requests admitted (first admissions).
        package var promptTokens: Int
        /// Of those, tokens found cached.
        package var hitTokens: Int
        /// Prefill tokens skipped, re-admissions after preemption included.
        package var savedPrefillTokens: Int
        /// Cached blocks evicted.
        package var evictions: Int

        /// The summary of `c`.
        package init(_ c: PrefixCacheCounts) {
            hitRate = c.promptTokens > 0 ? Double(c.hitTokens) / Double(c.promptTokens) : 0
            promptTokens = c.promptTokens
            hitTokens = c.hitTokens
            savedPrefillTokens = c.savedPrefillTokens
            evictions = c.evictions
        }
    }

    /// One load stage: the requests that arrived in it, every one counted.
    package struct Stage: Sendable, Encodable {
        /// Requested rate (requests/s).
        package var rate: Double
        /// Stage duration (s).
        package var duration: Double
        /// When the stage's schedule starts (s).
        package var start: Double
        /// Requests that arrived in it.
        package var arrivals: Int
        /// Served to the last token.
        package var completed: Int
        /// Refused, failed, timed out or cancelled.
        package var failed: Int
        /// Latencies of its completions.
        package var queueWait: LatencySummary
        package var ttft: LatencySummary
        package var tpot: LatencySummary
        package var e2e: LatencySummary
    }

    /// Predictive scaling's forecasts, when it ran.
    package var predictive: Predictive? = nil
    /// The scenario's alerting rules, evaluated over the whole run
    /// (empty: none).
    package var alerts: [AlertRule.Outcome] = []

    /// How predictive scaling's forecasts went.
    package struct Predictive: Sendable, Encodable {
        /// Forecasts made.
        package var refreshes: Int
        /// Refreshes skipped (too little history, or the forecaster failed).
        package var skipped: Int
        /// Why the last skipped one was skipped.
        package var lastSkip: String?
        /// Whole intervals of the run that had a forecast and arrivals.
        package var intervalsScored: Int
        /// Mean absolute percentage error of those forecasts against the
        /// arrivals counted (the forecast in force when the interval began).
        package var forecastMAPE: Double?
        /// Mean of the planned replica floor over the scored intervals.
        package var meanPlannedReplicas: Double?
    }

    /// User-request outcomes (measured window).
    package struct Clients: Sendable, Encodable {
        /// User requests.
        package var userRequests: Int
        /// Attempts sent (first tries, retries, hedges).
        package var attempts: Int
        /// Retries among the attempts.
        package var retries: Int
        /// Hedges among the attempts.
        package var hedges: Int
        /// Gateway retries of the attempts (sends the client never saw).
        package var gatewayRetries: Int
        /// Gateway retries refused by the retry breaker.
        package var gatewayRetryOverflows: Int
        /// Attempts the gateway's route timeout ended.
        package var routeTimeouts: Int
        /// Tries the gateway's per-try timeout reset (retried or answered 504).
        package var gatewayPerTryTimeouts: Int
        /// Attempts that waited at the gateway for a connection.
        package var pendingWaits: Int
        /// Attempts refused (503) because the gateway's pending list was full.
        package var pendingOverflows: Int
        /// Attempts per user request that was sent (cache hits excluded).
        package var amplification: Double
        /// User requests served by the service.
        package var served: Int
        /// User requests answered by the cache.
        package var cacheHits: Int
        /// Cache hits over user requests.
        package var cacheHitRate: Double
        /// User requests answered by a fallback.
        package var fallbacks: Int
        /// User requests that ended in an error.
        package var failed: Int
        /// User requests abandoned at their deadline or the user's patience.
        package var abandoned: Int
        /// Share of user requests served (service or cache) within their deadline.
        package var availability: Double
        /// Attempts answered 429.
        package var status429: Int
        /// Attempts answered with a 5xx (503, 502, the route and per-try timeouts' 504).
        package var status503: Int
        /// Attempts lost to connection errors.
        package var connectionErrors: Int
        /// Attempts the client timed out.
        package var attemptTimeouts: Int
        /// Attempts refused by the open breaker.
        package var breakerRejections: Int
        /// Replica completions nobody was waiting for any more.
        package var wastedCompletions: Int
        /// User-perceived latency of served user requests, retries included.
        package var latencySeconds: LatencySummary

        /// The summary of `m`.
        package init(_ m: ClientMetrics) {
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

import SimulationCore

/// What users and the gateway see when a client layer or gateway is
/// configured: user requests against attempts, how each ended, and the
/// dynamics per interval (offered vs admitted vs served, 429/503/timeouts,
/// retries and amplification, breaker state, cache hits, availability).
package struct ClientMetrics: Sendable {
    /// Measured user requests.
    package var userRequests = 0
    /// Attempts sent for measured user requests (first tries, retries, hedges).
    package var attempts = 0
    /// Retries among them.
    package var retries = 0
    /// Hedges among them.
    package var hedges = 0
    /// Gateway (Envoy route) retries of those attempts: sends to a replica
    /// the client never saw.
    package var gatewayRetries = 0
    /// Gateway retries refused by the gateway's retry breaker
    /// (`upstream_rq_retry_overflow`): the failure went to the client.
    package var gatewayRetryOverflows = 0
    /// Attempts the gateway's route timeout ended (504 before the first
    /// token, a reset stream after it).
    package var routeTimeouts = 0
    /// Tries the gateway's per-try timeout reset (Envoy's
    /// `upstream_rq_per_try_timeout`; retried or answered 504).
    package var gatewayPerTryTimeouts = 0
    /// Attempts that waited at the gateway for a connection to their
    /// replica (`max_connections` reached).
    package var pendingWaits = 0
    /// Attempts refused with a 503 because `max_pending_requests` were
    /// already waiting (`upstream_rq_pending_overflow`).
    package var pendingOverflows = 0
    /// User requests answered by the service before their deadline.
    package var served = 0
    /// User requests answered from the cache.
    package var cacheHits = 0
    /// User requests answered by a fallback (marked response or smaller model).
    package var fallbacks = 0
    /// User requests that ended in an error (retries exhausted or refused).
    package var failed = 0
    /// User requests whose deadline or patience ran out.
    package var abandoned = 0
    /// Attempts answered 429 by a rate limit.
    package var status429 = 0
    /// Attempts answered with a 5xx: 503 (queue full, queue timeout,
    /// overload gate, a full pending list, shed, or no healthy replica), 502
    /// (connect failure) and the route timeout's 504.
    package var status503 = 0
    /// Attempts lost to a connection error (replica crash, partition).
    package var connectionErrors = 0
    /// Attempts the client stopped waiting for (per-try timeout).
    package var attemptTimeouts = 0
    /// Attempts refused by an open circuit breaker.
    package var breakerRejections = 0
    /// Attempts completed by a replica after the client gave up on them.
    package var wastedCompletions = 0
    /// User-perceived latency of served user requests (s), retries included.
    package var latency = LogHistogram()
    /// Per-interval series.
    package var series: ClientSeries

    /// Empty metrics with bins of `interval` seconds.
    package init(interval: Double) {
        series = ClientSeries(interval: interval)
    }

    /// Share of user requests served by the service within their deadline
    /// (cache hits count as served; fallbacks do not).
    package var availability: Double {
        userRequests > 0 ? Double(served + cacheHits) / Double(userRequests) : 1
    }

    /// Attempts per user request that reached the client's send path.
    package var amplification: Double {
        let sent = userRequests - cacheHits
        return sent > 0 ? Double(attempts) / Double(sent) : 0
    }
}

/// Per-interval client and gateway counts (`--timeseries` columns).
package struct ClientSeries: Sendable {
    /// User requests per bin.
    package var userRequests: TimeBinnedCounter
    /// Attempts sent per bin.
    package var attempts: TimeBinnedCounter
    /// Retries sent per bin.
    package var retries: TimeBinnedCounter
    /// Attempts admitted past the gateway (rate limits, gates, shedding) per bin.
    package var admitted: TimeBinnedCounter
    /// User requests served per bin (by the service or the cache).
    package var served: TimeBinnedCounter
    /// Cache hits per bin.
    package var cacheHits: TimeBinnedCounter
    /// Fallback answers per bin.
    package var fallbacks: TimeBinnedCounter
    /// User requests failed per bin.
    package var failed: TimeBinnedCounter
    /// User requests abandoned per bin.
    package var abandoned: TimeBinnedCounter
    /// 429 answers per bin.
    package var status429: TimeBinnedCounter
    /// 503 answers per bin.
    package var status503: TimeBinnedCounter
    /// Per-try timeouts and connection errors per bin.
    package var attemptErrors: TimeBinnedCounter
    /// Breaker state at each bin's end: 0 closed, 0.5 half-open, 1 open.
    package var breakerState: [Double] = []
    /// Calls in flight at each bin's end.
    package var callsInFlight: [Double] = []

    init(interval: Double) {
        userRequests = TimeBinnedCounter(width: interval)
        attempts = TimeBinnedCounter(width: interval)
        retries = TimeBinnedCounter(width: interval)
        admitted = TimeBinnedCounter(width: interval)
        served = TimeBinnedCounter(width: interval)
        cacheHits = TimeBinnedCounter(width: interval)
        fallbacks = TimeBinnedCounter(width: interval)
        failed = TimeBinnedCounter(width: interval)
        abandoned = TimeBinnedCounter(width: interval)
        status429 = TimeBinnedCounter(width: interval)
        status503 = TimeBinnedCounter(width: interval)
        attemptErrors = TimeBinnedCounter(width: interval)
    }
}

extension ClientSeries {
    /// Served over user requests that ended in bin `b` (served, fallback,
    /// failed or abandoned; `served` counts cache hits), nil when none ended.
    package func availability(inBin b: Int) -> Double? {
        let served = self.served.value(inBin: b)
        let ended = served + fallbacks.value(inBin: b) + failed.value(inBin: b) + abandoned.value(inBin: b)
        return ended > 0 ? served / ended : nil
    }
}

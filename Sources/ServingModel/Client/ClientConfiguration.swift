import SimulationCore

/// How the callers of the service behave (docs/mechanisms.md#client, with
/// each mechanism's primary source): open or closed loop, concurrency limit,
/// deadlines, abandonment, retries with their throttles, hedging, a
/// circuit breaker, a response cache and a fallback.
///
/// A *user request* (a call) is what a person or program asks for; each
/// send of it to the gateway is an *attempt*. Availability counts user
/// requests served within their deadline; amplification is attempts per
/// user request.
package struct ClientConfiguration: Sendable {
    /// Where user requests come from.
    package enum Loop: Sendable, Equatable {
        /// The workload's arrival processes (users do not wait for answers).
        case open
        /// `users` users, each sending its next request `think` seconds
        /// after the previous one ended (answered, failed or abandoned):
        /// a synchronous client whose offered load falls as latency grows.
        case closed(users: Int, think: Distribution)
    }

    /// What a user gets when every attempt failed or the breaker is open.
    package enum Fallback: Sendable, Equatable {
        /// A marked fallback response (a canned answer, a degraded page)
        /// after `latency` seconds; counted as served by fallback, not as
        /// available.
        case response(latency: Double)
        /// Route user requests to a smaller model once 503s (or timeouts)
        /// have persisted for `after` seconds without a success; its
        /// answers take `latency` and count as served by fallback.
        case smallerModel(after: Double, latency: Distribution)

        /// A fallback response's latency unless given (at once).
        package static let defaultResponseLatency = 0.0
    }

    /// A response cache in front of the client.
    package struct Cache: Sendable, Equatable {
        /// The cache itself (LRU, with a TTL).
        package var cache: ResponseCache
        /// Popularity of request keys (Zipf); the hit rate emerges from it.
        package var keys: ZipfKeys
        /// Latency of a hit (s).
        package var hitLatency: Double

        /// A hit's latency unless given (1 ms).
        package static let defaultHitLatency = 0.001

        /// A cache.
        package init(cache: ResponseCache, keys: ZipfKeys, hitLatency: Double = defaultHitLatency) {
            self.cache = cache
            self.keys = keys
            self.hitLatency = hitLatency
        }
    }

    /// Open or closed loop.
    package var loop: Loop = .open
    /// Most attempts in flight at once over all users (a semaphore); a user
    /// request beyond it waits, FIFO, client-side (nil: no limit).
    package var concurrencyLimit: Int?
    /// Per-attempt timeout (s): the client stops waiting for that attempt.
    package var perTryTimeout: Double?
    /// Overall deadline (s) of a user request, covering every attempt and
    /// backoff (the SDK's `timeout`, Envoy's route timeout, gRPC's deadline).
    package var overallTimeout: Double?
    /// User patience: each user request is abandoned after a draw from this
    /// distribution unless served first (nil: users wait for the deadline).
    package var patience: Distribution?
    /// Retry rules (default: no retries).
    package var retry: RetryPolicy = .noRetries
    /// gRPC retry throttling (blocks retries and hedges while low).
    package var throttle: RetryThrottle?
    /// Envoy retry budget (concurrent retries ≤ max(min, % of active)).
    package var budget: RetryBudget?
    /// Hedging: another attempt each `hedgeDelay` seconds while none has
    /// answered, up to `retry.maxAttempts` in all (gRPC `hedgingDelay`).
    package var hedgeDelay: Double?
    /// Client-side circuit breaker.
    package var breaker: CircuitBreaker?
    /// Response cache.
    package var cache: Cache?
    /// Degradation when the service fails.
    package var fallback: Fallback?
    /// What becomes of an attempt the client gave up on (per-try timeout,
    /// deadline, abandonment).
    package enum Cancellation: String, Sendable, Equatable {
        /// Nothing: an HTTP server learns of a closed connection only when
        /// it writes the response, so the work is still done (and wasted),
        /// the engine of retry storms. The default.
        case none
        /// Withdrawn while still queued, never scheduled.
        case queued
        /// Also aborted once scheduled, as vLLM aborts a request whose
        /// client disconnected (the engine frees its KV blocks at its next
        /// step; a sequence in the iteration in progress leaves when the
        /// iteration ends). Needs continuous batching.
        case running
    }
    /// What becomes of an attempt the client gave up on.
    package var cancelOnGiveUp = Cancellation.none
    /// The `max_tokens` every request sends (nil: none). Generation stops
    /// there, and rate limits reserve it: token quotas count the prompt plus
    /// `max_tokens`, output-token quotas reserve it at admission and give
    /// back what was not generated when the attempt ends. Without it the
    /// reservation is the request's actual output.
    package var maxTokens: Int?

    /// A client with no resilience settings: open loop, no deadline, no
    /// retries.
    package init() {}

    /// Checks every setting, and combinations that make no sense (a retry
    /// budget or throttle without retries, hedging without attempts to
    /// hedge with, a per-try timeout beyond the deadline), naming the first
    /// bad one by its scenario key (`client.retry.backoff.cap`).
    package func validate() throws(ServingModelError) {
        let path = "client"
        if case .closed(let users, let think) = loop {
            try ServingModelError.check(users >= 1, path + ".users", users, "an integer >= 1")
            try ServingModelError.check(think.parameterProblem == nil, path + ".think", think.parameterProblem ?? "", "a valid distribution")
        }
        if let c = concurrencyLimit { try ServingModelError.check(c >= 1, path + ".concurrency", c, "an integer >= 1") }
        if let m = maxTokens { try ServingModelError.check(m >= 1, path + ".max_tokens", m, "an integer >= 1") }
        if let t = perTryTimeout { try ServingModelError.check(t > 0, path + ".per_try_timeout", t, "a duration > 0") }
        if let t = overallTimeout { try ServingModelError.check(t > 0, path + ".timeout", t, "a duration > 0") }
        if let t = perTryTimeout, let o = overallTimeout {
            try ServingModelError.check(t <= o, path + ".per_try_timeout", t, "at most client.timeout (\(o) s): the deadline covers every attempt")
        }
        try retry.validate(at: path + ".retry")
        let retries = retry.maxAttempts > 1
        if let throttle {
            try throttle.validate(at: path + ".retry_throttle")
            try ServingModelError.check(retries || hedgeDelay != nil, path + ".retry_throttle", "set",
                                        "retries (client.retry.max_attempts > 1) or hedging to throttle")
        }
        if let budget {
            try budget.validate(at: path + ".retry_budget")
            try ServingModelError.check(retries, path + ".retry_budget", "set", "retries to budget (client.retry.max_attempts > 1)")
        }
        if let h = hedgeDelay {
            try ServingModelError.check(h > 0, path + ".hedge_delay", h, "a duration > 0")
            try ServingModelError.check(retries, path + ".hedge_delay", h, "client.retry.max_attempts > 1 (hedges are extra attempts)")
        }
        switch breaker {
        case .hystrix(let b)?: try b.validate(at: path + ".breaker")
        case .resilience4j(let b)?: try b.validate(at: path + ".breaker")
        case nil: break
        }
        if let cache {
            try cache.cache.validate(at: path + ".cache")
            try cache.keys.validate(at: path + ".cache")
            try ServingModelError.check(cache.hitLatency >= 0, path + ".cache.hit_latency", cache.hitLatency, "a duration >= 0")
        }
        switch fallback {
        case .response(let l)?: try ServingModelError.check(l >= 0, path + ".fallback.latency", l, "a duration >= 0")
        case .smallerModel(let after, let l)?:
            try ServingModelError.check(after >= 0, path + ".fallback.after", after, "a duration >= 0")
            try ServingModelError.check(l.parameterProblem == nil, path + ".fallback.latency", l.parameterProblem ?? "", "a valid distribution")
        case nil: break
        }
    }
}

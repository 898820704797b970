import SimulationCore

/// Envoy's route retry policy at the gateway (`router_filter.rst`,
/// `circuit_breaker.proto` [src]; docs/mechanisms.md#route-retries): an upstream answer the
/// policy retries is not passed to the client; the gateway sends the
/// attempt to a replica again after `U[0, (2^n − 1)·25 ms)` (capped at
/// 250 ms), up to `num_retries` times, while its retry breaker allows
/// (`max_retries`, 3 retries in flight, or a retry budget). The client sees
/// one attempt, so SDK retries multiply with these. An optional
/// `per_try_timeout` bounds each try until its answer starts, and the
/// `previous_hosts` predicate steers retries away from the hosts tried.
package struct GatewayRetryPolicy: Sendable, Equatable {
    /// Envoy `retry_on` conditions.
    package enum Condition: String, Sendable, CaseIterable {
        /// Any 5xx, and no answer at all (reset, connect failure).
        case fiveXX = "5xx"
        /// 502, 503 or 504, and no answer at all.
        case gatewayError = "gateway-error"
        /// The connection was reset after it was made (a replica crash).
        case reset
        /// No connection could be made (a replica down or cut off).
        case connectFailure = "connect-failure"
        /// The statuses in `retriableStatusCodes`.
        case retriableStatusCodes = "retriable-status-codes"
    }
    /// Retries after the first try (`num_retries`, default 1).
    package var numRetries = 1
    /// What is retried.
    package var retryOn: Set<Condition> = [.fiveXX]
    /// Statuses for `retriable-status-codes`.
    package var retriableStatusCodes: Set<Int> = []
    /// Backoff base interval (25 ms).
    package var baseInterval = 0.025
    /// Backoff cap (10 × base: 250 ms; see ``defaultMaxInterval(base:)``).
    package var maxInterval = 0.25
    /// The retry breaker: `max_retries` (3 in flight) as a budget of 0%, or
    /// a retry budget.
    package var breaker = RetryBudget(budgetPercent: 0, minRetryConcurrency: 3)
    /// Envoy's `per_try_timeout` (s; nil: none, Envoy's default): each try,
    /// from the moment it has a connection to its replica, must start its
    /// answer within it, or the gateway resets it and retries it as a
    /// reset (`5xx`, `gateway-error`, `reset`), else answers 504.
    package var perTryTimeout: Double?
    /// Envoy's `previous_hosts` retry host predicate: a retry's host pick is
    /// redone, up to `hostSelectionRetryMaxAttempts` times, while it lands
    /// on a host an earlier try of the attempt went to; the last pick stands.
    package var previousHosts = false
    /// Envoy's `host_selection_retry_max_attempts` (default 1): re-picks
    /// after the first, under a retry host predicate.
    package var hostSelectionRetryMaxAttempts = 1

    /// A policy with Envoy's defaults.
    package init() {}

    /// Envoy's back-off cap when only the base is given: 10 × `base`.
    package static func defaultMaxInterval(base: Double) -> Double { 10 * base }

    /// Checks the settings, naming the first bad one by its scenario key
    /// below `path`, the policy's mapping (`gateway.retry`).
    package func validate(at path: String = "gateway.retry") throws(ServingModelError) {
        try ServingModelError.check(numRetries >= 1, path + ".num_retries", numRetries, "an integer >= 1")
        try ServingModelError.check(!retryOn.isEmpty, path + ".retry_on", "[]",
                                    "one or more of " + Condition.allCases.map(\.rawValue).joined(separator: ", "))
        try ServingModelError.check(!retryOn.contains(.retriableStatusCodes) || !retriableStatusCodes.isEmpty,
                                    path + ".retriable_status_codes", "[]", "the statuses retriable-status-codes retries")
        try ServingModelError.check(baseInterval > 0, path + ".base_interval", baseInterval, "a duration > 0")
        try ServingModelError.check(maxInterval >= baseInterval, path + ".max_interval", maxInterval,
                                    "a duration >= base_interval (\(baseInterval) s)")
        try ServingModelError.check((0...100).contains(hostSelectionRetryMaxAttempts), path + ".host_selection_retry_max_attempts",
                                    hostSelectionRetryMaxAttempts, "an integer in 0...100")
        if let t = perTryTimeout {
            try ServingModelError.check(t > 0 && t.isFinite, path + ".per_try_timeout", t, "a duration > 0")
        }
        // A budget of 0% is the plain breaker, stated as max_retries.
        if breaker.budgetPercent == 0 {
            try ServingModelError.check(breaker.minRetryConcurrency >= 0, path + ".max_retries", breaker.minRetryConcurrency, "an integer >= 0")
        } else {
            try breaker.validate(at: path + ".retry_budget")
        }
    }

    /// Whether a try the per-try timeout reset is retried: Envoy counts the
    /// reset as a 5xx, so `5xx`, `gateway-error` and `reset` retry it
    /// (`connect-failure` and `retriable-status-codes` do not).
    package var retriesPerTryTimeouts: Bool {
        !retryOn.isDisjoint(with: [.fiveXX, .gatewayError, .reset])
    }

    /// Whether the policy retries `outcome`. Connection failures and resets
    /// are both `.connectionError` here: any of `5xx`, `gateway-error`,
    /// `reset` or `connect-failure` retries them.
    package func retries(_ outcome: AttemptOutcome) -> Bool {
        switch outcome {
        case .connectionError:
            return !retryOn.isDisjoint(with: [.fiveXX, .gatewayError, .reset, .connectFailure])
        case .timeout:
            return false
        case .response(let status, _, _):
            if retryOn.contains(.fiveXX) && status >= 500 { return true }
            if retryOn.contains(.gatewayError) && (502...504).contains(status) { return true }
            return retryOn.contains(.retriableStatusCodes) && retriableStatusCodes.contains(status)
        }
    }

    /// The wait before retry number `n` (1 for the first):
    /// `U[0, min((2^n − 1)·base, max))`.
    package func backoff(retry n: Int, _ rng: inout RandomStream) -> Double {
        let ceiling = min(Double((1 << min(n, 30)) - 1) * baseInterval, maxInterval)
        return rng.nextUniform() * ceiling
    }
}

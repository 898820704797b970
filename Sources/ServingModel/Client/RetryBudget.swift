/// Envoy's retry budget (`circuit_breaker.proto` `RetryBudget` [src],
/// https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/cluster/v3/circuit_breaker.proto):
/// a retry may start only while the retries in flight are fewer
/// than `max(min_retry_concurrency, budget_percent × (active + pending
/// requests))`, defaults 3 and 20%. With `budgetPercent = 0` it is Envoy's
/// plain `max_retries` breaker (default 3 concurrent retries).
package struct RetryBudget: Sendable, Equatable {
    /// Share of active plus pending requests that may be retries, in percent (20).
    package let budgetPercent: Double
    /// Concurrent retries always allowed (`min_retry_concurrency`, 3).
    package let minRetryConcurrency: Int
    /// Retries now in flight.
    package private(set) var activeRetries = 0

    /// Envoy's default `budget_percent` (20%).
    package static let defaultBudgetPercent = 20.0
    /// Envoy's default `min_retry_concurrency` (3).
    package static let defaultMinRetryConcurrency = 3

    /// A budget with Envoy's defaults unless given.
    package init(budgetPercent: Double = defaultBudgetPercent, minRetryConcurrency: Int = defaultMinRetryConcurrency) {
        self.budgetPercent = budgetPercent
        self.minRetryConcurrency = minRetryConcurrency
    }

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the budget's mapping (`client.retry_budget` or
    /// `gateway.retry.retry_budget`).
    package func validate(at path: String = "client.retry_budget") throws(ServingModelError) {
        try ServingModelError.check(budgetPercent >= 0 && budgetPercent <= 100, path + ".budget_percent", "\(budgetPercent)%",
                                    "a percentage from 0% to 100%")
        try ServingModelError.check(minRetryConcurrency >= 0, path + ".min_retry_concurrency", minRetryConcurrency, "an integer >= 0")
    }

    /// Concurrent retries allowed with `activeRequests` active plus pending requests.
    package func limit(activeRequests: Int) -> Double {
        max(Double(minRetryConcurrency), budgetPercent / 100 * Double(activeRequests))
    }

    /// Starts a retry if the budget allows it; `false` means the retry is
    /// refused (Envoy counts it as `upstream_rq_retry_overflow`).
    package mutating func tryStartRetry(activeRequests: Int) -> Bool {
        guard Double(activeRetries) < limit(activeRequests: activeRequests) else { return false }
        activeRetries += 1
        return true
    }

    /// Reports that a retry started by ``tryStartRetry(activeRequests:)`` ended.
    package mutating func retryFinished() {
        activeRetries -= 1
    }
}

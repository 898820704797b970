/// The verdict of a rate limiter on one request.
///
/// A rejection carries the seconds after which the same request would be
/// admitted if nothing else arrived: what a gateway puts in `Retry-After`
/// (seconds) or `retry-after-ms` of its `429 Too Many Requests` (Envoy's
/// local rate limit answers 429 with `x-envoy-ratelimited`,
/// `local_rate_limit_filter.rst` [src]; differs from the source: Envoy's 429
/// carries no `Retry-After`). `.infinity` means the request can never be
/// admitted (its cost exceeds the limiter's capacity).
package enum RateLimitDecision: Sendable, Equatable {
    /// The request may pass; its cost has been charged.
    case admit
    /// The request is refused; retrying after `retryAfter` seconds would pass.
    case reject(retryAfter: Double)

    /// Whether the request was admitted.
    package var isAdmitted: Bool {
        if case .admit = self { return true }
        return false
    }

    /// The wait to report with a 429, or `nil` when admitted.
    package var retryAfter: Double? {
        if case .reject(let wait) = self { return wait }
        return nil
    }
}

/// A sliding-window-counter rate limiter: at most `limit` units per
/// `window` seconds, estimated from two fixed windows.
///
/// Time is cut into fixed windows `[k·window, (k+1)·window)`. At time t in
/// window k, with `elapsed = t − k·window`, the count over the last `window`
/// seconds is estimated as
/// `previous · (window − elapsed)/window + current`, assuming the previous
/// window's requests were spread evenly. A request of cost c passes if
/// `estimate + c ≤ limit`. Only admitted requests are counted. This is the
/// scheme Cloudflare described for its rate limiting (2017 blog post) [2nd:
/// the post, https://blog.cloudflare.com/counting-things-a-lot-of-different-things/,
/// was not in any corpus searched; verbatim quotations of its formula agree].
///
/// - Complexity: O(1) per call.
package struct SlidingWindowLimiter: Sendable, Equatable {
    /// Most units admitted per window.
    package let limit: Double
    /// Window length in seconds.
    package let window: Double
    /// Index of the current fixed window.
    private var windowIndex: Double = 0
    /// Units admitted in the current fixed window.
    package private(set) var currentCount: Double = 0
    /// Units admitted in the previous fixed window.
    package private(set) var previousCount: Double = 0

    /// A limiter of `limit` units per `window` seconds.
    package init(limit: Double, window: Double) {
        self.limit = limit
        self.window = window
    }

    /// Checks the parameters, naming the first bad one.
    package func validate() throws(ServingModelError) {
        try ServingModelError.check(limit.isFinite && limit >= 1, "sliding_window.limit", limit, "a number >= 1")
        try ServingModelError.check(window.isFinite && window > 0, "sliding_window.window", window, "a duration > 0")
    }

    /// The estimated units in the `window` seconds up to `now`.
    package mutating func estimate(now: Double) -> Double {
        roll(now: now)
        return previousCount * weight(now: now) + currentCount
    }

    /// Admits `cost` units at `now` or says how long until they would pass
    /// (`.infinity` when `cost` exceeds `limit`).
    package mutating func acquire(_ cost: Double = 1, now: Double) -> RateLimitDecision {
        let used = estimate(now: now)
        if used + cost <= limit {
            currentCount += cost
            return .admit
        }
        guard cost <= limit else { return .reject(retryAfter: .infinity) }
        let windowEnd = (windowIndex + 1) * window
        // Within this window the estimate falls as the previous window's
        // weight shrinks: previous·(end − s)/window + current + cost ≤ limit.
        if currentCount + cost <= limit, previousCount > 0 {
            let s = windowEnd - (limit - cost - currentCount) * window / previousCount
            return .reject(retryAfter: max(s - now, 0))
        }
        // Otherwise wait into the next window, where `current` becomes the
        // previous count: current·(1 − e/window) + cost ≤ limit.
        let e = currentCount > 0 ? max(0, (1 - (limit - cost) / currentCount) * window) : 0
        return .reject(retryAfter: windowEnd + e - now)
    }

    /// Gives back `amount` units charged earlier (a reservation settled
    /// below its estimate): from the current window's count, and what it
    /// lacks from the previous window's (where an older charge sits).
    package mutating func refund(_ amount: Double, now: Double) {
        roll(now: now)
        let fromCurrent = min(amount, currentCount)
        currentCount -= fromCurrent
        previousCount = max(0, previousCount - (amount - fromCurrent))
    }

    private func weight(now: Double) -> Double {
        (window - (now - windowIndex * window)) / window
    }

    private mutating func roll(now: Double) {
        let index = (now / window).rounded(.down)
        guard index > windowIndex else { return }
        previousCount = index == windowIndex + 1 ? currentCount : 0
        currentCount = 0
        windowIndex = index
    }
}

import Foundation

/// A token bucket rate limiter with Envoy's semantics
/// (`envoy/type/v3/token_bucket.proto` [src],
/// https://www.envoyproxy.io/docs/envoy/latest/api-v3/type/v3/token_bucket.proto).
///
/// The bucket holds at most `max_tokens` tokens and starts full. In the
/// default *interval* mode `tokens_per_fill` tokens are added every
/// `fill_interval`, at `start + k·fill_interval` for k = 1, 2, …, as Envoy's
/// local rate limit filter does with its fill timer. In the *continuous* mode
/// tokens flow in at a constant rate (how Anthropic describes its limits,
/// https://docs.anthropic.com/en/api/rate-limits [2nd: quoted by third parties]); that mode is exactly equivalent to ``GCRA``.
///
/// ```swift
/// var bucket = TokenBucket(maxTokens: 3, tokensPerFill: 1, fillInterval: 1)
/// bucket.acquire(now: 0)     // .admit (3 times), then .reject(retryAfter: 1)
/// ```
///
/// - Complexity: O(1) per call.
package struct TokenBucket: Sendable, Equatable {
    /// How tokens come back.
    package enum Refill: Sendable, Equatable {
        /// Envoy: `tokensPerFill` tokens every `fillInterval` seconds.
        case interval(tokensPerFill: Double, fillInterval: Double)
        /// A constant flow of `tokensPerSecond`.
        case continuous(tokensPerSecond: Double)
    }

    /// Capacity and initial fill (Envoy `max_tokens`).
    package let maxTokens: Double
    /// How the bucket refills.
    package let refill: Refill
    /// Tokens in the bucket as of the last call.
    package private(set) var tokens: Double
    /// Interval mode: time of the last fill tick applied; continuous mode:
    /// time of the last update.
    private var lastUpdate: Double

    /// Envoy's bucket: `maxTokens` capacity, `tokensPerFill` (Envoy default
    /// 1) added every `fillInterval` seconds, full at time `start`.
    package init(maxTokens: Double, tokensPerFill: Double = 1, fillInterval: Double, start: Double = 0) {
        self.maxTokens = maxTokens
        self.refill = .interval(tokensPerFill: tokensPerFill, fillInterval: fillInterval)
        self.tokens = maxTokens
        self.lastUpdate = start
    }

    /// A continuously refilled bucket: `tokensPerSecond`, full at `start`.
    package init(maxTokens: Double, tokensPerSecond: Double, start: Double = 0) {
        self.maxTokens = maxTokens
        self.refill = .continuous(tokensPerSecond: tokensPerSecond)
        self.tokens = maxTokens
        self.lastUpdate = start
    }

    /// Checks the parameters, naming the first bad one.
    package func validate() throws(ServingModelError) {
        try ServingModelError.check(maxTokens.isFinite && maxTokens >= 1, "token_bucket.max_tokens", maxTokens, "a number >= 1")
        switch refill {
        case .interval(let perFill, let interval):
            try ServingModelError.check(perFill.isFinite && perFill > 0, "token_bucket.tokens_per_fill", perFill, "a number > 0")
            try ServingModelError.check(interval.isFinite && interval > 0, "token_bucket.fill_interval", interval, "a duration > 0")
        case .continuous(let rate):
            try ServingModelError.check(rate.isFinite && rate > 0, "token_bucket.rate", rate, "a rate > 0")
        }
    }

    /// Adds the tokens due by `now` (times must not go backwards).
    package mutating func update(now: Double) {
        switch refill {
        case .interval(let perFill, let interval):
            let ticks = ((now - lastUpdate) / interval).rounded(.down)
            guard ticks >= 1 else { return }
            tokens = min(maxTokens, tokens + ticks * perFill)
            lastUpdate += ticks * interval
        case .continuous(let rate):
            guard now > lastUpdate else { return }
            tokens = min(maxTokens, tokens + (now - lastUpdate) * rate)
            lastUpdate = now
        }
    }

    /// Takes `cost` tokens if the bucket holds them at `now`; otherwise
    /// rejects with the wait until it will, or `.infinity` when `cost`
    /// exceeds `maxTokens`. A rejection takes nothing.
    package mutating func acquire(_ cost: Double = 1, now: Double) -> RateLimitDecision {
        update(now: now)
        if tokens >= cost {
            tokens -= cost
            return .admit
        }
        guard cost <= maxTokens else { return .reject(retryAfter: .infinity) }
        let missing = cost - tokens
        switch refill {
        case .interval(let perFill, let interval):
            let fills = (missing / perFill).rounded(.up)
            return .reject(retryAfter: lastUpdate + fills * interval - now)
        case .continuous(let rate):
            return .reject(retryAfter: missing / rate)
        }
    }

    /// Gives back `amount` tokens taken earlier (a reservation settled
    /// below its estimate), up to `maxTokens`.
    package mutating func refund(_ amount: Double, now: Double) {
        update(now: now)
        tokens = min(maxTokens, tokens + amount)
    }
}

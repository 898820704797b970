/// One rate limiter of any algorithm.
enum Limiter: Sendable {
    case bucket(TokenBucket)
    case gcra(GCRA)
    case window(SlidingWindowLimiter)

    /// A limiter for `quota`: a per-minute quota is `burstSeconds` of its
    /// rate deep, a per-day quota a whole day's amount; the sliding window
    /// counts the quota's period.
    init(_ algorithm: GatewayConfiguration.RateLimit.Algorithm, quota: GatewayConfiguration.RateLimit.Quota,
         burstSeconds: Double) {
        let rate = quota.amount / quota.period
        let depth = max(1, quota.period > 60 ? quota.amount : rate * burstSeconds)
        switch algorithm {
        case .tokenBucket: self = .bucket(TokenBucket(maxTokens: depth, tokensPerSecond: rate))
        case .gcra: self = .gcra(GCRA(rate: rate, burst: depth))
        case .slidingWindow: self = .window(SlidingWindowLimiter(limit: quota.amount, window: quota.period))
        }
    }

    mutating func acquire(_ cost: Double, now: Double) -> RateLimitDecision {
        switch self {
        case .bucket(var b): let d = b.acquire(cost, now: now); self = .bucket(b); return d
        case .gcra(var g): let d = g.acquire(cost, now: now); self = .gcra(g); return d
        case .window(var w): let d = w.acquire(cost, now: now); self = .window(w); return d
        }
    }

    mutating func refund(_ amount: Double, now: Double) {
        switch self {
        case .bucket(var b): b.refund(amount, now: now); self = .bucket(b)
        case .gcra(var g): g.refund(amount, now: now); self = .gcra(g)
        case .window(var w): w.refund(amount, now: now); self = .window(w)
        }
    }
}

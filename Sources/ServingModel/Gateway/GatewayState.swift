import SimulationCore

/// One rate limiter of any algorithm.
enum Limiter: Sendable {
    case bucket(TokenBucket)
    case gcra(GCRA)
    case window(SlidingWindowLimiter)

    /// A limiter of `perMinute` units with a depth of `burstSeconds` of rate.
    init(_ algorithm: GatewayConfiguration.RateLimit.Algorithm, perMinute: Double, burstSeconds: Double) {
        let rate = perMinute / 60
        let depth = max(1, rate * burstSeconds)
        switch algorithm {
        case .tokenBucket: self = .bucket(TokenBucket(maxTokens: depth, tokensPerSecond: rate))
        case .gcra: self = .gcra(GCRA(rate: rate, burst: depth))
        case .slidingWindow: self = .window(SlidingWindowLimiter(limit: perMinute, window: 60))
        }
    }

    mutating func acquire(_ cost: Double, now: Double) -> RateLimitDecision {
        switch self {
        case .bucket(var b): let d = b.acquire(cost, now: now); self = .bucket(b); return d
        case .gcra(var g): let d = g.acquire(cost, now: now); self = .gcra(g); return d
        case .window(var w): let d = w.acquire(cost, now: now); self = .window(w); return d
        }
    }
}

/// Which balancer routes, without its settings (switched on per request).
enum BalancerKind: UInt8, Sendable {
    case none, roundRobin, random, weightedRoundRobin, leastConnections, leastRequest, consistentHash, prefixAffinity, dynamicWeights
}

/// The gateway's mutable state: limiters, balancer state, its view of
/// replica health, and the outlier detector.
struct GatewayState: Sendable {
    /// The balancer in use.
    let kind: BalancerKind
    /// Whether active health checks decide the gateway's view.
    let healthChecked: Bool
    /// The `max_requests` gate.
    let maxRequests: Int?
    /// Per rule: one (requests, tokens) limiter pair per scope instance.
    var limiters: [[(requests: Limiter?, tokens: Limiter?)]]
    var scopes: [GatewayConfiguration.RateLimit.Scope]
    var swrr: SmoothWeightedRoundRobin?
    var leastConn: LeastConnections?
    var p2c: PowerOfTwoChoices?
    var ring: ConsistentHashRing?
    var prefix: PrefixAffinityRouter?
    var dynamic: DynamicWeights?
    /// Smooth WRR current weights over the dynamic weights.
    var dynamicCurrent: [Double]
    /// Leading prefix blocks the last prefix-affinity choice had cached.
    var prefixMatch = 0
    /// The gateway's view of each replica (health checks).
    var healthy: [Bool]
    /// Consecutive probe results per replica (+ successes, − failures).
    var probeStreak: [Int]
    var outlier: OutlierDetector?
    var rng: RandomStream
    /// Requests inside the cluster (for `max_requests`).
    var inside = 0

    init(configuration g: GatewayConfiguration, tenants: Int, slots: Int, initialReady: Int, stream: RandomStream) {
        scopes = g.rateLimits.map(\.scope)
        limiters = g.rateLimits.map { rule in
            let n: Int
            switch rule.scope {
            case .global: n = 1
            case .tenant: n = tenants
            case .apiKey: n = g.apiKeys
            }
            let pair = (requests: rule.requestsPerMinute.map { Limiter(rule.algorithm, perMinute: $0, burstSeconds: rule.burstSeconds) },
                        tokens: rule.tokensPerMinute.map { Limiter(rule.algorithm, perMinute: $0, burstSeconds: rule.burstSeconds) })
            return Array(repeating: pair, count: n)
        }
        dynamicCurrent = Array(repeating: 0, count: slots)
        healthChecked = g.healthCheck != nil
        maxRequests = g.maxRequests
        switch g.balancer {
        case nil: kind = .none
        case .roundRobin?: kind = .roundRobin
        case .random?: kind = .random
        case .weightedRoundRobin?: kind = .weightedRoundRobin
        case .leastConnections?: kind = .leastConnections
        case .leastRequest?: kind = .leastRequest
        case .consistentHash?: kind = .consistentHash
        case .prefixAffinity?: kind = .prefixAffinity
        case .dynamicWeights?: kind = .dynamicWeights
        }
        switch g.balancer {
        case .weightedRoundRobin(let peers)?: swrr = SmoothWeightedRoundRobin(peers: peers)
        case .leastConnections(let peers)?: leastConn = LeastConnections(peers: peers)
        case .leastRequest(let w, let c, let bias)?: p2c = PowerOfTwoChoices(weights: w, choiceCount: c, activeRequestBias: bias)
        case .consistentHash?: ring = ConsistentHashRing(hosts: slots)
        case .prefixAffinity(let t, let a, let r)?:
            prefix = PrefixAffinityRouter(workers: slots, cacheThreshold: t, balanceAbsThreshold: a, balanceRelThreshold: r)
        case .dynamicWeights(let d)?: dynamic = d
        case .roundRobin?, .random?, nil: break
        }
        healthy = (0..<slots).map { $0 < initialReady }
        probeStreak = Array(repeating: 0, count: slots)
        outlier = g.outlierDetection
        rng = stream
    }
}

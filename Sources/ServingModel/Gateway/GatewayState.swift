import SimulationCore

/// An attempt's output-token reservation, settled when the attempt ends.
struct OutputHold: Sendable {
    var tenant: Int16
    var apiKey: Int32
    var reserved: Int32
}

/// Which balancer routes, without its settings (switched on per request).
enum BalancerKind: UInt8, Sendable {
    case none, roundRobin, random, weightedRoundRobin, leastConnections, leastRequest, consistentHash, prefixAffinity, dynamicWeights,
         endpointPicker, maglev
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
    /// Per rule, per scope instance: one limiter per quota.
    var limiters: [[[Limiter]]]
    var scopes: [GatewayConfiguration.RateLimit.Scope]
    /// Per rule: what each quota counts.
    let measures: [[GatewayConfiguration.RateLimit.Measure]]
    /// Whether a quota counts output tokens (reservations are settled).
    let settlesOutput: Bool
    /// Whether a quota counts input tokens (the prompt cache is tracked).
    let tracksPromptCache: Bool
    /// Output reservations of the attempts in flight, by request slot
    /// (`reserved` 0: none).
    var outputHolds: [OutputHold] = []
    /// Per request slot, the hosts its attempt's tries have been sent to,
    /// with the slot generation they belong to (kept only under the
    /// `previous_hosts` retry predicate).
    var triedHosts: [(generation: UInt32, hosts: [Int32])] = []
    /// Last use of each (prefix block, tenant) in the prompt cache.
    var promptCache: [Int: Double] = [:]
    /// Seconds a prompt-cache entry lives after its last use.
    let promptCacheTTL: Double
    /// Tenants (the prompt cache is per tenant).
    let tenantCount: Int
    var swrr: SmoothWeightedRoundRobin?
    var leastConn: LeastConnections?
    var p2c: PowerOfTwoChoices?
    var ring: ConsistentHashRing?
    var prefix: PrefixAffinityRouter?
    var dynamic: DynamicWeights?
    var epp: EndpointPicker?
    /// Maglev's table over the replicas last eligible, and its size.
    var maglev: MaglevTable?
    var maglevSize = 65_537
    /// Maglev's weight per replica slot (nil: equal).
    var maglevWeights: [Double]?
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
    /// The route retry breaker (`max_retries` or a retry budget).
    var retryBreaker: RetryBudget?
    /// The endpoint picker's last scrape: waiting requests and KV-cache use
    /// per replica.
    var eppQueue: [Int] = []
    var eppKVCache: [Double] = []
    /// HTTP/1.1 connection pools under `max_connections` and
    /// `max_pending_requests` (nil: not modelled).
    var pool: ConnectionPool?

    init(configuration g: GatewayConfiguration, tenants: Int, slots: Int, initialReady: Int, stream: RandomStream) {
        scopes = g.rateLimits.map(\.scope)
        limiters = g.rateLimits.map { rule in
            let n: Int
            switch rule.scope {
            case .global: n = 1
            case .tenant: n = tenants
            case .apiKey: n = g.apiKeys
            }
            let set = rule.quotas.map { Limiter(rule.algorithm, quota: $0, burstSeconds: rule.burstSeconds) }
            return Array(repeating: set, count: n)
        }
        measures = g.rateLimits.map { $0.quotas.map(\.measure) }
        promptCacheTTL = g.promptCacheTTL
        tenantCount = tenants
        settlesOutput = measures.contains { $0.contains(.outputTokens) }
        tracksPromptCache = measures.contains { $0.contains(.inputTokens) }
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
        case .endpointPicker?: kind = .endpointPicker
        case .maglev?: kind = .maglev
        }
        switch g.balancer {
        case .weightedRoundRobin(let peers)?: swrr = SmoothWeightedRoundRobin(peers: peers)
        case .leastConnections(let peers)?: leastConn = LeastConnections(peers: peers)
        case .leastRequest(let w, let c, let bias)?: p2c = PowerOfTwoChoices(weights: w, choiceCount: c, activeRequestBias: bias)
        case .consistentHash?: ring = ConsistentHashRing(hosts: slots)
        case .prefixAffinity(let t, let a, let r)?:
            prefix = PrefixAffinityRouter(workers: slots, cacheThreshold: t, balanceAbsThreshold: a, balanceRelThreshold: r)
        case .dynamicWeights(let d)?: dynamic = d
        case .endpointPicker(let e)?: epp = e
        case .maglev(let size, let weights)?:
            maglevSize = size
            maglevWeights = weights
        case .roundRobin?, .random?, nil: break
        }
        healthy = (0..<slots).map { $0 < initialReady }
        probeStreak = Array(repeating: 0, count: slots)
        outlier = g.outlierDetection
        retryBreaker = g.retry?.breaker
        if g.poolsConnections {
            pool = ConnectionPool(maxConnections: g.maxConnections ?? 1024, maxPendingRequests: g.maxPendingRequests ?? 1024, hosts: slots)
        }
        rng = stream
    }
}

extension GatewayState {
    /// Prompt tokens read from the prompt cache: the call's leading prefix
    /// blocks its tenant sent within the cache's TTL (512 tokens each).
    /// (`mutating` only to work on the state in place.)
    mutating func promptCacheRead(_ call: Call, now: Double) -> Int32 {
        var blocks = 0
        for b in call.prefix {
            guard let last = promptCache[promptCacheKey(b, tenant: call.tenant)], now - last <= promptCacheTTL else { break }
            blocks += 1
        }
        return min(Int32(clamping: blocks * 512), call.prompt)
    }

    /// An admitted attempt's prefix blocks enter (or are refreshed in) the
    /// prompt cache.
    mutating func promptCacheWrite(_ call: Call, now: Double) {
        for b in call.prefix { promptCache[promptCacheKey(b, tenant: call.tenant)] = now }
    }

    private func promptCacheKey(_ block: Int, tenant: Int16) -> Int {
        block &* tenantCount &+ Int(tenant)
    }
}

extension GatewayConfiguration.RateLimit.Scope {
    /// Which of a rule's limiters a request of this tenant and key uses.
    func instance(tenant: Int16, apiKey: Int32) -> Int {
        switch self {
        case .global: return 0
        case .tenant: return Int(tenant)
        case .apiKey: return Int(apiKey)
        }
    }
}

extension GatewayState {
    /// The hosts the attempt of request `id` (slot generation `generation`)
    /// has tried: none when nothing was recorded for it.
    func hostsTried(by id: Int32, generation: UInt32) -> [Int32] {
        let i = Int(id)
        return i < triedHosts.count && triedHosts[i].generation == generation ? triedHosts[i].hosts : []
    }

    /// Records the hosts the attempt of request `id` has tried.
    mutating func setHostsTried(_ hosts: [Int32], for id: Int32, generation: UInt32) {
        let i = Int(id)
        if i >= triedHosts.count { triedHosts.append(contentsOf: repeatElement((generation: UInt32(0), hosts: [Int32]()), count: i - triedHosts.count + 1)) }
        triedHosts[i] = (generation, hosts)
    }

    /// Records request `rid`'s output reservation.
    mutating func setOutputHold(_ hold: OutputHold, for rid: Int32) {
        let i = Int(rid)
        if i >= outputHolds.count {
            outputHolds.append(contentsOf: repeatElement(OutputHold(tenant: 0, apiKey: 0, reserved: 0), count: i - outputHolds.count + 1))
        }
        outputHolds[i] = hold
    }
}

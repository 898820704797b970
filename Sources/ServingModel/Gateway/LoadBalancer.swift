import SimulationCore

/// The gateway's load balancer with its running state: one case per
/// `gateway.balancer`, each carrying its policy's state (docs/mechanisms.md#balancers).
///
/// Payloads are mutated in place with the `modifying` placeholder: the
/// payload is taken out, the enum set to `modifying`, and the payload
/// stored back, so no copy-on-write copy is made.
enum LoadBalancer: Sendable {
    /// No gateway: the dispatcher's plain round robin.
    case none
    case roundRobin
    case random
    case weightedRoundRobin(SmoothWeightedRoundRobin)
    case leastConnections(LeastConnections)
    case leastRequest(PowerOfTwoChoices)
    case consistentHash(ConsistentHashRing)
    /// SGLang's cache-aware router, and the leading prefix blocks its last
    /// choice had cached.
    case prefixAffinity(PrefixAffinityRouter)
    /// Dynamic weights under smooth WRR: the current weight per replica slot.
    case dynamicWeights(DynamicWeights, current: [Double])
    case endpointPicker(EndpointPicker)
    /// Maglev's table over the replicas last eligible (nil until the first
    /// pick), its size and the weight per replica slot (nil: equal).
    case maglev(MaglevTable?, size: Int, weights: [Double]?)
    /// Transient, while a payload is mutated.
    case modifying

    init(_ configured: GatewayConfiguration.Balancer?, slots: Int) {
        switch configured {
        case nil: self = .none
        case .roundRobin?: self = .roundRobin
        case .random?: self = .random
        case .weightedRoundRobin(let peers)?: self = .weightedRoundRobin(SmoothWeightedRoundRobin(peers: peers))
        case .leastConnections(let peers)?: self = .leastConnections(LeastConnections(peers: peers))
        case .leastRequest(let w, let c, let bias)?:
            self = .leastRequest(PowerOfTwoChoices(weights: w, choiceCount: c, activeRequestBias: bias))
        case .consistentHash?: self = .consistentHash(ConsistentHashRing(hosts: slots))
        case .prefixAffinity(let t, let a, let r)?:
            self = .prefixAffinity(PrefixAffinityRouter(workers: slots, cacheThreshold: t, balanceAbsThreshold: a, balanceRelThreshold: r))
        case .dynamicWeights(let d)?: self = .dynamicWeights(d, current: Array(repeating: 0, count: slots))
        case .endpointPicker(let e)?: self = .endpointPicker(e)
        case .maglev(let size, let weights)?: self = .maglev(nil, size: size, weights: weights)
        }
    }

    /// Whether a pick follows the attempt's call (its API key or prompt prefix).
    var readsCall: Bool {
        switch self {
        case .consistentHash, .maglev, .prefixAffinity, .endpointPicker: return true
        default: return false
        }
    }

    /// Whether a connect failure moves the pick on to another host (nginx's
    /// `proxy_next_upstream error` for its balancers).
    var triesNextOnConnectFailure: Bool {
        switch self {
        case .weightedRoundRobin, .leastConnections: return true
        default: return false
        }
    }

    /// Whether the balancer matches prompt prefixes (its pick may skip prefill).
    var matchesPrefixes: Bool {
        switch self {
        case .prefixAffinity, .endpointPicker: return true
        default: return false
        }
    }

    /// A request leaves replica `r` unserved (it drains): the connection
    /// count goes back down, nothing is judged.
    mutating func released(_ r: Int, now: Double) {
        switch self {
        case .weightedRoundRobin(var b): self = .modifying; b.finished(r, failed: false, now: now); self = .weightedRoundRobin(b)
        case .leastConnections(var b): self = .modifying; b.finished(r, failed: false, now: now); self = .leastConnections(b)
        case .leastRequest(var b): self = .modifying; b.finished(r); self = .leastRequest(b)
        default: break
        }
    }

    /// An attempt on replica `r` ended, `failed` (a 5xx, a timeout, a
    /// connection error) or not, after `latency` seconds.
    mutating func finished(_ r: Int, failed: Bool, latency: Double, now: Double) {
        switch self {
        case .weightedRoundRobin(var b): self = .modifying; b.finished(r, failed: failed, now: now); self = .weightedRoundRobin(b)
        case .leastConnections(var b): self = .modifying; b.finished(r, failed: failed, now: now); self = .leastConnections(b)
        case .leastRequest(var b): self = .modifying; b.finished(r); self = .leastRequest(b)
        case .dynamicWeights(var d, let current):
            self = .modifying
            d.record(r, latency: latency, failed: failed, now: now)
            self = .dynamicWeights(d, current: current)
        default: break
        }
    }
}

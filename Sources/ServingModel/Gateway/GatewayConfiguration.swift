/// What stands between the clients and the replicas (docs/mechanisms.md#gateway,
/// with each mechanism's primary source): rate limits answering 429
/// with `Retry-After`, a concurrency gate and priority shedding answering
/// 503, a load balancer, active health checks and passive outlier
/// ejection.
package struct GatewayConfiguration: Sendable {
    /// One rate limit: quotas of requests and tokens per minute or per day,
    /// per scope, as LLM APIs state them (OpenAI RPM, RPD, TPM, TPD;
    /// Anthropic RPM, ITPM, OTPM). Each quota has its own limiter; they are
    /// charged in order and the first exhausted answers 429, so a request
    /// refused by a later quota has spent the earlier ones.
    package struct RateLimit: Sendable, Equatable {
        /// What a quota counts.
        package enum Measure: Sendable, Equatable {
            /// Requests.
            case requests
            /// Prompt tokens plus the output reservation (the request's
            /// `max_tokens`, else its actual output), as OpenAI's TPM.
            case tokens
            /// Prompt tokens not read from the prompt cache (Anthropic ITPM).
            case inputTokens
            /// Output tokens: the `max_tokens` reservation at admission,
            /// settled to the tokens generated when the attempt ends
            /// (Anthropic OTPM).
            case outputTokens
        }
        /// One quota: `amount` of a measure per minute or per day.
        package struct Quota: Sendable, Equatable {
            /// What it counts.
            package var measure: Measure
            /// Seconds its amount refills over (60 or 86,400).
            package var period: Double
            /// Units per period.
            package var amount: Double
            /// The quotas a limit may state, by scenario key.
            package static let kinds: [(key: String, measure: Measure, period: Double)] = [
                ("requests_per_minute", .requests, 60), ("requests_per_day", .requests, 86_400),
                ("tokens_per_minute", .tokens, 60), ("tokens_per_day", .tokens, 86_400),
                ("input_tokens_per_minute", .inputTokens, 60), ("output_tokens_per_minute", .outputTokens, 60)]
            /// The scenario key that states it (`tokens_per_minute`, ...).
            package var key: String {
                Self.kinds.first { $0.measure == measure && $0.period == period }?.key ?? "quota"
            }

            /// A quota.
            package init(_ measure: Measure, amount: Double, period: Double = 60) {
                self.measure = measure
                self.amount = amount
                self.period = period
            }
        }
        /// The limiter algorithm.
        package enum Algorithm: String, Sendable, Equatable {
            /// Envoy/Anthropic-style token bucket, continuously refilled.
            case tokenBucket = "token_bucket"
            /// The generic cell rate algorithm (equivalent to a token bucket
            /// of the same depth).
            case gcra
            /// A sliding-window counter (previous window weighted by overlap).
            case slidingWindow = "sliding_window"
        }
        /// Who shares one limiter.
        package enum Scope: String, Sendable, Equatable {
            /// One limiter for all traffic (a scenario has one model, so a
            /// per-model limit is this).
            case global
            /// One per tenant (organisation).
            case tenant
            /// One per API key (see ``GatewayConfiguration/apiKeys``).
            case apiKey = "api_key"
        }
        /// The algorithm.
        package var algorithm: Algorithm
        /// The scope.
        package var scope: Scope
        /// The quotas, charged in this order.
        package var quotas: [Quota]
        /// Bucket depth of the per-minute quotas as seconds of their rate
        /// (token bucket and GCRA; OpenAI and Anthropic allow about a
        /// minute's worth; default 60 s). A per-day quota's depth is the
        /// whole day's amount.
        package var burstSeconds: Double

        /// A limit.
        package init(algorithm: Algorithm = .tokenBucket, scope: Scope = .global, quotas: [Quota], burstSeconds: Double = 60) {
            self.algorithm = algorithm
            self.scope = scope
            self.quotas = quotas
            self.burstSeconds = burstSeconds
        }

        /// A limit of requests and/or tokens per minute.
        package init(algorithm: Algorithm = .tokenBucket, scope: Scope = .global, requestsPerMinute: Double? = nil,
                    tokensPerMinute: Double? = nil, burstSeconds: Double = 60) {
            self.init(algorithm: algorithm, scope: scope,
                      quotas: [requestsPerMinute.map { Quota(.requests, amount: $0) },
                               tokensPerMinute.map { Quota(.tokens, amount: $0) }].compactMap { $0 },
                      burstSeconds: burstSeconds)
        }
    }

    /// Priority classes from the tenants' `priority` levels (higher first).
    package struct Priorities: Sendable, Equatable {
        /// Tenants at or above this level are critical: never shed, and the
        /// only ones allowed into the reserved capacity.
        package var criticalLevel: Int
        /// Share of the replicas' batch slots kept for critical traffic
        /// (field practice: 20% for VIP tenants; docs/mechanisms.md#field-figures).
        package var reserved: Double
        /// Non-critical arrivals are shed (503) while the gateway queue
        /// holds at least this many requests (nil: never shed by depth).
        package var shedQueueDepth: Int?

        /// Priority settings.
        package init(criticalLevel: Int, reserved: Double = 0, shedQueueDepth: Int? = nil) {
            self.criticalLevel = criticalLevel
            self.reserved = reserved
            self.shedQueueDepth = shedQueueDepth
        }
    }

    /// How the gateway picks a replica for a request it pushes. Without a
    /// balancer the replicas' `dispatch` decides (a shared gateway queue by
    /// default).
    package enum Balancer: Sendable, Equatable {
        /// Plain round robin over the replicas the gateway believes healthy.
        case roundRobin
        /// Uniform random choice.
        case random
        /// nginx smooth weighted round robin with `max_fails`,
        /// `fail_timeout` and backup servers, one peer per replica slot.
        case weightedRoundRobin([UpstreamPeer])
        /// nginx `least_conn`: least `conns/weight`, ties by smooth WRR.
        case leastConnections([UpstreamPeer])
        /// Envoy `least_request`: P2C over equal weights, otherwise WRR
        /// with `w/(active+1)^bias`.
        case leastRequest(weights: [Double], choiceCount: Int, activeRequestBias: Double)
        /// Ring hash on the request's API key (a session key).
        case consistentHash
        /// Maglev hashing on the request's API key, over the eligible
        /// replicas (the table is rebuilt when they change); with weights,
        /// one per replica slot, each owns slots in proportion.
        case maglev(tableSize: Int, weights: [Double]?)
        /// A Maglev table's size unless given (65,537, as ``MaglevTable``'s).
        package static let defaultMaglevTableSize = 65_537
        /// SGLang-style cache-aware routing on the trace's prefix block
        /// ids; a prefix a replica has already seen skips its prefill.
        case prefixAffinity(cacheThreshold: Double, balanceAbsThreshold: Int, balanceRelThreshold: Double)
        /// Smooth WRR over weights recomputed from observed error rate and
        /// latency (`(1 − err)·(1 − min(1, lat/target))·base`).
        case dynamicWeights(DynamicWeights)
        /// The Gateway API Inference Extension's endpoint picker: queue,
        /// KV-cache and prefix scorers, and a saturation detector.
        case endpointPicker(EndpointPicker)

        /// The scenario name of the balancer.
        package var name: String {
            switch self {
            case .roundRobin: return "round_robin"
            case .random: return "random"
            case .weightedRoundRobin: return "weighted_round_robin"
            case .leastConnections: return "least_connections"
            case .leastRequest: return "least_request"
            case .consistentHash: return "consistent_hash"
            case .maglev: return "maglev"
            case .prefixAffinity: return "prefix_affinity"
            case .dynamicWeights: return "dynamic_weights"
            case .endpointPicker: return "epp"
            }
        }

        /// Per-replica settings given, if the balancer has any.
        var peerCount: Int? {
            switch self {
            case .weightedRoundRobin(let p), .leastConnections(let p): return p.count
            case .leastRequest(let w, _, _): return w.count
            case .dynamicWeights(let d): return d.baseWeights.count
            case .maglev(_, let w?): return w.count
            default: return nil
            }
        }
    }

    /// Active health checks (Consul/Envoy style): each replica is probed
    /// every `interval`; a probe fails when the replica is down or cut off
    /// from the gateway; `unhealthyThreshold` failures in a row mark it
    /// unhealthy (no new requests), `healthyThreshold` successes bring it
    /// back. Without health checks the gateway knows every replica's state
    /// at once.
    package struct HealthCheck: Sendable, Equatable {
        /// Probe period (s; field practice: 10 s, docs/mechanisms.md#health-checks).
        package var interval: Double
        /// Consecutive failed probes that mark a replica unhealthy.
        package var unhealthyThreshold: Int
        /// Consecutive good probes that mark it healthy again.
        package var healthyThreshold: Int

        /// Health-check settings.
        package init(interval: Double = 10, unhealthyThreshold: Int = 3, healthyThreshold: Int = 2) {
            self.interval = interval
            self.unhealthyThreshold = unhealthyThreshold
            self.healthyThreshold = healthyThreshold
        }
    }

    /// Rate limits, all applied (the first to refuse answers 429).
    package var rateLimits: [RateLimit] = []
    /// How long a prompt prefix stays in the provider's prompt cache after
    /// its last use (Anthropic's default 5 minutes). Within it, a repeated
    /// prefix is a cache read and does not count toward an
    /// `input_tokens_per_minute` quota. Prefixes are known only in a
    /// Mooncake replay (its block ids, 512 tokens each), per tenant.
    package var promptCacheTTL: Double = 300
    /// API keys the traffic is spread over, uniformly per user request
    /// (for `api_key` limits and hashing).
    package var apiKeys = 1
    /// Envoy `max_requests`-style gate: most requests inside the cluster
    /// (queued or running); beyond it 503 `x-envoy-overloaded` (nil: none).
    package var maxRequests: Int?
    /// Envoy `max_connections` breaker over HTTP/1.1 connection pools (one
    /// request per connection): requests beyond it wait for a connection of
    /// their host (see ``maxPendingRequests``). Nil with
    /// `maxPendingRequests` nil: no pools are modelled; nil with it set:
    /// Envoy's default 1024.
    package var maxConnections: Int?
    /// Envoy `max_pending_requests` breaker: most requests waiting for a
    /// connection; beyond it 503 (`upstream_rq_pending_overflow`). Nil with
    /// `maxConnections` set: Envoy's default 1024.
    package var maxPendingRequests: Int?
    /// Whether the HTTP/1.1 connection pools are modelled.
    package var poolsConnections: Bool { maxConnections != nil || maxPendingRequests != nil }
    /// Priority classes and shedding.
    package var priorities: Priorities?
    /// Load balancer (nil: the replicas' dispatch).
    package var balancer: Balancer?
    /// Active health checks (nil: the gateway sees replica state at once).
    package var healthCheck: HealthCheck?
    /// Envoy consecutive-5xx outlier ejection template (hosts = replica slots).
    package var outlierDetection: OutlierDetector?
    /// Envoy route retries at the gateway (nil: none, Envoy's default).
    package var retry: GatewayRetryPolicy?
    /// The `Retry-After` (s) the service puts on its 503s: queue full or
    /// timed out, the gates, shedding, a full pending list, no healthy
    /// replica (nil: none). DeepSeek's error codes page asks callers of its
    /// 503 to "retry your request after a brief wait" and names no value.
    package var busyRetryAfter: Double?
    /// Envoy's route timeout (s): from an attempt's send, across its gateway
    /// retries, to the end of its streamed answer (nil: none; Envoy's own
    /// default is 15 s, and 0 disables it there).
    package var routeTimeout: Double?
    /// Envoy's HTTP fault filter (`envoy.filters.http.fault`, nil: none).
    package var fault: Fault?

    /// Envoy's fault-injection filter, first in the filter chain: each
    /// attempt entering the gateway is held `delay.fixed` seconds with
    /// probability `delay.share`, then answered locally with `abort.status`
    /// with probability `abort.share`. Both act before the rate limits and
    /// the router, so an abort reaches no replica and is not retried by
    /// the route, and the route timeout starts after the delay; the
    /// route's own retries do not pass the filter again.
    package struct Fault: Sendable, Equatable {
        /// The injected delay (`delay`).
        package var delay: Delay?
        /// The injected abort (`abort`).
        package var abort: Abort?

        /// Attempts held before the filter lets them go on.
        package struct Delay: Sendable, Equatable {
            /// How long each is held (s, `fixed_delay`).
            package var fixed: Double
            /// The share of attempts held (`percentage`, in [0, 1]).
            package var share: Double

            /// A delay.
            package init(fixed: Double, share: Double) {
                self.fixed = fixed
                self.share = share
            }
        }

        /// Attempts answered by the filter itself.
        package struct Abort: Sendable, Equatable {
            /// The status they get (`http_status`).
            package var status: Int
            /// The share of attempts aborted (`percentage`, in [0, 1]).
            package var share: Double

            /// An abort.
            package init(status: Int, share: Double) {
                self.status = status
                self.share = share
            }
        }

        /// A fault filter.
        package init(delay: Delay? = nil, abort: Abort? = nil) {
            self.delay = delay
            self.abort = abort
        }
    }

    /// A gateway that only forwards.
    package init() {}

    /// Checks every setting against the replica slots it serves.
    package func validate(replicaSlots: Int, sharedQueue: Bool, traceHasPrefixes: Bool) throws(ServingModelError) {
        for (i, l) in rateLimits.enumerated() {
            let key = "gateway.rate_limits[\(i)]"
            try ServingModelError.check(!l.quotas.isEmpty, key, "no limit",
                                        "at least one of " + RateLimit.Quota.kinds.map(\.key).joined(separator: ", "))
            for q in l.quotas {
                try ServingModelError.check(q.amount.isFinite && q.amount > 0, key + "." + q.key, q.amount, "a rate > 0")
                try ServingModelError.check(RateLimit.Quota.kinds.contains { $0.measure == q.measure && $0.period == q.period },
                                            key + "." + q.key, q.period, "a period of 60 s (any measure) or 86,400 s (requests, tokens)")
            }
            try ServingModelError.check(l.burstSeconds > 0, key + ".burst", l.burstSeconds, "a duration > 0")
        }
        try ServingModelError.check(promptCacheTTL.isFinite && promptCacheTTL > 0, "gateway.prompt_cache_ttl", promptCacheTTL,
                                    "a duration > 0")
        try ServingModelError.check(apiKeys >= 1, "gateway.api_keys", apiKeys, "an integer >= 1")
        try retry?.validate(at: "gateway.retry")
        if let m = maxRequests { try ServingModelError.check(m >= 1, "gateway.max_requests", m, "an integer >= 1") }
        if let t = routeTimeout { try ServingModelError.check(t > 0 && t.isFinite, "gateway.route_timeout", t, "a duration > 0") }
        if let f = fault {
            try ServingModelError.check(f.delay != nil || f.abort != nil, "gateway.fault", "neither", "a delay, an abort or both")
            if let d = f.delay {
                try ServingModelError.check(d.fixed > 0 && d.fixed.isFinite, "gateway.fault.delay.fixed_delay", d.fixed, "a duration > 0")
                try ServingModelError.check(d.share >= 0 && d.share <= 1, "gateway.fault.delay.percentage", d.share, "a share in [0%, 100%]")
            }
            if let a = f.abort {
                try ServingModelError.check((200..<600).contains(a.status), "gateway.fault.abort.http_status", a.status,
                                            "a status from 200 to 599")
                try ServingModelError.check(a.share >= 0 && a.share <= 1, "gateway.fault.abort.percentage", a.share, "a share in [0%, 100%]")
            }
        }
        if retry?.previousHosts == true {
            let envoyPick: Bool
            switch balancer {
            case nil, .roundRobin?, .random?, .leastRequest?: envoyPick = true
            default: envoyPick = false
            }
            try ServingModelError.check(envoyPick, "gateway.retry.previous_hosts", balancer?.name ?? "none",
                                        "gateway.balancer round_robin, random or least_request (Envoy balancers that pick a host again)")
            try ServingModelError.check(!sharedQueue, "gateway.retry.previous_hosts", "set",
                                        "replicas.dispatch: round_robin or a gateway.balancer (the predicate redoes the gateway's pick)")
        }
        if retry?.perTryTimeout != nil {
            try ServingModelError.check(!sharedQueue, "gateway.retry.per_try_timeout", "set",
                                        "replicas.dispatch: round_robin or a gateway.balancer (a try is timed from its hand-over to the replica the gateway picked)")
        }
        if let t = busyRetryAfter { try ServingModelError.check(t >= 0 && t.isFinite, "gateway.busy_retry_after", t, "a duration >= 0") }
        if let m = maxConnections { try ServingModelError.check(m >= 1, "gateway.max_connections", m, "an integer >= 1") }
        if let m = maxPendingRequests { try ServingModelError.check(m >= 0, "gateway.max_pending_requests", m, "an integer >= 0") }
        if poolsConnections {
            try ServingModelError.check(!sharedQueue, maxConnections != nil ? "gateway.max_connections" : "gateway.max_pending_requests",
                                        "set", "replicas.dispatch: round_robin (a connection pool belongs to the host the balancer picks)")
        }
        if let p = priorities {
            try ServingModelError.check(p.reserved >= 0 && p.reserved < 1, "gateway.priorities.reserved", p.reserved, "a fraction in [0, 1)")
            if let d = p.shedQueueDepth { try ServingModelError.check(d >= 0, "gateway.priorities.shed_queue_depth", d, "an integer >= 0") }
            try ServingModelError.check(sharedQueue && balancer == nil, "gateway.priorities", "set",
                                        "replicas.dispatch: shared_queue and no gateway.balancer (priorities order the gateway queue)")
        }
        if let b = balancer {
            let path = "gateway.balancer"
            if let n = b.peerCount {
                let list: String = { switch b { case .weightedRoundRobin, .leastConnections: return "servers" default: return "weights" } }()
                try ServingModelError.check(n == replicaSlots, path + "." + list, n,
                                            "one entry per replica (\(replicaSlots), the cluster's maximum)")
            }
            switch b {
            case .weightedRoundRobin(let peers), .leastConnections(let peers):
                // The nginx upstream names its keys from its own block.
                do throws(ServingModelError) { try SmoothWeightedRoundRobin(peers: peers).validate() } catch { throw error.rooted(from: "upstream", at: path) }
            case .leastRequest(let w, let c, let bias):
                try PowerOfTwoChoices(weights: w, choiceCount: c, activeRequestBias: bias).validate(at: path)
            case .dynamicWeights(let d): try d.validate(at: path)
            case .prefixAffinity(let threshold, let abs, let rel):
                try ServingModelError.check(traceHasPrefixes, path + ".policy", b.name, "a Mooncake trace replay (prefix block ids)")
                try PrefixAffinityRouter(workers: replicaSlots, cacheThreshold: threshold, balanceAbsThreshold: abs,
                                         balanceRelThreshold: rel).validate(at: path)
            case .endpointPicker(let e): try e.validate(at: path)
            case .maglev(let size, let weights):
                try MaglevTable(hosts: [], size: size).validate()
                for (i, w) in (weights ?? []).enumerated() {
                    try ServingModelError.check(w.isFinite && w > 0, "gateway.balancer.weights[\(i)]", w, "a weight > 0")
                }
            case .roundRobin, .random, .consistentHash: break
            }
        }
        if let h = healthCheck {
            try ServingModelError.check(h.interval > 0, "gateway.health_check.interval", h.interval, "a duration > 0")
            try ServingModelError.check(h.unhealthyThreshold >= 1, "gateway.health_check.unhealthy_threshold", h.unhealthyThreshold, "an integer >= 1")
            try ServingModelError.check(h.healthyThreshold >= 1, "gateway.health_check.healthy_threshold", h.healthyThreshold, "an integer >= 1")
        }
        if let o = outlierDetection {
            try o.validate(at: "gateway.outlier_detection")
            try ServingModelError.check(!sharedQueue || balancer != nil, "gateway.outlier_detection", "set",
                                        "replicas.dispatch: round_robin or a gateway.balancer (ejection removes a host from push routing)")
        }
    }
}

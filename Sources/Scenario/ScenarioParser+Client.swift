import ServingModel
import SimulationCore
import Yams

/// The `client:` and `gateway:` sections.
extension ScenarioParser {
    /// A duration given as a scalar (`5s`) or a distribution mapping.
    func parseTimeDistribution(_ node: Node, _ path: String) -> Distribution? {
        if case .scalar = node {
            return reader.value(node, path, "a duration such as 5s, or a distribution mapping", Units.duration).map { .deterministic($0) }
        }
        return parseDistribution(node, path, time: true)
    }

    /// `client:` — loop, concurrency, deadlines, retries, breaker, cache, fallback.
    func parseClient(_ f: Fields) -> ClientConfiguration {
        defer { f.finish() }
        var c = ClientConfiguration()
        let loop = f.value("loop", "open or closed") { ["open", "closed"].contains($0) ? $0 : nil } ?? "open"
        if loop == "closed" {
            let users = f.int("users", 1...10_000_000, required: true)
            let think = f.required("think", "a think time (a duration or a distribution)").flatMap { parseTimeDistribution($0, f.child("think")) }
            if let users, let think { c.loop = .closed(users: users, think: think) }
        } else {
            for key in ["users", "think"] where f.has(key) {
                reader.fail(f.node(key), f.child(key), "only for loop: closed (an open-loop client takes the workload's arrivals)")
            }
        }
        c.concurrencyLimit = f.int("concurrency", 1...Int.max)
        c.maxTokens = f.int("max_tokens", 1...10_000_000)
        c.perTryTimeout = f.duration("per_try_timeout", min: 0, allowEqual: false)
        c.overallTimeout = f.duration("timeout", min: 0, allowEqual: false)
        c.patience = f.node("patience").flatMap { parseTimeDistribution($0, f.child("patience")) }
        if let node = f.node("retry"), let r = reader.mapping(node, f.child("retry")) { c.retry = parseRetry(r) }
        if let node = f.node("retry_throttle"), let t = reader.mapping(node, f.child("retry_throttle")) {
            c.throttle = RetryThrottle(maxTokens: t.number("max_tokens", min: 1) ?? 10, tokenRatio: t.number("token_ratio", min: 0, allowEqual: false) ?? 0.1)
            t.finish()
        }
        if let node = f.node("retry_budget"), let b = reader.mapping(node, f.child("retry_budget")) {
            let pct = b.value("budget_percent", "a percentage such as 20%", Units.fraction).map { $0 * 100 } ?? 20
            c.budget = RetryBudget(budgetPercent: pct, minRetryConcurrency: b.int("min_retry_concurrency", 0...Int.max) ?? 3)
            b.finish()
        }
        c.hedgeDelay = f.duration("hedge_delay", min: 0, allowEqual: false)
        if let node = f.node("breaker"), let b = reader.mapping(node, f.child("breaker")) { c.breaker = parseBreaker(b) }
        if let node = f.node("cache"), let k = reader.mapping(node, f.child("cache")) {
            let capacity = k.int("capacity", 1...100_000_000, required: true)
            let ttl = k.duration("ttl", min: 0, allowEqual: false) ?? .infinity
            let keys = k.int("keys", 1...100_000_000, required: true)
            let zipf = k.number("zipf", min: 0) ?? 1
            let hit = k.duration("hit_latency") ?? 0.001
            k.finish()
            if let capacity, let keys {
                c.cache = .init(cache: ResponseCache(capacity: capacity, timeToLive: ttl), keys: ZipfKeys(count: keys, exponent: zipf), hitLatency: hit)
            }
        }
        if let node = f.node("fallback"), let b = reader.mapping(node, f.child("fallback")) {
            let kind = b.requiredValue("kind", "response or smaller_model") { ["response", "smaller_model"].contains($0) ? $0 : nil }
            if kind == "response" {
                c.fallback = .response(latency: b.duration("latency") ?? 0)
            } else if kind == "smaller_model" {
                let after = b.duration("after", required: true)
                let latency = b.required("latency", "the smaller model's latency (a duration or a distribution)")
                    .flatMap { parseTimeDistribution($0, b.child("latency")) }
                if let after, let latency { c.fallback = .smallerModel(after: after, latency: latency) }
            }
            b.finish()
        }
        c.cancelOnGiveUp = f.value("cancel_on_give_up", "false, true (= queued), queued or running") {
            ["false": .none, "true": .queued, "queued": .queued, "running": .running][$0]
        } ?? .none
        return c
    }

    /// `client.retry:` — a preset and/or explicit settings.
    func parseRetry(_ r: Fields) -> RetryPolicy {
        defer { r.finish() }
        let presets: [String: RetryPolicy] = [
            "none": .noRetries, "openai": .openAISDK, "anthropic": .anthropicSDK, "envoy": .envoyRoute5xx,
            "urllib3": RetryPolicy(maxAttempts: 11, backoff: .urllib3Default, retryableStatuses: [413, 429, 503], retryStatusesFrom: nil,
                                   honourShouldRetryHeader: false, retryAfter: .honour(cap: 21_600, giveUpAboveCap: false)),
            "grpc": RetryPolicy(maxAttempts: 5, backoff: .grpcExample, retryableStatuses: [503], retryStatusesFrom: nil,
                                honourShouldRetryHeader: false, retryAfter: .ignore),
        ]
        var p = r.value("preset", "one of " + presets.keys.sorted().joined(separator: ", ")) { presets[$0] } ?? RetryPolicy.noRetries
        if let n = r.int("max_attempts", 1...100) { p.maxAttempts = n }
        if let node = r.node("backoff"), let b = reader.mapping(node, r.child("backoff")) {
            let kinds = ["none", "exponential", "full_jitter", "equal_jitter", "decorrelated", "sdk", "grpc", "envoy", "urllib3"]
            let kind = b.requiredValue("kind", "one of " + kinds.joined(separator: ", ")) { kinds.contains($0) ? $0 : nil }
            let base = b.duration("base") ?? 1
            let cap = b.duration("cap") ?? 30
            let multiplier = b.number("multiplier", min: 1) ?? 2
            let jitter = b.duration("jitter") ?? 0
            b.finish()
            switch kind {
            case "none": p.backoff = .none
            case "exponential": p.backoff = .exponential(base: base, cap: cap)
            case "full_jitter": p.backoff = .fullJitter(base: base, cap: cap)
            case "equal_jitter": p.backoff = .equalJitter(base: base, cap: cap)
            case "decorrelated": p.backoff = .decorrelated(base: base, cap: cap)
            case "sdk": p.backoff = .stainlessSDK(initial: base, max: cap)
            case "grpc": p.backoff = .grpc(initialBackoff: base, multiplier: multiplier, maxBackoff: cap)
            case "envoy": p.backoff = .envoy(base: base, max: cap)
            case "urllib3": p.backoff = .urllib3(backoffFactor: base, backoffJitter: jitter, backoffMax: cap)
            default: break
            }
        }
        if let node = r.node("retry_on"), let list = reader.sequence(node, r.child("retry_on")) {
            var statuses = Set<Int>()
            for (i, n) in list.enumerated() {
                if let s = reader.value(n, r.child("retry_on") + "[\(i)]", "an HTTP status such as 429", { Int($0) }) { statuses.insert(s) }
            }
            p.retryableStatuses = statuses
            p.retryStatusesFrom = nil
        }
        if let from = r.int("retry_statuses_from", 100...599) { p.retryStatusesFrom = from }
        if let t = r.bool("retry_timeouts") { p.retryTimeoutsAndConnectionErrors = t }
        if let h = r.value("retry_after", "honour or ignore", { ["honour", "honor", "ignore"].contains($0) ? $0 : nil }) {
            if h == "ignore" {
                p.retryAfter = .ignore
            } else if case .honour = p.retryAfter {
            } else {
                p.retryAfter = .honour(cap: 120, giveUpAboveCap: true)
            }
        }
        if let cap = r.duration("max_retry_after", min: 0, allowEqual: false) {
            if case .honour(_, let giveUp) = p.retryAfter { p.retryAfter = .honour(cap: cap, giveUpAboveCap: giveUp) } else {
                reader.fail(r.node("max_retry_after"), r.child("max_retry_after"), "needs retry_after: honour")
            }
        }
        return p
    }

    /// `client.breaker:` — Hystrix or resilience4j, each with its defaults.
    func parseBreaker(_ b: Fields) -> CircuitBreaker? {
        defer { b.finish() }
        let kind = b.requiredValue("kind", "hystrix or resilience4j") { ["hystrix", "resilience4j"].contains($0) ? $0 : nil }
        if kind == "hystrix" {
            let d = HystrixCircuitBreaker()
            return .hystrix(HystrixCircuitBreaker(
                requestVolumeThreshold: b.int("request_volume_threshold", 1...Int.max) ?? d.requestVolumeThreshold,
                errorThresholdPercentage: b.value("error_threshold", "a percentage such as 50%", Units.fraction).map { Int(($0 * 100).rounded()) } ?? d.errorThresholdPercentage,
                sleepWindow: b.duration("sleep_window", min: 0, allowEqual: false) ?? d.sleepWindow,
                rollingWindow: b.duration("rolling_window", min: 0, allowEqual: false) ?? d.rollingWindow,
                numBuckets: b.int("buckets", 1...1000) ?? d.numBuckets))
        }
        guard kind == "resilience4j" else { return nil }
        let d = Resilience4jCircuitBreaker()
        let window = b.value("window", "count or time") { ["count": Resilience4jCircuitBreaker.WindowType.countBased, "time": .timeBased][$0] }
        return .resilience4j(Resilience4jCircuitBreaker(
            failureRateThreshold: b.value("failure_rate_threshold", "a percentage such as 50%", Units.fraction).map { $0 * 100 } ?? d.failureRateThreshold,
            slowCallRateThreshold: b.value("slow_call_rate_threshold", "a percentage such as 100%", Units.fraction).map { $0 * 100 } ?? d.slowCallRateThreshold,
            slowCallDurationThreshold: b.duration("slow_call_duration", min: 0, allowEqual: false) ?? d.slowCallDurationThreshold,
            windowType: window ?? d.windowType,
            slidingWindowSize: b.int("window_size", 1...Int.max) ?? d.slidingWindowSize,
            minimumNumberOfCalls: b.int("minimum_calls", 1...Int.max) ?? d.minimumNumberOfCalls,
            waitDurationInOpenState: b.duration("wait_in_open", min: 0, allowEqual: false) ?? d.waitDurationInOpenState,
            permittedNumberOfCallsInHalfOpenState: b.int("half_open_calls", 1...Int.max) ?? d.permittedNumberOfCallsInHalfOpenState))
    }

    /// An Envoy `enforcing_*` percentage, modelled as on (100%) or off (0%).
    func parseEnforcing(_ o: Fields, _ key: String, default on: Bool) -> Bool {
        guard let v = o.value(key, "0% or 100% (other enforcement percentages are not modelled)", Units.fraction) else { return on }
        if v != 0 && v != 1 {
            reader.fail(o.node(key), o.child(key), "expected 0% or 100% (other enforcement percentages are not modelled), got \(v * 100)%")
        }
        return v == 1
    }

    /// `gateway.retry:` — Envoy's route retry policy and its breaker.
    func parseGatewayRetry(_ r: Fields) -> GatewayRetryPolicy {
        defer { r.finish() }
        var p = GatewayRetryPolicy()
        p.numRetries = r.int("num_retries", 1...100) ?? p.numRetries
        typealias Condition = GatewayRetryPolicy.Condition
        let conditions = Condition.allCases.map(\.rawValue).joined(separator: ", ")
        if let node = r.node("retry_on"), let list = reader.sequence(node, r.child("retry_on")) {
            p.retryOn = Set(list.enumerated().compactMap { i, n in
                reader.value(n, r.child("retry_on") + "[\(i)]", "one of \(conditions)") { Condition(rawValue: $0) }
            })
        }
        if let node = r.node("retriable_status_codes"), let list = reader.sequence(node, r.child("retriable_status_codes")) {
            p.retriableStatusCodes = Set(list.enumerated().compactMap { i, n in
                reader.value(n, r.child("retriable_status_codes") + "[\(i)]", "an HTTP status such as 503") {
                    Int($0).flatMap { (100...599).contains($0) ? $0 : nil }
                }
            })
        }
        p.baseInterval = r.duration("base_interval", min: 0, allowEqual: false) ?? p.baseInterval
        p.maxInterval = r.duration("max_interval", min: 0, allowEqual: false) ?? 10 * p.baseInterval
        if let node = r.node("retry_budget"), let b = reader.mapping(node, r.child("retry_budget")) {
            if r.has("max_retries") { reader.fail(r.node("max_retries"), r.child("max_retries"), "give max_retries or retry_budget, not both") }
            let pct = b.value("budget_percent", "a percentage such as 20%", Units.fraction).map { $0 * 100 } ?? 20
            p.breaker = RetryBudget(budgetPercent: pct, minRetryConcurrency: b.int("min_retry_concurrency", 0...Int.max) ?? 3)
            b.finish()
        } else if let m = r.int("max_retries", 0...1_000_000) {
            p.breaker = RetryBudget(budgetPercent: 0, minRetryConcurrency: m)
        }
        return p
    }

    /// `gateway:` — rate limits, gates, priorities, balancer, health.
    func parseGateway(_ f: Fields, slots: Int) -> GatewayConfiguration {
        defer { f.finish() }
        var g = GatewayConfiguration()
        g.apiKeys = f.int("api_keys", 1...10_000_000) ?? 1
        if let node = f.node("rate_limits"), let list = reader.sequence(node, f.child("rate_limits")) {
            for (i, n) in list.enumerated() {
                let path = f.child("rate_limits") + "[\(i)]"
                guard let l = reader.mapping(n, path) else { continue }
                let algorithm = l.value("algorithm", "token_bucket, gcra or sliding_window") { GatewayConfiguration.RateLimit.Algorithm(rawValue: $0) }
                let scope = l.value("scope", "global, tenant or api_key") { GatewayConfiguration.RateLimit.Scope(rawValue: $0) }
                typealias Quota = GatewayConfiguration.RateLimit.Quota
                let quotas: [Quota] = Quota.kinds.compactMap { key, measure, period in
                    let unit = period == 60 ? "minute" : "day"
                    return l.value(key, "a rate > 0 such as 3000 (per \(unit))") { Double($0).flatMap { $0 > 0 ? $0 : nil } }
                        .map { Quota(measure, amount: $0, period: period) }
                }
                let burst = l.duration("burst", min: 0, allowEqual: false) ?? 60
                l.finish()
                g.rateLimits.append(.init(algorithm: algorithm ?? .tokenBucket, scope: scope ?? .global, quotas: quotas, burstSeconds: burst))
            }
        }
        g.promptCacheTTL = f.duration("prompt_cache_ttl", min: 0, allowEqual: false) ?? g.promptCacheTTL
        if let node = f.node("retry"), let r = reader.mapping(node, f.child("retry")) { g.retry = parseGatewayRetry(r) }
        g.maxRequests = f.int("max_requests", 1...Int.max)
        if let node = f.node("priorities"), let p = reader.mapping(node, f.child("priorities")) {
            let level = p.int("critical_level", Int.min...Int.max, required: true)
            let reserved = p.value("reserved", "a fraction in [0%, 100%) such as 20%", Units.fraction) ?? 0
            let depth = p.int("shed_queue_depth", 0...Int.max)
            p.finish()
            if let level { g.priorities = .init(criticalLevel: level, reserved: reserved, shedQueueDepth: depth) }
        }
        if let node = f.node("balancer"), let b = reader.mapping(node, f.child("balancer")) { g.balancer = parseBalancer(b, slots: slots) }
        if let node = f.node("health_check"), let h = reader.mapping(node, f.child("health_check")) {
            g.healthCheck = .init(interval: h.duration("interval", min: 0, allowEqual: false) ?? 10,
                                  unhealthyThreshold: h.int("unhealthy_threshold", 1...1000) ?? 3,
                                  healthyThreshold: h.int("healthy_threshold", 1...1000) ?? 2)
            h.finish()
        }
        if let node = f.node("outlier_detection"), let o = reader.mapping(node, f.child("outlier_detection")) {
            g.outlierDetection = OutlierDetector(
                hosts: slots, consecutive5xx: o.int("consecutive_5xx", 1...Int.max) ?? 5,
                interval: o.duration("interval", min: 0, allowEqual: false) ?? 10,
                baseEjectionTime: o.duration("base_ejection_time", min: 0, allowEqual: false) ?? 30,
                maxEjectionTime: o.duration("max_ejection_time", min: 0, allowEqual: false) ?? 300,
                maxEjectionPercent: o.value("max_ejection_percent", "a percentage such as 10%", Units.fraction).map { $0 * 100 } ?? 10,
                alwaysEjectOneHost: o.bool("always_eject_one_host") ?? true)
            var s = OutlierDetector.SuccessRate()
            s.minimumHosts = o.int("success_rate_minimum_hosts", 1...100_000) ?? s.minimumHosts
            s.requestVolume = o.int("success_rate_request_volume", 1...Int.max) ?? s.requestVolume
            s.stdevFactor = o.int("success_rate_stdev_factor", 0...100_000).map { Double($0) / 1000 } ?? s.stdevFactor
            var fp = OutlierDetector.FailurePercentage()
            fp.threshold = o.value("failure_percentage_threshold", "a percentage such as 85%", Units.fraction).map { $0 * 100 } ?? fp.threshold
            fp.minimumHosts = o.int("failure_percentage_minimum_hosts", 1...100_000) ?? fp.minimumHosts
            fp.requestVolume = o.int("failure_percentage_request_volume", 1...Int.max) ?? fp.requestVolume
            g.outlierDetection?.successRate = parseEnforcing(o, "enforcing_success_rate", default: true) ? s : nil
            g.outlierDetection?.failurePercentage = parseEnforcing(o, "enforcing_failure_percentage", default: false) ? fp : nil
            o.finish()
        }
        return g
    }

    /// `gateway.balancer:`.
    func parseBalancer(_ b: Fields, slots: Int) -> GatewayConfiguration.Balancer? {
        defer { b.finish() }
        let policies = ["round_robin", "random", "weighted_round_robin", "least_connections", "least_request",
                        "consistent_hash", "maglev", "prefix_affinity", "dynamic_weights", "epp"]
        let policy = b.requiredValue("policy", "one of " + policies.joined(separator: ", ")) { policies.contains($0) ? $0 : nil }
        func weights() -> [Double]? {
            guard let node = b.node("weights"), let list = reader.sequence(node, b.child("weights")) else { return nil }
            return list.enumerated().compactMap { i, n in
                reader.value(n, b.child("weights") + "[\(i)]", "a weight > 0", { Double($0).flatMap { $0 > 0 ? $0 : nil } })
            }
        }
        switch policy {
        case "round_robin": return .roundRobin
        case "random": return .random
        case "consistent_hash": return .consistentHash
        case "maglev": return .maglev(tableSize: b.int("table_size", 2...10_000_019) ?? 65_537)
        case "weighted_round_robin", "least_connections":
            guard let node = b.required("servers", "one entry per replica: {weight, max_fails, fail_timeout, backup}"),
                  let list = reader.sequence(node, b.child("servers")) else { return nil }
            let peers = list.enumerated().compactMap { i, n -> UpstreamPeer? in
                guard let s = reader.mapping(n, b.child("servers") + "[\(i)]") else { return nil }
                defer { s.finish() }
                return UpstreamPeer(weight: s.int("weight", 1...1_000_000) ?? 1, maxFails: s.int("max_fails", 0...1_000_000) ?? 1,
                                    failTimeout: s.duration("fail_timeout", min: 0, allowEqual: false) ?? 10,
                                    maxConns: s.int("max_conns", 0...Int.max) ?? 0, isBackup: s.bool("backup") ?? false)
            }
            return policy == "least_connections" ? .leastConnections(peers) : .weightedRoundRobin(peers)
        case "least_request":
            guard let w = weights() else {
                _ = b.required("weights", "one weight per replica")
                return nil
            }
            return .leastRequest(weights: w, choiceCount: b.int("choice_count", 2...100) ?? 2,
                                 activeRequestBias: b.number("active_request_bias", min: 0) ?? 1)
        case "prefix_affinity":
            return .prefixAffinity(cacheThreshold: b.number("cache_threshold", min: 0) ?? 0.5,
                                   balanceAbsThreshold: b.int("balance_abs_threshold", 0...Int.max) ?? 32,
                                   balanceRelThreshold: b.number("balance_rel_threshold", min: 1) ?? 1.0001)
        case "epp":
            var e = EndpointPicker(workers: slots)
            e.queueWeight = b.number("queue_weight", min: 0) ?? e.queueWeight
            e.kvCacheWeight = b.number("kv_cache_weight", min: 0) ?? e.kvCacheWeight
            e.prefixWeight = b.number("prefix_weight", min: 0) ?? e.prefixWeight
            e.queueDepthThreshold = b.int("queue_depth_threshold", 0...Int.max) ?? e.queueDepthThreshold
            e.kvCacheThreshold = b.value("kv_cache_threshold", "a fraction such as 80%", Units.fraction) ?? e.kvCacheThreshold
            e.sheddableBelow = b.int("sheddable_below", Int.min...Int.max)
            return .endpointPicker(e)
        case "dynamic_weights":
            guard let w = weights() else {
                _ = b.required("weights", "one base weight per replica")
                return nil
            }
            guard let target = b.duration("target_latency", min: 0, allowEqual: false, required: true) else { return nil }
            return .dynamicWeights(DynamicWeights(baseWeights: w, targetLatency: target, window: b.duration("window", min: 0, allowEqual: false) ?? 10))
        default: return nil
        }
    }
}

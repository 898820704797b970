import ServingModel
import SimulationCore
import Yams

/// The `gateway:` section: limits, gates, priorities, balancers, retries, health.
extension ScenarioParser {
    /// An Envoy `enforcing_*` percentage, modelled as on (100%) or off (0%).
    func parseEnforcing(_ o: Fields, _ key: String, default on: Bool) -> Bool {
        guard let v = o.fraction(key) else { return on }
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
        p.maxInterval = r.duration("max_interval", min: 0, allowEqual: false) ?? GatewayRetryPolicy.defaultMaxInterval(base: p.baseInterval)
        p.perTryTimeout = r.duration("per_try_timeout", min: 0, allowEqual: false)
        p.previousHosts = r.bool("previous_hosts") ?? p.previousHosts
        p.hostSelectionRetryMaxAttempts = r.int("host_selection_retry_max_attempts", 0...100) ?? p.hostSelectionRetryMaxAttempts
        if let node = r.node("retry_budget"), let b = reader.mapping(node, r.child("retry_budget")) {
            if r.has("max_retries") { reader.fail(r.node("max_retries"), r.child("max_retries"), "give max_retries or retry_budget, not both") }
            p.breaker = parseRetryBudget(b)
        } else if let m = r.int("max_retries", 0...1_000_000) {
            p.breaker = RetryBudget(budgetPercent: 0, minRetryConcurrency: m)
        }
        return p
    }

    /// `gateway:` — rate limits, gates, priorities, balancer, health.
    func parseGateway(_ f: Fields, slots: Int) -> GatewayConfiguration {
        defer { f.finish() }
        var g = GatewayConfiguration()
        g.apiKeys = f.int("api_keys", 1...1_000_000) ?? g.apiKeys
        if let node = f.node("rate_limits"), let list = reader.sequence(node, f.child("rate_limits")) {
            for (i, n) in list.enumerated() {
                let path = f.child("rate_limits") + "[\(i)]"
                guard let l = reader.mapping(n, path) else { continue }
                let algorithm = l.value("algorithm", "token_bucket, gcra or sliding_window") { GatewayConfiguration.RateLimit.Algorithm(rawValue: $0) }
                let scope = l.value("scope", "global, tenant or api_key") { GatewayConfiguration.RateLimit.Scope(rawValue: $0) }
                typealias Quota = GatewayConfiguration.RateLimit.Quota
                let quotas: [Quota] = Quota.kinds.compactMap { key, measure, period in
                    return l.number(key, min: 0, allowEqual: false, max: 1e12).map { Quota(measure, amount: $0, period: period) }
                }
                let burst = l.duration("burst", min: 0, allowEqual: false)
                l.finish()
                var limit = GatewayConfiguration.RateLimit(quotas: quotas)
                if let algorithm { limit.algorithm = algorithm }
                if let scope { limit.scope = scope }
                if let burst { limit.burstSeconds = burst }
                g.rateLimits.append(limit)
            }
        }
        g.promptCacheTTL = f.duration("prompt_cache_ttl", min: 0, allowEqual: false) ?? g.promptCacheTTL
        if let node = f.node("retry"), let r = reader.mapping(node, f.child("retry")) { g.retry = parseGatewayRetry(r) }
        g.maxRequests = f.int("max_requests", 1...ServingLimits.maxCount)
        g.routeTimeout = f.duration("route_timeout", min: 0, allowEqual: false)
        if let node = f.node("fault"), let m = reader.mapping(node, f.child("fault")) {
            var fault = GatewayConfiguration.Fault()
            if let dn = m.node("delay"), let d = reader.mapping(dn, m.child("delay")) {
                let fixed = d.duration("fixed_delay", min: 0, allowEqual: false, required: true)
                let share = d.fraction("percentage", required: true)
                d.finish()
                if let fixed, let share { fault.delay = .init(fixed: fixed, share: share) }
            }
            if let an = m.node("abort"), let a = reader.mapping(an, m.child("abort")) {
                let status = a.int("http_status", 200...599, required: true)
                let share = a.fraction("percentage", required: true)
                a.finish()
                if let status, let share { fault.abort = .init(status: status, share: share) }
            }
            m.finish()
            if fault.delay == nil && fault.abort == nil { reader.fail(node, f.child("fault"), "expected a delay, an abort or both") }
            g.fault = fault
        }
        g.busyRetryAfter = f.duration("busy_retry_after")
        g.maxConnections = f.int("max_connections", 1...ServingLimits.maxCount)
        g.maxPendingRequests = f.int("max_pending_requests", 0...ServingLimits.maxCount)
        if let node = f.node("priorities"), let p = reader.mapping(node, f.child("priorities")) {
            let level = p.int("critical_level", -1_000_000...1_000_000, required: true)
            let reserved = p.fraction("reserved", Bounds(0, 1, maxOpen: true))
            let depth = p.int("shed_queue_depth", 0...ServingLimits.maxCount)
            p.finish()
            if let level {
                var priorities = GatewayConfiguration.Priorities(criticalLevel: level, shedQueueDepth: depth)
                if let reserved { priorities.reserved = reserved }
                g.priorities = priorities
            }
        }
        if let node = f.node("balancer"), let b = reader.mapping(node, f.child("balancer")) { g.balancer = parseBalancer(b, slots: slots) }
        if let node = f.node("health_check"), let h = reader.mapping(node, f.child("health_check")) {
            var check = GatewayConfiguration.HealthCheck()
            check.interval = h.interval("interval") ?? check.interval
            check.unhealthyThreshold = h.int("unhealthy_threshold", 1...1000) ?? check.unhealthyThreshold
            check.healthyThreshold = h.int("healthy_threshold", 1...1000) ?? check.healthyThreshold
            h.finish()
            g.healthCheck = check
        }
        if let node = f.node("outlier_detection"), let o = reader.mapping(node, f.child("outlier_detection")) {
            typealias D = OutlierDetector
            g.outlierDetection = OutlierDetector(
                hosts: slots, consecutive5xx: o.int("consecutive_5xx", 1...ServingLimits.maxCount) ?? D.defaultConsecutive5xx,
                interval: o.interval("interval") ?? D.defaultInterval,
                baseEjectionTime: o.duration("base_ejection_time", min: 0, allowEqual: false) ?? D.defaultBaseEjectionTime,
                maxEjectionTime: o.duration("max_ejection_time", min: 0, allowEqual: false) ?? D.defaultMaxEjectionTime,
                maxEjectionPercent: o.fraction("max_ejection_percent").map { $0 * 100 } ?? D.defaultMaxEjectionPercent,
                alwaysEjectOneHost: o.bool("always_eject_one_host") ?? D.defaultAlwaysEjectOneHost)
            var s = OutlierDetector.SuccessRate()
            s.minimumHosts = o.int("success_rate_minimum_hosts", 1...100_000) ?? s.minimumHosts
            s.requestVolume = o.int("success_rate_request_volume", 1...ServingLimits.maxCount) ?? s.requestVolume
            s.stdevFactor = o.int("success_rate_stdev_factor", 0...100_000).map { Double($0) / 1000 } ?? s.stdevFactor
            var fp = OutlierDetector.FailurePercentage()
            fp.threshold = o.fraction("failure_percentage_threshold").map { $0 * 100 } ?? fp.threshold
            fp.minimumHosts = o.int("failure_percentage_minimum_hosts", 1...100_000) ?? fp.minimumHosts
            fp.requestVolume = o.int("failure_percentage_request_volume", 1...ServingLimits.maxCount) ?? fp.requestVolume
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
                reader.quantity(n, b.child("weights") + "[\(i)]", .number, Bounds(0, open: true, 1e9))
            }
        }
        switch policy {
        case "round_robin": return .roundRobin
        case "random": return .random
        case "consistent_hash": return .consistentHash
        case "maglev":
            let size = b.int("table_size", 2...10_000_019) ?? GatewayConfiguration.Balancer.defaultMaglevTableSize
            guard b.node("weights") != nil else { return .maglev(tableSize: size, weights: nil) }
            guard let w = weights() else { return nil }
            return .maglev(tableSize: size, weights: w)
        case "weighted_round_robin", "least_connections":
            // Without `servers`, nginx's defaults for every replica slot.
            let defaults = Array(repeating: UpstreamPeer(), count: slots)
            guard let node = b.node("servers") else {
                return policy == "least_connections" ? .leastConnections(defaults) : .weightedRoundRobin(defaults)
            }
            guard let list = reader.sequence(node, b.child("servers")) else { return nil }
            let peers = list.enumerated().compactMap { i, n -> UpstreamPeer? in
                guard let s = reader.mapping(n, b.child("servers") + "[\(i)]") else { return nil }
                defer { s.finish() }
                let d = UpstreamPeer()
                return UpstreamPeer(weight: s.int("weight", 1...1_000_000) ?? d.weight, maxFails: s.int("max_fails", 0...1_000_000) ?? d.maxFails,
                                    failTimeout: s.duration("fail_timeout", min: 0, allowEqual: false) ?? d.failTimeout,
                                    maxConns: s.int("max_conns", 0...ServingLimits.maxCount) ?? d.maxConns, isBackup: s.bool("backup") ?? d.isBackup)
            }
            return policy == "least_connections" ? .leastConnections(peers) : .weightedRoundRobin(peers)
        case "least_request":
            // Without `weights`, equal weights: Envoy's power of two choices.
            let w = b.node("weights") == nil ? Array(repeating: 1.0, count: slots) : weights()
            guard let w else { return nil }
            return .leastRequest(weights: w, choiceCount: b.int("choice_count", 2...100) ?? PowerOfTwoChoices.defaultChoiceCount,
                                 activeRequestBias: b.number("active_request_bias", min: 0, max: 100) ?? PowerOfTwoChoices.defaultActiveRequestBias)
        case "prefix_affinity":
            typealias R = PrefixAffinityRouter
            return .prefixAffinity(cacheThreshold: b.number("cache_threshold", min: 0, max: 1) ?? R.defaultCacheThreshold,
                                   balanceAbsThreshold: b.int("balance_abs_threshold", 0...ServingLimits.maxCount) ?? R.defaultBalanceAbsThreshold,
                                   balanceRelThreshold: b.number("balance_rel_threshold", min: 1, max: 1e9) ?? R.defaultBalanceRelThreshold)
        case "epp":
            var e = EndpointPicker(workers: slots)
            e.queueWeight = b.number("queue_weight", min: 0, max: 1e6) ?? e.queueWeight
            e.kvCacheWeight = b.number("kv_cache_weight", min: 0, max: 1e6) ?? e.kvCacheWeight
            e.prefixWeight = b.number("prefix_weight", min: 0, max: 1e6) ?? e.prefixWeight
            e.queueDepthThreshold = b.int("queue_depth_threshold", 0...ServingLimits.maxCount) ?? e.queueDepthThreshold
            e.kvCacheThreshold = b.fraction("kv_cache_threshold") ?? e.kvCacheThreshold
            e.sheddableBelow = b.int("sheddable_below", -1_000_000...1_000_000)
            if let m = b.duration("metrics_interval") {
                // 0 reads fresh metrics; a scrape period is at least 1 ms.
                if m > 0 && m < ServingLimits.minInterval {
                    reader.fail(b.node("metrics_interval"), b.child("metrics_interval"), "expected 0 (fresh reads) or a duration >= 1ms, got \(NodeReaderText.duration(m))")
                } else {
                    e.metricsInterval = m
                }
            }
            return .endpointPicker(e)
        case "dynamic_weights":
            guard let w = weights() else {
                _ = b.required("weights", "one base weight per replica")
                return nil
            }
            guard let target = b.duration("target_latency", min: 0, allowEqual: false, required: true) else { return nil }
            return .dynamicWeights(DynamicWeights(baseWeights: w, targetLatency: target, window: b.interval("window") ?? DynamicWeights.defaultWindow))
        default: return nil
        }
    }
}

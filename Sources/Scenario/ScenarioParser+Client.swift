import ServingModel
import SimulationCore
import Yams

/// The `client:` section.
extension ScenarioParser {
    /// A duration given as a scalar (`5s`) or a distribution mapping.
    func parseTimeDistribution(_ node: Node, _ path: String) -> Distribution? {
        if case .scalar = node {
            return reader.quantity(node, path, .duration, Bounds(0, ServingLimits.maxDuration)).map { .deterministic($0) }
        }
        return parseDistribution(node, path, time: true)
    }

    /// `client:` — loop, concurrency, deadlines, retries, breaker, cache, fallback.
    func parseClient(_ f: Fields) -> ClientConfiguration {
        defer { f.finish() }
        var c = ClientConfiguration()
        // Without `loop`, the model's default (open).
        let loop = f.value("loop", "open or closed") { ["open", "closed"].contains($0) ? $0 : nil }
        if loop == "closed" {
            let users = f.int("users", 1...1_000_000, required: true)
            let thinkNode = f.required("think", "a think time (a duration or a distribution)")
            var think = thinkNode.flatMap { parseTimeDistribution($0, f.child("think")) }
            if let t = think, !(t.mean >= ServingLimits.minInterval) {
                // A user refused at once (429, 413, an open breaker) would
                // send again at the same instant, forever.
                reader.fail(thinkNode, f.child("think"), "expected a mean think time >= 1ms, got \(NodeReaderText.duration(t.mean))")
                think = nil
            }
            if let users, let think { c.loop = .closed(users: users, think: think) }
        } else {
            for key in ["users", "think"] where f.has(key) {
                reader.fail(f.node(key), f.child(key), "only for loop: closed (an open-loop client takes the workload's arrivals)")
            }
        }
        c.concurrencyLimit = f.int("concurrency", 1...ServingLimits.maxCount)
        c.maxTokens = f.int("max_tokens", 1...10_000_000)
        c.perTryTimeout = f.duration("per_try_timeout", min: 0, allowEqual: false)
        c.overallTimeout = f.duration("timeout", min: 0, allowEqual: false)
        c.patience = f.node("patience").flatMap { parseTimeDistribution($0, f.child("patience")) }
        if let node = f.node("retry"), let r = reader.mapping(node, f.child("retry")) { c.retry = parseRetry(r) }
        if let node = f.node("retry_throttle"), let t = reader.mapping(node, f.child("retry_throttle")) {
            c.throttle = RetryThrottle(maxTokens: t.number("max_tokens", min: 1, max: 1000) ?? RetryThrottle.defaultMaxTokens,
                                       tokenRatio: t.number("token_ratio", min: 0, allowEqual: false, max: 1e9) ?? RetryThrottle.defaultTokenRatio)
            t.finish()
        }
        if let node = f.node("retry_budget"), let b = reader.mapping(node, f.child("retry_budget")) { c.budget = parseRetryBudget(b) }
        c.hedgeDelay = f.interval("hedge_delay")  // a timer that re-arms itself: at least 1 ms (make fuzz found 1e-7 s hang)
        if let node = f.node("breaker"), let b = reader.mapping(node, f.child("breaker")) { c.breaker = parseBreaker(b) }
        if let node = f.node("cache"), let k = reader.mapping(node, f.child("cache")) {
            let capacity = k.int("capacity", 1...10_000_000, required: true)
            let ttl = k.duration("ttl", min: 0, allowEqual: false) ?? ResponseCache.defaultTimeToLive
            let keys = k.int("keys", 1...10_000_000, required: true)
            let zipf = k.number("zipf", min: 0, max: 100) ?? ZipfKeys.defaultExponent
            let hit = k.duration("hit_latency") ?? ClientConfiguration.Cache.defaultHitLatency
            k.finish()
            if let capacity, let keys {
                c.cache = .init(cache: ResponseCache(capacity: capacity, timeToLive: ttl), keys: ZipfKeys(count: keys, exponent: zipf), hitLatency: hit)
            }
        }
        if let node = f.node("fallback"), let b = reader.mapping(node, f.child("fallback")) {
            let kind = b.requiredValue("kind", "response or smaller_model") { ["response", "smaller_model"].contains($0) ? $0 : nil }
            if kind == "response" {
                c.fallback = .response(latency: b.duration("latency") ?? ClientConfiguration.Fallback.defaultResponseLatency)
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
        } ?? c.cancelOnGiveUp
        return c
    }

    /// A retry budget (`client.retry_budget`, `gateway.retry.retry_budget`),
    /// Envoy's defaults for what it leaves out.
    func parseRetryBudget(_ b: Fields) -> RetryBudget {
        defer { b.finish() }
        return RetryBudget(budgetPercent: b.fraction("budget_percent").map { $0 * 100 } ?? RetryBudget.defaultBudgetPercent,
                           minRetryConcurrency: b.int("min_retry_concurrency", 0...ServingLimits.maxCount) ?? RetryBudget.defaultMinRetryConcurrency)
    }

    /// `client.retry:` — a preset and/or explicit settings.
    func parseRetry(_ r: Fields) -> RetryPolicy {
        defer { r.finish() }
        let presets: [String: RetryPolicy] = [
            "none": .noRetries, "openai": .openAISDK, "anthropic": .anthropicSDK, "envoy": .envoyRoute5xx, "urllib3": .urllib3,
            "grpc": .grpcExample,
        ]
        var p = r.value("preset", "one of " + presets.keys.sorted().joined(separator: ", ")) { presets[$0] } ?? RetryPolicy.noRetries
        if let n = r.int("max_attempts", 1...100) { p.maxAttempts = n }
        if let node = r.node("backoff"), let b = reader.mapping(node, r.child("backoff")) {
            let kinds = ["none", "exponential", "full_jitter", "equal_jitter", "decorrelated", "sdk", "grpc", "envoy", "urllib3"]
            let kind = b.requiredValue("kind", "one of " + kinds.joined(separator: ", ")) { kinds.contains($0) ? $0 : nil }
            let base = b.duration("base") ?? Backoff.defaultBase
            let cap = b.duration("cap") ?? Backoff.defaultCap
            let multiplier = b.number("multiplier", min: 1, max: 1000) ?? Backoff.defaultMultiplier
            let jitter = b.duration("jitter") ?? Backoff.defaultJitter
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
                if let s = reader.int(n, r.child("retry_on") + "[\(i)]", 100...599, "an HTTP status") { statuses.insert(s) }
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
                p.retryAfter = RetryPolicy.defaultRetryAfter
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
                requestVolumeThreshold: b.int("request_volume_threshold", 1...ServingLimits.maxCount) ?? d.requestVolumeThreshold,
                // Within 0%...100% before the conversion to Hystrix's integer percent.
                errorThresholdPercentage: b.fraction("error_threshold").map { Int(($0 * 100).rounded()) } ?? d.errorThresholdPercentage,
                sleepWindow: b.duration("sleep_window", min: 0, allowEqual: false) ?? d.sleepWindow,
                rollingWindow: b.interval("rolling_window") ?? d.rollingWindow,
                numBuckets: b.int("buckets", 1...1000) ?? d.numBuckets))
        }
        guard kind == "resilience4j" else { return nil }
        let d = Resilience4jCircuitBreaker()
        let window = b.value("window", "count or time") { ["count": Resilience4jCircuitBreaker.WindowType.countBased, "time": .timeBased][$0] }
        return .resilience4j(Resilience4jCircuitBreaker(
            failureRateThreshold: b.fraction("failure_rate_threshold", .positiveUnit).map { $0 * 100 } ?? d.failureRateThreshold,
            slowCallRateThreshold: b.fraction("slow_call_rate_threshold", .positiveUnit).map { $0 * 100 } ?? d.slowCallRateThreshold,
            slowCallDurationThreshold: b.duration("slow_call_duration", min: 0, allowEqual: false) ?? d.slowCallDurationThreshold,
            windowType: window ?? d.windowType,
            slidingWindowSize: b.int("window_size", 1...1_000_000) ?? d.slidingWindowSize,
            minimumNumberOfCalls: b.int("minimum_calls", 1...ServingLimits.maxCount) ?? d.minimumNumberOfCalls,
            waitDurationInOpenState: b.duration("wait_in_open", min: 0, allowEqual: false) ?? d.waitDurationInOpenState,
            permittedNumberOfCallsInHalfOpenState: b.int("half_open_calls", 1...ServingLimits.maxCount) ?? d.permittedNumberOfCallsInHalfOpenState))
    }
}

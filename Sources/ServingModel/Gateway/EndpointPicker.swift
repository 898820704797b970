import SimulationCore

/// The Gateway API Inference Extension's endpoint picker (EPP) with its
/// default scheduling profile (kubernetes-sigs/gateway-api-inference-extension [src]: `config/charts/epplib`
/// `_config.yaml`, `saturationdetector/utilization/config.go`). Each
/// candidate replica is scored
///
///     2 · (maxQ − q)/(maxQ − minQ)   queue-scorer (1 when all queues are equal)
///   + 2 · (1 − kv)                   kv-cache-utilization-scorer
///   + 3 · matched/total blocks       prefix-cache-scorer
///
/// over the candidates' waiting queues `q` and KV-cache use `kv`, and the
/// highest score wins (ties at random). The prefix scorer reads a
/// ``PrefixIndex`` of what was routed where, on a trace's block ids (no ids:
/// it scores 0). The saturation detector calls the pool saturated when no
/// replica has fewer than `queueDepthThreshold` (5) waiting and under
/// `kvCacheThreshold` (0.8) of its KV cache used; then requests of
/// sheddable tenants (priority below `sheddableBelow`) are refused with a
/// 429, as the EPP drops sheddable requests ("ImmediateResponse with 429
/// (Too Many Requests)", gateway-api-inference-extension
/// `docs/proposals/004-endpoint-picker-protocol/README.md` [src]). Both read
/// the replicas' metrics as last scraped, every `metricsInterval` (the
/// EPP's `--refreshMetricsInterval`, 50 ms by default [src:
/// `runserver.DefaultRefreshMetricsInterval`]; 0: read fresh at each pick),
/// so requests arriving between two scrapes see the same queues.
package struct EndpointPicker: Sendable, Equatable {
    /// Weight of the queue scorer (2).
    package var queueWeight = 2.0
    /// Weight of the KV-cache utilisation scorer (2).
    package var kvCacheWeight = 2.0
    /// Weight of the prefix-cache scorer (3).
    package var prefixWeight = 3.0
    /// Saturation: a replica with this many waiting has no room (5).
    package var queueDepthThreshold = 5
    /// Saturation: a replica with this share of KV cache used has no room (0.8).
    package var kvCacheThreshold = 0.8
    /// Tenants with a priority below this are sheddable (nil: none is).
    package var sheddableBelow: Int?
    /// Seconds between metric scrapes (0: fresh at each pick).
    package var metricsInterval = 0.05
    /// What was routed where.
    package private(set) var prefix: PrefixIndex

    /// A picker over `workers` replicas with the EPP's defaults.
    package init(workers: Int) {
        prefix = PrefixIndex(workers: workers)
    }

    /// Checks the settings, naming the first bad one by its scenario key
    /// below `path`, the balancer's mapping (`gateway.balancer`).
    package func validate(at path: String = "gateway.balancer") throws(ServingModelError) {
        for (key, w) in [("queue_weight", queueWeight), ("kv_cache_weight", kvCacheWeight), ("prefix_weight", prefixWeight)] {
            try ServingModelError.check(w.isFinite && w >= 0, path + "." + key, w, "a weight >= 0")
        }
        try ServingModelError.check(queueDepthThreshold >= 0, path + ".queue_depth_threshold", queueDepthThreshold, "an integer >= 0")
        try ServingModelError.check(kvCacheThreshold >= 0 && kvCacheThreshold <= 1, path + ".kv_cache_threshold",
                                    kvCacheThreshold, "a fraction in [0, 1]")
        try ServingModelError.check(metricsInterval.isFinite && metricsInterval >= 0, path + ".metrics_interval",
                                    metricsInterval, "a duration >= 0 (0: fresh at each pick)")
        try prefix.validate(path)
    }

    /// Whether no candidate has room.
    package func saturated(_ candidates: [Int], queue: [Int], kvCache: [Double]) -> Bool {
        !candidates.contains { queue[$0] < queueDepthThreshold && kvCache[$0] < kvCacheThreshold }
    }

    /// The best-scoring candidate for a prompt of block ids (recorded in the
    /// prefix index), with the blocks it had already seen.
    package mutating func pick(_ candidates: [Int], queue: [Int], kvCache: [Double], prompt: [Int], now: Double,
                              _ rng: inout RandomStream) -> (replica: Int, matched: Int) {
        prefix.evict(now: now)
        let qs = candidates.map { queue[$0] }
        let minQ = qs.min() ?? 0, maxQ = qs.max() ?? 0
        var best: [Int] = [], bestScore = -Double.infinity, bestMatch = 0
        for r in candidates {
            let queueScore = maxQ == minQ ? 1 : Double(maxQ - queue[r]) / Double(maxQ - minQ)
            let matched = prompt.isEmpty ? 0 : prefix.matchLength(prompt, worker: r)
            let prefixScore = prompt.isEmpty ? 0 : Double(matched) / Double(prompt.count)
            let score = queueWeight * queueScore + kvCacheWeight * (1 - kvCache[r]) + prefixWeight * prefixScore
            if score > bestScore + 1e-12 {
                best = [r]
                bestScore = score
                bestMatch = matched
            } else if abs(score - bestScore) <= 1e-12 {
                best.append(r)
            }
        }
        let chosen = best.count == 1 ? best[0] : best[rng.nextInt(below: best.count)]
        if chosen != best[0] { bestMatch = prompt.isEmpty ? 0 : prefix.matchLength(prompt, worker: chosen) }
        prefix.record(prompt, worker: chosen, now: now)
        return (chosen, bestMatch)
    }
}

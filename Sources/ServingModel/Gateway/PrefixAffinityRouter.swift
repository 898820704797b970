/// Cache-aware routing for LLM replicas: send a request to the worker that
/// already holds the longest prefix of its prompt, unless the load is
/// unbalanced or the match is short, following SGLang's cache-aware router
/// (sgl-project/sglang `sgl-router`, now `sgl-model-gateway`,
/// `src/policies/cache_aware.rs` and `tree.rs` [src]).
///
/// Prompts are given as Mooncake-style block ids (`hash_ids`: one id per
/// 512-token block, where an id stands for the whole prefix up to and
/// including its block). A worker's match length is the number of leading
/// blocks of the request it has seen. The decision at each request:
/// 1. If `max_load − min_load > balance_abs_threshold` (32) **and**
///    `max_load > balance_rel_threshold · min_load` (1.0001), route to the
///    least-loaded worker.
/// 2. Else, if the best match covers more than `cache_threshold` (0.5) of
///    the request's blocks, route to the best-matching worker (the least
///    loaded of those tied).
/// 3. Else route by `shortMatchFallback`: the least-loaded worker (the
///    default, as `sgl-model-gateway/src/policies/cache_aware.rs` does) or,
///    as the earlier `sgl-router/src/policies/cache_aware.rs` did
///    (`tree.get_smallest_tenant()`, "most available cache space" [src]),
///    the worker remembering the fewest blocks.
///
/// The chosen worker then records the request's blocks in a
/// ``PrefixIndex`` (what was routed, not what the engines cached; every
/// `eviction_interval`, 60 s, a worker over `max_tree_size` blocks forgets
/// its least recently used ones). Later versions default to
/// `cache_threshold` 0.3, `balance_abs_threshold` 64,
/// `balance_rel_threshold` 1.5, 120 s and 2^26 (`router_args.py` [src]); the
/// defaults here are the earlier router's (`launch_router.py` [src]).
/// Differs from the source: SGLang matches request characters and sizes
/// its trees in characters, not blocks, and among tied best matches takes
/// the first tenant of the matched node, not the least loaded.
///
/// - Complexity: O(blocks of the request × workers) per route.
package struct PrefixAffinityRouter: Sendable, Equatable {
    /// Where a request goes when no worker matches enough of it.
    package enum ShortMatchFallback: Sendable, Equatable {
        /// The worker with the least load.
        case leastLoaded
        /// The worker remembering the fewest blocks (SGLang).
        case smallestTree
    }

    /// Fraction of the request's blocks a match must exceed (`cache_threshold`, 0.5).
    package let cacheThreshold: Double
    /// Absolute load gap that counts as imbalance (`balance_abs_threshold`, 32).
    package let balanceAbsThreshold: Int
    /// Load ratio that counts as imbalance (`balance_rel_threshold`, 1.0001).
    package let balanceRelThreshold: Double
    /// Rule 3's choice.
    package let shortMatchFallback: ShortMatchFallback
    /// What was routed where (`eviction_interval` 60 s, `max_tree_size` 2^24).
    package private(set) var index: PrefixIndex

    /// SGLang's `cache_threshold` (0.5).
    package static let defaultCacheThreshold = 0.5
    /// SGLang's `balance_abs_threshold` (32).
    package static let defaultBalanceAbsThreshold = 32
    /// SGLang's `balance_rel_threshold` (1.0001).
    package static let defaultBalanceRelThreshold = 1.0001

    /// A router over `workers` workers with SGLang's defaults.
    package init(workers: Int, cacheThreshold: Double = defaultCacheThreshold, balanceAbsThreshold: Int = defaultBalanceAbsThreshold,
                balanceRelThreshold: Double = defaultBalanceRelThreshold, evictionInterval: Double = 60, maxTreeSize: Int = 1 << 24,
                shortMatchFallback: ShortMatchFallback = .leastLoaded) {
        self.cacheThreshold = cacheThreshold
        self.balanceAbsThreshold = balanceAbsThreshold
        self.balanceRelThreshold = balanceRelThreshold
        self.shortMatchFallback = shortMatchFallback
        self.index = PrefixIndex(workers: workers, evictionInterval: evictionInterval, maxSize: maxTreeSize)
    }

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the balancer's mapping (`gateway.balancer`; the
    /// workers are the replica slots, the index's settings have no key).
    package func validate(at path: String = "gateway.balancer") throws(ServingModelError) {
        try index.validate(path)
        try ServingModelError.check(cacheThreshold >= 0 && cacheThreshold <= 1, path + ".cache_threshold", cacheThreshold, "a fraction in [0, 1]")
        try ServingModelError.check(balanceAbsThreshold >= 0, path + ".balance_abs_threshold", balanceAbsThreshold, "an integer >= 0")
        try ServingModelError.check(balanceRelThreshold.isFinite && balanceRelThreshold >= 1,
                                    path + ".balance_rel_threshold", balanceRelThreshold, "a number >= 1")
    }

    /// How many leading `prompt` blocks `worker` has seen.
    package func matchLength(_ prompt: [Int], worker: Int) -> Int {
        index.matchLength(prompt, worker: worker)
    }

    /// Chooses a worker for a prompt of block ids given each worker's
    /// current load (running plus queued requests), and records the blocks
    /// there.
    package mutating func route(_ prompt: [Int], loads: [Int], now: Double) -> Int {
        index.evict(now: now)
        let least = Self.leastLoaded(loads, among: Array(loads.indices))
        let maxLoad = loads.max() ?? 0
        let minLoad = loads[least]
        let imbalanced = maxLoad - minLoad > balanceAbsThreshold && Double(maxLoad) > balanceRelThreshold * Double(minLoad)
        var chosen = least
        if !imbalanced {
            let matches = index.blocks.indices.map { matchLength(prompt, worker: $0) }
            let best = matches.max() ?? 0
            if !prompt.isEmpty, Double(best) / Double(prompt.count) > cacheThreshold {
                chosen = Self.leastLoaded(loads, among: matches.indices.filter { matches[$0] == best })
            } else if shortMatchFallback == .smallestTree {
                chosen = index.blocks.indices.min { index.blocks[$0].count < index.blocks[$1].count } ?? least
            }
        }
        index.record(prompt, worker: chosen, now: now)
        return chosen
    }

    private static func leastLoaded(_ loads: [Int], among candidates: [Int]) -> Int {
        var best = candidates[0]
        for c in candidates where loads[c] < loads[best] { best = c }
        return best
    }
}

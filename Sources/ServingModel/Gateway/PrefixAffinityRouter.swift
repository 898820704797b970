/// Cache-aware routing for LLM replicas: send a request to the worker that
/// already holds the longest prefix of its prompt, unless the load is
/// unbalanced or the match is short, following SGLang's cache-aware router
/// (SEMANTICS.md §3 [2nd: sglang router docs/code copies]).
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
///    default, as SEMANTICS.md states) or, as SGLang does ("routes to
///    worker with most available cache space", router docs [2nd]), the
///    worker remembering the fewest blocks.
///
/// The chosen worker then records the request's blocks. Like SGLang's
/// approximate radix trees, the router tracks what it routed, not what the
/// engines actually cached; every `eviction_interval` (60 s) a worker over
/// `max_tree_size` blocks forgets its least recently used blocks down to
/// that size. Recent sgl-model-gateway releases default to
/// `cache_threshold` 0.3, `balance_abs_threshold` 64 and
/// `balance_rel_threshold` 1.5 [2nd]; the defaults here are SEMANTICS.md's.
///
/// - Complexity: O(blocks of the request × workers) per route.
public struct PrefixAffinityRouter: Sendable, Equatable {
    /// Where a request goes when no worker matches enough of it.
    public enum ShortMatchFallback: Sendable, Equatable {
        /// The worker with the least load.
        case leastLoaded
        /// The worker remembering the fewest blocks (SGLang).
        case smallestTree
    }

    /// Fraction of the request's blocks a match must exceed (`cache_threshold`, 0.5).
    public let cacheThreshold: Double
    /// Absolute load gap that counts as imbalance (`balance_abs_threshold`, 32).
    public let balanceAbsThreshold: Int
    /// Load ratio that counts as imbalance (`balance_rel_threshold`, 1.0001).
    public let balanceRelThreshold: Double
    /// Seconds between eviction sweeps (`eviction_interval`, 60 s).
    public let evictionInterval: Double
    /// Most blocks remembered per worker (`max_tree_size`, 2^24).
    public let maxTreeSize: Int
    /// Rule 3's choice.
    public let shortMatchFallback: ShortMatchFallback
    /// Per worker: block id → last time it was routed there.
    public private(set) var blocks: [[Int: Double]]
    private var nextEviction: Double

    /// A router over `workers` workers with SGLang's defaults.
    public init(workers: Int, cacheThreshold: Double = 0.5, balanceAbsThreshold: Int = 32,
                balanceRelThreshold: Double = 1.0001, evictionInterval: Double = 60, maxTreeSize: Int = 1 << 24,
                shortMatchFallback: ShortMatchFallback = .leastLoaded) {
        self.cacheThreshold = cacheThreshold
        self.balanceAbsThreshold = balanceAbsThreshold
        self.balanceRelThreshold = balanceRelThreshold
        self.evictionInterval = evictionInterval
        self.maxTreeSize = maxTreeSize
        self.shortMatchFallback = shortMatchFallback
        self.blocks = Array(repeating: [:], count: workers)
        self.nextEviction = evictionInterval
    }

    /// Checks the parameters, naming the first bad one.
    public func validate() throws(ServingModelError) {
        try ServingModelError.check(!blocks.isEmpty, "prefix_router.workers", blocks.count, "at least one worker")
        try ServingModelError.check(cacheThreshold >= 0 && cacheThreshold <= 1, "prefix_router.cache_threshold", cacheThreshold, "a fraction in [0, 1]")
        try ServingModelError.check(balanceAbsThreshold >= 0, "prefix_router.balance_abs_threshold", balanceAbsThreshold, "an integer >= 0")
        try ServingModelError.check(balanceRelThreshold.isFinite && balanceRelThreshold >= 1,
                                    "prefix_router.balance_rel_threshold", balanceRelThreshold, "a number >= 1")
        try ServingModelError.check(evictionInterval.isFinite && evictionInterval > 0, "prefix_router.eviction_interval", evictionInterval, "a duration > 0")
        try ServingModelError.check(maxTreeSize >= 1, "prefix_router.max_tree_size", maxTreeSize, "an integer >= 1")
    }

    /// How many leading `prompt` blocks `worker` has seen.
    public func matchLength(_ prompt: [Int], worker: Int) -> Int {
        var n = 0
        while n < prompt.count, blocks[worker][prompt[n]] != nil { n += 1 }
        return n
    }

    /// Chooses a worker for a prompt of block ids given each worker's
    /// current load (running plus queued requests), and records the blocks
    /// there.
    public mutating func route(_ prompt: [Int], loads: [Int], now: Double) -> Int {
        evict(now: now)
        let least = Self.leastLoaded(loads, among: Array(loads.indices))
        let maxLoad = loads.max() ?? 0
        let minLoad = loads[least]
        let imbalanced = maxLoad - minLoad > balanceAbsThreshold && Double(maxLoad) > balanceRelThreshold * Double(minLoad)
        var chosen = least
        if !imbalanced {
            let matches = blocks.indices.map { matchLength(prompt, worker: $0) }
            let best = matches.max() ?? 0
            if !prompt.isEmpty, Double(best) / Double(prompt.count) > cacheThreshold {
                chosen = Self.leastLoaded(loads, among: matches.indices.filter { matches[$0] == best })
            } else if shortMatchFallback == .smallestTree {
                chosen = blocks.indices.min { blocks[$0].count < blocks[$1].count } ?? least
            }
        }
        for b in prompt { blocks[chosen][b] = now }
        return chosen
    }

    private static func leastLoaded(_ loads: [Int], among candidates: [Int]) -> Int {
        var best = candidates[0]
        for c in candidates where loads[c] < loads[best] { best = c }
        return best
    }

    private mutating func evict(now: Double) {
        while now >= nextEviction {
            for w in blocks.indices where blocks[w].count > maxTreeSize {
                let keep = blocks[w].sorted { ($0.value, $0.key) > ($1.value, $1.key) }.prefix(maxTreeSize)
                blocks[w] = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
            nextEviction += evictionInterval
        }
    }
}

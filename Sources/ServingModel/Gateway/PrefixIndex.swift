/// A router's memory of which prompt prefixes it sent where: per worker,
/// the Mooncake-style block ids (`hash_ids`, one per 512-token block, each
/// standing for the whole prefix up to its block) routed there and when.
/// It tracks what was routed, not what the engines actually cached, like
/// SGLang's approximate radix trees and the EPP's prefix indexer. Every
/// `evictionInterval` a worker over `maxSize` blocks forgets its least
/// recently routed blocks down to that size.
package struct PrefixIndex: Sendable, Equatable {
    /// Seconds between eviction sweeps.
    package let evictionInterval: Double
    /// Most blocks remembered per worker.
    package let maxSize: Int
    /// Per worker: block id → last time it was routed there.
    package private(set) var blocks: [[Int: Double]]
    private var nextEviction: Double

    /// An empty index over `workers` workers.
    package init(workers: Int, evictionInterval: Double = 60, maxSize: Int = 1 << 24) {
        self.evictionInterval = evictionInterval
        self.maxSize = maxSize
        self.blocks = Array(repeating: [:], count: workers)
        self.nextEviction = evictionInterval
    }

    /// Checks the parameters, naming the first bad one under `key`.
    package func validate(_ key: String) throws(ServingModelError) {
        try ServingModelError.check(!blocks.isEmpty, key + ".workers", blocks.count, "at least one worker")
        try ServingModelError.check(evictionInterval.isFinite && evictionInterval > 0, key + ".eviction_interval", evictionInterval,
                                    "a duration > 0")
        try ServingModelError.check(maxSize >= 1, key + ".max_tree_size", maxSize, "an integer >= 1")
    }

    /// How many leading `prompt` blocks `worker` has seen.
    package func matchLength(_ prompt: [Int], worker: Int) -> Int {
        var n = 0
        while n < prompt.count, blocks[worker][prompt[n]] != nil { n += 1 }
        return n
    }

    /// Records that `prompt` went to `worker` at `now`.
    package mutating func record(_ prompt: [Int], worker: Int, now: Double) {
        for b in prompt { blocks[worker][b] = now }
    }

    /// Runs the eviction sweeps due by `now`.
    package mutating func evict(now: Double) {
        while now >= nextEviction {
            for w in blocks.indices where blocks[w].count > maxSize {
                let keep = blocks[w].sorted { ($0.value, $0.key) > ($1.value, $1.key) }.prefix(maxSize)
                blocks[w] = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
            }
            nextEviction += evictionInterval
        }
    }
}
